using System.Diagnostics;
using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Keycloak;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Keycloak;

/// <summary>
/// Base for browser tests that sign in through the test realm: a fresh browser context per test (so no provider
/// session leaks between tests), failure screenshots like <see cref="BrowserTest"/>, and the provider's login steps.
/// </summary>
public abstract class KeycloakBrowserTest(KeycloakBrowserFixture fixture, ITestOutputHelper output) : BrowserTest<KeycloakBrowserFixture>(fixture, output)
{
    protected TestOidcServer Provider => Fixture.Provider;

    protected override string? FailureDiagnostics => "Provider stderr: " + Provider.Diagnostics;

    public override async Task InitializeAsync()
    {
        // No provider session or test change leaks between tests.
        await Provider.ResetAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.ResetAsync();
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
