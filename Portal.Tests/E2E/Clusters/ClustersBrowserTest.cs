using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Web.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Clusters;

/// <summary>
/// <see cref="BrowserTest"/> for the cluster scenarios, on <see cref="ClustersBrowserFixture"/> (fast, shared demo
/// Kubernetes API): a new browser context per test, a full-page screenshot and the browser's errors when a test fails.
/// </summary>
public abstract class ClustersBrowserTest(ClustersBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<ClustersBrowserFixture>, IAsyncLifetime
{
    static ClustersBrowserTest() => Assertions.SetDefaultExpectTimeout(20_000);

    private readonly List<string> _browserErrors = [];
    private IBrowserContext? _context;
    private IPage? _page;

    protected ClustersBrowserFixture Fixture { get; } = fixture;
    protected ITestOutputHelper Output { get; } = output;
    protected PortalKestrelFactory App => Fixture.App;
    protected IPage Page => _page ?? throw new InvalidOperationException("No page yet.");

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
    }

    public virtual async Task DisposeAsync()
    {
        if (_context is not null) await _context.CloseAsync();
    }

    /// <summary>A second, independent browser session (another person signed in at the same time).</summary>
    protected async Task<IPage> NewSessionAsync()
    {
        var context = await Fixture.NewContextAsync();
        return await context.NewPageAsync();
    }

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
                Output.WriteLine($"Test failed at {Page.Url}; screenshot: {await SaveAsync($"{GetType().Name}.{testName}.FAILED")}");
            }
            catch (Exception screenshotError)
            {
                Output.WriteLine($"The failure screenshot could not be saved: {screenshotError.Message}");
            }
            lock (_browserErrors)
            {
                foreach (var error in _browserErrors) Output.WriteLine(error);
            }
            ExceptionDispatchInfo.Capture(failure).Throw();
            throw;
        }
    }

    protected async Task SnapshotAsync(string name) => Output.WriteLine($"Screenshot: {await SaveAsync($"{GetType().Name}.{name}")}");

    private async Task<string> SaveAsync(string name)
    {
        var path = TestArtifacts.ScreenshotPath(name);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    protected Task GotoAsync(string path) => Page.GotoPortalAsync(path);

    protected Task SignInAsync(string email, string password = PortalWebFactory.DefaultUserPassword) => Page.SignInAsync(email, password);
}
