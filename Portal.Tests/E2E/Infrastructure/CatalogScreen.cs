using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// Page object for an infrastructure's detail page (<c>/infrastructures/{id}</c>): its Overview and its Catalog
/// tab (flavors and images grids, import dialog, rename, enable/disable, delete). Every step waits for its
/// visible result. Nouns are "flavors" or "images", as the portal writes them.
/// <code>
/// var catalog = new CatalogScreen(page);
/// await catalog.OpenCatalogTabAsync();
/// await catalog.ImportAsync(flavors: ["m1.large"], images: []);
/// await catalog.RenameAsync("flavors", "m1.large", "Large");
/// </code>
/// </summary>
public sealed class CatalogScreen(IPage page)
{
    public IPage Page { get; } = page;

    public Task OpenAsync(Guid infrastructureId) => Page.GotoPortalAsync($"/infrastructures/{infrastructureId}");

    /// <summary>The page heading (the infrastructure's name).</summary>
    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 });

    public ILocator Tab(string name) => Page.GetByRole(AriaRole.Tab, new() { Name = name, Exact = true });

    /// <summary>The Overview's value for a term ("Region", "Zone", "Name", …).</summary>
    public ILocator OverviewValue(string term) =>
        Page.Locator($"xpath=//dl[contains(@class,'review-list')]/dt[normalize-space()='{term}']/following-sibling::dd[1]").First;

    public async Task OpenOverviewTabAsync()
    {
        await Tab("Overview").ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Details", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Opens the Catalog tab and its Flavors tab; waits for the flavors grid.</summary>
    public async Task OpenCatalogTabAsync()
    {
        await Tab("Catalog").ClickAsync();
        await Assertions.Expect(Page.Button("Import from cloud")).ToBeVisibleAsync();
        await OpenKindTabAsync("flavors");
    }

    /// <summary>Opens the catalog's Flavors or Images tab and waits for its grid.</summary>
    public async Task OpenKindTabAsync(string noun)
    {
        await Tab(noun == "flavors" ? "Flavors" : "Images").ClickAsync();
        await Assertions.Expect(Grid(noun)).ToBeVisibleAsync();
    }

    // ---- The grids -----------------------------------------------------------------------------------------

    /// <summary>The catalog grid of "flavors" or "images" (<c>aria-label="Catalog flavors"</c>).</summary>
    public ILocator Grid(string noun) => Page.Locator($"[aria-label='Catalog {noun}']");

    /// <summary>The grid's data rows (not its empty-message row).</summary>
    public ILocator Rows(string noun) => Grid(noun).Locator("tbody tr").Filter(new() { Has = Page.Locator(".cell-title") });

    /// <summary>The row whose catalog name is exactly <paramref name="name"/>.</summary>
    public ILocator Row(string noun, string name) =>
        Rows(noun).Filter(new() { Has = Page.Locator(".cell-title", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) });

    /// <summary>The names the grid shows, in order.</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(string noun) =>
        (await Grid(noun).Locator(".cell-title").AllTextContentsAsync()).Select(n => n.Trim()).ToList();

    /// <summary>Waits until the grid shows exactly these names (in any order).</summary>
    public async Task ExpectNamesAsync(string noun, params string[] names)
    {
        await Assertions.Expect(Rows(noun)).ToHaveCountAsync(names.Length);
        foreach (var name in names)
            await Assertions.Expect(Row(noun, name)).ToHaveCountAsync(1);
    }

    /// <summary>A row's status badge ("Enabled"/"Disabled"); compare with ToHaveText (textContent).</summary>
    public ILocator StatusBadge(string noun, string name) => Row(noun, name).Locator(".state-badge").Filter(new() { HasTextRegex = new Regex("^(Enabled|Disabled)$") });

    public ILocator RowButton(string noun, string action, string name) => Grid(noun).Button($"{action} {name}");

    public ILocator RowCheckbox(string noun, string name) =>
        Grid(noun).GetByRole(AriaRole.Checkbox, new() { Name = $"Select {name}", Exact = true });

    /// <summary>The bulk actions bar of the grid (shown while rows are ticked).</summary>
    public ILocator BulkActions(string noun) => Page.GetByRole(AriaRole.Group, new() { Name = $"Bulk actions on selected {noun}", Exact = true });

    /// <summary>The open confirm dialog (its confirm button names the action).</summary>
    public ILocator ConfirmDialog => Page.OpenDialog();

    // ---- Actions -------------------------------------------------------------------------------------------

    /// <summary>Opens "Import from cloud" and waits for the cloud's listing; returns the dialog.</summary>
    public async Task<ILocator> OpenImportDialogAsync()
    {
        await Page.Button("Import from cloud").ClickAsync();
        var dialog = Page.OpenDialog();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByLabel("Search flavors", new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return dialog;
    }

    /// <summary>Opens the import dialog's Flavors or Images tab.</summary>
    public static async Task OpenImportTabAsync(ILocator dialog, string noun)
    {
        await dialog.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex($"^{(noun == "flavors" ? "Flavors" : "Images")} \\(\\d+ selected\\)$") }).ClickAsync();
        await Assertions.Expect(dialog.GetByLabel($"Search {noun}", new() { Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Ticks entries in the import dialog's open tab.</summary>
    public static Task SelectForImportAsync(ILocator dialog, string noun, params string[] names) =>
        PickerGrids.SelectAsync(dialog, noun, $"import-{noun}", names);

    /// <summary>Imports entries through the dialog and waits until it closes.</summary>
    public async Task ImportAsync(string[] flavors, string[] images)
    {
        var dialog = await OpenImportDialogAsync();
        if (flavors.Length > 0)
        {
            await OpenImportTabAsync(dialog, "flavors");
            await SelectForImportAsync(dialog, "flavors", flavors);
        }
        if (images.Length > 0)
        {
            await OpenImportTabAsync(dialog, "images");
            await SelectForImportAsync(dialog, "images", images);
        }
        await dialog.Button($"Import {flavors.Length + images.Length} selected").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
    }

    /// <summary>Opens "Edit &lt;name&gt;", fills the name field and clicks Save; returns the dialog (closed on success).</summary>
    public async Task<ILocator> SubmitRenameAsync(string noun, string name, string newName)
    {
        await RowButton(noun, "Edit", name).ClickAsync();
        var dialog = Page.OpenDialog();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync(name);
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(newName);
        await dialog.Button("Save").ClickAsync();
        return dialog;
    }

    /// <summary>Renames an entry and waits until the grid shows the new name.</summary>
    public async Task RenameAsync(string noun, string name, string newName)
    {
        var dialog = await SubmitRenameAsync(noun, name, newName);
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(Row(noun, newName)).ToHaveCountAsync(1);
        await Assertions.Expect(Row(noun, name)).ToHaveCountAsync(0);
    }

    /// <summary>Clicks the row's "Disable"/"Enable" button and waits for the status badge to change.</summary>
    public async Task ToggleAsync(string noun, string action, string name)
    {
        await RowButton(noun, action, name).ClickAsync();
        await Assertions.Expect(StatusBadge(noun, name)).ToHaveTextAsync(action == "Disable" ? "Disabled" : "Enabled");
    }

    /// <summary>Ticks rows by their "Select &lt;name&gt;" checkboxes; waits for the bulk bar's count.</summary>
    public async Task TickAsync(string noun, params string[] names)
    {
        foreach (var name in names)
            await RowCheckbox(noun, name).CheckAsync();
        await Assertions.Expect(BulkActions(noun)).ToContainTextAsync($"{names.Length} selected");
    }

    /// <summary>Clicks "Delete &lt;name&gt;", confirms with "Delete", and waits until the row is gone.</summary>
    public async Task DeleteAsync(string noun, string name)
    {
        await RowButton(noun, "Delete", name).ClickAsync();
        var confirm = ConfirmDialog;
        await Assertions.Expect(confirm).ToContainTextAsync($"Delete '{name}' from the catalog?");
        await confirm.Button("Delete").ClickAsync();
        await Assertions.Expect(confirm).ToBeHiddenAsync();
        await Assertions.Expect(Row(noun, name)).ToHaveCountAsync(0);
    }

    /// <summary>Chooses a value ("Enabled only", "Disabled only") in the grid's Status filter.</summary>
    public async Task FilterStatusAsync(string noun, string option)
    {
        // The select sits in the toolbar above the open tab's grid (the other tab's grid is not rendered).
        await Page.SelectAsync("Status", option);
    }
}
