using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>The registration wizard with the built-in demo cloud: a full registration, and leaving half-way.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InfrastructuresRegistrationTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    // The layout scrolls inside its body, so "full page" screenshots stop at the viewport: a taller one shows whole steps.
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Page.SetViewportSizeAsync(1366, 1500);
    }

    [Fact]
    public Task Admin_registers_the_demo_cloud_in_a_new_region_and_zone_with_a_catalog_seed() => RunAsync(async page =>
    {
        string[] flavors = ["m1.small", "m1.medium", "c2.large"];
        string[] images = ["debian-12", "ubuntu-2404-kube-v1.32.3-5"];
        await SignInAsAdminAsync();
        var wizard = new InfrastructureWizardScreen(page);

        // Step 1: name and provider. The demo cloud needs no connection fields.
        await wizard.StartFromListAsync();
        await wizard.FillNameAsync("Demo one", "The built-in stand-in, for trying Portal");
        await wizard.ChooseDemoCloudAsync();
        await Expect(wizard.AuthUrlField).ToHaveCountAsync(0);
        await SnapshotAsync("wizard-1-provider");

        // Step 2: the real client runs against the demo cloud; every check passes (or warns).
        var checks = await wizard.NextToValidationAsync();
        Assert.Equal(InfrastructureWizardScreen.CheckNames, checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.Contains(c.Status, new[] { "Passed", "Warning" }));
        await Expect(wizard.Check("List flavors (Nova)")).ToContainTextAsync("12 flavors");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The connection works." })).ToBeVisibleAsync();
        await Expect(wizard.NextButton).ToBeEnabledAsync();
        await SnapshotAsync("wizard-2-validate");

        // Step 3: a new region and zone, created with the infrastructure.
        await wizard.NextAsync("Placement");
        await wizard.ChooseNewRegionAndZoneAsync("Demo North", "demo-north-a");
        await SnapshotAsync("wizard-3-placement");

        // Step 4: seed the catalog with three flavors and two images.
        await wizard.NextAsync("Catalog seed");
        await wizard.OpenSeedTabAsync("flavors");
        await wizard.SelectSeedAsync("flavors", flavors);
        await Expect(wizard.SeedSelectedCount("flavors")).ToHaveTextAsync("3 selected");
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Flavors (3 selected)" })).ToBeVisibleAsync();
        await SnapshotAsync("wizard-4-seed-flavors");
        await wizard.OpenSeedTabAsync("images");
        await wizard.SelectSeedAsync("images", images);
        await Expect(wizard.SeedSelectedCount("images")).ToHaveTextAsync("2 selected");
        await SnapshotAsync("wizard-4-seed-images");

        // Step 5: the review repeats every choice, with the seed's counts.
        await wizard.NextAsync("Review");
        await Expect(wizard.ReviewValue("Name")).ToHaveTextAsync("Demo one");
        await Expect(wizard.ReviewValue("Provider")).ToHaveTextAsync("Demo cloud");
        await Expect(wizard.ReviewValue("Placement")).ToHaveTextAsync("New zone demo-north-a in new region Demo North");
        await Expect(wizard.ReviewValue("Catalog seed")).ToHaveTextAsync("3 flavors, 2 images");
        await Expect(wizard.ReviewValue("Validation")).ToContainTextAsync("Authenticated; 12 flavors");
        await SnapshotAsync("wizard-5-review");

        var id = await wizard.FinishAsync("Demo one");

        // The detail page: the Overview shows the placement made inline.
        var detail = new CatalogScreen(page);
        await Expect(detail.OverviewValue("Region")).ToHaveTextAsync("Demo North");
        await Expect(detail.OverviewValue("Zone")).ToHaveTextAsync("demo-north-a");
        await Expect(page.GetByTestId("last-validation")).ToContainTextAsync("Authenticated;");
        await SnapshotAsync("detail-overview");

        // The Catalog holds exactly the seed.
        await detail.OpenCatalogTabAsync();
        await detail.ExpectNamesAsync("flavors", flavors);
        foreach (var flavor in flavors)
            await Expect(detail.StatusBadge("flavors", flavor)).ToHaveTextAsync("Enabled");
        await SnapshotAsync("detail-catalog-flavors");
        await detail.OpenKindTabAsync("images");
        await detail.ExpectNamesAsync("images", images);
        await Expect(detail.Row("images", "ubuntu-2404-kube-v1.32.3-5")).ToContainTextAsync("1.32.3-5");
        await SnapshotAsync("detail-catalog-images");

        // The list shows it with its placement and catalog size.
        await wizard.OpenListAsync();
        var row = wizard.ListRow("Demo one");
        await Expect(row).ToContainTextAsync("Demo North");
        await Expect(row).ToContainTextAsync("demo-north-a");
        await Expect(row).ToContainTextAsync("3 flavors, 2 images");
        await Expect(row).ToContainTextAsync("Demo cloud");
        await Expect(wizard.ListLink("Demo one")).ToHaveAttributeAsync("href", $"infrastructures/{id}");
        await SnapshotAsync("list");
    });

    [Fact]
    public Task Leaving_the_wizard_half_way_saves_nothing() => RunAsync(async page =>
    {
        const string name = "Abandoned demo";
        await SignInAsAdminAsync();
        var wizard = new InfrastructureWizardScreen(page);

        await wizard.StartFromListAsync();
        await wizard.FillNameAsync(name);
        await wizard.ChooseDemoCloudAsync();
        var checks = await wizard.NextToValidationAsync();
        Assert.All(checks, c => Assert.Contains(c.Status, new[] { "Passed", "Warning" }));
        await wizard.NextAsync("Placement");
        await wizard.ChooseNewRegionAndZoneAsync("Abandoned region", "abandoned-zone");
        await SnapshotAsync("cancel-at-placement");

        await wizard.CancelAsync();
        await wizard.WaitForListAsync(await StoredInfrastructureCountAsync());
        await Expect(wizard.ListLink(name)).ToHaveCountAsync(0);
        await SnapshotAsync("list-after-cancel");

        // Nothing reached the database: no infrastructure, and not the region the wizard would have created.
        await using var scope = App.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<InfrastructureService>().IsNameTakenAsync(name));
        var regions = await scope.ServiceProvider.GetRequiredService<RegionService>()
            .ListRegionsAsync(await App.AdminActorAsync(), new PageRequest(0, Limits.MaxPageSize));
        Assert.DoesNotContain(regions.Value!.Items, r => r.Name == "Abandoned region");
    });

    /// <summary>How many infrastructures the list's first page should show, according to the database.</summary>
    private async Task<int> StoredInfrastructureCountAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var page = await scope.ServiceProvider.GetRequiredService<InfrastructureService>()
            .ListAsync(await App.AdminActorAsync(), new PageRequest(0, Limits.DefaultPageSize));
        return page.Value!.Items.Count;
    }
}
