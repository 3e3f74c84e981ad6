using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;
using Xunit.Abstractions;

namespace Portal.Tests.Integration.Keycloak;

/// <summary>The test realm and a Portal (TestServer, base address http://localhost) registered as its client.</summary>
public sealed class ProviderPortal : IAsyncLifetime
{
    public TestOidcServer Provider { get; private set; } = null!;
    public KeycloakWebFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await TestOidcServer.StartAsync();
        App = new KeycloakWebFactory(new KeycloakPortalSettings(Provider.Issuer, "portal-http", "portal-http-secret"));
        _ = App.Server;
        await Provider.RegisterClientAsync("portal-http", "portal-http-secret", "http://localhost");
        var tenancy = App.Services.GetRequiredService<TenancyService>();
        var admin = await App.AdminActorAsync();
        await tenancy.CreateTenantAsync(admin, "Acme", "acme", null);
        await tenancy.CreateTenantAsync(admin, "Globex", "globex", null);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>
/// Sign-ins against the real OpenID Provider without a browser: the whole redirect dance over HTTP, with the provider's
/// own login form. Covers the realm set-up where roles and groups are only in userinfo, and a cancel at the provider.
/// </summary>
public sealed partial class KeycloakProviderTests(ProviderPortal fixture, ITestOutputHelper output) : IClassFixture<ProviderPortal>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.Provider.ResetAsync();
    public Task DisposeAsync() => fixture.Provider.ResetAsync();

    [Fact]
    public async Task SignIn_WhenRolesAndGroupsAreOnlyInUserInfo_StillMapsThem()
    {
        await fixture.Provider.SetIdTokenMappersAsync(false);

        var (location, _) = await SignInAsync("erin", "login");

        Assert.Equal("/", location);
        var roles = await DirectoryRolesAsync("erin@acme.test");
        Assert.Equal(TenantRole.Admin, roles["acme"]);
        Assert.Equal(TenantRole.Viewer, roles["globex"]);
    }

    [Fact]
    public async Task SignIn_WhenRealmRolesAreOnlyInUserInfo_StillGrantsPlatformRole()
    {
        await fixture.Provider.SetIdTokenMappersAsync(false);

        var (location, _) = await SignInAsync("carol", "login");

        Assert.Equal("/", location);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var carol = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.SingleAsync(u => u.Email == "carol@portal.test");
        Assert.Equal(PlatformRole.Admin, carol.PlatformRole);
    }

    [Fact]
    public async Task SignIn_WithIdTokenMappers_MapsGroupsAndMeasuresRoundTrip()
    {
        var (location, elapsed) = await SignInAsync("alice", "login");

        Assert.Equal("/", location);
        Assert.Equal(TenantRole.Member, (await DirectoryRolesAsync("alice@acme.test"))["acme"]);
        output.WriteLine($"HTTP sign-in round trip through the provider (login form POST → Portal session): {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task SignIn_WhenUserCancelsAtProvider_EndsOnCancelledPageWithoutAccount()
    {
        var (location, _) = await SignInAsync("bob", "abort");

        Assert.Equal("cancelled", KeycloakHttp.FailureReason(location));
        Assert.Empty(await DirectoryRolesAsync("bob@globex.test"));
        await using var scope = fixture.App.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.AnyAsync(u => u.Email == "bob@globex.test"));
    }

    /// <summary>Portal → provider → login form (submitted with <paramref name="action"/>: login or abort) → Portal.</summary>
    private async Task<(string Location, TimeSpan Elapsed)> SignInAsync(string username, string action)
    {
        var portal = fixture.App.CreatePortalClient();
        using var provider = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });
        using var start = await portal.GetAsync(KeycloakHttp.SignInPath);
        var next = start.Headers.Location!;

        // Follow the provider's redirects to its login page.
        string html;
        while (true)
        {
            using var response = await provider.GetAsync(next);
            if (response.StatusCode == HttpStatusCode.OK) { html = await response.Content.ReadAsStringAsync(); break; }
            next = new Uri(next, response.Headers.Location!);
        }
        var formAction = WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value);
        if (action == "abort") formAction = formAction.Replace("/login", "/abort", StringComparison.Ordinal);

        var clock = Stopwatch.StartNew();
        using var submitted = await provider.PostAsync(new Uri(next, formAction), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = TestOidcServer.PasswordOf(username),
        }));
        next = new Uri(next, submitted.Headers.Location!);
        while (!next.OriginalString.StartsWith("http://localhost/", StringComparison.Ordinal))
        {
            using var response = await provider.GetAsync(next);
            next = new Uri(next, response.Headers.Location!);
        }
        var location = await KeycloakHttp.FollowAsync(portal, next.PathAndQuery);
        return (location, clock.Elapsed);
    }

    private async Task<Dictionary<string, TenantRole>> DirectoryRolesAsync(string email)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var rows = await db.Memberships.Where(m => m.User!.Email == email && m.Source == MembershipSource.Directory)
            .Select(m => new { m.Tenant!.Slug, m.Role }).ToListAsync();
        return rows.ToDictionary(r => r.Slug, r => r.Role);
    }

    [GeneratedRegex("""<form id="kc-form-login" method="post" action="([^"]+)" """)]
    private static partial Regex FormAction();
}
