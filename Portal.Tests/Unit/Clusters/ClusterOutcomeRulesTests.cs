using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Clusters;

/// <summary>How a finished operation's end is applied to the cluster and pools it drove (<see cref="KubernetesCluster.ApplyOutcome"/>).</summary>
public sealed class ClusterOutcomeRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor Member = new("user-1", "Mia Member", PlatformRole.None);
    private static readonly FlavorChoice Medium = new("f-medium", "m1.medium", 2, 4096);
    private static readonly ImageChoice V132 = new("img-132", "ubuntu-2404-kube-v1.32.3-5", "1.32.3-5");

    [Fact]
    public void ApplyOutcome_CreateFailedWithAFaultOnOnePool_GivesThatPoolItsFaultAndTheOtherANeutralReason()
    {
        var (cluster, create) = Creating("workers", "batch");
        cluster.Pools[1].RecordFault("QuotaExceeded: Quota exceeded for cores");
        Fail(create, "The cloud refused node pool batch: QuotaExceeded: Quota exceeded for cores");

        cluster.ApplyOutcome(create, Now);

        Assert.Equal(ClusterState.Error, cluster.State);
        Assert.Contains("node pool batch", cluster.StateReason, StringComparison.Ordinal);
        Assert.All(cluster.Pools, p => Assert.Equal(ClusterState.Error, p.State));
        Assert.Equal("The cloud refused node pool batch: QuotaExceeded: Quota exceeded for cores", cluster.Pools[1].StateReason);
        Assert.DoesNotContain("Quota", cluster.Pools[0].StateReason, StringComparison.Ordinal);
        Assert.StartsWith("Creating the cluster stopped before node pool workers", cluster.Pools[0].StateReason, StringComparison.Ordinal);
        Assert.All(cluster.Resources(), r => Assert.Null(r.CurrentOperationId));
    }

    [Fact]
    public void ApplyOutcome_PoolOperationFailed_GivesThePoolTheErrorAndLeavesTheClusterAlone()
    {
        var cluster = Active("workers");
        var pool = cluster.Pools[0];
        var scale = Started(ClusterOperations.ScalePool, ClusterOperations.PoolTargetOf(cluster, pool));
        pool.Begin(ClusterState.Scaling, scale.Id, Now).ShouldSucceed();
        Fail(scale, "The cloud refused node pool workers: NoValidHost");

        cluster.ApplyOutcome(scale, Now);

        Assert.Equal(ClusterState.Degraded, pool.State);
        Assert.Equal("The cloud refused node pool workers: NoValidHost", pool.StateReason);
        Assert.Equal(ClusterState.Active, cluster.State);
    }

    [Fact]
    public void ApplyOutcome_SucceededAfterCancelledActions_CompletesWhatItDroveAndClearsEveryCancellationNote()
    {
        var cluster = Active("workers", "batch");
        var cancelled = Started(ClusterOperations.ScaleControlPlane, ClusterOperations.ClusterTargetOf(cluster));
        cluster.Begin(ClusterState.Scaling, cancelled.Id, Now).ShouldSucceed();
        cancelled.RequestCancel(Member, Now).ShouldSucceed();
        cancelled.Cancel(Now);
        cluster.ApplyOutcome(cancelled, Now);
        Assert.StartsWith("Scaling was cancelled by Mia Member", cluster.StateReason, StringComparison.Ordinal);
        var scale = Started(ClusterOperations.ScalePool, ClusterOperations.PoolTargetOf(cluster, cluster.Pools[1]));
        cluster.Pools[1].Begin(ClusterState.Scaling, scale.Id, Now).ShouldSucceed();

        Succeed(scale);
        cluster.ApplyOutcome(scale, Now);

        Assert.Equal(ClusterState.Active, cluster.Pools[1].State);
        Assert.Null(cluster.Pools[1].CurrentOperationId);
        Assert.Equal("", cluster.StateReason);
        Assert.Equal(ClusterState.Active, cluster.State);
    }

    [Fact]
    public void ApplyOutcome_SucceededWhileAnotherResourceIsDegraded_KeepsThatReason()
    {
        var cluster = Active("workers", "batch");
        cluster.Pools[0].Observe("NoValidHost", false, false, Now);
        var scale = Started(ClusterOperations.ScalePool, ClusterOperations.PoolTargetOf(cluster, cluster.Pools[1]));
        cluster.Pools[1].Begin(ClusterState.Scaling, scale.Id, Now).ShouldSucceed();

        Succeed(scale);
        cluster.ApplyOutcome(scale, Now);

        Assert.Equal(ClusterState.Degraded, cluster.Pools[0].State);
        Assert.Contains("NoValidHost", cluster.Pools[0].StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyOutcome_OperationStillRunning_IsABugAndThrows()
    {
        var cluster = Active("workers");
        var scale = Started(ClusterOperations.ScaleControlPlane, ClusterOperations.ClusterTargetOf(cluster));
        cluster.Begin(ClusterState.Scaling, scale.Id, Now).ShouldSucceed();

        Assert.Throws<InvalidOperationException>(() => cluster.ApplyOutcome(scale, Now));
        Assert.Equal(ClusterState.Scaling, cluster.State);
    }

    [Fact]
    public void Observe_DegradedByAFailedActionAndTheCloudLooksHealthy_StaysDegradedUntilTheActionIsRetried()
    {
        var cluster = Active("workers");
        var scale = Started(ClusterOperations.ScaleControlPlane, ClusterOperations.ClusterTargetOf(cluster));
        cluster.Begin(ClusterState.Scaling, scale.Id, Now).ShouldSucceed();
        Fail(scale, "Gave up waiting for the control plane.");
        cluster.ApplyOutcome(scale, Now);

        cluster.Observe(Healthy(cluster), new HashSet<Guid> { scale.Id }, Now);

        Assert.Equal(ClusterState.Degraded, cluster.State);
        Assert.Equal("Gave up waiting for the control plane.", cluster.StateReason);
        cluster.Observe(Healthy(cluster), new HashSet<Guid>(), Now);
        Assert.Equal(ClusterState.Active, cluster.State);
    }

    [Fact]
    public void Observe_ActivePoolMissingFromTheCloud_BecomesDegradedSayingSo()
    {
        var cluster = Active("workers");
        var observation = Healthy(cluster) with { Pools = new Dictionary<Guid, PoolObservation>() };

        cluster.Observe(observation, new HashSet<Guid>(), Now);

        Assert.Equal(ClusterState.Degraded, cluster.Pools[0].State);
        Assert.Contains("MachineDeployment is missing", cluster.Pools[0].StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public void NewOperation_OfADeclaredKind_RecordsExactlyItsDeclaredSteps()
    {
        var cluster = Active("workers");

        var operation = ClusterOperations.Of(ClusterOperations.Resync).NewOperation(ClusterOperations.ClusterTargetOf(cluster), new ResyncParameters("Active", []), Member, Now);

        Assert.Equal(OperationState.Queued, operation.State);
        Assert.Equal([ClusterOperations.Steps.ApplyClusterObjectsAgain, ClusterOperations.Steps.WaitForControlPlane, ClusterOperations.Steps.WaitForPools,
            ClusterOperations.Steps.Finish], operation.Steps.Select(s => s.Name).ToList());
        Assert.Contains("\"state\":\"Active\"", operation.Parameters, StringComparison.Ordinal);
    }

    [Fact]
    public void Kinds_EveryClusterKind_IsDeclaredOnceWithAProgressState()
    {
        var names = ClusterOperations.Kinds.Select(k => k.Name).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, name => Assert.True(ClusterOperations.IsClusterKind(name)));
        Assert.All(names, name => ClusterOperations.Progress(name));
        Assert.All(names, name => Assert.Same(ClusterOperations.Of(name), OperationKinds.Find(name)));
    }

    private static ClusterObservation Healthy(KubernetesCluster cluster) =>
        new(true, null, true, cluster.ControlPlaneReplicas, "v1.32.3",
            cluster.Pools.ToDictionary(p => p.Id, p => new PoolObservation(p.NodeCount, p.NodeCount, null, true)));

    private static (KubernetesCluster Cluster, Operation Create) Creating(params string[] pools)
    {
        var project = Project.Create(Guid.NewGuid(), "web", null, Now).ShouldSucceed();
        var id = Guid.NewGuid();
        var create = Started(ClusterOperations.Create, new OperationTarget(ClusterOperations.ClusterTarget, id.ToString(), "web-prod"));
        var cluster = KubernetesCluster.Create(id, project, Guid.NewGuid(), Guid.NewGuid(), "web-prod", "net-1", "public", V132, ControlPlaneType.Standalone,
            1, Medium, Member.UserId, create.Id, Now);
        foreach (var pool in pools)
            cluster.AddPool(pool, Medium, V132, 1, null, create.Id, asPartOfCluster: true, Now);
        cluster.StartCreating(create.Id, Now);
        foreach (var pool in cluster.Pools) pool.StartCreating(create.Id, Now);
        return (cluster, create);
    }

    private static KubernetesCluster Active(params string[] pools)
    {
        var (cluster, create) = Creating(pools);
        Succeed(create);
        cluster.ApplyOutcome(create, Now);
        Assert.Equal(ClusterState.Active, cluster.State);
        return cluster;
    }

    /// <summary>A Running operation of a declared kind, as the engine holds it while its first step runs.</summary>
    private static Operation Started(string kind, OperationTarget target)
    {
        var operation = ClusterOperations.Of(kind).NewOperation(target, null, Member, Now);
        operation.Start(Now);
        operation.StepStarted(0, Now);
        return operation;
    }

    private static void Fail(Operation operation, string error)
    {
        operation.StepFailed(operation.Steps.Single(s => s.State == StepState.Running).Index, error, Now);
        operation.Fail(error, Now);
    }

    private static void Succeed(Operation operation)
    {
        foreach (var step in operation.Steps)
        {
            if (step.State == StepState.Pending) operation.StepStarted(step.Index, Now);
            operation.StepSucceeded(step.Index, null, Now);
        }
        operation.Succeed(Now);
    }
}

internal static class LifecycleResources
{
    /// <summary>The cluster and its pools, for assertions over all of them.</summary>
    public static IEnumerable<LifecycleResource> Resources(this KubernetesCluster cluster) => [cluster, .. cluster.Pools];
}
