using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Portal.Domain.Data;

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
            Assert.DoesNotContain(token.Split('.')[2], logs); // not even the signature part
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
