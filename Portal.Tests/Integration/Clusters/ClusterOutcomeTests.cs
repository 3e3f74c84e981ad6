using Microsoft.EntityFrameworkCore;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Integration.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>
/// How an action's end reaches its cluster and pools: in the engine's last transaction, attributed to the part that
/// failed, kept through the periodic reconcile until a person acts on it, and cleared by a later success. Each of these
/// was found broken when the portal was tried as a new user would.
/// </summary>
public sealed class ClusterOutcomeTests
{
    private const string NoValidHost = "No valid host was found. There are not enough hosts available.";
    private const string QuotaExceeded = "Quota exceeded for cores: Requested 8, but already used 62 of 64 cores";

    [Fact]
    public async Task ReconcileAllAsync_AfterAFailedResync_KeepsTheClusterDegradedSoThatItsRetryIsAccepted()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "NoValidHost", NoValidHost);
        await DegradedByTheReconcileAsync(s, cluster.Id, "workers");

        (await s.Clusters.ResyncAsync(s.Member, cluster.Id, (await s.FindAsync(cluster.Id))!.Version)).ShouldSucceed();
        var resync = await s.FinishedAsync(cluster.Id, ClusterOperations.Resync);
        Assert.Equal(OperationState.Failed, resync.State);
        // The pool's fault is still there, the cluster's own objects are healthy: the reconcile must not call the cluster Active.
        await s.Reconciler.ReconcileAllAsync(default);
        var afterReconcile = (await s.FindAsync(cluster.Id))!;

        Assert.Equal(ClusterState.Degraded, afterReconcile.State);
        Assert.Equal(ClusterState.Degraded, afterReconcile.Pools.Single().State);
        s.Kube.Heal("MachineDeployment");
        (await s.Clusters.RetryAsync(s.Member, resync.Id)).ShouldSucceed();
        var healed = await s.WaitForAsync(cluster.Id, c => c!.State == ClusterState.Active && c.Pools.All(p => p.State == ClusterState.Active));
        Assert.Equal("", healed!.StateReason);
    }

    [Fact]
    public async Task CreateAsync_OnePoolRefusedByTheCloud_MarksThatPoolWithItsFaultAndTheOtherWithANeutralReason()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var medium = await s.FlavorAsync("m1.medium");
        s.Kube.FailNext("MachineDeployment", "web-prod-batch", "QuotaExceeded", QuotaExceeded);

        var id = await s.CreateAsync(await s.RequestAsync(pools: [new NodePoolRequest("workers", medium, 1), new NodePoolRequest("batch", medium, 1)]));
        var failed = await s.WaitForAsync(id, c => c!.State == ClusterState.Error);
        await s.FinishedAsync(id, ClusterOperations.Create);
        failed = await s.FindAsync(id);

        var batch = failed!.Pools.Single(p => p.Name == "batch");
        var workers = failed.Pools.Single(p => p.Name == "workers");
        Assert.Equal(ClusterState.Error, batch.State);
        Assert.Contains("Quota exceeded for cores", batch.StateReason, StringComparison.Ordinal);
        Assert.Equal(ClusterState.Error, workers.State);
        Assert.DoesNotContain("Quota exceeded", workers.StateReason, StringComparison.Ordinal);
        Assert.Contains("stopped before node pool workers was confirmed ready", workers.StateReason, StringComparison.Ordinal);
        Assert.Contains("node pool batch", failed.StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResyncAsync_OnePoolRefusedByTheCloud_NeverGivesTheOtherPoolItsReason()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var medium = await s.FlavorAsync("m1.medium");
        var cluster = await s.CreateActiveAsync(await s.RequestAsync(pools: [new NodePoolRequest("workers", medium, 1), new NodePoolRequest("batch", medium, 1)]));
        s.Kube.FailNext("MachineDeployment", "web-prod-batch", "NoValidHost", NoValidHost);
        await DegradedByTheReconcileAsync(s, cluster.Id, "batch");

        (await s.Clusters.ResyncAsync(s.Member, cluster.Id, (await s.FindAsync(cluster.Id))!.Version)).ShouldSucceed();
        Assert.Equal(OperationState.Failed, (await s.FinishedAsync(cluster.Id, ClusterOperations.Resync)).State);

        var after = (await s.FindAsync(cluster.Id))!;
        Assert.Contains("No valid host was found", after.Pools.Single(p => p.Name == "batch").StateReason, StringComparison.Ordinal);
        Assert.DoesNotContain("No valid host", after.Pools.Single(p => p.Name == "workers").StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScaleControlPlaneAsync_SucceedsAfterAPoolScaleWasCancelled_ClearsTheCancellationNote()
    {
        // Worker machines take ten minutes: a pool created empty is ready at once, a scale-up waits until cancelled.
        await using var s = await ClusterScenario.CreateAsync(DemoControllerDelays.Instant with { WorkerMachine = TimeSpan.FromMinutes(10) });
        var cluster = await s.CreateActiveAsync(await s.RequestAsync(pools: [new NodePoolRequest("workers", await s.FlavorAsync("m1.medium"), 0)]));
        var pool = cluster.Pools.Single();
        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 2)).ShouldSucceed();
        var scale = await s.LatestAsync(cluster.Id, ClusterOperations.ScalePool);
        await s.WaitForOperationAsync(scale.Id, o => o.Steps[1].State == StepState.Running);
        (await s.Clusters.CancelAsync(s.Member, scale.Id)).ShouldSucceed();
        var noted = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single().State == ClusterState.Active);
        Assert.Contains("Scaling was cancelled", noted!.Pools.Single().StateReason, StringComparison.Ordinal);

        (await s.Clusters.ScaleControlPlaneAsync(s.Member, cluster.Id, noted.Version, 3)).ShouldSucceed();
        Assert.Equal(OperationState.Succeeded, (await s.FinishedAsync(cluster.Id, ClusterOperations.ScaleControlPlane)).State);
        // The periodic reconcile after it (as after a restart) brings the note back from nowhere either.
        await s.Reconciler.ReconcileAllAsync(default);

        var after = (await s.FindAsync(cluster.Id))!;
        Assert.Equal(ClusterState.Active, after.Pools.Single().State);
        Assert.Equal("", after.Pools.Single().StateReason);
        Assert.Equal("", after.StateReason);
    }

    [Fact]
    public async Task ScalePoolAsync_FailsInTheCloud_RecordsTheOperationsEndAndThePoolsStateInOneSave()
    {
        await using var s = await ClusterScenario.CreateAsync(DemoControllerDelays.Instant with { WorkerMachine = TimeSpan.FromMilliseconds(500) });
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();
        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 4)).ShouldSucceed();
        var scale = await s.LatestAsync(cluster.Id, ClusterOperations.ScalePool);
        await s.WaitForOperationAsync(scale.Id, o => o.Steps[0].State == StepState.Succeeded || o.IsFinished);
        // Every save from now on: the state it writes for the operation and for the pool, when it writes them.
        var saves = new List<(OperationState? Operation, ClusterState? Pool)>();
        void Record(DbContext db)
        {
            var operation = db.ChangeTracker.Entries<Operation>().Where(e => e.State == EntityState.Modified && e.Entity.Id == scale.Id)
                .Select(e => (OperationState?)e.Entity.State).FirstOrDefault();
            var written = db.ChangeTracker.Entries<NodePool>().Where(e => e.State == EntityState.Modified && e.Entity.Id == pool.Id)
                .Select(e => (ClusterState?)e.Entity.State).FirstOrDefault();
            lock (saves) saves.Add((operation, written));
        }
        s.Host.Hook.Saving += Record;
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "NoValidHost", NoValidHost);

        var failed = await s.WaitForOperationAsync(scale.Id);
        s.Host.Hook.Saving -= Record;

        Assert.Equal(OperationState.Failed, failed.State);
        lock (saves)
            Assert.Contains((OperationState.Failed, ClusterState.Degraded), saves);
        Assert.Equal(ClusterState.Degraded, (await s.FindAsync(cluster.Id))!.Pools.Single().State);
    }

    [Fact]
    public async Task ScalePoolAsync_PoolWrittenByAnotherAsTheFailureIsSaved_ReloadsBothAndStillSavesThemTogether()
    {
        await using var s = await ClusterScenario.CreateAsync(DemoControllerDelays.Instant with { WorkerMachine = TimeSpan.FromMilliseconds(500) });
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();
        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 4)).ShouldSucceed();
        var scale = await s.LatestAsync(cluster.Id, ClusterOperations.ScalePool);
        await s.WaitForOperationAsync(scale.Id, o => o.Steps[0].State == StepState.Succeeded || o.IsFinished);
        // The first save that ends the operation finds the pool changed by someone else a moment before: it must conflict,
        // reload the operation and the pool, and save the end with the outcome again.
        var interfered = 0;
        void Interfere(DbContext db)
        {
            var ending = db.ChangeTracker.Entries<Operation>().Any(e => e.Entity.Id == scale.Id && e.State == EntityState.Modified && e.Entity.IsFinished);
            if (!ending || Interlocked.Exchange(ref interfered, 1) == 1) return;
            using var other = s.Host.NewContext();
            other.NodePools.Where(p => p.Id == pool.Id).ExecuteUpdate(u => u.SetProperty(p => p.Version, p => p.Version + 1));
        }
        s.Host.Hook.Saving += Interfere;
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "NoValidHost", NoValidHost);

        var failed = await s.WaitForOperationAsync(scale.Id);
        s.Host.Hook.Saving -= Interfere;

        Assert.Equal(1, interfered);
        Assert.Equal(OperationState.Failed, failed.State);
        var after = (await s.FindAsync(cluster.Id))!.Pools.Single();
        Assert.Equal(ClusterState.Degraded, after.State);
        Assert.Contains("No valid host was found", after.StateReason, StringComparison.Ordinal);
        Assert.Null(after.CurrentOperationId);
    }

    /// <summary>Runs the reconcile until the pool named <paramref name="pool"/> reads Degraded (the armed fault is on it).</summary>
    private static Task<KubernetesCluster> DegradedByTheReconcileAsync(ClusterScenario s, Guid clusterId, string pool) =>
        ServiceConfigTestHost.PollAsync(async () =>
        {
            await s.Reconciler.ReconcileAllAsync(default);
            return (await s.FindAsync(clusterId))!;
        }, c => c.Pools.Single(p => p.Name == pool).State == ClusterState.Degraded, TimeSpan.FromSeconds(10), c => $"pool {pool} is {c.Pools.Single(p => p.Name == pool).State}");
}
