using Bunit;
using MudBlazor;
using Portal.Components.Infrastructures;
using Portal.Domain.Catalog;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Infrastructures;

public sealed class CatalogImportDialogTests : PortalComponentTest
{
    private static AngleSharp.Dom.IElement ImportButton(IRenderedComponent<MudDialogProvider> provider) =>
        provider.FindAll("button").Single(b => b.TextContent.Trim().StartsWith("Import ", StringComparison.Ordinal));

    /// <summary>A demo infrastructure whose catalog already holds the cloud's first flavor; returns it and that flavor's name.</summary>
    private async Task<(Guid Id, string Imported, string Other)> SeededAsync()
    {
        var id = await Host.RegisterDemoAsync();
        var listing = (await Host.Cloud.ReadAsync(Admin, id)).ShouldSucceed();
        var catalog = (CatalogService)Host.Services.GetService(typeof(CatalogService))!;
        (await catalog.ImportAsync(Admin, id, [listing.Flavors[0]], [])).ShouldSucceed();
        return (id, listing.Flavors[0].Name, listing.Flavors[1].Name);
    }

    private async Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(Guid id)
    {
        var opened = await ShowDialogAsync<CatalogImportDialog>("Import from the cloud", new DialogParameters { { nameof(CatalogImportDialog.InfrastructureId), id } });
        opened.Provider.WaitForAssertion(() => Assert.NotNull(opened.Provider.Find("#import-flavors-search")), TimeSpan.FromSeconds(10));
        return opened;
    }

    [Fact]
    public async Task Open_WithNothingPicked_DisablesImportAndSaysWhy()
    {
        var (id, _, _) = await SeededAsync();
        var (_, provider) = await OpenAsync(id);

        Assert.True(ImportButton(provider).HasAttribute("disabled"));
        Assert.Equal(CatalogService.WhyNotImport(0), provider.Find("#import-why-not").TextContent.Trim());
        Assert.Equal(CatalogService.WhyNotImport(0), ImportButton(provider).GetAttribute("title"));
    }

    [Fact]
    public async Task Open_AnEntryAlreadyInTheCatalog_IsMarkedImportedAndCannotBePicked()
    {
        var (id, imported, other) = await SeededAsync();
        var (_, provider) = await OpenAsync(id);

        var row = provider.FindAll("tbody tr").Single(r => r.TextContent.Contains(imported, StringComparison.Ordinal));
        Assert.Equal("Imported", row.QuerySelector(".state-badge")?.TextContent.Trim());
        Assert.Null(row.QuerySelector("input[type=checkbox]"));
        Assert.NotEmpty(provider.FindAll($"input[aria-label='Select {other}']"));
    }

    [Fact]
    public async Task Pick_OneEntry_EnablesImportAndCountsIt()
    {
        var (id, _, other) = await SeededAsync();
        var (_, provider) = await OpenAsync(id);

        await provider.InvokeAsync(() => provider.Find($"input[aria-label='Select {other}']").Change(true));

        provider.WaitForAssertion(() =>
        {
            Assert.Equal("Import 1 selected", ImportButton(provider).TextContent.Trim());
            Assert.False(ImportButton(provider).HasAttribute("disabled"));
            Assert.Empty(provider.FindAll("#import-why-not"));
        });
    }
}
