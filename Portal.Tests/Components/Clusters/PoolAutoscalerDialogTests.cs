using Bunit;
using MudBlazor;
using Portal.Components.Clusters;
using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class PoolAutoscalerDialogTests : ComponentTest
{
    private readonly List<AutoscalerChange> _sent = [];

    /// <summary>Judges like the server does: the size, then the bounds.</summary>
    private Task<Result> Judge(AutoscalerChange change)
    {
        _sent.Add(change);
        var count = ClusterRules.NodeCount(change.NodeCount);
        return Task.FromResult<Result>(count.Succeeded ? ClusterRules.Autoscaler(change.Enabled, change.Min, change.Max, count.Value) : count);
    }

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(NodePoolView pool) =>
        ShowDialogAsync<PoolAutoscalerDialog>("Autoscaler of node pool workers", new DialogParameters
        {
            { nameof(PoolAutoscalerDialog.Pool), pool },
            { nameof(PoolAutoscalerDialog.Save), (Func<AutoscalerChange, Task<Result>>)Judge },
        });

    [Fact]
    public async Task Open_AutoscalerOn_ShowsItsBounds()
    {
        var (_, provider) = await OpenAsync(ClusterViews.Pool(nodes: 3, autoscaler: true, min: 2, max: 6));

        Assert.Equal("2", provider.Find("#autoscaler-min").GetAttribute("value"));
        Assert.Equal("6", provider.Find("#autoscaler-max").GetAttribute("value"));
    }

    [Fact]
    public async Task Submit_MinimumCleared_SaysItIsRequiredUnderTheMinimum()
    {
        var (dialog, provider) = await OpenAsync(ClusterViews.Pool(nodes: 3, autoscaler: true, min: 2, max: 6));

        await provider.InvokeAsync(() => provider.Find("#autoscaler-min").Input(""));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("The autoscaler's minimum number of nodes is required.", provider.Find(".field-error").TextContent));
        Assert.Null(_sent.Single().Min);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Submit_MinimumAboveMaximum_ShowsTheRefusalUnderTheMaximum()
    {
        var (_, provider) = await OpenAsync(ClusterViews.Pool(nodes: 3, autoscaler: true, min: 2, max: 6));

        await provider.InvokeAsync(() => provider.Find("#autoscaler-min").Input("8"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Contains("minimum (8) must not be greater than its maximum (6)", provider.Find(".field-error").TextContent, StringComparison.Ordinal));
        var maxField = provider.Find("#autoscaler-max").Closest(".form-field")!;
        Assert.NotNull(maxField.QuerySelector(".field-error"));
    }

    [Fact]
    public async Task Submit_TurnedOff_SendsNoBounds()
    {
        var (dialog, provider) = await OpenAsync(ClusterViews.Pool(nodes: 3, autoscaler: true, min: 2, max: 6));

        await provider.InvokeAsync(() => provider.Find("input[type=checkbox]").Change(false));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new AutoscalerChange(false, null, null, 3), _sent.Single());
    }
}
