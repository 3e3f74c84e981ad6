using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Identity;

/// <summary>How directory groups and roles map to Portal roles (configuration section <c>Keycloak</c>).</summary>
public sealed record DirectoryMappingOptions
{
    public string TenantGroupPrefix { get; init; } = "/tenants/";
    public string PlatformAdminRole { get; init; } = "portal-platform-admin";
    public string PlatformViewerRole { get; init; } = "portal-platform-viewer";
}

/// <summary>A tenant role one or more directory groups ask for; the tenant may not exist.</summary>
public sealed record DirectoryTenantGrant(string TenantSlug, TenantRole Role, IReadOnlyList<string> Groups);

/// <summary>What a directory profile asks for, before it is checked against the tenants that exist.</summary>
public sealed record DirectoryAccess(PlatformRole PlatformRole, IReadOnlyList<DirectoryTenantGrant> Tenants, IReadOnlyList<string> IgnoredGroups);

/// <summary>
/// The mapping rules, free of any database: <c>{prefix}&lt;slug&gt;</c> grants the member role,
/// <c>{prefix}&lt;slug&gt;/admins</c> the tenant admin role and <c>{prefix}&lt;slug&gt;/viewers</c> the viewer role; the
/// highest role wins when several groups name one tenant. The platform admin role beats the viewer role. Groups outside
/// the prefix, and sub-groups other than <c>admins</c>/<c>viewers</c>, grant nothing.
/// </summary>
public static class DirectoryMapping
{
    public static DirectoryAccess Map(DirectoryProfile profile, DirectoryMappingOptions options)
    {
        var platform = profile.Roles.Contains(options.PlatformAdminRole, StringComparer.Ordinal) ? PlatformRole.Admin
            : profile.Roles.Contains(options.PlatformViewerRole, StringComparer.Ordinal) ? PlatformRole.Viewer
            : PlatformRole.None;

        var prefix = "/" + options.TenantGroupPrefix.Trim().Trim('/') + "/";
        var grants = new Dictionary<string, (TenantRole Role, List<string> Groups)>(StringComparer.Ordinal);
        var ignored = new List<string>();
        foreach (var group in profile.Groups.Distinct(StringComparer.Ordinal))
        {
            if (TryParse(group, prefix) is not { } parsed)
            {
                ignored.Add(group);
                continue;
            }
            if (grants.TryGetValue(parsed.Slug, out var existing))
            {
                existing.Groups.Add(group);
                grants[parsed.Slug] = (parsed.Role > existing.Role ? parsed.Role : existing.Role, existing.Groups);
            }
            else
            {
                grants[parsed.Slug] = (parsed.Role, [group]);
            }
        }

        return new DirectoryAccess(platform,
            grants.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new DirectoryTenantGrant(g.Key, g.Value.Role, g.Value.Groups)).ToList(),
            ignored);
    }

    private static (string Slug, TenantRole Role)? TryParse(string group, string prefix)
    {
        if (!group.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var parts = group[prefix.Length..].Split('/');
        // Slugs are lower-case in Portal; Keycloak group names are case-sensitive, so fold only the case.
        var slug = parts[0].Trim().ToLowerInvariant();
        if (!NameRules.Slug(slug).Succeeded) return null;
        return parts.Length switch
        {
            1 => (slug, TenantRole.Member),
            2 when parts[1] == "admins" => (slug, TenantRole.Admin),
            2 when parts[1] == "viewers" => (slug, TenantRole.Viewer),
            _ => null,
        };
    }
}
