using Bunit;
using MudBlazor;
using Portal.Components.Infrastructures;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Infrastructures;

public sealed class InfrastructureDetailsDialogTests : PortalComponentTest
{
    [Fact]
    public async Task Save_WithTheNameCleared_ShowsTheRefusalUnderTheNameAndStaysOpen()
    {
        var detail = await Host.DemoAsync();
        var (dialog, provider) = await ShowDialogAsync<InfrastructureDetailsDialog>("Edit", new DialogParameters { { nameof(InfrastructureDetailsDialog.Detail), detail } });

        provider.WaitForAssertion(() => Assert.Equal("Demo one", provider.Find("#infra-edit-name").GetAttribute("value")));
        await provider.InvokeAsync(() => provider.Find("#infra-edit-name").Change(""));
        await provider.InvokeAsync(() => provider.Find("form#infra-details-form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Name is required.", provider.Find(".field-error").TextContent.Trim()));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Save_WithANewName_ClosesWithTrueAndRenames()
    {
        var detail = await Host.DemoAsync();
        var (dialog, provider) = await ShowDialogAsync<InfrastructureDetailsDialog>("Edit", new DialogParameters { { nameof(InfrastructureDetailsDialog.Detail), detail } });

        await provider.InvokeAsync(() => provider.Find("#infra-edit-name").Change("Demo renamed"));
        await provider.InvokeAsync(() => provider.Find("form#infra-details-form").Submit());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(true, result?.Data);
        Assert.Equal("Demo renamed", (await Host.Infrastructures.GetAsync(Admin, detail.Id)).ShouldSucceed().Name);
    }
}
