using Microsoft.Playwright;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// One running portal (TestServer + Kestrel on a free 127.0.0.1 port, own data folder) and one headless
/// Debian Chromium, shared by the tests of one class. Each test gets its own browser context from
/// <see cref="BrowserTest{TFixture}"/>. Playwright never downloads browsers: it drives <c>/usr/bin/chromium</c>.
/// Fixtures that need a differently configured portal (a shared demo API, an OpenID Provider) derive from this and
/// override <see cref="CreateAppAsync"/> and <see cref="OnStartedAsync"/>.
/// </summary>
public class PortalBrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private PortalKestrelFactory? _app;

    /// <summary>The running portal.</summary>
    public PortalKestrelFactory App => _app ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    /// <summary>The portal's Kestrel base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => App.ServerAddress;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    /// <summary>The height of every page's viewport (width is 1366).</summary>
    protected virtual int ViewportHeight => 900;

    /// <summary>The portal this fixture runs; by default the standard test portal.</summary>
    protected virtual Task<PortalKestrelFactory> CreateAppAsync() => Task.FromResult(new PortalKestrelFactory());

    /// <summary>Runs once the portal and the browser are up (seeding, registering the portal somewhere).</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing. Install Debian's chromium package (./test.sh does this when run as root).");

        // Belt and braces: nothing in Playwright may try to fetch its own browser builds.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_VALIDATE_HOST_REQUIREMENTS", "1");

        _app = await CreateAppAsync();
        // Starting the hosts blocks (the app's start-up code runs twice); keep it off the xUnit sync context.
        var appStarted = Task.Run(_app.EnsureStarted);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        await appStarted;
        await OnStartedAsync();
    }

    /// <summary>A fresh, isolated browser context (own cookies) pointed at the portal; downloads are accepted.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1366, Height = ViewportHeight },
            Locale = "en-US",
            TimezoneId = "UTC",
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);
        return context;
    }

    public virtual async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
