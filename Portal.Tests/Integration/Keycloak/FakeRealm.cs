using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Tests.Integration.Keycloak;

/// <summary>
/// A scriptable stand-in for a Keycloak realm on 127.0.0.1, for the faults a real provider never produces: tokens the
/// test forges with keys it generates, a malformed discovery document, a userinfo for someone else. The token endpoint
/// answers with <see cref="IssueIdToken"/>, which gets the nonce Portal sent in the authorization request.
/// </summary>
public sealed class FakeRealm : IAsyncDisposable
{
    public const string ClientId = "portal";
    private readonly WebApplication _app;

    private FakeRealm(WebApplication app, string baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Issuer = $"{baseAddress}/realms/fake";
        PublishedKey = NewKey();
        IssueIdToken = nonce => Sign(PublishedKey, Claims(nonce));
    }

    public string BaseAddress { get; }
    /// <summary>The realm URL: Portal's <c>Keycloak:Authority</c>.</summary>
    public string Issuer { get; }

    /// <summary>The key in the JWKS. Replace it to simulate a key rotation.</summary>
    public RsaSecurityKey PublishedKey { get; set; }
    /// <summary>The discovery document's body; null serves the correct one.</summary>
    public string? DiscoveryOverride { get; set; }
    /// <summary>Builds the id_token for a token request, given the nonce of the last authorization request.</summary>
    public Func<string, string> IssueIdToken { get; set; }
    /// <summary>The userinfo response's subject; null mirrors the id_token's.</summary>
    public string? UserInfoSubject { get; set; }
    public string Subject { get; set; } = "5b3a8f1e-0000-4000-a000-000000000001";
    public string[] Groups { get; set; } = ["/tenants/acme"];
    /// <summary>One address per subject, so every test person can get an account.</summary>
    public string Email => $"frank-{Subject[..8]}@acme.test";

    /// <summary>The nonce of the most recent authorization request Portal built (read from its redirect).</summary>
    public string? LastNonce { get; set; }
    public int JwksRequests { get; private set; }

    public static async Task<FakeRealm> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeRealm? realm = null;
        app.MapGet("/realms/fake/.well-known/openid-configuration", () => Results.Text(realm!.DiscoveryOverride ?? realm.Discovery(), "application/json"));
        app.MapGet("/realms/fake/protocol/openid-connect/certs", () =>
        {
            realm!.JwksRequests++;
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(realm.PublishedKey);
            jwk.Use = "sig";
            jwk.Alg = SecurityAlgorithms.RsaSha256;
            return Results.Text(JsonSerializer.Serialize(new { keys = new[] { new { jwk.Kty, jwk.Kid, jwk.Use, jwk.Alg, jwk.N, jwk.E } } },
                new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }), "application/json");
        });
        app.MapPost("/realms/fake/protocol/openid-connect/token", () => Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = "fake-access-token-" + Guid.NewGuid().ToString("N"),
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["id_token"] = realm!.IssueIdToken(realm.LastNonce ?? ""),
        }));
        app.MapGet("/realms/fake/protocol/openid-connect/userinfo", () => Results.Json(new Dictionary<string, object>
        {
            ["sub"] = realm!.UserInfoSubject ?? realm.Subject,
            ["preferred_username"] = "frank",
            ["email"] = realm.Email,
            ["groups"] = realm.Groups,
        }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        realm = new FakeRealm(app, address);
        return realm;
    }

    public string Discovery() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = $"{Issuer}/protocol/openid-connect/auth",
        ["token_endpoint"] = $"{Issuer}/protocol/openid-connect/token",
        ["userinfo_endpoint"] = $"{Issuer}/protocol/openid-connect/userinfo",
        ["end_session_endpoint"] = $"{Issuer}/protocol/openid-connect/logout",
        ["jwks_uri"] = $"{Issuer}/protocol/openid-connect/certs",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
    });

    /// <summary>The claims of a correct id_token for this realm and client; change what a test needs.</summary>
    public Dictionary<string, object> Claims(string nonce, DateTimeOffset? issuedAt = null)
    {
        var now = issuedAt ?? DateTimeOffset.UtcNow;
        return new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = ClientId,
            ["azp"] = ClientId,
            ["sub"] = Subject,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["nonce"] = nonce,
            ["preferred_username"] = "frank",
            ["email"] = Email,
            ["name"] = "Frank Fake",
        };
    }

    public static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };

    public static string Sign(SecurityKey key, IDictionary<string, object> claims) =>
        new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(claims), new SigningCredentials(key, SecurityAlgorithms.RsaSha256));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
