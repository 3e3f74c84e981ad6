using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Portal.Identity.Keycloak;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Keycloak;

public sealed class KeycloakSigningKeysTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly OpenIdConnectConfiguration _configuration = new() { JwksUri = "https://sso.example/realms/acme/protocol/openid-connect/certs" };

    [Fact]
    public async Task EnsureKnownAsync_RotatedKey_ReadsTheJwksOnceAndResolvesTheNewKey()
    {
        var rotated = NewKey();
        var jwks = new Jwks(rotated);
        using var http = new HttpClient(jwks);
        var keys = new KeycloakSigningKeys(_clock, NullLogger<KeycloakSigningKeys>.Instance);
        var refreshes = 0;
        var token = Sign(rotated);

        await keys.EnsureKnownAsync(token, _configuration, http, () => refreshes++, CancellationToken.None);
        await keys.EnsureKnownAsync(token, _configuration, http, () => refreshes++, CancellationToken.None);

        Assert.Equal(1, jwks.Requests);
        Assert.Equal(1, refreshes);
        Assert.Equal(rotated.KeyId, Assert.Single(Resolve(keys, rotated.KeyId)).KeyId);
    }

    [Fact]
    public async Task EnsureKnownAsync_SameUnknownKeyAgain_ReadsTheJwksOnlyAfterTheRetryInterval()
    {
        var jwks = new Jwks(NewKey());
        using var http = new HttpClient(jwks);
        var keys = new KeycloakSigningKeys(_clock, NullLogger<KeycloakSigningKeys>.Instance);
        var forged = Sign(NewKey());

        await keys.EnsureKnownAsync(forged, _configuration, http, () => { }, CancellationToken.None);
        await keys.EnsureKnownAsync(forged, _configuration, http, () => { }, CancellationToken.None);
        Assert.Equal(1, jwks.Requests);

        _clock.Advance(KeycloakSigningKeys.UnknownKeyRetryInterval);
        await keys.EnsureKnownAsync(forged, _configuration, http, () => { }, CancellationToken.None);
        Assert.Equal(2, jwks.Requests);
    }

    [Fact]
    public async Task Resolve_AfterTheFetchedKeysLifetime_NoLongerOffersThem()
    {
        var rotated = NewKey();
        using var http = new HttpClient(new Jwks(rotated));
        var keys = new KeycloakSigningKeys(_clock, NullLogger<KeycloakSigningKeys>.Instance);
        await keys.EnsureKnownAsync(Sign(rotated), _configuration, http, () => { }, CancellationToken.None);

        _clock.Advance(KeycloakSigningKeys.FetchedKeysLifetime);

        Assert.Empty(Resolve(keys, rotated.KeyId));
    }

    [Fact]
    public async Task EnsureKnownAsync_JwksOverPlainHttpElsewhere_IsNotRead()
    {
        var jwks = new Jwks(NewKey());
        using var http = new HttpClient(jwks);
        var keys = new KeycloakSigningKeys(_clock, NullLogger<KeycloakSigningKeys>.Instance);
        var configuration = new OpenIdConnectConfiguration { JwksUri = "http://sso.example/realms/acme/protocol/openid-connect/certs" };

        await keys.EnsureKnownAsync(Sign(NewKey()), configuration, http, () => { }, CancellationToken.None);

        Assert.Equal(0, jwks.Requests);
    }

    private IEnumerable<SecurityKey> Resolve(KeycloakSigningKeys keys, string kid) =>
        keys.Resolve("", new JsonWebToken("{}", "{}"), kid, new TokenValidationParameters(), _configuration);

    private static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };

    private static string Sign(SecurityKey key) =>
        new JsonWebTokenHandler().CreateToken("""{"sub":"s"}""", new SigningCredentials(key, SecurityAlgorithms.RsaSha256));

    /// <summary>A realm's JWKS endpoint that publishes one key and counts its requests.</summary>
    private sealed class Jwks(RsaSecurityKey published) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(published);
            var body = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) });
        }
    }
}
