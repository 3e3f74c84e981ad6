using Bunit;
using MudBlazor;
using Portal.Components.Clusters;
using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class PoolScaleDialogTests : ComponentTest
{
    private readonly List<int?> _sent = [];

    /// <summary>Judges like the server does: the domain's node count rule.</summary>
    private Task<Result> Judge(int? count)
    {
        _sent.Add(count);
        return Task.FromResult<Result>(ClusterRules.NodeCount(count));
    }

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(NodePoolView pool) =>
        ShowDialogAsync<PoolScaleDialog>("Scale node pool workers", new DialogParameters
        {
            { nameof(PoolScaleDialog.Pool), pool },
            { nameof(PoolScaleDialog.Save), (Func<int?, Task<Result>>)Judge },
        });

    [Fact]
    public async Task Open_Always_StartsAtThePoolsSize()
    {
        var (_, provider) = await OpenAsync(ClusterViews.Pool(nodes: 4));

        Assert.Equal("4", provider.Find("#scale-pool-nodes").GetAttribute("value"));
    }

    [Fact]
    public async Task Submit_FieldCleared_SendsNothingAndShowsThatTheCountIsRequired()
    {
        var (dialog, provider) = await OpenAsync(ClusterViews.Pool(nodes: 4));

        await provider.InvokeAsync(() => provider.Find("#scale-pool-nodes").Input(""));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Contains("The number of nodes is required", provider.Find(".field-error").TextContent, StringComparison.Ordinal));
        Assert.Equal(new int?[] { null }, _sent);
        Assert.DoesNotContain("outside that range", provider.Markup, StringComparison.Ordinal);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Submit_OutOfRange_ShowsTheServersRangeUnderTheField()
    {
        var (dialog, provider) = await OpenAsync(ClusterViews.Pool(nodes: 4));

        await provider.InvokeAsync(() => provider.Find("#scale-pool-nodes").Input("25"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Contains("25 is outside that range", provider.Find(".field-error").TextContent, StringComparison.Ordinal));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Submit_Accepted_ClosesWithTrue()
    {
        var (dialog, provider) = await OpenAsync(ClusterViews.Pool(nodes: 4));

        await provider.InvokeAsync(() => provider.Find("#scale-pool-nodes").Input("6"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(true, result?.Data);
        Assert.Equal(new int?[] { 6 }, _sent);
    }
}
