namespace Portal.Jobs.OpenStack;

/// <summary>Builds API URLs from an auth URL or a catalog endpoint, whether or not it carries the API version.</summary>
internal static class OpenStackUrls
{
    /// <summary>
    /// The Keystone v3 base (no trailing slash): <c>https://k:5000</c>, <c>https://k:5000/v3/</c> and
    /// <c>https://k/identity</c> become <c>https://k:5000/v3</c> and <c>https://k/identity/v3</c>; a v2.0 URL is moved to v3,
    /// and a pasted token URL (<c>…/v3/auth/tokens</c>) is cut back to its base.
    /// </summary>
    public static string KeystoneBase(Uri authUrl)
    {
        var root = Root(authUrl);
        // A pasted token URL (…/v3/auth/tokens) still names the right Keystone.
        if (root.EndsWith("/auth/tokens", StringComparison.OrdinalIgnoreCase))
            root = root[..^"/auth/tokens".Length];
        var last = LastSegment(root);
        if (last.Equals("v3", StringComparison.OrdinalIgnoreCase))
            return root;
        if (last.Equals("v2.0", StringComparison.OrdinalIgnoreCase))
            return root[..^last.Length] + "v3";
        return root + "/v3";
    }

    /// <summary>Nova's versioned base: catalogs usually list <c>…/v2.1</c> (sometimes with a project id after it); otherwise <c>/v2.1</c> is added.</summary>
    public static string ComputeBase(Uri endpoint)
    {
        var root = Root(endpoint);
        var path = new Uri(root + "/").AbsolutePath;
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment.Equals("v2", StringComparison.OrdinalIgnoreCase) || segment.StartsWith("v2.", StringComparison.OrdinalIgnoreCase))
                return root;
        }
        return root + "/v2.1";
    }

    /// <summary>Glance's unversioned root: a trailing <c>/v2</c> (or <c>/v2.x</c>) is removed.</summary>
    public static string ImageRoot(Uri endpoint) => StripVersion(Root(endpoint), static s =>
        s.Equals("v2", StringComparison.OrdinalIgnoreCase) || s.StartsWith("v2.", StringComparison.OrdinalIgnoreCase));

    /// <summary>Neutron's unversioned root: a trailing <c>/v2.0</c> is removed.</summary>
    public static string NetworkRoot(Uri endpoint) => StripVersion(Root(endpoint), static s =>
        s.Equals("v2.0", StringComparison.OrdinalIgnoreCase) || s.Equals("v2", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The query string of a pagination link (absolute, or relative to a service root), without the <c>?</c>;
    /// null when the link has none. Only the query is taken, so a link naming another host or scheme (a
    /// service behind a proxy that misreports its address) still pages through the catalog's endpoint.
    /// </summary>
    public static string? LinkQuery(string href)
    {
        var question = href.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
            return null;
        var query = href[(question + 1)..];
        var hash = query.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
            query = query[..hash];
        return query.Length == 0 ? null : query;
    }

    /// <summary>The value of <paramref name="name"/> in a query string, URL-decoded; null when absent.</summary>
    public static string? QueryValue(string query, string name)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            if (key == name)
                return equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return null;
    }

    /// <summary>Scheme, authority and path without query, fragment or trailing slash.</summary>
    private static string Root(Uri uri) => uri.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private static string LastSegment(string root)
    {
        var slash = root.LastIndexOf('/');
        var last = root[(slash + 1)..];
        // "https://host:5000" has no path segment: its last piece is the authority.
        return root[..(slash + 1)].EndsWith("//", StringComparison.Ordinal) ? string.Empty : last;
    }

    private static string StripVersion(string root, Func<string, bool> isVersion)
    {
        var last = LastSegment(root);
        return last.Length > 0 && isVersion(last) ? root[..^(last.Length + 1)] : root;
    }
}
