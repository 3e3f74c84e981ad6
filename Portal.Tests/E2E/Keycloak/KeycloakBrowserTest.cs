using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Keycloak;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Keycloak;

/// <summary>
/// Base for browser tests that sign in through the test realm: a fresh browser context per test (so no provider
/// session leaks between tests), failure screenshots like <see cref="BrowserTest"/>, and the provider's login steps.
/// </summary>
public abstract class KeycloakBrowserTest(KeycloakBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<KeycloakBrowserFixture>, IAsyncLifetime
{
    private IBrowserContext? _context;

    protected KeycloakBrowserFixture Fixture { get; } = fixture;
    protected ITestOutputHelper Output { get; } = output;
    protected TestOidcServer Provider => Fixture.Provider;
    protected IPage Page { get; private set; } = null!;

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        await Provider.ResetAsync();
        _context = await Fixture.NewContextAsync();
        Page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_context is not null) await _context.CloseAsync();
        await Provider.ResetAsync();
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
                Output.WriteLine("Provider stderr: " + Provider.Diagnostics);
            }
            catch (Exception screenshotError)
            {
                Output.WriteLine($"The failure screenshot could not be saved: {screenshotError.Message}");
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

    /// <summary>The realm's login page (Keycloak's field ids).</summary>
    protected ILocator ProviderUsername => Page.Locator("#username");

    /// <summary>Clicks "Sign in with Keycloak" on Portal's sign-in page and waits for the provider's login form.</summary>
    protected async Task StartKeycloakSignInAsync()
    {
        await Page.GotoAsync("/account/login");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Keycloak" }).ClickAsync();
        await Expect(ProviderUsername).ToBeVisibleAsync();
        Assert.StartsWith(Provider.BaseAddress, Page.Url);
    }

    /// <summary>Fills the provider's form, submits it, and waits for Portal's live dashboard; returns the time that took.</summary>
    protected async Task<TimeSpan> SubmitProviderLoginAsync(string username)
    {
        await ProviderUsername.FillAsync(username);
        await Page.Locator("#password").FillAsync(TestOidcServer.PasswordOf(username));
        var clock = Stopwatch.StartNew();
        await Page.Locator("#kc-login").ClickAsync();
        await Page.WaitForCircuitAsync();
        clock.Stop();
        Assert.StartsWith(Fixture.BaseUrl, Page.Url);
        return clock.Elapsed;
    }

    /// <summary>The whole sign-in through the provider, ending on Portal's live dashboard.</summary>
    protected async Task<TimeSpan> SignInWithKeycloakAsync(string username)
    {
        await StartKeycloakSignInAsync();
        var elapsed = await SubmitProviderLoginAsync(username);
        Output.WriteLine($"Keycloak sign-in of {username}: provider form submitted → live dashboard in {elapsed.TotalMilliseconds:0} ms");
        return elapsed;
    }
}
