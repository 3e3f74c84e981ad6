using Bunit;
using MudBlazor;
using Portal.Components.Clusters;
using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class NodePoolDialogTests : ComponentTest
{
    private readonly List<NodePoolRequest> _sent = [];

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(Func<NodePoolRequest, Result> judge) =>
        ShowDialogAsync<NodePoolDialog>("Add a node pool to web", new DialogParameters
        {
            { nameof(NodePoolDialog.Cluster), ClusterViews.Cluster() },
            { nameof(NodePoolDialog.Flavors), ClusterViews.Flavors },
            { nameof(NodePoolDialog.Save), (Func<NodePoolRequest, Task<Result>>)(request =>
                {
                    _sent.Add(request);
                    return Task.FromResult(judge(request));
                }) },
        });

    /// <summary>The pool rules the server applies to a pool on its own (the flavor's catalog check aside).</summary>
    private static Result Rules(NodePoolRequest request) => ClusterRules.Pool(request, Fields.SinglePool);

    [Fact]
    public async Task Submit_NoFlavorChosen_ShowsTheRefusalUnderTheFlavorAndStaysOpen()
    {
        var (dialog, provider) = await OpenAsync(Rules);

        await provider.InvokeAsync(() => provider.Find("#new-pool-name").Input("gpu"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Choose a flavor for node pool 'gpu'.", provider.Find(".field-error").TextContent));
        Assert.Equal("gpu", _sent.Single().Name);
        Assert.Equal(1, _sent.Single().NodeCount);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Submit_NodesCleared_SaysTheCountIsRequired()
    {
        var (_, provider) = await OpenAsync(Rules);

        await provider.InvokeAsync(() => provider.Find("#new-pool-name").Input("gpu"));
        await provider.InvokeAsync(() => provider.Find("#new-pool-nodes").Input(""));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Contains("The number of nodes is required", provider.Find(".field-error").TextContent, StringComparison.Ordinal));
        Assert.Null(_sent.Single().NodeCount);
    }

    [Fact]
    public async Task Autoscaler_TurnedOn_OffersBoundsAroundTheSizeAndSendsThem()
    {
        var (_, provider) = await OpenAsync(_ => Result.Ok());

        await provider.InvokeAsync(() => provider.Find("#new-pool-nodes").Input("2"));
        await provider.InvokeAsync(() => provider.Find("input[type=checkbox]").Change(true));

        provider.WaitForAssertion(() => Assert.Equal("2", provider.Find("#new-pool-min").GetAttribute("value")));
        Assert.Equal("4", provider.Find("#new-pool-max").GetAttribute("value"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());
        provider.WaitForAssertion(() => Assert.Single(_sent));
        Assert.Equal((true, 2, 4), (_sent[0].AutoscalerEnabled, _sent[0].AutoscalerMin, _sent[0].AutoscalerMax));
    }
}
