using Bunit;
using MudBlazor;
using Portal.Components.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class PoolFlavorDialogTests : ComponentTest
{
    private readonly List<Guid?> _sent = [];

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(Result answer) =>
        ShowDialogAsync<PoolFlavorDialog>("Change the flavor of node pool workers", new DialogParameters
        {
            { nameof(PoolFlavorDialog.Pool), ClusterViews.Pool(flavorId: ClusterViews.Small.ProviderId) },
            { nameof(PoolFlavorDialog.Flavors), ClusterViews.Flavors },
            { nameof(PoolFlavorDialog.Save), (Func<Guid?, Task<Result>>)(id =>
                {
                    _sent.Add(id);
                    return Task.FromResult(answer);
                }) },
        });

    [Fact]
    public async Task Submit_NothingChosen_ShowsTheServersRefusalUnderTheFlavor()
    {
        var (dialog, provider) = await OpenAsync(Refusal.Invalid(Fields.Flavor, "Choose the new flavor."));

        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Choose the new flavor.", provider.Find(".field-error").TextContent));
        Assert.Equal(new Guid?[] { null }, _sent);
        Assert.False(dialog.Result.IsCompleted);
    }
}
