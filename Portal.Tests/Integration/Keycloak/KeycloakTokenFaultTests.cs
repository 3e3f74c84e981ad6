using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Portal.Domain.Data;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Integration.Keycloak;

/// <summary>One Portal signing in against a scriptable realm, shared by the tests of <see cref="KeycloakTokenFaultTests"/>.</summary>
public sealed class FakeRealmPortal : IAsyncLifetime
{
    public FakeRealm Realm { get; private set; } = null!;
    public KeycloakWebFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Realm = await FakeRealm.StartAsync();
        App = new KeycloakWebFactory(new KeycloakPortalSettings(Realm.Issuer, FakeRealm.ClientId, "fake-secret-never-logged"));
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Realm.DisposeAsync();
    }
}

/// <summary>
/// Every id_token and callback fault ends on the failure page with its own reason, creates no account, and is logged
/// without the token, the code or the client secret. Tokens are forged with keys the test generates.
/// </summary>
public sealed class KeycloakTokenFaultTests : IClassFixture<FakeRealmPortal>
{
    private readonly FakeRealmPortal _fixture;
    private FakeRealm Realm => _fixture.Realm;
    private KeycloakWebFactory App => _fixture.App;
    private readonly List<string> _issuedTokens = [];

    public KeycloakTokenFaultTests(FakeRealmPortal fixture)
    {
        _fixture = fixture;
        // Each test is a new person, so "no account created" is about this test alone.
        Realm.Subject = Guid.NewGuid().ToString();
        Realm.UserInfoSubject = null;
        Realm.DiscoveryOverride = null;
        Realm.IssueIdToken = nonce => Issue(Realm.PublishedKey, Realm.Claims(nonce));
    }

    private string AuthorizationEndpoint => $"{Realm.Issuer}/protocol/openid-connect/auth";

