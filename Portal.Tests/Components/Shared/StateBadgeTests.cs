using Bunit;
using Portal.Components.Shared;
using Portal.Domain.Clusters;

namespace Portal.Tests.Components.Shared;

public sealed class StateBadgeTests : ComponentTest
{
    [Theory]
    [InlineData(ClusterState.Active, "state-success")]
    [InlineData(ClusterState.Creating, "state-info")]
    [InlineData(ClusterState.Degraded, "state-warning")]
    [InlineData(ClusterState.Error, "state-error")]
    public void ClusterStateBadge_EachState_TakesItsTone(ClusterState state, string toneClass)
    {
        var cut = Render<ClusterStateBadge>(p => p.Add(b => b.State, state));

        var badge = cut.Find(".state-badge");
        Assert.Equal(state.ToString(), badge.TextContent);
        Assert.Contains(toneClass, badge.ClassList);
        Assert.Equal(state.ToString(), badge.GetAttribute("data-cluster-state"));
    }

    [Fact]
    public void ClusterStateBadge_InlineWithFault_WritesTheCloudsReasonUnderTheBadge()
    {
        var cut = Render<ClusterStateBadge>(p => p
            .Add(b => b.State, ClusterState.Degraded)
            .Add(b => b.Reason, "Scaling pool workers failed.")
            .Add(b => b.Fault, "Quota exceeded for cores: Requested 8, but already used 20 of 24 cores")
            .Add(b => b.Inline, true));

        Assert.Contains("Quota exceeded for cores", cut.Find("[data-testid=provider-fault]").TextContent);
        Assert.Contains("Scaling pool workers failed.", cut.Find(".cluster-state-reason").TextContent);
    }

    [Fact]
    public void ClusterStateBadge_FaultAlreadyInTheReason_IsNotSaidTwice()
    {
        var cut = Render<ClusterStateBadge>(p => p
            .Add(b => b.State, ClusterState.Degraded)
            .Add(b => b.Reason, "The cloud reports a fault: No valid host was found.")
            .Add(b => b.Fault, "No valid host was found.")
            .Add(b => b.Inline, true));

        Assert.Empty(cut.FindAll("[data-testid=provider-fault]"));
    }
}
