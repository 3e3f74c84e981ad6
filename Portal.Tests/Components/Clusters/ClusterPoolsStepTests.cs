using Bunit;
using Portal.Components.Clusters;
using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class ClusterPoolsStepTests : ComponentTest
{
    private IRenderedComponent<ClusterPoolsStep> RenderStep(List<PoolDraft> pools, Refusal? refusal = null) =>
        Render<ClusterPoolsStep>(p => p
            .Add(s => s.Pools, pools)
            .Add(s => s.Flavors, ClusterViews.Flavors)
            .Add(s => s.Refusal, refusal));

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<ClusterPoolsStep> step, string name) =>
        step.FindAll("button").Single(b => b.GetAttribute("aria-label") == name || b.TextContent.Trim() == name);

    [Fact]
    public void RemovePool_OnlyOnePoolLeft_IsDisabledWithTheDomainsReason()
    {
        var step = RenderStep([new PoolDraft { Name = "workers" }]);

        var remove = Button(step, "Remove pool 1");
        Assert.True(remove.HasAttribute("disabled"));
        var reason = ClusterRules.WhyNotRemoveRequestedPool(1);
        Assert.NotNull(reason);
        Assert.Equal(reason, remove.ParentElement!.GetAttribute("title"));
        Assert.Equal(reason, step.Find("[data-testid=pools-why]").TextContent);
    }

    [Fact]
    public void RemovePool_TwoPools_IsEnabledAndRemovesThatPool()
    {
        var pools = new List<PoolDraft> { new() { Name = "workers" }, new() { Name = "batch" } };
        var step = RenderStep(pools);

        Button(step, "Remove pool 1").Click();

        Assert.Equal(["batch"], pools.Select(p => p.Name));
        Assert.True(Button(step, "Remove pool 1").HasAttribute("disabled"));
    }

    [Fact]
    public void AddPool_AtTheLimit_IsDisabledWithTheDomainsReason()
    {
        var pools = Enumerable.Range(1, Limits.MaxNodePoolsPerCluster).Select(i => new PoolDraft { Name = $"pool-{i}" }).ToList();
        var step = RenderStep(pools);

        var add = Button(step, "Add node pool");
        Assert.True(add.HasAttribute("disabled"));
        Assert.Equal(ClusterRules.WhyNotAddRequestedPool(pools.Count), add.ParentElement!.GetAttribute("title"));
    }

    [Fact]
    public void Refusal_NamingTheSecondPoolsNodeCount_ShowsUnderThatField()
    {
        var pools = new List<PoolDraft> { new() { Name = "workers" }, new() { Name = "batch", NodeCount = null } };
        var refusal = ClusterRules.Pool(pools[1].ToRequest(), Fields.Pool(1)).Refusal;

        var step = RenderStep(pools, refusal);

        var error = step.Find(".field-error");
        Assert.StartsWith("The number of nodes is required", error.TextContent, StringComparison.Ordinal);
        Assert.Equal("pool-2-nodes", error.ParentElement!.QuerySelector("input")!.Id);
    }

    [Fact]
    public void NodesField_Cleared_LeavesTheDraftWithoutACount()
    {
        var pools = new List<PoolDraft> { new() { Name = "workers", NodeCount = 3 } };
        var step = RenderStep(pools);

        step.Find("#pool-1-nodes").Input("");

        step.WaitForAssertion(() => Assert.Null(pools[0].NodeCount));
    }

    [Fact]
    public void Autoscaler_CheckedForAPool_ShowsItsBoundsFields()
    {
        var pools = new List<PoolDraft> { new() { Name = "workers", NodeCount = 2 } };
        var step = RenderStep(pools);

        step.Find("input[aria-label='Pool 1 autoscaler']").Change(true);

        step.WaitForAssertion(() => Assert.Equal("2", step.Find("#pool-1-min").GetAttribute("value")));
        Assert.Equal("4", step.Find("#pool-1-max").GetAttribute("value"));
    }
}
