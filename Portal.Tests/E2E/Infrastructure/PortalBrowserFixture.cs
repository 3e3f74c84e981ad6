using Microsoft.Playwright;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// One running portal (TestServer + Kestrel on a free 127.0.0.1 port, own data folder) and one headless
/// Debian Chromium, shared by the tests of one class. Each test gets its own browser context from
/// <see cref="BrowserTest"/>. Playwright never downloads browsers: it drives <c>/usr/bin/chromium</c>.
/// </summary>
public sealed class PortalBrowserFixture : IAsyncLifetime
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

    public PortalKestrelFactory App { get; } = new();

    /// <summary>The portal's Kestrel base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => App.ServerAddress;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing. Install Debian's chromium package (./test.sh does this when run as root).");

        // Belt and braces: nothing in Playwright may try to fetch its own browser builds.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_VALIDATE_HOST_REQUIREMENTS", "1");

        // Starting the hosts blocks (the app's start-up code runs twice); keep it off the xUnit sync context.
        var appStarted = Task.Run(App.EnsureStarted);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        await appStarted;
    }

    /// <summary>A fresh, isolated browser context (own cookies) pointed at the portal.</summary>
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
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}
