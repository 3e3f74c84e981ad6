using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>The API reference in a real browser: a person opens it from the menu, finds an operation and reads how to call it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferenceTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    /// <summary>The innermost elements reaching past the screen's right edge (empty when the page does not scroll sideways).</summary>
    private const string WiderThanTheScreen = """
        () => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
            .filter(e => !e.closest('.table-scroll, .op-example'))
            .slice(0, 8).map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`).join('; ')
        """;

    [Fact]
    public Task Person_opens_the_API_reference_from_the_menu_searches_and_reads_an_operation() => RunAsync(async page =>
    {
        const string email = "devon@acme.test";
        await App.CreateUserAsync(email, displayName: "Devon Developer");
        await SignInAsync(email, Integration.Web.Infrastructure.PortalWebFactory.DefaultUserPassword);
        var reference = new ApiReferenceScreen(page);

        await reference.OpenFromTheMenuAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Authentication" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "API tokens" }).First).ToHaveAttributeAsync("href", "account/api-tokens");
        await Expect(reference.Operation("POST", "/api/v1/tenants")).ToBeVisibleAsync();
        await reference.SnapshotScreenAsync("top.light");

        await reference.SearchAsync("tenants/{tenantId}");
        await Expect(reference.Operation("GET", "/api/v1/me")).ToBeHiddenAsync();
        await Expect(reference.Operation("PATCH", "/api/v1/tenants/{tenantId}")).ToBeVisibleAsync();
        await reference.SearchAsync("");

        await reference.Operation("POST", "/api/v1/tenants").ClickAsync();
        await Expect(reference.Operation("POST", "/api/v1/tenants")).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Request body of POST /api/v1/tenants" })).ToContainTextAsync("slug");
        await Expect(page.GetByTestId("curl-example")).ToContainTextAsync($"curl -X POST \"{Fixture.BaseUrl}/api/v1/tenants\"");
        await reference.SnapshotOpenOperationAsync("operation.light");
        await SnapshotAsync("page.light");

        await reference.ChooseThemeAsync("Dark");
        await reference.SnapshotOpenOperationAsync("operation.dark");
        await SnapshotAsync("page.dark");

        // Narrow: the section list goes above the operations, nothing is wider than the screen.
        await page.SetViewportSizeAsync(400, 900);
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await reference.SnapshotScreenAsync("top.narrow.dark");
        await reference.SnapshotOpenOperationAsync("operation.narrow.dark");
        Assert.Equal("", await page.EvaluateAsync<string>(WiderThanTheScreen));
        await reference.ChooseThemeAsync("Light");
    });
}

/// <summary>The API reference page, by role and label.</summary>
public sealed class ApiReferenceScreen(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>An operation's header button, by method and path.</summary>
    public ILocator Operation(string method, string path) =>
        Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^{method} {Regex.Escape(path).Replace("/", @"\/", StringComparison.Ordinal)} ") });

    public async Task OpenFromTheMenuAsync()
    {
        await Page.GotoPortalAsync("/");
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "API reference" }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("/api-reference$"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "API reference", Level = 1 })).ToBeVisibleAsync();
    }

    public async Task SearchAsync(string text)
    {
        await Page.GetByLabel("Search operations").FillAsync(text);
        await Assertions.Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex("operations$") }))
            .ToHaveTextAsync(new Regex(text.Length == 0 ? @"^\d+ operations$" : @"^\d+ of \d+ operations$"));
    }

    public Task ChooseThemeAsync(string text) => new ApiTokensScreen(Page).ChooseThemeAsync(text);

    /// <summary>What the screen shows (the full-page shots draw the fixed app bar and menu mid-page).</summary>
    public Task SnapshotScreenAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = TestArtifacts.ScreenshotPath($"{nameof(ApiReferenceTests)}.{name}"), Animations = ScreenshotAnimations.Disabled });

    /// <summary>The open operation alone, beside the full-page shots (which are too tall to read its details in).</summary>
    public Task SnapshotOpenOperationAsync(string name) =>
        Page.Locator("article.op-open").ScreenshotAsync(new LocatorScreenshotOptions
        {
            Path = TestArtifacts.ScreenshotPath($"{nameof(ApiReferenceTests)}.{name}"),
            Animations = ScreenshotAnimations.Disabled,
        });
}
