using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Clusters;

public sealed class ClusterRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly FlavorChoice Medium = new("f-medium", "m1.medium", 2, 4096);
    private static readonly ImageChoice V132 = new("img-132", "ubuntu-2404-kube-v1.32.3-5", "1.32.3-5");

    [Theory]
    [InlineData("", "Give the cluster a name.")]
    [InlineData("Web", "lowercase")]
    [InlineData("1web", "starts with a letter")]
    [InlineData("web_prod", "lowercase")]
    [InlineData("web-", "ends with a letter or digit")]
    [InlineData("a-very-long-cluster-name-that-is-over-forty", "at most 40")]
    public void ClusterName_NotADnsLabel_IsRefusedOnTheNameField(string name, string expected)
    {
        var refusal = ClusterRules.ClusterName(name).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
        Assert.Contains(expected, refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("web")]
    [InlineData("web-prod-2")]
    public void ClusterName_DnsLabel_IsAccepted(string name) => Assert.Equal(name, ClusterRules.ClusterName($" {name} ").ShouldSucceed());

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    public void ControlPlaneReplicas_StandaloneOtherThanOneOrThree_IsRefused(int replicas) =>
        ClusterRules.ControlPlaneReplicas(ControlPlaneType.Standalone, replicas).ShouldBeRefused(RefusalKind.Invalid, Fields.ControlPlaneReplicas);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ControlPlaneReplicas_StandaloneOneOrThree_IsAccepted(int replicas) =>
        ClusterRules.ControlPlaneReplicas(ControlPlaneType.Standalone, replicas).ShouldSucceed();

    [Fact]
    public void ControlPlaneReplicas_HostedAnythingButThree_IsRefused()
    {
        ClusterRules.ControlPlaneReplicas(ControlPlaneType.Hosted, 1).ShouldBeRefused(RefusalKind.Invalid, Fields.ControlPlaneReplicas);
        ClusterRules.ControlPlaneReplicas(ControlPlaneType.Hosted, Limits.HostedControlPlaneReplicas).ShouldSucceed();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(21)]
    public void NodeCount_OutsideZeroToTwenty_IsRefused(int count) =>
        Assert.Contains("0 to 20", ClusterRules.NodeCount(count).ShouldBeRefused(RefusalKind.Invalid, Fields.NodeCount).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public void NodeCount_AtTheBounds_IsAccepted(int count) => ClusterRules.NodeCount(count).ShouldSucceed();

    [Fact]
    public void NodeCount_NotGiven_IsRefusedAsRequiredNotAsOutOfRange()
    {
        var refusal = ClusterRules.NodeCount(null, Fields.Pool(1).NodeCount).ShouldBeRefused(RefusalKind.Invalid, Fields.Pool(1).NodeCount);
        Assert.StartsWith("The number of nodes is required", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("outside", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pool_NodeCountNotGiven_IsRefusedOnItsOwnField() =>
        ClusterRules.Pool(new NodePoolRequest("workers", Guid.NewGuid(), null), Fields.Pool(0)).ShouldBeRefused(RefusalKind.Invalid, Fields.Pool(0).NodeCount);

    [Fact]
    public void Autoscaler_MinimumNotGiven_SaysItIsRequired() =>
        Assert.Equal("The autoscaler's minimum number of nodes is required.",
            ClusterRules.Autoscaler(true, null, 5, 1).ShouldBeRefused(RefusalKind.Invalid, Fields.AutoscalerMin).Message);

    [Fact]
    public void Autoscaler_MinAboveMax_IsRefusedOnTheMaximum() =>
        Assert.Contains("must not be greater", ClusterRules.Autoscaler(true, 5, 3, 4).ShouldBeRefused(RefusalKind.Invalid, Fields.AutoscalerMax).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(-1, 5, true)]
    [InlineData(0, 21, false)]
    [InlineData(null, 5, true)]
    [InlineData(1, null, false)]
    public void Autoscaler_BoundsMissingOrOutsideZeroToTwenty_AreRefused(int? min, int? max, bool onMinimum) =>
        ClusterRules.Autoscaler(true, min, max, 1).ShouldBeRefused(RefusalKind.Invalid, onMinimum ? Fields.AutoscalerMin : Fields.AutoscalerMax);

    [Fact]
    public void Autoscaler_SizeOutsideItsBounds_IsRefusedOnNodes() =>
        ClusterRules.Autoscaler(true, 2, 5, 1).ShouldBeRefused(RefusalKind.Invalid, Fields.NodeCount);

    [Fact]
    public void Autoscaler_Disabled_HasNoBounds() => Assert.Null(ClusterRules.Autoscaler(false, 9, 1, 0).ShouldSucceed());

    [Fact]
    public void PoolSet_NoPools_IsRefused() =>
        Assert.Contains("at least one node pool", ClusterRules.PoolSet([]).ShouldBeRefused(RefusalKind.Invalid, Fields.Pools).Message, StringComparison.Ordinal);

    [Fact]
    public void PoolSet_DuplicateNames_AreRefused() =>
        ClusterRules.PoolSet([new NodePoolRequest("a", Guid.NewGuid(), 1), new NodePoolRequest("A", Guid.NewGuid(), 1)]).ShouldBeRefused(RefusalKind.Invalid, Fields.Pools);

    [Fact]
    public void Pool_WithoutFlavor_IsRefusedOnThatPoolsFlavor() =>
        ClusterRules.Pool(new NodePoolRequest("workers", null, 1), Fields.Pool(1)).ShouldBeRefused(RefusalKind.Invalid, Fields.Pool(1).Flavor);

    [Theory]
    [InlineData("1.32.3-5", 1, 32, 3, 5)]
    [InlineData("v1.33.1", 1, 33, 1, 0)]
    [InlineData("1.31", 1, 31, 0, 0)]
    public void KubernetesVersion_Parse_ReadsTheCatalogForms(string text, int major, int minor, int patch, int build) =>
        Assert.Equal(new KubernetesVersion(major, minor, patch, build), KubernetesVersion.Parse(text));

    [Theory]
    [InlineData("latest")]
    [InlineData("1")]
    [InlineData("1.32.x")]
    public void KubernetesVersion_TryParse_RejectsOtherText(string text) => Assert.False(KubernetesVersion.TryParse(text, out _));

    [Theory]
    [InlineData("1.32.3-5", "1.32.3-6", true)]
    [InlineData("1.32.3-5", "1.32.4-1", true)]
    [InlineData("1.32.3-5", "1.33.1-1", true)]
    [InlineData("1.32.3-5", "1.34.0-1", false)]
    [InlineData("1.32.3-5", "1.32.3-5", false)]
    [InlineData("1.32.3-5", "1.31.6-2", false)]
    [InlineData("1.32.3-5", "2.0.0", false)]
    public void CanUpgradeTo_OnlyANewerPatchOrTheNextMinor(string from, string to, bool allowed) =>
        Assert.Equal(allowed, KubernetesVersion.Parse(from).CanUpgradeTo(KubernetesVersion.Parse(to)));

    [Fact]
    public void CheckControlPlaneUpgrade_SkippingAMinor_IsRefusedAsSequential()
    {
        var cluster = ActiveCluster();
        var refusal = cluster.CheckControlPlaneUpgrade(KubernetesVersion.Parse("1.34.0-1"));
        Assert.Contains("sequential", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckControlPlaneUpgrade_PoolBehindTheControlPlane_IsRefusedUntilThePoolCatchesUp()
    {
        var cluster = ActiveCluster();
        cluster.ApplyVersion(new ImageChoice("img-133", "ubuntu-2404-kube-v1.33.1-1", "1.33.1-1"), Now);

        var refusal = cluster.CheckControlPlaneUpgrade(KubernetesVersion.Parse("1.33.2-1"));

        Assert.Contains("Node pool workers still runs 1.32.3-5", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckUpgrade_PoolAlreadyAtTheControlPlanesVersion_IsRefused()
    {
        var cluster = ActiveCluster();
        Assert.Contains("nothing to upgrade", cluster.Pools[0].CheckUpgrade(cluster.ParsedVersion)!.Message, StringComparison.Ordinal);
        Assert.Null(cluster.Pools[0].CheckUpgrade(KubernetesVersion.Parse("1.33.1-1")));
    }

    [Fact]
    public void CheckControlPlaneScale_HostedControlPlane_IsRefusedBecauseTheArchitectureIsFixed()
    {
        var cluster = ActiveCluster(ControlPlaneType.Hosted);
        Assert.Contains("cannot be changed after creation", cluster.CheckControlPlaneScale(1)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckControlPlaneScale_StandaloneToTwo_IsRefusedAndToThreeAllowed()
    {
        var cluster = ActiveCluster();
        Assert.Equal(Fields.ControlPlaneReplicas, cluster.CheckControlPlaneScale(2)!.Field);
        Assert.Equal(Fields.ControlPlaneReplicas, cluster.CheckControlPlaneScale(1)!.Field); // already 1
        Assert.Null(cluster.CheckControlPlaneScale(3));
    }

    [Fact]
    public void CheckScale_AutoscaledPool_IsRefusedWithTheBounds()
    {
        var cluster = NewCluster(autoscaler: new AutoscalerBounds(1, 4));
        Complete(cluster);
        Assert.Contains("between 1 and 4", cluster.Pools[0].CheckScale(3)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Begin_WhileAnotherActionRuns_IsRefusedWithTheState()
    {
        var cluster = ActiveCluster();
        cluster.Begin(ClusterState.Scaling, Guid.NewGuid(), Now).ShouldSucceed();

        var refusal = cluster.Begin(ClusterState.Upgrading, Guid.NewGuid(), Now).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("is scaling", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Begin_WhileCreating_IsRefused()
    {
        var cluster = NewCluster();
        Assert.Contains("still being created", cluster.Begin(ClusterState.Scaling, Guid.NewGuid(), Now).ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fail_DuringCreate_LeavesErrorAndDuringAnUpdate_LeavesDegraded()
    {
        var creating = NewCluster();
        creating.Fail(creating.CurrentOperationId!.Value, "Quota exceeded", Now);
        Assert.Equal(ClusterState.Error, creating.State);

        var scaling = ActiveCluster();
        var operation = Guid.NewGuid();
        scaling.Begin(ClusterState.Scaling, operation, Now).ShouldSucceed();
        scaling.Fail(operation, "No valid host", Now);
        Assert.Equal(ClusterState.Degraded, scaling.State);
        Assert.True(scaling.IsOperational);
    }

    [Fact]
    public void Fail_ForAnOperationThatNoLongerOwnsTheResource_ChangesNothing()
    {
        var cluster = ActiveCluster();
        Assert.False(cluster.Fail(Guid.NewGuid(), "late", Now));
        Assert.Equal(ClusterState.Active, cluster.State);
    }

    [Fact]
    public void Complete_ForAnotherOperation_Throws()
    {
        var cluster = ActiveCluster();
        Assert.Throws<InvalidOperationException>(() => cluster.Complete(Guid.NewGuid(), Now));
    }

    [Fact]
    public void Resume_OnlyTheLatestFailedOperation_CanBeRetried()
    {
        var cluster = ActiveCluster();
        var first = Guid.NewGuid();
        cluster.Begin(ClusterState.Upgrading, first, Now).ShouldSucceed();
        cluster.Fail(first, "Image missing", Now);

        cluster.Resume(Guid.NewGuid(), ClusterState.Upgrading, Now).ShouldBeRefused(RefusalKind.Conflict);
        cluster.Resume(first, ClusterState.Upgrading, Now).ShouldSucceed();
        Assert.Equal(ClusterState.Upgrading, cluster.State);
        cluster.Resume(first, ClusterState.Upgrading, Now).ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void Observe_IdleActiveResourceWithAFault_BecomesDegradedAndRecoversWhenItClears()
    {
        var cluster = ActiveCluster();
        var pool = cluster.Pools[0];

        pool.Observe("QuotaExceeded: Quota exceeded for cores", false, false, Now);
        Assert.Equal(ClusterState.Degraded, pool.State);
        Assert.Contains("Quota exceeded for cores", pool.StateReason, StringComparison.Ordinal);

        pool.Observe(null, false, false, Now);
        Assert.Equal(ClusterState.Degraded, pool.State);
        pool.Observe(null, true, false, Now);
        Assert.Equal(ClusterState.Active, pool.State);
        Assert.Null(pool.ProviderFault);
    }

    [Fact]
    public void Observe_WhileAnOperationRuns_RecordsTheFaultButLeavesTheStateToTheOperation()
    {
        var cluster = NewCluster();
        cluster.Observe("Unauthorized: The request you have made requires authentication.", false, false, Now);
        Assert.Equal(ClusterState.Pending, cluster.State);
        Assert.StartsWith("Unauthorized", cluster.ProviderFault, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckDelete_WhilePoolActionRuns_IsRefusedAndFromErrorAllowed()
    {
        var cluster = ActiveCluster();
        cluster.Pools[0].Begin(ClusterState.Scaling, Guid.NewGuid(), Now).ShouldSucceed();
        Assert.Contains("Node pool workers is scaling", cluster.CheckDelete()!.Message, StringComparison.Ordinal);

        var broken = NewCluster();
        broken.Fail(broken.CurrentOperationId!.Value, "boom", Now);
        foreach (var pool in broken.Pools) pool.Fail(broken.LastOperationId!.Value, "boom", Now);
        Assert.Null(broken.CheckDelete());
    }

    private static KubernetesCluster NewCluster(ControlPlaneType type = ControlPlaneType.Standalone, AutoscalerBounds? autoscaler = null)
    {
        var project = Project.Create(Guid.NewGuid(), "web", null, Now).ShouldSucceed();
        var operation = Guid.NewGuid();
        var cluster = KubernetesCluster.Create(Guid.NewGuid(), project, Guid.NewGuid(), Guid.NewGuid(), "web-prod", "net-1", "public", V132, type,
            type == ControlPlaneType.Hosted ? 3 : 1, type == ControlPlaneType.Hosted ? null : Medium, "user-1", operation, Now);
        cluster.AddPool("workers", Medium, V132, autoscaler?.Min ?? 2, autoscaler, operation, asPartOfCluster: true, Now);
        return cluster;
    }

    private static void Complete(KubernetesCluster cluster)
    {
        var operation = cluster.CurrentOperationId!.Value;
        cluster.Complete(operation, Now);
        foreach (var pool in cluster.Pools) pool.Complete(operation, Now);
    }

    private static KubernetesCluster ActiveCluster(ControlPlaneType type = ControlPlaneType.Standalone)
    {
        var cluster = NewCluster(type);
        Complete(cluster);
        return cluster;
    }
}
