using System.Net;
using Portal.Tests.Integration.OpenStack;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Integration.Keycloak;

/// <summary>A realm that cannot be reached or describes itself badly stops the sign-in before the browser leaves Portal.</summary>
public sealed class KeycloakDiscoveryFaultTests
{
    [Fact]
    public async Task SignIn_WhenRealmIsUnreachable_ShowsUnreachableAndCreatesNoAccount()
    {
        await using var app = new KeycloakWebFactory(new KeycloakPortalSettings($"http://127.0.0.1:{Loopback.ClosedPort()}/realms/gone"));
        var portal = app.CreatePortalClient();

        var location = await StartAsync(portal);

        Assert.Equal("unreachable", KeycloakHttp.FailureReason(location));
        Assert.Contains("Keycloak sign-in failed (Unreachable)", app.Logs.All);
        Assert.Equal(0, await app.DirectoryAccountCountAsync());
        var page = await PortalHttp.GetHtmlAsync(portal, location);
        Assert.Contains("Keycloak cannot be reached", page);
    }

    [Fact]
    public async Task SignIn_WhenDiscoveryDocumentIsMalformed_ShowsDiscoveryFault()
    {
        await using var realm = await FakeRealm.StartAsync();
        realm.DiscoveryOverride = """{ "issuer": "half a document""";
        await using var app = new KeycloakWebFactory(new KeycloakPortalSettings(realm.Issuer));

        var location = await StartAsync(app.CreatePortalClient());

        Assert.Equal("discovery", KeycloakHttp.FailureReason(location));
        Assert.Contains("Keycloak sign-in failed (Discovery)", app.Logs.All);
    }

    [Fact]
    public async Task SignIn_WhenDiscoveryNamesAnotherIssuer_ShowsDiscoveryFault()
    {
        await using var realm = await FakeRealm.StartAsync();
        realm.DiscoveryOverride = realm.Discovery().Replace("/realms/fake\"", "/realms/elsewhere\"", StringComparison.Ordinal);
        await using var app = new KeycloakWebFactory(new KeycloakPortalSettings(realm.Issuer));

        var location = await StartAsync(app.CreatePortalClient());

        Assert.Equal("discovery", KeycloakHttp.FailureReason(location));
        Assert.Contains("is not the configured authority", app.Logs.All);
    }

    [Fact]
    public async Task SignIn_WhenDiscoveryLacksTokenEndpoint_ShowsDiscoveryFault()
    {
        await using var realm = await FakeRealm.StartAsync();
        realm.DiscoveryOverride = realm.Discovery().Replace("\"token_endpoint\"", "\"not_the_token_endpoint\"", StringComparison.Ordinal);
        await using var app = new KeycloakWebFactory(new KeycloakPortalSettings(realm.Issuer));

        Assert.Equal("discovery", KeycloakHttp.FailureReason(await StartAsync(app.CreatePortalClient())));
    }

    [Fact]
    public async Task LoginPage_WhenKeycloakIsNotConfigured_HasNoKeycloakButton()
    {
        await using var app = new PortalWebFactory();
        var portal = app.CreatePortalClient();

        Assert.DoesNotContain("Sign in with", await PortalHttp.GetHtmlAsync(portal, "/account/login"));
        // No Keycloak endpoint: the path is just an unknown page, never a redirect to a realm.
        using var start = await portal.GetAsync(KeycloakHttp.SignInPath);
        Assert.DoesNotContain("/realms/", start.Headers.Location?.ToString() ?? "");
        Assert.DoesNotContain("/protocol/openid-connect/", start.Headers.Location?.ToString() ?? "");
    }

    [Fact]
    public async Task LoginPage_WhenKeycloakIsConfigured_OffersKeycloakNextToLocalSignIn()
    {
        await using var app = new KeycloakWebFactory(new KeycloakPortalSettings($"http://127.0.0.1:{Loopback.ClosedPort()}/realms/any"));
        var html = await PortalHttp.GetHtmlAsync(app.CreatePortalClient(), "/account/login");

        Assert.Contains("Sign in with Keycloak", html);
        Assert.Contains("href=\"/account/keycloak/signin\"", html);
        Assert.Contains("login-password", html);
    }

    [Fact]
    public async Task AnyPage_WhenAuthorityIsPlainHttpElsewhere_StillWorksAndKeycloakShowsSettingsFault()
    {
        // The handler refuses a non-loopback http authority by throwing inside UseAuthentication, on every request.
        await using var app = new KeycloakWebFactory(new KeycloakPortalSettings("http://sso.example.test/realms/acme"));
        var portal = app.CreatePortalClient();

        var login = await PortalHttp.GetHtmlAsync(portal, "/account/login");
        Assert.Contains("login-password", login);
        using (var health = await portal.GetAsync("/healthz")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var dashboard = await portal.GetAsync("/")) PortalHttp.AssertRedirect(dashboard, "/account/login");
        await PortalHttp.SignInOrFailAsync(portal, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var location = await StartAsync(app.CreatePortalClient());

        Assert.Equal("settings", KeycloakHttp.FailureReason(location));
        Assert.Contains("Keycloak sign-in is off until the settings are fixed: Keycloak:Authority 'http://sso.example.test/realms/acme' uses plain http", app.Logs.All);
        Assert.Contains("Keycloak sign-in is not set up correctly", await PortalHttp.GetHtmlAsync(portal, location));
    }

    [Fact]
    public async Task FailurePage_WithForgedDetail_ShowsOnlyPortalsOwnText()
    {
        await using var app = new KeycloakWebFactory(new KeycloakPortalSettings($"http://127.0.0.1:{Loopback.ClosedPort()}/realms/any"));

        var html = await PortalHttp.GetHtmlAsync(app.CreatePortalClient(), "/account/keycloak/failed?reason=account&detail=Call+0800-SCAM+now");

        Assert.Contains("Portal could not sign you in", html);
        Assert.DoesNotContain("0800-SCAM", html);
    }

    private static async Task<string> StartAsync(HttpClient portal)
    {
        using var response = await portal.GetAsync(KeycloakHttp.SignInPath);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }
}