    [Fact]
    public async Task SignIn_WhenIdTokenIsValid_CreatesAccountAndSignsIn()
    {
        var location = await SignInAsync();

        Assert.True(location == "/", $"Expected the dashboard, got {location}. Logs:\n{App.Logs.All}");
        Assert.Equal(1, await LinkedAccountsOfThisTestAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenIsSignedByUnknownKey_FailsWithSignatureAndCreatesNoAccount()
    {
        var attacker = FakeRealm.NewKey();
        Realm.IssueIdToken = nonce => Issue(attacker, Realm.Claims(nonce));

        await AssertFailsAsync("signature", await SignInAsync());
    }

    [Fact]
    public async Task SignIn_WhenRealmRotatedItsSigningKey_ReadsKeysAgainAndSucceeds()
    {
        // Portal has the old key cached from an earlier sign-in; the realm now signs with, and publishes, a new one.
        await SignInAsync();
        Realm.Subject = Guid.NewGuid().ToString();
        var rotated = FakeRealm.NewKey();
        Realm.PublishedKey = rotated;
        Realm.IssueIdToken = nonce => Issue(rotated, Realm.Claims(nonce));

        var location = await SignInAsync();

        Assert.Equal("/", location);
        Assert.Equal(1, await LinkedAccountsOfThisTestAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenExpired_FailsWithExpired()
    {
        Realm.IssueIdToken = nonce => Issue(Realm.PublishedKey, Realm.Claims(nonce, issuedAt: DateTimeOffset.UtcNow.AddMinutes(-30)));

        await AssertFailsAsync("expired", await SignInAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenExpiredWithinClockSkew_Succeeds()
    {
        // Issued 5.5 minutes ago with a 5-minute lifetime: expired 30 s ago, inside the 1-minute skew.
        Realm.IssueIdToken = nonce => Issue(Realm.PublishedKey, Realm.Claims(nonce, issuedAt: DateTimeOffset.UtcNow.AddSeconds(-330)));

        Assert.Equal("/", await SignInAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenIsForAnotherAudience_FailsWithAudience()
    {
        Realm.IssueIdToken = nonce =>
        {
            var claims = Realm.Claims(nonce);
            claims["aud"] = "another-client";
            claims["azp"] = "another-client";
            return Issue(Realm.PublishedKey, claims);
        };

        await AssertFailsAsync("audience", await SignInAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenIsFromAnotherIssuer_FailsWithIssuer()
    {
        Realm.IssueIdToken = nonce =>
        {
            var claims = Realm.Claims(nonce);
            claims["iss"] = Realm.BaseAddress + "/realms/other";
            return Issue(Realm.PublishedKey, claims);
        };

        await AssertFailsAsync("issuer", await SignInAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenReplaysAnEarlierNonce_FailsWithNonce()
    {
        // A first, successful sign-in redeems its nonce; a second sign-in is answered with a token carrying the old one.
        var first = await StartAsync();
        Realm.LastNonce = first.Request.Nonce;
        Assert.Equal("/", await KeycloakHttp.FollowAsync(first.Portal, await KeycloakHttp.CallbackAsync(first.Portal, $"code=first&state={Uri.EscapeDataString(first.Request.State)}")));
        var replayed = first.Request.Nonce;
        Realm.Subject = Guid.NewGuid().ToString();
        Realm.IssueIdToken = _ => Issue(Realm.PublishedKey, Realm.Claims(replayed));

        await AssertFailsAsync("nonce", await SignInAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenHasNoNonce_FailsWithNonce()
    {
        Realm.IssueIdToken = nonce =>
        {
            var claims = Realm.Claims(nonce);
            claims.Remove("nonce");
            return Issue(Realm.PublishedKey, claims);
        };

        await AssertFailsAsync("nonce", await SignInAsync());
    }

    [Fact]
    public async Task Callback_WhenStateIsTamperedWith_FailsWithInvalidState()
    {
        var flow = await StartAsync();
        var tampered = flow.Request.State[..^4] + (flow.Request.State.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var location = await KeycloakHttp.CallbackAsync(flow.Portal, $"code=abc&state={Uri.EscapeDataString(tampered)}");

        await AssertFailsAsync("invalidstate", location);
    }

    [Fact]
    public async Task Callback_WhenReplayedAfterSuccess_FailsWithInvalidState()
    {
        var flow = await StartAsync();
        Realm.LastNonce = flow.Request.Nonce;
        var query = $"code=abc&state={Uri.EscapeDataString(flow.Request.State)}";
        Assert.StartsWith("/account/keycloak/complete", await KeycloakHttp.CallbackAsync(flow.Portal, query));

        // The correlation cookie was spent by the first callback.
        Assert.Equal("invalidstate", KeycloakHttp.FailureReason(await KeycloakHttp.CallbackAsync(flow.Portal, query)));
    }

    [Fact]
    public async Task Callback_WhenUserCancelledAtProvider_ShowsCancelled()
    {
        var flow = await StartAsync();

        var location = await KeycloakHttp.CallbackAsync(flow.Portal,
            $"error=access_denied&error_description=End-User+aborted+interaction&state={Uri.EscapeDataString(flow.Request.State)}");

        await AssertFailsAsync("cancelled", location);
        using var page = await flow.Portal.GetAsync(location);
        Assert.Contains("Sign-in was cancelled", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignIn_WhenUserInfoDescribesAnotherSubject_FailsWithUserInfo()
    {
        Realm.UserInfoSubject = Guid.NewGuid().ToString();

        await AssertFailsAsync("userinfo", await SignInAsync());
    }

    [Fact]
    public async Task Callback_WhenIssParameterNamesAnotherRealm_FailsWithIssuer()
    {
        var flow = await StartAsync();
        Realm.LastNonce = flow.Request.Nonce;
        var foreign = Uri.EscapeDataString(Realm.BaseAddress + "/realms/other");

        var location = await KeycloakHttp.CallbackAsync(flow.Portal, $"code=abc&state={Uri.EscapeDataString(flow.Request.State)}&iss={foreign}");

        await AssertFailsAsync("issuer", location);
    }

    [Fact]
    public async Task Callback_WhenIssParameterNamesThisRealm_Succeeds()
    {
        var flow = await StartAsync();
        Realm.LastNonce = flow.Request.Nonce;

        var location = await KeycloakHttp.CallbackAsync(flow.Portal,
            $"code=abc&state={Uri.EscapeDataString(flow.Request.State)}&iss={Uri.EscapeDataString(Realm.Issuer)}");

        Assert.Equal("/", await KeycloakHttp.FollowAsync(flow.Portal, location));
    }

    [Fact]
    public async Task SignIn_WhenIdTokenIsUnsigned_FailsWithSignature()
    {
        // alg "none": the handler does not insist on a signature for a token from the token endpoint; Portal does.
        Realm.IssueIdToken = nonce => Remember(Unsigned(Realm.Claims(nonce)));

        await AssertFailsAsync("signature", await SignInAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenIsNotAJwt_FailsWithInvalidTokenAndKeepsItOutOfTheLog()
    {
        Realm.IssueIdToken = _ => Remember($"opaque-{Guid.NewGuid():N}.not-a-header-{Guid.NewGuid():N}.not-a-signature-{Guid.NewGuid():N}");

        await AssertFailsAsync("invalidtoken", await SignInAsync());
    }

    [Fact]
    public async Task SignIn_WhenIdTokenIsValid_KeepsOnlyTheIdTokenInSmallCookies()
    {
        var (portal, request) = await StartAsync();
        Realm.LastNonce = request.Nonce;

        using var callback = await portal.GetAsync($"/signin-keycloak?code=abc&state={Uri.EscapeDataString(request.State)}");
        var external = AssertSmallTicket(callback, "Identity.External", IdentityConstants.ExternalScheme);
        using var complete = await portal.GetAsync(callback.Headers.Location!.OriginalString);
        var session = AssertSmallTicket(complete, "Portal.Auth", IdentityConstants.ApplicationScheme);

        Assert.Equal(external.Properties.GetTokenValue("id_token"), session.Properties.GetTokenValue("id_token"));
        Assert.Equal(_issuedTokens.Last(), session.Properties.GetTokenValue("id_token"));
    }

    [Fact]
    public async Task SignOut_AfterKeycloakSignIn_EndsTheRealmSessionWithIdTokenHint()
    {
        var (portal, request) = await StartAsync();
        Realm.LastNonce = request.Nonce;
        Assert.Equal("/", await KeycloakHttp.FollowAsync(portal, await KeycloakHttp.CallbackAsync(portal, $"code=abc&state={Uri.EscapeDataString(request.State)}")));

        using var signOut = await PortalHttp.SignOutAsync(portal);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var endSession = signOut.Headers.Location!;
        Assert.Equal($"{Realm.Issuer}/protocol/openid-connect/logout", endSession.GetLeftPart(UriPartial.Path));
        Assert.Equal(_issuedTokens.Last(), PortalHttp.QueryValue(endSession.PathAndQuery, "id_token_hint"));
        Assert.Equal("http://localhost/signout-callback-keycloak", PortalHttp.QueryValue(endSession.PathAndQuery, "post_logout_redirect_uri"));
        Assert.Equal(FakeRealm.ClientId, PortalHttp.QueryValue(endSession.PathAndQuery, "client_id"));
        Assert.False(PortalHttp.SetsCookie(signOut, "Portal.Auth"));

        // Back from the realm: to the signed-out sign-in page, with or without the state the realm echoes.
        var state = PortalHttp.QueryValue(endSession.PathAndQuery, "state");
        using var back = await portal.GetAsync($"/signout-callback-keycloak?state={Uri.EscapeDataString(state ?? "")}");
        Assert.Equal("/account/login?signedOut=true", back.Headers.Location?.OriginalString);
        using var backWithoutState = await portal.GetAsync("/signout-callback-keycloak");
        Assert.Equal("/account/login?signedOut=true", backWithoutState.Headers.Location?.OriginalString);
        using var dashboard = await portal.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
    }

    /// <summary>A browser keeps at most about 4 KB per cookie; above this, the cookie would be split into chunks.</summary>
    private const int SmallCookieLength = 3000;

    /// <summary>The named cookie the response sets: one cookie, not chunked, small, holding the id_token and no other token.</summary>
    private AuthenticationTicket AssertSmallTicket(HttpResponseMessage response, string cookie, string scheme)
    {
        var header = PortalHttp.SetCookieHeader(response, cookie) ?? throw new Xunit.Sdk.XunitException($"{cookie} was not set. Logs:\n{App.Logs.All}");
        var value = header[(cookie.Length + 1)..].Split(';')[0];
        Assert.False(value.StartsWith("chunks-", StringComparison.Ordinal), $"{cookie} is split into chunks.");
        Assert.True(value.Length < SmallCookieLength, $"{cookie} is {value.Length} characters long.");
        var format = App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(scheme).TicketDataFormat;
        var ticket = format.Unprotect(value) ?? throw new Xunit.Sdk.XunitException($"{cookie} does not unprotect.");
        Assert.Equal(["id_token"], ticket.Properties.GetTokens().Select(t => t.Name));
        return ticket;
    }

    private string Remember(string token)
    {
        lock (_issuedTokens) _issuedTokens.Add(token);
        return token;
    }

    private static string Unsigned(IDictionary<string, object> claims) =>
        $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(claims)))}.";

    private async Task<(HttpClient Portal, AuthorizeRequest Request)> StartAsync()
    {
        var portal = App.CreatePortalClient();
        return (portal, await KeycloakHttp.StartAsync(portal, AuthorizationEndpoint));
    }

    /// <summary>A whole sign-in against the fake realm: start, come back with a code, follow to the end.</summary>
    private async Task<string> SignInAsync()
    {
        var (portal, request) = await StartAsync();
        Realm.LastNonce = request.Nonce;
        var location = await KeycloakHttp.CallbackAsync(portal, $"code=code-{Guid.NewGuid():N}&state={Uri.EscapeDataString(request.State)}");
        return await KeycloakHttp.FollowAsync(portal, location);
    }

    private string Issue(SecurityKey key, IDictionary<string, object> claims)
    {
        var token = FakeRealm.Sign(key, claims);
        lock (_issuedTokens) _issuedTokens.Add(token);
        return token;
    }

    private async Task AssertFailsAsync(string reason, string location)
    {
        Assert.Equal(reason, KeycloakHttp.FailureReason(location));
        Assert.Equal(0, await LinkedAccountsOfThisTestAsync());
        var logs = App.Logs.All;
        Assert.Contains($"Keycloak sign-in failed ({ParseReason(reason)})", logs);
        foreach (var token in _issuedTokens)
        {
            Assert.DoesNotContain(token, logs);
            if (token.Split('.')[2] is { Length: > 0 } signature)
                Assert.DoesNotContain(signature, logs); // not even the signature part
        }
        Assert.DoesNotContain("fake-secret-never-logged", logs);
        Assert.DoesNotContain("fake-access-token-", logs);
    }

    private static string ParseReason(string slug) => Portal.Identity.Keycloak.KeycloakFailureText.Parse(slug).ToString();

    private async Task<int> LinkedAccountsOfThisTestAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return db.UserLogins.Count(l => l.LoginProvider == "Keycloak" && l.ProviderKey == Realm.Subject);
    }
}
