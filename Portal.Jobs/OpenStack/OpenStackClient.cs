using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;

using Portal.Jobs.Http;

namespace Portal.Jobs.OpenStack;

/// <summary>
/// Plain-REST OpenStack client for one connection: Keystone v3 tokens and catalog, Nova flavors and limits,
/// Glance images, Neutron external networks. Thread-safe; the token is shared by concurrent calls and renewed
/// shortly before it expires (or once when a service answers 401). Secrets and tokens never appear in a
/// result, an exception or a log line.
/// </summary>
public sealed partial class OpenStackClient : IOpenStackClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly OpenStackConnection _connection;
    private readonly TimeProvider _clock;
    private readonly OpenStackClientOptions _options;
    private readonly ILogger _log;
    private readonly TlsTrust? _tls;
    private readonly RemoteError? _configurationError;
    private readonly string _keystoneBase = string.Empty;
    private readonly string[] _credentialSecrets;
    private readonly SemaphoreSlim _authLock = new(1, 1);
    private readonly Lock _tokensLock = new();
    private readonly List<string> _issuedTokens = [];
    private Session? _session;
    private int _authenticationCount;

    /// <summary>
    /// A client over <paramref name="http"/> (which the client does not dispose). Prefer
    /// <see cref="OpenStackClientFactory"/>, which also handles the demo cloud and CA bundles.
    /// </summary>
    public OpenStackClient(HttpClient http, OpenStackConnection connection, TimeProvider clock, OpenStackClientOptions options, ILogger<OpenStackClient> log)
        : this(http, connection, clock, options, (ILogger)log, tls: null)
    {
    }

    internal OpenStackClient(HttpClient http, OpenStackConnection connection, TimeProvider clock, OpenStackClientOptions options, ILogger log, TlsTrust? tls)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(connection);
        _http = http;
        _connection = connection;
        _clock = clock;
        _options = options;
        _log = log;
        _tls = tls;
        _credentialSecrets = connection.Credential switch
        {
            ApplicationCredential app => [app.Secret],
            PasswordCredential password => [password.Password],
            _ => [],
        };
        _configurationError = connection.Validate();
        if (_configurationError is null)
            _keystoneBase = OpenStackUrls.KeystoneBase(connection.AuthUrl);
    }

    /// <summary>The connection this client talks to.</summary>
    public OpenStackConnection Connection => _connection;

    /// <summary>How many times this client has asked Keystone for a token.</summary>
    public int AuthenticationCount => Volatile.Read(ref _authenticationCount);

    public async Task<RemoteResult<ServiceCatalogSummary>> AuthenticateAsync(CancellationToken ct = default)
    {
        var session = await GetSessionAsync(stale: null, ct).ConfigureAwait(false);
        return Finish(session.Succeeded ? session.Value.Summary : session.Cast<ServiceCatalogSummary>(), "authenticate");
    }

    public async Task<RemoteResult<IReadOnlyList<OsFlavor>>> ListFlavorsAsync(CancellationToken ct = default) =>
        Finish(await ListFlavorsCoreAsync(ct).ConfigureAwait(false), "list flavors");

    public async Task<RemoteResult<IReadOnlyList<OsImage>>> ListImagesAsync(CancellationToken ct = default) =>
        Finish(await ListImagesCoreAsync(ct).ConfigureAwait(false), "list images");

    public async Task<RemoteResult<IReadOnlyList<OsNetwork>>> ListExternalNetworksAsync(CancellationToken ct = default) =>
        Finish(await ListExternalNetworksCoreAsync(ct).ConfigureAwait(false), "list external networks");

    public async Task<RemoteResult<ComputeLimits>> GetComputeLimitsAsync(CancellationToken ct = default) =>
        Finish(await GetComputeLimitsCoreAsync(ct).ConfigureAwait(false), "read compute limits");

    public void Dispose() => _authLock.Dispose();

    // ---- Nova ------------------------------------------------------------------------------------------

    private async Task<RemoteResult<IReadOnlyList<OsFlavor>>> ListFlavorsCoreAsync(CancellationToken ct)
    {
        var endpoint = await ResolveEndpointAsync("compute", ct).ConfigureAwait(false);
        if (!endpoint.Succeeded)
            return endpoint.Cast<IReadOnlyList<OsFlavor>>();

        var call = new Call("compute", "list flavors");
        var baseUrl = OpenStackUrls.ComputeBase(endpoint.Value);
        var flavors = new List<OsFlavor>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var markers = new HashSet<string>(StringComparer.Ordinal);
        var query = $"limit={_options.PageSize}";
        for (var page = 0; ; page++)
        {
            if (page >= _options.MaxPages)
                return Error(RemoteErrorKind.Malformed, $"Nova's flavor list did not end after {page} pages; its pagination links go in circles.");
            var url = new Uri($"{baseUrl}/flavors/detail?{query}");
            var response = await GetJsonAsync(call, url, OpenStackJson.Default.NovaFlavorsResponse, ct).ConfigureAwait(false);
            if (!response.Succeeded)
                return response.Cast<IReadOnlyList<OsFlavor>>();
            if (response.Value.Flavors is not { } items)
                return Missing(call, url, "flavors");

            foreach (var item in items)
            {
                if (item.Id is not { Length: > 0 } id)
                    return Missing(call, url, "id", "a flavor");
                if (item.Name is null)
                    return Missing(call, url, "name", $"flavor {id}");
                if (item.Vcpus is not { } vcpus)
                    return Missing(call, url, "vcpus", $"flavor {id}");
                if (item.Ram is not { } ram)
                    return Missing(call, url, "ram", $"flavor {id}");
                if (item.Disk is not { } disk)
                    return Missing(call, url, "disk", $"flavor {id}");
                if (item.Disabled == true || !ids.Add(id))
                    continue;
                flavors.Add(new OsFlavor(id, item.Name, vcpus, ram, disk, item.IsPublic ?? true));
            }

            var next = NextQuery(response.Value.FlavorsLinks);
            if (items.Count == 0 || next is null || OpenStackUrls.QueryValue(next, "marker") is not { } marker || !markers.Add(marker))
                break;
            query = next;
        }
        return flavors;
    }

    private async Task<RemoteResult<ComputeLimits>> GetComputeLimitsCoreAsync(CancellationToken ct)
    {
        var endpoint = await ResolveEndpointAsync("compute", ct).ConfigureAwait(false);
        if (!endpoint.Succeeded)
            return endpoint.Cast<ComputeLimits>();

        var call = new Call("compute", "read compute limits");
        var url = new Uri($"{OpenStackUrls.ComputeBase(endpoint.Value)}/limits");
        var response = await GetJsonAsync(call, url, OpenStackJson.Default.NovaLimitsResponse, ct).ConfigureAwait(false);
        if (!response.Succeeded)
            return response.Cast<ComputeLimits>();
        if (response.Value.Limits?.Absolute is not { } a)
            return Missing(call, url, "limits.absolute");
        if (a.MaxTotalInstances is not { } maxInstances)
            return Missing(call, url, "maxTotalInstances");
        if (a.MaxTotalCores is not { } maxCores)
            return Missing(call, url, "maxTotalCores");
        if (a.MaxTotalRamSize is not { } maxRam)
            return Missing(call, url, "maxTotalRAMSize");
        return new ComputeLimits(maxInstances, maxCores, maxRam, a.TotalInstancesUsed ?? 0, a.TotalCoresUsed ?? 0, a.TotalRamUsed ?? 0);
    }

    // ---- Glance ----------------------------------------------------------------------------------------

    private async Task<RemoteResult<IReadOnlyList<OsImage>>> ListImagesCoreAsync(CancellationToken ct)
    {
        var endpoint = await ResolveEndpointAsync("image", ct).ConfigureAwait(false);
        if (!endpoint.Succeeded)
            return endpoint.Cast<IReadOnlyList<OsImage>>();

        var call = new Call("image", "list images");
        var root = OpenStackUrls.ImageRoot(endpoint.Value);
        var images = new List<OsImage>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var markers = new HashSet<string>(StringComparer.Ordinal);
        var query = $"limit={_options.PageSize}";
        for (var page = 0; ; page++)
        {
            if (page >= _options.MaxPages)
                return Error(RemoteErrorKind.Malformed, $"Glance's image list did not end after {page} pages; its next links go in circles.");
            var url = new Uri($"{root}/v2/images?{query}");
            var response = await GetJsonAsync(call, url, OpenStackJson.Default.GlanceImagesResponse, ct).ConfigureAwait(false);
            if (!response.Succeeded)
                return response.Cast<IReadOnlyList<OsImage>>();
            if (response.Value.Images is not { } items)
                return Missing(call, url, "images");

            foreach (var item in items)
            {
                if (item.Id is not { Length: > 0 } id)
                    return Missing(call, url, "id", "an image");
                if (!ids.Add(id))
                    continue;
                images.Add(new OsImage(
                    id,
                    string.IsNullOrWhiteSpace(item.Name) ? id : item.Name,
                    item.MinRam ?? 0,
                    item.MinDisk ?? 0,
                    item.Status ?? "unknown",
                    item.Visibility ?? "unknown",
                    item.Properties));
            }

            // Glance's "next" is relative to its root (e.g. /v2/images?marker=…); only its query is used.
            var next = response.Value.Next is { Length: > 0 } href ? OpenStackUrls.LinkQuery(href) : null;
            if (items.Count == 0 || next is null || OpenStackUrls.QueryValue(next, "marker") is not { } marker || !markers.Add(marker))
                break;
            query = next;
        }
        return images;
    }

    // ---- Neutron ---------------------------------------------------------------------------------------

    private async Task<RemoteResult<IReadOnlyList<OsNetwork>>> ListExternalNetworksCoreAsync(CancellationToken ct)
    {
        var endpoint = await ResolveEndpointAsync("network", ct).ConfigureAwait(false);
        if (!endpoint.Succeeded)
            return endpoint.Cast<IReadOnlyList<OsNetwork>>();

        var call = new Call("network", "list external networks");
        var root = OpenStackUrls.NetworkRoot(endpoint.Value);
        var networks = new List<OsNetwork>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var markers = new HashSet<string>(StringComparer.Ordinal);
        var query = "router:external=true";
        for (var page = 0; ; page++)
        {
            if (page >= _options.MaxPages)
                return Error(RemoteErrorKind.Malformed, $"Neutron's network list did not end after {page} pages; its pagination links go in circles.");
            var url = new Uri($"{root}/v2.0/networks?{query}");
            var response = await GetJsonAsync(call, url, OpenStackJson.Default.NeutronNetworksResponse, ct).ConfigureAwait(false);
            if (!response.Succeeded)
                return response.Cast<IReadOnlyList<OsNetwork>>();
            if (response.Value.Networks is not { } items)
                return Missing(call, url, "networks");

            foreach (var item in items)
            {
                if (item.Id is not { Length: > 0 } id)
                    return Missing(call, url, "id", "a network");
                // Asked with the router:external filter; a network saying otherwise is left out.
                if (item.RouterExternal == false || !ids.Add(id))
                    continue;
                networks.Add(new OsNetwork(id, item.Name ?? string.Empty, true, item.Status ?? "UNKNOWN"));
            }

            var next = NextQuery(response.Value.NetworksLinks);
            if (items.Count == 0 || next is null || OpenStackUrls.QueryValue(next, "marker") is not { } marker || !markers.Add(marker))
                break;
            query = next;
        }
        return networks;
    }

    private static string? NextQuery(List<OpenStackLink>? links)
    {
        var href = links?.FirstOrDefault(static l => string.Equals(l.Rel, "next", StringComparison.OrdinalIgnoreCase))?.Href;
        return href is null ? null : OpenStackUrls.LinkQuery(href);
    }

    // ---- Keystone --------------------------------------------------------------------------------------

    private sealed record Session(string Token, DateTimeOffset RenewAt, ServiceCatalog Catalog, ServiceCatalogSummary Summary);

    private async Task<RemoteResult<Uri>> ResolveEndpointAsync(string serviceType, CancellationToken ct)
    {
        var session = await GetSessionAsync(stale: null, ct).ConfigureAwait(false);
        return session.Succeeded
            ? session.Value.Catalog.FindEndpoint(serviceType, _connection.RegionName, _connection.Interface)
            : session.Cast<Uri>();
    }

    /// <summary>The current session, authenticating when there is none, it is about to expire, or it is <paramref name="stale"/>.</summary>
    private async Task<RemoteResult<Session>> GetSessionAsync(Session? stale, CancellationToken ct)
    {
        if (_configurationError is not null)
            return _configurationError;
        var current = Volatile.Read(ref _session);
        if (current is not null && !ReferenceEquals(current, stale) && _clock.GetUtcNow() < current.RenewAt)
            return current;

        await _authLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            current = _session;
            if (current is not null && !ReferenceEquals(current, stale) && _clock.GetUtcNow() < current.RenewAt)
                return current;
            Volatile.Write(ref _session, null);
            var created = await AuthenticateCoreAsync(ct).ConfigureAwait(false);
            if (created.Succeeded)
                Volatile.Write(ref _session, created.Value);
            return created;
        }
        finally
        {
            _authLock.Release();
        }
    }

    private async Task<RemoteResult<Session>> AuthenticateCoreAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _authenticationCount);
        var call = new Call("identity", "authenticate");
        var url = new Uri($"{_keystoneBase}/auth/tokens");
        var body = JsonSerializer.SerializeToUtf8Bytes(BuildAuthRequest(), OpenStackJson.Default.KeystoneAuthRequest);
        RemoteResult<RawResponse> sent;
        try
        {
            sent = await SendAsync(HttpMethod.Post, url, body, token: null, call, ct).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
        if (!sent.Succeeded)
            return sent.Cast<Session>();
        var raw = sent.Value;
        if (!raw.IsSuccess)
            return MapStatus(call, url, raw);

        if (string.IsNullOrEmpty(raw.SubjectToken))
        {
            return Error(RemoteErrorKind.Malformed,
                $"Keystone at {_keystoneBase} accepted the request but sent no X-Subject-Token header, so there is no token to use. Check that the auth URL points at Keystone itself, not at a proxy that strips headers.");
        }
        var token = raw.SubjectToken;
        lock (_tokensLock)
        {
            // Remembered only to mask them in messages; a long-lived client keeps the most recent few.
            _issuedTokens.Add(token);
            if (_issuedTokens.Count > 8)
                _issuedTokens.RemoveAt(0);
        }

        var parsed = Parse(call, url, raw, OpenStackJson.Default.KeystoneTokenResponse);
        if (!parsed.Succeeded)
            return parsed.Cast<Session>();
        if (parsed.Value.Token is not { } wire)
            return Missing(call, url, "token");
        if (!TryParseTime(wire.ExpiresAt, out var expiresAt))
            return Missing(call, url, "token.expires_at");
        if (wire.Project?.Id is not { Length: > 0 } projectId)
        {
            return Error(RemoteErrorKind.Malformed,
                "Keystone issued a token that is not scoped to a project, so it carries no usable service catalog. Check the project name and domain, or use an application credential.");
        }

        var services = wire.Catalog;
        if (services is null)
        {
            // Keystone leaves the catalog out when asked to (or when configured so); fetch it separately.
            var catalogUrl = new Uri($"{_keystoneBase}/auth/catalog");
            var catalogResponse = await GetWithTokenAsync(new Call("identity", "read the service catalog"), catalogUrl, token,
                OpenStackJson.Default.KeystoneCatalogResponse, ct).ConfigureAwait(false);
            if (!catalogResponse.Succeeded)
                return catalogResponse.Cast<Session>();
            services = catalogResponse.Value.Catalog;
            if (services is null)
                return Missing(call, catalogUrl, "catalog");
        }

        var catalog = new ServiceCatalog(services);
        if (catalog.CheckRegion(_connection.RegionName) is { } regionError)
            return regionError;

        var now = _clock.GetUtcNow();
        // Validity is measured with the token's own clock (issued_at → expires_at), so clock skew between
        // this machine and Keystone neither discards good tokens nor keeps expired ones.
        var lifetime = TryParseTime(wire.IssuedAt, out var issuedAt) && issuedAt < expiresAt ? expiresAt - issuedAt : expiresAt - now;
        var margin = lifetime <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(_options.TokenRefreshMargin.Ticks, lifetime.Ticks / 4));
        var renewAt = lifetime <= TimeSpan.Zero ? now : now + lifetime - margin;

        var summary = new ServiceCatalogSummary(projectId, wire.Project.Name, catalog.ServiceTypes(_connection.RegionName, _connection.Interface), expiresAt)
        {
            Regions = catalog.Regions,
            UserName = wire.User?.Name,
            Roles = (wire.Roles ?? []).Select(static r => r.Name).OfType<string>().ToArray(),
        };
        LogAuthenticated(_log, _keystoneBase, projectId, expiresAt);
        return new Session(token, renewAt, catalog, summary);
    }

    private KeystoneAuthRequest BuildAuthRequest() => _connection.Credential switch
    {
        ApplicationCredential app => new KeystoneAuthRequest(new KeystoneAuth(
            new KeystoneIdentity(["application_credential"], null, new KeystoneApplicationCredentialMethod(app.Id.Trim(), app.Secret)),
            Scope: null)),
        PasswordCredential p => new KeystoneAuthRequest(new KeystoneAuth(
            new KeystoneIdentity(["password"], new KeystonePasswordMethod(new KeystonePasswordUser(p.UserName.Trim(), new KeystoneNameRef(p.UserDomain.Trim()), p.Password)), null),
            new KeystoneScope(new KeystoneScopeProject(p.ProjectName.Trim(), new KeystoneNameRef(p.ProjectDomain.Trim()))))),
        _ => throw new InvalidOperationException("The credential was validated before use."),
    };

    private static bool TryParseTime(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    // ---- Authenticated GETs ------------------------------------------------------------------------------

    /// <summary>GET with the session's token; on a 401 the token is renewed once and the GET repeated.</summary>
    private async Task<RemoteResult<T>> GetJsonAsync<T>(Call call, Uri url, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        Session? stale = null;
        for (var attempt = 0; ; attempt++)
        {
            var session = await GetSessionAsync(stale, ct).ConfigureAwait(false);
            if (!session.Succeeded)
                return session.Cast<T>();
            var sent = await SendAsync(HttpMethod.Get, url, body: null, session.Value.Token, call, ct).ConfigureAwait(false);
            if (!sent.Succeeded)
                return sent.Cast<T>();
            if (sent.Value.Status == 401 && attempt == 0)
            {
                stale = session.Value;
                continue;
            }
            return sent.Value.IsSuccess ? Parse(call, url, sent.Value, type) : MapStatus(call, url, sent.Value);
        }
    }

    private async Task<RemoteResult<T>> GetWithTokenAsync<T>(Call call, Uri url, string token, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        var sent = await SendAsync(HttpMethod.Get, url, body: null, token, call, ct).ConfigureAwait(false);
        if (!sent.Succeeded)
            return sent.Cast<T>();
        return sent.Value.IsSuccess ? Parse(call, url, sent.Value, type) : MapStatus(call, url, sent.Value);
    }

    private RemoteResult<T> Parse<T>(Call call, Uri url, RawResponse raw, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize(raw.Body, type);
            if (value is not null)
                return value;
        }
        catch (JsonException ex)
        {
            var contentType = raw.MediaType is { } media && !media.Contains("json", StringComparison.OrdinalIgnoreCase) ? $" (content type {media})" : string.Empty;
            return Error(RemoteErrorKind.Malformed,
                $"{call.Label} answered the request to {call.What} with a body that is not the expected JSON{contentType}: " +
                $"the problem is at {ex.Path ?? "$"}, line {(ex.LineNumber ?? 0) + 1}. Check that {Where(url)} is the {call.Label} API and not a proxy or web page.");
        }
        return Error(RemoteErrorKind.Malformed, $"{call.Label} answered the request to {call.What} with an empty JSON body ({Where(url)}).");
    }

    private RemoteError Missing(Call call, Uri url, string field, string? inWhat = null) =>
        Error(RemoteErrorKind.Malformed,
            $"{call.Label}'s answer to {call.What} is missing the required field \"{field}\"{(inWhat is null ? string.Empty : $" in {inWhat}")} ({Where(url)}). " +
            "The service may not implement the standard OpenStack API.");

    // ---- Results, redaction ------------------------------------------------------------------------------

    private RemoteError Error(RemoteErrorKind kind, string message, int? status = null) =>
        new(kind, Redact(message)) { StatusCode = status };

    /// <summary>Last line of defence: no secret or token in any message that leaves the client, and every failure logged.</summary>
    private RemoteResult<T> Finish<T>(RemoteResult<T> result, string what)
    {
        if (result.Succeeded)
            return result;
        var error = result.Error with { Message = Redact(result.Error.Message) };
        LogFailed(_log, what, Host(_connection.AuthUrl), error.Kind, error.Message);
        return error;
    }

    private string Redact(string message)
    {
        foreach (var secret in Secrets())
        {
            if (secret.Length > 0)
                message = message.Replace(secret, "***", StringComparison.Ordinal);
        }
        return message;
    }

    private IEnumerable<string> Secrets()
    {
        foreach (var secret in _credentialSecrets)
            yield return secret;
        string[] tokens;
        lock (_tokensLock)
            tokens = [.. _issuedTokens];
        foreach (var token in tokens)
            yield return token;
    }

    /// <summary>A server's own words may repeat input; they are shown only when no secret is so short it could hide in them unnoticed.</summary>
    private bool MayQuoteServer => _credentialSecrets.All(static s => s.Length >= 4);

    private static string Where(Uri url) => url.GetLeftPart(UriPartial.Path);

    private static string Host(Uri url) => url.IsAbsoluteUri ? url.Authority : url.ToString();

    private sealed record Call(string ServiceType, string What)
    {
        public string Label => ServiceCatalog.ServiceLabel(ServiceType);
        public bool IsAuthentication => ServiceType == "identity" && What == "authenticate";
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Authenticated to Keystone at {KeystoneUrl}: project {ProjectId}, token valid until {ExpiresAt:O}")]
    private static partial void LogAuthenticated(ILogger logger, string keystoneUrl, string projectId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "OpenStack call to {What} against {Cloud} failed ({Kind}): {Message}")]
    private static partial void LogFailed(ILogger logger, string what, string cloud, RemoteErrorKind kind, string message);
}
