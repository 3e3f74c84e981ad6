using Bunit;
using Portal.Components.Clusters;
using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class ClusterControlPlaneStepTests : ComponentTest
{
    private IRenderedComponent<ClusterControlPlaneStep> RenderStep(ControlPlaneType type, Refusal? refusal = null)
    {
        RenderProviders();
        return Render<ClusterControlPlaneStep>(p => p
            .Add(s => s.Flavors, ClusterViews.Flavors)
            .Add(s => s.Type, type)
            .Add(s => s.Replicas, 3)
            .Add(s => s.Refusal, refusal));
    }

    [Fact]
    public void Standalone_FlavorRefused_ShowsTheRefusalUnderTheFlavor()
    {
        var step = RenderStep(ControlPlaneType.Standalone, Refusal.Invalid(Fields.ControlPlaneFlavor, "Choose a flavor for the control plane machines."));

        var error = step.Find(".field-error");
        Assert.Equal("Choose a flavor for the control plane machines.", error.TextContent);
        Assert.NotNull(error.ParentElement!.QuerySelector("#cluster-cp-flavor"));
    }

    [Fact]
    public void Hosted_Always_AsksNoFlavorAndNoReplicas()
    {
        var step = RenderStep(ControlPlaneType.Hosted);

        Assert.Empty(step.FindAll("#cluster-cp-flavor"));
        Assert.Empty(step.FindAll("input[name=cluster-replicas]"));
        Assert.Contains("No flavor is asked for", step.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Type_Chosen_IsReported()
    {
        ControlPlaneType? chosen = null;
        RenderProviders();
        var step = Render<ClusterControlPlaneStep>(p => p
            .Add(s => s.Flavors, ClusterViews.Flavors)
            .Add(s => s.Type, ControlPlaneType.Standalone)
            .Add(s => s.TypeChanged, type => chosen = type));

        step.Find("input[aria-label='Hosted (HCP)']").Change(true);

        Assert.Equal(ControlPlaneType.Hosted, chosen);
    }
}
