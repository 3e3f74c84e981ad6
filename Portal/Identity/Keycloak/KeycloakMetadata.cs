using System.Net.Sockets;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Identity.Keycloak;

/// <summary>
/// The realm's discovery document and signing keys. <see cref="ConfigurationManager{T}"/> caches them and refreshes them
/// periodically; when a token names a key the cache does not hold (the realm rotated its keys), <see cref="RefreshSigningKeysAsync"/>
/// reads the JWKS again at once, so the sign-in in progress succeeds instead of failing until a background refresh lands.
/// </summary>
public sealed class KeycloakMetadata : IDisposable
{
    /// <summary>A forced key refresh happens at most this often, so forged tokens cannot make Portal hammer the realm.</summary>
    public static readonly TimeSpan KeyRefreshInterval = TimeSpan.FromSeconds(10);

    private readonly KeycloakSettings _settings;
    private readonly HttpClient _http;
    private readonly HttpDocumentRetriever _documents;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _manager;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _keyRefresh = new(1, 1);
    private DateTimeOffset _lastKeyRefresh = DateTimeOffset.MinValue;
    private IReadOnlyCollection<SecurityKey>? _refreshedKeys;

    public KeycloakMetadata(KeycloakSettings settings, TimeProvider clock)
    {
        if (!settings.IsConfigured) throw new InvalidOperationException("Keycloak is not configured (Keycloak:Authority and Keycloak:ClientId).");
        _settings = settings;
        _clock = clock;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(10) };
        _documents = new HttpDocumentRetriever(_http) { RequireHttps = settings.RequireHttps };
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(settings.DiscoveryAddress, new OpenIdConnectConfigurationRetriever(), _documents);
    }

    /// <summary>The realm's configuration, checked for what a sign-in needs; throws <see cref="KeycloakSignInException"/>.</summary>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken ct)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _manager.GetConfigurationAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw Classify(ex, _settings.DiscoveryAddress);
        }

        var problem = Problem(configuration, _settings.Issuer);
        if (problem is not null)
            throw new KeycloakSignInException(KeycloakFailure.Discovery, $"The discovery document at {_settings.DiscoveryAddress} is not usable: {problem}");
        return configuration;
    }

    /// <summary>The realm's signing keys, read again now unless they were read within <see cref="KeyRefreshInterval"/>.</summary>
    public async Task<IReadOnlyCollection<SecurityKey>> RefreshSigningKeysAsync(OpenIdConnectConfiguration configuration, CancellationToken ct)
    {
        await _keyRefresh.WaitAsync(ct);
        try
        {
            if (_refreshedKeys is not null && _clock.GetUtcNow() - _lastKeyRefresh < KeyRefreshInterval)
                return _refreshedKeys;
            string json;
            try
            {
                json = await _documents.GetDocumentAsync(configuration.JwksUri, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw Classify(ex, configuration.JwksUri);
            }
            _refreshedKeys = new JsonWebKeySet(json).GetSigningKeys().ToList();
            _lastKeyRefresh = _clock.GetUtcNow();
            // Let the cache catch up in the background for later sign-ins.
            _manager.RequestRefresh();
            return _refreshedKeys;
        }
        finally
        {
            _keyRefresh.Release();
        }
    }

    /// <summary>What makes a discovery document unusable for Portal, or null.</summary>
    internal static string? Problem(OpenIdConnectConfiguration configuration, string expectedIssuer)
    {
        if (string.IsNullOrEmpty(configuration.Issuer)) return "it names no issuer";
        // OpenID Connect Discovery 1.0 §4.3: the issuer must be exactly the URL the document was read from.
        if (!string.Equals(configuration.Issuer.TrimEnd('/'), expectedIssuer, StringComparison.Ordinal))
            return $"its issuer '{configuration.Issuer}' is not the configured authority '{expectedIssuer}'";
        if (!IsAbsolute(configuration.AuthorizationEndpoint)) return "it has no authorization_endpoint";
        if (!IsAbsolute(configuration.TokenEndpoint)) return "it has no token_endpoint";
        if (!IsAbsolute(configuration.JwksUri)) return "it has no jwks_uri";
        if (configuration.SigningKeys.Count == 0) return "its JWKS holds no signing key";
        return null;
    }

    private static bool IsAbsolute(string? url) => Uri.TryCreate(url, UriKind.Absolute, out _);

    /// <summary>Network and HTTP failures mean "unreachable"; anything else (bad JSON, bad keys) means "malformed".</summary>
    private static KeycloakSignInException Classify(Exception ex, string address)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException or SocketException or TimeoutException or TaskCanceledException or IOException)
                return new KeycloakSignInException(KeycloakFailure.Unreachable, $"Keycloak did not answer at {address}: {inner.GetType().Name}", ex);
        }
        return new KeycloakSignInException(KeycloakFailure.Discovery, $"The document at {address} is not a valid OpenID Connect configuration: {ex.GetType().Name}", ex);
    }

    public void Dispose()
    {
        _http.Dispose();
        _keyRefresh.Dispose();
    }
}
