using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.E2E.Clusters;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Support;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>
/// Every page of the portal, with data on it, in the light and the dark theme at 1280 px: each renders its heading,
/// shows no clipped button or column header, and leaves a screenshot for people to look at
/// (TestResults/screenshots/PageTourTests.*). The theme is chosen from the account menu and kept with the account.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTourTests(ClustersBrowserFixture fixture, ITestOutputHelper output) : ClustersBrowserTest(fixture, output)
{
    private const int Width = 1280;

    [Fact]
    public Task Every_page_renders_unclipped_in_light_and_dark_theme() => RunAsync(async page =>
    {
        var world = new ClustersWorld(App);
        var tenant = await world.TenantAsync("tour");
        var clusterId = await world.CreateClusterAsync(tenant, "shop-prod");
        // A Managed PostgreSQL platform (Active, with a backup store) and an active database on it, for the database pages.
        var databases = new Portal.Tests.E2E.Databases.DatabasesWorld(App);
        var databaseTenant = new Portal.Tests.E2E.Databases.DatabaseTenant(tenant, await databases.PostgresPlatformAsync(tenant.ServiceConfigId!.Value));
        var databaseId = await databases.CreateDatabaseAsync(databaseTenant, "orders", instances: 3);
        await databases.WaitActiveAsync(databaseTenant, databaseId);
        Guid mksPlatformId;
        await using (var db = await App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
            mksPlatformId = await db.ServicePlatforms.Where(p => p.ServiceConfigId == tenant.ServiceConfigId && p.Kind == PlatformKind.Mks)
                .Select(p => p.Id).SingleAsync();

        await page.SetViewportSizeAsync(Width, 900);
        await SignInAsAdminAsync();

        var pages = new (string Name, string Path)[]
        {
            ("dashboard", "/"),
            ("regions", "/regions"),
            ("infrastructures", "/infrastructures"),
            ("infrastructure-register", "/infrastructures/new"),
            ("infrastructure", $"/infrastructures/{tenant.InfrastructureId}"),
            ("platform", $"/platforms/{mksPlatformId}"),
            ("tenants", "/tenants"),
            ("tenant", "/tenants/team-tour"),
            ("users", "/users"),
            ("operations", "/operations"),
            ("audit", "/audit"),
            ("projects", "/projects"),
            ("clusters", "/clusters"),
            ("cluster-create", "/clusters/new"),
            ("cluster", $"/clusters/{clusterId}"),
            ("databases", "/databases"),
            ("database-create", "/databases/new"),
            ("database", $"/databases/{databaseId}"),
            ("api-tokens", "/account/api-tokens"),
            ("api-reference", "/api-reference"),
            ("not-found", "/no-such-page"),
        };

        foreach (var theme in new[] { ThemePreference.Light, ThemePreference.Dark })
        {
            await GotoAsync("/");
            await ChooseThemeAsync(page, theme);
            foreach (var (name, path) in pages)
            {
                await GotoAsync(path);
                await Expect(page.Locator("main h1").First).ToBeVisibleAsync();
                await ExpectThemeAsync(page, theme);
                Assert.Empty(await ClippedAsync(page));
                await SnapshotAsync($"{name}.{theme.ToString().ToLowerInvariant()}");
            }
        }

        // Statically rendered pages follow the system's setting (no theme provider runs there).
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await page.GotoAsync("/account/change-password");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change password" })).ToBeVisibleAsync();
        await SnapshotAsync("change-password.dark");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.GotoAsync("/account/change-password");
        await SnapshotAsync("change-password.light");

        // Every page above worked under the portal's Content-Security-Policy: the browser refused nothing.
        Assert.DoesNotContain(BrowserErrors, error => error.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    });

    [Fact]
    public Task Theme_choice_is_kept_with_the_account_and_follows_the_system_when_asked() => RunAsync(async page =>
    {
        const string email = "tour-theme@portal.test";
        var userId = await App.CreateUserAsync(email);
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await SignInAsync(email);

        // A new account follows the system: the browser says dark.
        await ExpectThemeAsync(page, ThemePreference.Dark);

        await ChooseThemeAsync(page, ThemePreference.Light);
        await ExpectThemeAsync(page, ThemePreference.Light);
        Assert.Equal(ThemePreference.Light, await App.Services.GetRequiredService<UserPreferences>().GetThemeAsync(userId));

        // Another browser session of the same person starts in the chosen theme, whatever its system says.
        var other = await NewSessionAsync();
        await other.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await other.SignInAsync(email, Portal.Tests.Integration.Web.Infrastructure.PortalWebFactory.DefaultUserPassword);
        await ExpectThemeAsync(other, ThemePreference.Light);
        await other.Context.CloseAsync();

        await ChooseThemeAsync(page, ThemePreference.System);
        await ExpectThemeAsync(page, ThemePreference.Dark);
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await ExpectThemeAsync(page, ThemePreference.Light);
    });

    /// <summary>Picks a theme in the account menu.</summary>
    private static async Task ChooseThemeAsync(IPage page, ThemePreference theme)
    {
        await page.OpenAccountMenuAsync();
        var text = theme switch { ThemePreference.Light => "Light", ThemePreference.Dark => "Dark", _ => "Follow the system" };
        await page.GetByRole(AriaRole.Menuitemradio, new() { Name = text, Exact = true }).ClickAsync();
    }

    /// <summary>The page's background is the theme's: dark backgrounds are dark, light ones light.</summary>
    private static async Task ExpectThemeAsync(IPage page, ThemePreference expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var luminance = await page.EvaluateAsync<double>(@"() => {
                const m = getComputedStyle(document.body).backgroundColor.match(/\d+(\.\d+)?/g).map(Number);
                return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; }");
            var dark = luminance < 0.5;
            if (dark == (expected == ThemePreference.Dark)) return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Expected the {expected} theme on {page.Url}; the page's background luminance is {luminance:F2}.");
            await Task.Delay(100);
        }
    }

    /// <summary>Visible buttons, links styled as buttons and column headers whose text does not fit their box.</summary>
    private static async Task<IReadOnlyList<string>> ClippedAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>(@"() => JSON.stringify([...document.querySelectorAll('button, .mud-button-root, th, .mud-table-cell.mud-table-head-cell, .mud-tab')]
            .filter(e => e.offsetParent !== null && e.getClientRects().length > 0)
            .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2 && getComputedStyle(e).overflow !== 'visible')
            .map(e => (e.getAttribute('aria-label') || e.textContent || e.tagName).trim().slice(0, 60) + ` (${e.scrollWidth}>${e.clientWidth})`))");
        return JsonSerializer.Deserialize<List<string>>(json) ?? [];
    }
}
