using Microsoft.Playwright;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>Page object for <c>/regions</c> (Regions &amp; Zones). Every step waits for its visible result.</summary>
public sealed class RegionsScreen(IPage page)
{
    public const string Path = "/regions";

    public IPage Page { get; } = page;

    /// <summary>The regions grid (<c>aria-label="Regions"</c>).</summary>
    public ILocator RegionsGrid => Page.Locator("[aria-label='Regions']");

    /// <summary>The zones grid of the selected region.</summary>
    public ILocator ZonesGrid(string regionName) => Page.Locator($"[aria-label='Zones in {regionName}']");

    /// <summary>The region's name button in the grid (clicking it selects the region).</summary>
    public ILocator RegionButton(string name) => RegionsGrid.Button(name);

    public Task OpenAsync() => Page.GotoPortalAsync(Path);

    /// <summary>Opens "New region" and fills the dialog without saving; returns the dialog.</summary>
    public async Task<ILocator> StartNewRegionAsync(string name, string? description = null)
    {
        await Page.Button("New region").ClickAsync();
        return await FillNameDialogAsync(name, description);
    }

    /// <summary>Creates a region through the dialog and waits until it is listed.</summary>
    public async Task CreateRegionAsync(string name, string? description = null)
    {
        var dialog = await StartNewRegionAsync(name, description);
        await dialog.Button("Create region").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(RegionButton(name)).ToBeVisibleAsync();
    }

    /// <summary>Selects a region by clicking its name and waits for its zones pane.</summary>
    public async Task SelectRegionAsync(string name)
    {
        await RegionButton(name).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"Zones in {name}", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Creates a zone in the selected region and waits until it is listed.</summary>
    public async Task CreateZoneAsync(string regionName, string zoneName, string? description = null)
    {
        await Page.Button("New zone").ClickAsync();
        var dialog = await FillNameDialogAsync(zoneName, description);
        await dialog.Button("Create zone").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(ZonesGrid(regionName).GetByText(zoneName, new() { Exact = true })).ToBeVisibleAsync();
    }

    private async Task<ILocator> FillNameDialogAsync(string name, string? description)
    {
        var dialog = Page.OpenDialog();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        if (description is not null)
            await dialog.GetByLabel("Description (optional)", new() { Exact = true }).FillAsync(description);
        return dialog;
    }
}
