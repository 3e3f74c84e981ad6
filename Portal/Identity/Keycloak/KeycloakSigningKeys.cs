using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Identity.Keycloak;

/// <summary>
/// Immediate acceptance of a rotated signing key. IdentityModel's configuration manager refreshes the realm's keys in
/// the background and at most every five minutes, so the first sign-in after Keycloak rotates its key would be refused
/// (IDX10503). Before the id_token is validated, <see cref="EnsureKnownAsync"/> reads the JWKS at once when the token
/// names a key id nobody has seen; <see cref="Resolve"/> (the validation parameters' key resolver, which must be
/// synchronous) then offers those keys next to the cached ones.
/// </summary>
public sealed class KeycloakSigningKeys(TimeProvider clock, ILogger<KeycloakSigningKeys> logger)
{
    /// <summary>An unknown key id is looked up at most this often, so tokens naming made-up keys cannot make Portal hammer the realm.</summary>
    public static readonly TimeSpan UnknownKeyRetryInterval = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Keys read this way are trusted for this long; by then the configuration manager has caught up, and a key the
    /// realm withdrew stops being accepted.
    /// </summary>
    public static readonly TimeSpan FetchedKeysLifetime = TimeSpan.FromMinutes(10);
    /// <summary>How many looked-up key ids are remembered for <see cref="UnknownKeyRetryInterval"/>.</summary>
    public const int RememberedKeyIds = 100;

    private readonly SemaphoreSlim _fetch = new(1, 1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lookedUp = new(StringComparer.Ordinal);
    private volatile FetchedKeys _fetched = new([], DateTimeOffset.MinValue);

    private sealed record FetchedKeys(IReadOnlyList<SecurityKey> Keys, DateTimeOffset Until);

    /// <summary>Reads the realm's JWKS when <paramref name="idToken"/> is signed with a key id that no known key has.</summary>
    public async Task EnsureKnownAsync(string idToken, OpenIdConnectConfiguration configuration, HttpClient backchannel,
        Action requestConfigurationRefresh, CancellationToken ct)
    {
        var kid = KeyIdOf(idToken);
        if (kid is null || IsKnown(kid, configuration)) return;
        // The same rule as for discovery: keys over plain http from a loopback realm only.
        if (!Uri.TryCreate(configuration.JwksUri, UriKind.Absolute, out var jwks) || (jwks.Scheme != Uri.UriSchemeHttps && !jwks.IsLoopback)) return;

        await _fetch.WaitAsync(ct);
        try
        {
            // Another sign-in may have read the keys while this one waited.
            if (IsKnown(kid, configuration)) return;
            var now = clock.GetUtcNow();
            if (_lookedUp.TryGetValue(kid, out var lookedUpAt) && now - lookedUpAt < UnknownKeyRetryInterval) return;
            Remember(kid, now);

            string json;
            try
            {
                json = await backchannel.GetStringAsync(configuration.JwksUri, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                throw new KeycloakSignInException(KeycloakFailure.Unreachable, $"Keycloak's JWKS at {configuration.JwksUri} did not answer ({ex.GetType().Name}).", ex);
            }
            var keys = new JsonWebKeySet(json).GetSigningKeys().ToList();
            _fetched = new FetchedKeys(keys, now + FetchedKeysLifetime);
            KeycloakLog.SigningKeysRead(logger, kid, keys.Count(k => k.KeyId == kid) > 0);
            // Let the cache catch up in the background for later sign-ins.
            requestConfigurationRefresh();
        }
        finally
        {
            _fetch.Release();
        }
    }

    /// <summary>
    /// <see cref="TokenValidationParameters.IssuerSigningKeyResolverUsingConfiguration"/>: the keys with the token's key
    /// id among the configuration's, the parameters' and the freshly read ones. None when nothing matches, so that
    /// IdentityModel tries them all and reports the unknown key.
    /// </summary>
    public IEnumerable<SecurityKey> Resolve(string token, SecurityToken securityToken, string kid, TokenValidationParameters parameters, BaseConfiguration? configuration)
    {
        var candidates = (configuration?.SigningKeys ?? []).Concat(parameters.IssuerSigningKeys ?? []).Concat(Fetched());
        return string.IsNullOrEmpty(kid) ? candidates.ToList() : candidates.Where(k => k.KeyId == kid).ToList();
    }

    private IReadOnlyList<SecurityKey> Fetched()
    {
        var fetched = _fetched;
        return clock.GetUtcNow() < fetched.Until ? fetched.Keys : [];
    }

    private bool IsKnown(string kid, OpenIdConnectConfiguration configuration) =>
        configuration.SigningKeys.Concat(Fetched()).Any(k => k.KeyId == kid);

    private void Remember(string kid, DateTimeOffset now)
    {
        if (_lookedUp.Count >= RememberedKeyIds)
        {
            foreach (var (key, at) in _lookedUp)
            {
                if (now - at >= UnknownKeyRetryInterval) _lookedUp.TryRemove(key, out _);
            }
            if (_lookedUp.Count >= RememberedKeyIds) _lookedUp.Clear();
        }
        _lookedUp[kid] = now;
    }

    /// <summary>The key id in the token's header; null for anything that is not a signed JWT with one.</summary>
    private static string? KeyIdOf(string idToken)
    {
        try
        {
            return new JsonWebToken(idToken).Kid is { Length: > 0 } kid ? kid : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
