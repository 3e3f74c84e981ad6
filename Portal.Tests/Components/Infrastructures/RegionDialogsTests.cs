using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Regions;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Infrastructures;

/// <summary>The Regions page's create dialogs: the shared name/description dialog saving through RegionService.</summary>
public sealed class RegionDialogsTests : PortalComponentTest
{
    private RegionService Regions => (RegionService)Host.Services.GetService(typeof(RegionService))!;

    [Fact]
    public async Task NewRegion_NamedLikeAnExistingOneInAnotherCase_ShowsTheConflictUnderTheName()
    {
        (await Regions.CreateRegionAsync(Admin, "Europe North", null)).ShouldSucceed();
        var provider = RenderProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var saved = provider.InvokeAsync(() => dialogs.EditNameAsync("New region",
            async (name, description) => await Regions.CreateRegionAsync(Admin, name, description), saveText: "Create region"));

        provider.WaitForAssertion(() => Assert.NotNull(provider.Find("#dialog-name")));
        await provider.InvokeAsync(() => provider.Find("#dialog-name").Change("EUROPE north"));
        await provider.InvokeAsync(() => provider.Find("form#name-description-form").Submit());

        provider.WaitForAssertion(() => Assert.Contains("already exists", provider.Find("#dialog-name-error").TextContent));
        Assert.False(saved.IsCompleted);
        Assert.Equal(1, (await Regions.ListRegionsAsync(Admin, new(0, 20))).ShouldSucceed().Total);
    }
}
