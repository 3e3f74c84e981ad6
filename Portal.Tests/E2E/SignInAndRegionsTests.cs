using System.Net;
using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Web.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>The first journeys in a real browser: sign in, manage regions and zones, sign out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInAndRegionsTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    [Fact]
    public Task Admin_creates_a_region_and_a_zone_then_signs_out() => RunAsync(async page =>
    {
        await SignInAsAdminAsync();
        await Expect(page.SignedInUser()).ToHaveTextAsync(PortalWebFactory.AdminDisplayName);

        var regions = new RegionsScreen(page);
        await regions.OpenAsync();
        await regions.CreateRegionAsync("Europe North", "Datacentres in Helsinki and Stockholm");
        await Expect(regions.RegionsGrid.GetByText("Datacentres in Helsinki and Stockholm")).ToBeVisibleAsync();

        await regions.SelectRegionAsync("Europe North");
        await regions.CreateZoneAsync("Europe North", "hel-1", "Helsinki, hall A");

        // Region names are unique regardless of case: the dialog says so and stays open.
        var dialog = await regions.StartNewRegionAsync("EUROPE north");
        await dialog.Button("Create region").ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("already exists");
        await SnapshotAsync("duplicate-region-dialog");
        await dialog.Button("Cancel").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(regions.RegionsGrid.GetByRole(AriaRole.Button, new() { Name = "EUROPE north", Exact = true })).ToHaveCountAsync(0);

        // For the team to look at: the regions page with a region, its zone pane and a zone.
        await SnapshotAsync("regions-page");

        await page.SignOutAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You have signed out.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
    });

    [Fact]
    public Task Wrong_password_shows_an_error() => RunAsync(async page =>
    {
        const string email = "browser-wrong-password@portal.test";
        await App.CreateUserAsync(email);

        await page.SubmitSignInAsync(email, "certainly-not-the-password");

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is not correct.");
        Assert.Equal("/account/login", new Uri(page.Url).AbsolutePath);
        await Expect(page.SignedInUser()).ToHaveCountAsync(0);
    });

    [Fact]
    public async Task Browser_host_listens_on_its_own_loopback_port()
    {
        var address = new Uri(Fixture.BaseUrl);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(5080, address.Port); // appsettings.json's "Urls" must not win over the test's port

        using var http = new HttpClient { BaseAddress = address };
        using var health = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
