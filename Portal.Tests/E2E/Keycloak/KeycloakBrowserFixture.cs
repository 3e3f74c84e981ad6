using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Tenancy;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Keycloak;

namespace Portal.Tests.E2E.Keycloak;

/// <summary>
/// A real OpenID Provider (the test realm in <c>tools/test-oidc</c>), a Portal on Kestrel configured to sign in with
/// it, tenants Acme (project <c>acme-web</c>) and Globex (project <c>globex-billing</c>), and headless Chromium.
/// The provider starts first (Portal needs its address); its client is registered once Portal's port is known.
/// </summary>
public sealed class KeycloakBrowserFixture : IAsyncLifetime
{
    public const string ClientId = "portal";
    public const string AcmeProject = "acme-web";
    public const string GlobexProject = "globex-billing";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public TestOidcServer Provider { get; private set; } = null!;
    public KeycloakKestrelFactory App { get; private set; } = null!;
    public string BaseUrl => App.ServerAddress;
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_VALIDATE_HOST_REQUIREMENTS", "1");
        Provider = await TestOidcServer.StartAsync();
        App = new KeycloakKestrelFactory(new KeycloakPortalSettings(Provider.Issuer, ClientId, "portal-e2e-client-secret"));
        await Task.Run(App.EnsureStarted);
        await Provider.RegisterClientAsync(ClientId, "portal-e2e-client-secret", App.ServerAddress);

        var tenancy = App.Services.GetRequiredService<TenancyService>();
        var admin = await App.AdminActorAsync();
        foreach (var (name, slug, project) in new[] { ("Acme", "acme", AcmeProject), ("Globex", "globex", GlobexProject) })
        {
            var tenant = await tenancy.CreateTenantAsync(admin, name, slug, $"{name} team");
            await tenancy.CreateProjectAsync(admin, tenant.Value, project, null);
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = PortalBrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (App is not null) await App.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
    }
}
