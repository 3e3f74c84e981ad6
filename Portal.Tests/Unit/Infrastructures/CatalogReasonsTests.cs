using Portal.Domain.Catalog;

namespace Portal.Tests.Unit.Infrastructures;

/// <summary>The reasons the catalog shows on disabled actions are the texts its commands refuse with.</summary>
public sealed class CatalogReasonsTests
{
    [Fact]
    public void WhyNotImport_NothingSelected_IsRefusedAndOneEntryIsAllowed()
    {
        Assert.Equal("Select at least one flavor or image to import.", CatalogService.WhyNotImport(0));
        Assert.Null(CatalogService.WhyNotImport(1));
    }

    [Fact]
    public void WhyNotChangeEntries_NothingSelected_IsRefusedAndTwoEntriesAreAllowed()
    {
        Assert.Equal("Select at least one entry.", CatalogService.WhyNotChangeEntries(0));
        Assert.Null(CatalogService.WhyNotChangeEntries(2));
    }
}
