using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Clusters;

/// <summary>
/// The reasons the cluster page shows on disabled actions: each is null when the command would be accepted, and
/// otherwise exactly the message of the refusal the command gives.
/// </summary>
public sealed class ClusterReasonsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly FlavorChoice Medium = new("f-medium", "m1.medium", 2, 4096);
    private static readonly ImageChoice V132 = new("img-132", "ubuntu-2404-kube-v1.32.3-5", "1.32.3-5");
    private static readonly ImageChoice V133 = new("img-133", "ubuntu-2404-kube-v1.33.1-1", "1.33.1-1");

    [Fact]
    public void WhyNot_ActiveIdleClusterAndPool_AllowsChangeScaleAndAdd()
    {
        var cluster = ActiveCluster();
        var pool = cluster.Pools[0];

        Assert.Null(cluster.WhyNotChangePool(pool));
        Assert.Null(cluster.WhyNotScalePool(pool));
        Assert.Null(cluster.WhyNotAddPool());
        Assert.Null(cluster.WhyNotResync());
    }

    [Fact]
    public void WhyNotChangePool_PoolInError_IsThePoolsReasonAndTheCommandsRefusal()
    {
        var cluster = ActiveCluster();
        var pool = cluster.Pools[0];
        var operation = Guid.NewGuid();
        pool.Begin(ClusterState.Scaling, operation, Now).ShouldSucceed();
        pool.Fail(operation, "No valid host", Now);

        var why = cluster.WhyNotChangePool(pool);

        Assert.Contains("node pool workers is degraded", why, StringComparison.Ordinal);
        Assert.Equal(why, cluster.CheckPoolChange(pool)!.Message);
    }

    [Fact]
    public void WhyNotChangePool_ClusterBusy_GivesTheClustersReasonFirst()
    {
        var cluster = ActiveCluster();
        cluster.Begin(ClusterState.Upgrading, Guid.NewGuid(), Now).ShouldSucceed();

        Assert.Contains("cluster web-prod is upgrading", cluster.WhyNotChangePool(cluster.Pools[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void WhyNotScalePool_AutoscaledPool_IsTheRefusalOfAScale()
    {
        var cluster = ActiveCluster(new AutoscalerBounds(1, 4));
        var pool = cluster.Pools[0];

        var why = cluster.WhyNotScalePool(pool);

        Assert.Contains("between 1 and 4", why, StringComparison.Ordinal);
        Assert.Equal(why, pool.CheckScale(3)!.Message);
        Assert.Null(cluster.WhyNotChangePool(pool)); // the autoscaler itself can still be changed
    }

    [Fact]
    public void WhyNotUpgradePool_PoolAtTheControlPlanesVersion_IsTheRefusalOfAnUpgrade()
    {
        var cluster = ActiveCluster();
        var pool = cluster.Pools[0];

        var why = cluster.WhyNotUpgradePool(pool);

        Assert.Equal("Node pool workers already runs the control plane's version 1.32.3-5; there is nothing to upgrade.", why);
        Assert.Equal(why, pool.CheckUpgrade(cluster.ParsedVersion)!.Message);
    }

    [Fact]
    public void WhyNotUpgradePool_PoolBehindTheControlPlane_IsNull()
    {
        var cluster = ActiveCluster();
        cluster.ApplyVersion(V133, Now);

        Assert.Null(cluster.WhyNotUpgradePool(cluster.Pools[0]));
    }

    [Fact]
    public void WhyNotRemovePool_LastPool_IsRefusedAndTheSameAsTheCommand()
    {
        var cluster = ActiveCluster();
        var pool = cluster.Pools[0];

        var why = cluster.WhyNotRemovePool(pool);

        Assert.StartsWith("A cluster needs at least one node pool; this is its last.", why, StringComparison.Ordinal);
        Assert.Equal(why, cluster.CheckRemovePool(pool)!.Message);
    }

    [Fact]
    public void WhyNotRemovePool_SecondPoolInError_IsAllowed()
    {
        var cluster = ActiveCluster();
        var operation = Guid.NewGuid();
        var gpu = cluster.AddPool("gpu", Medium, V132, 1, null, operation, asPartOfCluster: false, Now);
        gpu.Fail(operation, "No valid host", Now);

        Assert.Null(cluster.WhyNotRemovePool(gpu));
        Assert.Contains("is in error", cluster.WhyNotChangePool(gpu), StringComparison.Ordinal);
    }

    [Fact]
    public void WhyNotAddPool_AtThePoolLimit_IsTheRefusalOfAnAdd()
    {
        var cluster = ActiveCluster();
        for (var i = cluster.Pools.Count; i < Limits.MaxNodePoolsPerCluster; i++)
        {
            var operation = Guid.NewGuid();
            cluster.AddPool($"pool-{i}", Medium, V132, 1, null, operation, asPartOfCluster: false, Now).Complete(operation, Now);
        }

        var why = cluster.WhyNotAddPool();

        Assert.Equal($"A cluster has at most {Limits.MaxNodePoolsPerCluster} node pools.", why);
        Assert.Equal(why, cluster.CheckAddPool("one-more")!.Message);
    }

    [Fact]
    public void WhyNotScaleControlPlane_Hosted_IsRefusedAndStandaloneIdleIsAllowed()
    {
        var hosted = ActiveCluster(type: ControlPlaneType.Hosted);
        Assert.Equal(hosted.CheckControlPlaneScale(1)!.Message, hosted.WhyNotScaleControlPlane());
        Assert.Null(ActiveCluster().WhyNotScaleControlPlane());
    }

    [Fact]
    public void WhyNotScaleControlPlane_PoolBusy_NamesThePool()
    {
        var cluster = ActiveCluster();
        cluster.Pools[0].Begin(ClusterState.Scaling, Guid.NewGuid(), Now).ShouldSucceed();

        var why = cluster.WhyNotScaleControlPlane();

        Assert.Equal("Node pool workers is scaling; wait for it to finish or cancel it.", why);
        Assert.Equal(why, cluster.CheckControlPlaneScale(3)!.Message);
    }

    [Fact]
    public void WhyNotUpgradeControlPlane_NothingNewerOffered_SaysSo()
    {
        var cluster = ActiveCluster();

        Assert.StartsWith("No newer version is offered", cluster.WhyNotUpgradeControlPlane([KubernetesVersion.Parse("1.32.3-5")]), StringComparison.Ordinal);
        Assert.Null(cluster.WhyNotUpgradeControlPlane([KubernetesVersion.Parse("1.33.1-1")]));
    }

    [Fact]
    public void WhyNotUpgradeControlPlane_PoolBehind_IsTheRefusalOfAnUpgrade()
    {
        var cluster = ActiveCluster();
        cluster.ApplyVersion(V133, Now);
        var target = KubernetesVersion.Parse("1.33.2-1");

        var why = cluster.WhyNotUpgradeControlPlane([target]);

        Assert.StartsWith("Node pool workers still runs 1.32.3-5.", why, StringComparison.Ordinal);
        Assert.Equal(why, cluster.CheckControlPlaneUpgrade(target)!.Message);
    }

    [Fact]
    public void WhyNotResync_ClusterInError_IsTheRefusalOfAResync()
    {
        var cluster = NewCluster();
        var create = cluster.CurrentOperationId!.Value;
        cluster.Fail(create, "Quota exceeded", Now);
        cluster.Pools[0].Fail(create, "Quota exceeded", Now);

        var why = cluster.WhyNotResync();

        Assert.StartsWith("The cluster web-prod is in error", why, StringComparison.Ordinal);
        Assert.Equal(why, cluster.BeginResync(Guid.NewGuid(), Now).ShouldBeRefused(RefusalKind.Conflict).Message);
    }

    [Fact]
    public void WhyNotResync_PoolBusy_IsRefusedAndDegradedIdleIsAllowed()
    {
        var cluster = ActiveCluster();
        var operation = Guid.NewGuid();
        cluster.Pools[0].Begin(ClusterState.Scaling, operation, Now).ShouldSucceed();
        Assert.Equal("Node pool workers is scaling; wait for it to finish or cancel it.", cluster.WhyNotResync());

        cluster.Pools[0].Complete(operation, Now);
        cluster.Observe("QuotaExceeded", false, false, Now);
        Assert.Equal(ClusterState.Degraded, cluster.State);
        Assert.Null(cluster.WhyNotResync());
    }

    [Theory]
    [InlineData(1, "A cluster needs at least one node pool.")]
    [InlineData(2, null)]
    public void WhyNotRemoveRequestedPool_LastPoolOfTheRequest_IsThePoolSetRule(int count, string? expected) =>
        Assert.Equal(expected, ClusterRules.WhyNotRemoveRequestedPool(count));

    [Fact]
    public void WhyNotAddRequestedPool_AtTheLimit_IsWhatPoolSetRefuses()
    {
        var full = Enumerable.Range(0, Limits.MaxNodePoolsPerCluster + 1).Select(i => new NodePoolRequest($"pool-{i}", Guid.NewGuid(), 1)).ToList();

        Assert.Null(ClusterRules.WhyNotAddRequestedPool(Limits.MaxNodePoolsPerCluster - 1));
        Assert.Equal(ClusterRules.PoolSet(full).ShouldBeRefused(RefusalKind.Invalid, Fields.Pools).Message,
            ClusterRules.WhyNotAddRequestedPool(Limits.MaxNodePoolsPerCluster));
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

    private static KubernetesCluster ActiveCluster(AutoscalerBounds? autoscaler = null, ControlPlaneType type = ControlPlaneType.Standalone)
    {
        var cluster = NewCluster(type, autoscaler);
        var operation = cluster.CurrentOperationId!.Value;
        cluster.Complete(operation, Now);
        foreach (var pool in cluster.Pools) pool.Complete(operation, Now);
        return cluster;
    }
}
