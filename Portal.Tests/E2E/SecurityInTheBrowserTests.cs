using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Web.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>
/// The Content-Security-Policy and session revocation as a person meets them: the interactive pages work under the
/// policy (the browser reports every refusal as a securitypolicyviolation event), and a live page whose session ended
/// elsewhere goes to sign-in by itself.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityInTheBrowserTests(SecurityInTheBrowserTests.FastRevalidationFixture fixture, ITestOutputHelper output)
    : BrowserTest<SecurityInTheBrowserTests.FastRevalidationFixture>(fixture, output)
{
    private const string RecordViolations = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
        """;

    [Fact]
    public Task Interactive_pages_work_under_the_content_security_policy() => RunAsync(async page =>
    {
        await Context.AddInitScriptAsync(RecordViolations);
        await SignInAsAdminAsync();

        foreach (var path in new[] { "/", "/regions", "/tenants", "/users", "/clusters", "/api-reference" })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("#portal-circuit[data-interactive=true]")).ToHaveCountAsync(1);
            Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__cspViolations"));
        }

        // The circuit answers clicks: the regions page's dialog opens.
        await page.GotoAsync("/regions");
        await Expect(page.Locator("#portal-circuit[data-interactive=true]")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "New region" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__cspViolations"));
        Assert.DoesNotContain(BrowserErrors, error => error.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    });

    [Fact]
    public Task A_live_page_goes_to_sign_in_when_the_account_signs_out_elsewhere() => RunAsync(async page =>
    {
        const string email = "two-tabs@portal.test";
        await App.CreateUserAsync(email);
        await SignInAsync(email, PortalWebFactory.DefaultUserPassword);
        await page.GotoAsync("/");
        await Expect(page.Locator("#portal-circuit[data-interactive=true]")).ToHaveCountAsync(1);

        var other = await NewSessionAsync();
        await other.SignInAsync(email, PortalWebFactory.DefaultUserPassword);
        await other.SignOutAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?sessionEnded=true"));
        await Expect(page.Locator(".form-notice")).ToContainTextAsync("Your session ended");
    });

    /// <summary>The portal with live pages re-checking their session every second, so the test sees it end quickly.</summary>
    public sealed class FastRevalidationFixture : PortalBrowserFixture
    {
        protected override Task<PortalKestrelFactory> CreateAppAsync() => Task.FromResult<PortalKestrelFactory>(new FastRevalidationPortal());
    }

    private sealed class FastRevalidationPortal : PortalKestrelFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("SignIn:SessionRevalidationInterval", "00:00:01");
        }
    }
}
