using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Playwright;
using Portal.Tests.Integration.Web.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// Base class for browser tests: one portal + Chromium per test class (<see cref="PortalBrowserFixture"/>),
/// a new browser context and page per test. Wrap each test body in <see cref="RunAsync"/> so a failure
/// leaves a full-page screenshot named after the test (its path is printed in the test output).
/// <code>
/// public sealed class MyTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
/// {
///     [Fact]
///     public Task Admin_sees_regions() => RunAsync(async page =>
///     {
///         await SignInAsAdminAsync();
///         await GotoAsync("/regions");
///         await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Regions &amp; Zones" })).ToBeVisibleAsync();
///         await SnapshotAsync("regions");
///     });
/// }
/// </code>
/// </summary>
public abstract class BrowserTest(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest<PortalBrowserFixture>(fixture, output);

/// <summary>
/// <see cref="BrowserTest"/> on a fixture of the test class's choosing (a portal configured differently): a new browser
/// context and page per test, failure screenshots and the browser's errors in the test output.
/// </summary>
public abstract class BrowserTest<TFixture> : IClassFixture<TFixture>, IAsyncLifetime where TFixture : PortalBrowserFixture
{
    // Generous: the whole suite shares two cores, and a passing expectation returns as soon as it holds.
    static BrowserTest() => Assertions.SetDefaultExpectTimeout(20_000);

    private readonly List<string> _browserErrors = [];
    private IBrowserContext? _context;
    private IPage? _page;

    protected BrowserTest(TFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        Output = output;
    }

    protected TFixture Fixture { get; }
    protected ITestOutputHelper Output { get; }

    /// <summary>The running portal (for creating users or calling domain services directly).</summary>
    protected PortalKestrelFactory App => Fixture.App;

    protected IBrowserContext Context => _context ?? throw new InvalidOperationException("No browser context yet.");
    protected IPage Page => _page ?? throw new InvalidOperationException("No page yet.");

    /// <summary>Playwright's web-first assertions (they retry until the default expect timeout).</summary>
    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    public virtual async Task InitializeAsync()
    {
        _context = await Fixture.NewContextAsync();
        _page = await _context.NewPageAsync();
        _page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
                lock (_browserErrors) _browserErrors.Add($"console.{message.Type}: {message.Text}");
        };
        _page.PageError += (_, error) =>
        {
            lock (_browserErrors) _browserErrors.Add($"page error: {error}");
        };
        _page.Response += (_, response) =>
        {
            if (response.Status >= 400)
                lock (_browserErrors) _browserErrors.Add($"HTTP {response.Status} for {response.Request.Method} {response.Url}");
        };
        _page.RequestFailed += (_, request) =>
        {
            lock (_browserErrors) _browserErrors.Add($"request failed: {request.Method} {request.Url} ({request.Failure})");
        };
    }

    /// <summary>Browser console errors/warnings, page errors and HTTP errors seen so far in this test.</summary>
    protected IReadOnlyList<string> BrowserErrors
    {
        get { lock (_browserErrors) return _browserErrors.ToList(); }
    }

    public virtual async Task DisposeAsync()
    {
        if (_context is not null)
            await _context.CloseAsync();
    }

    /// <summary>A second, independent browser session (another person signed in at the same time).</summary>
    protected async Task<IPage> NewSessionAsync()
    {
        var context = await Fixture.NewContextAsync();
        return await context.NewPageAsync();
    }

    /// <summary>More to print when a test fails (for example a helper process's diagnostics).</summary>
    protected virtual string? FailureDiagnostics => null;

    /// <summary>
    /// Runs a test body against <see cref="Page"/>; on failure saves <c>Class.Test.FAILED.png</c> (full page),
    /// prints its path and the browser's console errors, then rethrows the original exception.
    /// </summary>
    protected async Task RunAsync(Func<IPage, Task> body, [CallerMemberName] string testName = "")
    {
        try
        {
            await body(Page);
        }
        catch (Exception failure)
        {
            try
            {
                var path = await SaveScreenshotAsync($"{GetType().Name}.{testName}.FAILED");
                Output.WriteLine($"Test failed at {Page.Url}; screenshot: {path}");
            }
            catch (Exception screenshotError)
            {
                Output.WriteLine($"Test failed; the failure screenshot could not be saved: {screenshotError.Message}");
            }
            lock (_browserErrors)
            {
                foreach (var error in _browserErrors)
                    Output.WriteLine(error);
            }
            if (FailureDiagnostics is { } diagnostics)
                Output.WriteLine(diagnostics);
            ExceptionDispatchInfo.Capture(failure).Throw();
            throw; // unreachable
        }
    }

    /// <summary>Saves a full-page screenshot of the current page as <c>Class.name.png</c>; returns its path.</summary>
    protected async Task<string> SnapshotAsync(string name)
    {
        var path = await SaveScreenshotAsync($"{GetType().Name}.{name}");
        Output.WriteLine($"Screenshot: {path}");
        return path;
    }

    private async Task<string> SaveScreenshotAsync(string name)
    {
        var path = TestArtifacts.ScreenshotPath(name);
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path,
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
        });
        return path;
    }

    /// <summary>Navigates to a portal path and waits for the live circuit.</summary>
    protected Task GotoAsync(string path) => Page.GotoPortalAsync(path);

    /// <summary>Waits until the current page's Blazor circuit is interactive.</summary>
    protected Task WaitForCircuitAsync() => Page.WaitForCircuitAsync();

    /// <summary>Signs in through the sign-in page and waits for the live circuit of the landing page.</summary>
    protected Task SignInAsync(string email, string password) => Page.SignInAsync(email, password);

    /// <summary>Signs in as the fixture's bootstrap platform admin.</summary>
    protected Task SignInAsAdminAsync() => SignInAsync(PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
}
