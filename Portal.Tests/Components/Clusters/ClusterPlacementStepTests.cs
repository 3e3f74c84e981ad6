using Bunit;
using Portal.Components.Clusters;
using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class ClusterPlacementStepTests : ComponentTest
{
    private static PlacementOption Placement(string name) => new(Guid.NewGuid(), name, Guid.NewGuid(), "Demo", true, "eu-west / zone-a", "ext-1", "public",
        [new VersionOption("1.32.3-5", Guid.NewGuid(), "ubuntu-k8s")], ClusterViews.Flavors);

    [Fact]
    public void NoPlacementOffered_ExplainsThatAPlatformAdminMustOfferOne()
    {
        var step = Render<ClusterPlacementStep>(p => p.Add(s => s.Placements, Array.Empty<PlacementOption>()));

        Assert.Contains("No Service Config offers Kubernetes to your tenant", step.Markup, StringComparison.Ordinal);
        Assert.Contains("A platform admin must offer one", step.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void PlacementsRefused_ShowsTheRefusal()
    {
        var step = Render<ClusterPlacementStep>(p => p
            .Add(s => s.Placements, Array.Empty<PlacementOption>())
            .Add(s => s.PlacementRefusal, Refusal.Forbidden("You cannot create clusters in this project.")));

        Assert.Equal("You cannot create clusters in this project.", step.Find("[role=alert]").TextContent);
    }

    [Fact]
    public void Placement_Chosen_IsReportedAndMarked()
    {
        var offered = new[] { Placement("Public cloud"), Placement("Private cloud") };
        Guid? chosen = null;
        var step = Render<ClusterPlacementStep>(p => p
            .Add(s => s.Placements, offered)
            .Add(s => s.SelectedChanged, id => chosen = id));

        step.Find("input[aria-label='Private cloud on Demo']").Change(true);

        Assert.Equal(offered[1].ServiceConfigId, chosen);
    }
}
