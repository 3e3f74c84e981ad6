using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>Curating an infrastructure's catalog in a real browser: import, rename, disable, delete, filter.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InfrastructuresCatalogTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    // The layout scrolls inside its body, so "full page" screenshots stop at the viewport: a taller one shows whole grids.
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Page.SetViewportSizeAsync(1366, 1300);
    }

    [Fact]
    public Task Admin_imports_renames_disables_and_deletes_catalog_entries() => RunAsync(async page =>
    {
        await SignInAsAdminAsync();
        // A demo cloud infrastructure seeded with three flavors and two images, registered through the wizard.
        var id = await new InfrastructureWizardScreen(page).RegisterDemoCloudAsync("Demo curated", "Curation region", "curation-a",
            ["m1.small", "m1.medium", "c2.large"], ["debian-12", "ubuntu-2404-kube-v1.32.3-5"]);
        var catalog = new CatalogScreen(page);
        await catalog.OpenAsync(id); // a fresh load, as a person coming back to it would see it
        await Expect(catalog.Heading("Demo curated")).ToBeVisibleAsync();
        await catalog.OpenCatalogTabAsync();
        await catalog.ExpectNamesAsync("flavors", "m1.small", "m1.medium", "c2.large");

        // Import: what is already in the catalog is marked "Imported" and cannot be picked again.
        var dialog = await catalog.OpenImportDialogAsync();
        await CatalogScreen.OpenImportTabAsync(dialog, "flavors");
        await ExpectImportedAsync(dialog, "flavors", "m1.small", "m1.medium", "c2.large");
        await CatalogScreen.OpenImportTabAsync(dialog, "images");
        await ExpectImportedAsync(dialog, "images", "debian-12", "ubuntu-2404-kube-v1.32.3-5");
        await CatalogScreen.OpenImportTabAsync(dialog, "flavors");
        await SnapshotAsync("import-dialog-marks-imported");

        await CatalogScreen.SelectForImportAsync(dialog, "flavors", "m1.large", "r2.large");
        await Expect(dialog.Button("Import 2 selected")).ToBeEnabledAsync();
        await SnapshotAsync("import-dialog-two-selected");
        await dialog.Button("Import 2 selected").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await catalog.ExpectNamesAsync("flavors", "m1.small", "m1.medium", "c2.large", "m1.large", "r2.large");
        await SnapshotAsync("catalog-after-import");

        // Rename: the new name replaces the old one.
        await catalog.RenameAsync("flavors", "m1.small", "Small (general purpose)");
        await Expect(catalog.Rows("flavors")).ToHaveCountAsync(5);
        // The cloud's own name stays visible under the portal's.
        await Expect(catalog.Row("flavors", "Small (general purpose)").Locator(".cloud-name")).ToHaveTextAsync("cloud name: m1.small");
        // The toast rises bottom right, never over the page header's buttons.
        var toast = page.Toast("Catalog entry saved");
        await Expect(toast).ToBeVisibleAsync();
        var toastBox = (await toast.BoundingBoxAsync())!;
        foreach (var button in await page.Locator(".page-header button").AllAsync())
        {
            if (await button.BoundingBoxAsync() is not { } box) continue;
            var overlaps = box.X < toastBox.X + toastBox.Width && toastBox.X < box.X + box.Width
                && box.Y < toastBox.Y + toastBox.Height && toastBox.Y < box.Y + box.Height;
            Assert.False(overlaps, $"The toast covers the header button '{await button.TextContentAsync()}'.");
        }
        Assert.True(toastBox.Y > page.ViewportSize!.Height / 2, "The toast should rise from the bottom of the window.");

        // A name cannot be cleared: the dialog says so, stays open, and nothing changes.
        var edit = await catalog.SubmitRenameAsync("flavors", "Small (general purpose)", "");
        await Expect(edit.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Name is required.");
        await Expect(edit).ToBeVisibleAsync();
        await SnapshotAsync("rename-cleared-name-refused");
        await edit.Button("Cancel").ClickAsync();
        await Expect(edit).ToBeHiddenAsync();
        await Expect(catalog.Row("flavors", "Small (general purpose)")).ToHaveCountAsync(1);

        // Disable one entry with its row button.
        await catalog.ToggleAsync("flavors", "Disable", "m1.medium");
        await Expect(catalog.RowButton("flavors", "Enable", "m1.medium")).ToBeVisibleAsync();

        // Bulk: tick two rows, disable them together.
        await catalog.TickAsync("flavors", "c2.large", "r2.large");
        await SnapshotAsync("bulk-two-selected");
        await catalog.BulkActions("flavors").Button("Disable selected").ClickAsync();
        await Expect(catalog.StatusBadge("flavors", "c2.large")).ToHaveTextAsync("Disabled");
        await Expect(catalog.StatusBadge("flavors", "r2.large")).ToHaveTextAsync("Disabled");
        await Expect(catalog.BulkActions("flavors")).ToHaveCountAsync(0);
        await Expect(catalog.StatusBadge("flavors", "Small (general purpose)")).ToHaveTextAsync("Enabled");
        await Expect(catalog.StatusBadge("flavors", "m1.large")).ToHaveTextAsync("Enabled");

        // Delete one, after confirming.
        await catalog.DeleteAsync("flavors", "m1.large");
        await catalog.ExpectNamesAsync("flavors", "Small (general purpose)", "m1.medium", "c2.large", "r2.large");
        await SnapshotAsync("catalog-curated");

        // The Status filter shows only the disabled entries.
        await catalog.FilterStatusAsync("flavors", "Disabled only");
        await catalog.ExpectNamesAsync("flavors", "m1.medium", "c2.large", "r2.large");
        await SnapshotAsync("catalog-disabled-only");

        // The images were untouched by all this.
        await catalog.OpenKindTabAsync("images");
        await catalog.ExpectNamesAsync("images", "debian-12", "ubuntu-2404-kube-v1.32.3-5");
    });

    /// <summary>In the import dialog's open tab, each entry is marked "Imported" and has no checkbox.</summary>
    private static async Task ExpectImportedAsync(ILocator dialog, string noun, params string[] names)
    {
        var search = dialog.GetByLabel($"Search {noun}", new() { Exact = true });
        foreach (var name in names)
        {
            await search.FillAsync(name);
            var row = dialog.Locator("tbody tr").Filter(new() { HasText = name });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.Locator(".state-badge")).ToHaveTextAsync("Imported");
            await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {name}", Exact = true })).ToHaveCountAsync(0);
        }
        await search.FillAsync("");
    }

    [Fact]
    public Task The_catalog_filters_are_named_by_their_labels() => RunAsync(async page =>
    {
        await SignInAsAdminAsync();
        var id = await new InfrastructureWizardScreen(page).RegisterDemoCloudAsync("Demo labelled", "Labelled region", "labelled-a",
            ["m1.small"], []);
        var catalog = new CatalogScreen(page);
        await catalog.OpenAsync(id);
        await catalog.OpenCatalogTabAsync();
        await Expect(catalog.Row("flavors", "m1.small")).ToHaveCountAsync(1);

        // A screen reader (and GetByLabel) should find the filters by the labels shown above them.
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Search flavors", Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("catalog-filters");
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Status", Exact = true })).ToBeVisibleAsync();
    });
}
