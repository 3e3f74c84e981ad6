using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Jobs.Clusters;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>Clusters driven end to end through the operations engine against the demo cloud's simulated Cluster API.</summary>
public sealed class ClusterLifecycleTests
{
    /// <summary>
    /// Machines take two seconds each: long enough to act while an action rolls out, even on a loaded machine where the
    /// test's next poll may come late (half a second was not: a rollout once finished before its fault was armed).
    /// </summary>
    private static readonly DemoControllerDelays Slow = DemoControllerDelays.Instant with
    {
        ControlPlaneMachine = TimeSpan.FromSeconds(2),
        WorkerMachine = TimeSpan.FromSeconds(2),
    };

    /// <summary>Waits until the action's first step (the apply) succeeded, then arms the fault for what rolls out.</summary>
    private static async Task ArmAfterApplyAsync(ClusterScenario s, Guid clusterId, string kind, Action arm)
    {
        var operation = await s.LatestAsync(clusterId, kind);
        await s.WaitForOperationAsync(operation.Id, o => o.Steps[0].State == StepState.Succeeded || o.IsFinished);
        arm();
    }

    [Fact]
    public async Task CreateAsync_StandaloneClusterWithTwoPools_GoesThroughCreatingToActiveWithItsObjectsApplied()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var large = await s.FlavorAsync("m1.large");
        var request = await s.RequestAsync(replicas: 3, pools:
        [
            new NodePoolRequest("workers", await s.FlavorAsync("m1.medium"), 2),
            new NodePoolRequest("batch", large, 1, AutoscalerEnabled: true, AutoscalerMin: 1, AutoscalerMax: 5),
        ]);

        var id = await s.CreateAsync(request);
        var cluster = await s.WaitForAsync(id, c => c?.State == ClusterState.Active && c.Pools.All(p => p.State == ClusterState.Active));

        Assert.Equal(3, cluster!.ControlPlaneReplicas);
        var ns = ClusterScenario.Namespace(cluster);
        Assert.NotNull(s.Kube.Get("cluster.x-k8s.io/v1beta1", "Cluster", ns, "web-prod"));
        Assert.Equal(3, s.Kube.Get("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", ns, "web-prod-control-plane")!["spec"]!["replicas"]!.GetValue<int>());
        var batch = s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ns, "web-prod-batch")!;
        Assert.Null(batch["spec"]!["replicas"]);
        Assert.Equal("5", batch["metadata"]!["annotations"]![ClusterManifests.AutoscalerMaxAnnotation]!.GetValue<string>());
        Assert.NotNull(s.Kube.Get("v1", "Secret", ns, "web-prod-cloud-config"));

        var create = await s.FinishedAsync(id, ClusterOperations.Create);
        Assert.Equal(OperationState.Succeeded, create.State);
        Assert.All(create.Steps, step => Assert.Equal(StepState.Succeeded, step.State));

        var transitions = (await s.Clusters.TransitionsAsync(s.Member, id)).ShouldSucceed().Reverse().ToList();
        Assert.Equal([null, ClusterState.Pending, ClusterState.Creating],
            transitions.Where(t => t.NodePoolId is null).Select(t => t.From).ToList());
        Assert.Equal([ClusterState.Pending, ClusterState.Creating, ClusterState.Active],
            transitions.Where(t => t.NodePoolId is null).Select(t => t.To).ToList());
        Assert.Equal(2 * 3, transitions.Count(t => t.NodePoolId is not null));
        Assert.All(transitions, t => Assert.Equal(create.Id, t.OperationId));
        (await s.Clusters.TransitionsAsync(s.Outsider, id)).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task CreateAsync_BeforeTheEngineRuns_RecordsThePendingStateAndTheOperationWithItsDeclaredSteps()
    {
        await using var s = await ClusterScenario.CreateAsync(dispatch: false);
        var started = await s.Clusters.CreateAsync(s.Member, await s.RequestAsync());

        var cluster = await s.FindAsync(started.ShouldSucceed().ClusterId);
        Assert.Equal(ClusterState.Pending, cluster!.State);
        Assert.All(cluster.Pools, p => Assert.Equal(ClusterState.Pending, p.State));
        Assert.Equal(started.Value!.OperationId, cluster.CurrentOperationId);
        var operation = await s.Host.LoadOperationAsync(started.Value.OperationId);
        Assert.Equal(OperationState.Queued, operation.State);
        Assert.Equal(ClusterOperations.Of(ClusterOperations.Create).Steps, operation.Steps.Select(step => step.Name).ToList());
    }

    [Fact]
    public async Task CreateAsync_HostedControlPlane_AppliesAKamajiControlPlaneAndNoControlPlaneMachines()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync(await s.RequestAsync("hosted", ControlPlaneType.Hosted));

        var ns = ClusterScenario.Namespace(cluster);
        Assert.NotEmpty(s.Kube.List("controlplane.cluster.x-k8s.io/v1alpha1", "KamajiControlPlane", ns));
        Assert.Empty(s.Kube.List("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", ns));
        Assert.Null(cluster.ControlPlaneFlavorName);
        Assert.Equal(Limits.HostedControlPlaneReplicas, cluster.ControlPlaneReplicas);
    }

    [Fact]
    public async Task ScalePoolAsync_ActiveCluster_ScalesThePoolAndReturnsItToActive()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();

        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 4)).ShouldSucceed();
        var scaled = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single().State == ClusterState.Active && c.Pools.Single().NodeCount == 4);

        Assert.Equal(4, s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ClusterScenario.Namespace(cluster), "web-prod-workers")!["spec"]!["replicas"]!.GetValue<int>());
        var operation = await s.FinishedAsync(cluster.Id, ClusterOperations.ScalePool);
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Contains("\"nodeCount\":4", operation.Parameters, StringComparison.Ordinal);
        Assert.Equal(ClusterState.Active, scaled!.State);
    }

    [Fact]
    public async Task ScalePoolAsync_ToZero_EmptiesThePool()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();

        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 0)).ShouldSucceed();
        var emptied = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single() is { State: ClusterState.Active, NodeCount: 0 });

        Assert.Equal(0, emptied!.Pools.Single().NodeCount);
    }

    [Fact]
    public async Task UpgradeAsync_ControlPlaneThenPool_MovesBothToTheNextMinor()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        var poolFirst = await s.Clusters.UpgradePoolAsync(s.Member, cluster.Pools.Single().Id, cluster.Pools.Single().Version);
        Assert.Contains("already runs", poolFirst.ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);

        (await s.Clusters.UpgradeControlPlaneAsync(s.Member, cluster.Id, cluster.Version, "1.33.1-1")).ShouldSucceed();
        var upgraded = await s.WaitForAsync(cluster.Id, c => c!.State == ClusterState.Active && c.KubernetesVersion == "1.33.1-1");
        Assert.Equal("v1.33.1", s.Kube.Get("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", ClusterScenario.Namespace(cluster), "web-prod-control-plane")!["status"]!["version"]!.GetValue<string>());
        Assert.Equal("1.32.3-5", upgraded!.Pools.Single().KubernetesVersion);

        var pool = upgraded.Pools.Single();
        (await s.Clusters.UpgradePoolAsync(s.Member, pool.Id, pool.Version)).ShouldSucceed();
        var done = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single() is { State: ClusterState.Active, KubernetesVersion: "1.33.1-1" });

        var md = s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ClusterScenario.Namespace(cluster), "web-prod-workers")!;
        Assert.Equal("v1.33.1", md["spec"]!["template"]!["spec"]!["version"]!.GetValue<string>());
        Assert.Equal(ClusterState.Active, done!.State);
    }

    [Fact]
    public async Task CreateAsync_CloudRefusesTheNodes_LeavesTheClusterInErrorWithTheProviderReasonThenRetryRecovers()
    {
        await using var s = await ClusterScenario.CreateAsync();
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "QuotaExceeded", "Quota exceeded for cores: Requested 4, but already used 62 of 64 cores");

        var id = await s.CreateAsync(await s.RequestAsync());
        var failed = await s.WaitForAsync(id, c => c!.State == ClusterState.Error);

        Assert.Contains("Quota exceeded for cores", failed!.StateReason, StringComparison.Ordinal);
        var pool = failed.Pools.Single();
        Assert.Equal(ClusterState.Error, pool.State);
        Assert.Contains("QuotaExceeded: Quota exceeded for cores", pool.ProviderFault, StringComparison.Ordinal);
        var listed = (await s.Clusters.ListAsync(s.Member, new ClusterFilter(), new PageRequest())).Items.Single();
        Assert.Contains("Quota exceeded for cores", listed.Fault, StringComparison.Ordinal);

        s.Kube.Heal("MachineDeployment");
        var create = await s.LatestAsync(id, ClusterOperations.Create);
        (await s.Clusters.RetryAsync(s.Member, create.Id)).ShouldSucceed();

        var recovered = await s.WaitForAsync(id, c => c!.State == ClusterState.Active && c.Pools.All(p => p.State == ClusterState.Active));
        Assert.Equal(2, (await s.Host.LoadOperationAsync(create.Id)).Attempt);
        await s.Reconciler.ReconcileAsync(id, null, default);
        Assert.Null((await s.FindAsync(id))!.Pools.Single().ProviderFault);
        Assert.Equal(ClusterState.Active, recovered!.State);
    }

    [Fact]
    public async Task ScalePoolAsync_CloudHasNoValidHost_LeavesThePoolDegradedAndTheClusterActive()
    {
        // Machines take a moment here, so the fault can be armed after the new size is applied (a new spec clears a fault).
        await using var s = await ClusterScenario.CreateAsync(Slow);
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();

        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 5)).ShouldSucceed();
        await ArmAfterApplyAsync(s, cluster.Id, ClusterOperations.ScalePool,
            () => s.Kube.FailNext("MachineDeployment", "web-prod-workers", "NoValidHost", "No valid host was found. There are not enough hosts available."));
        var degraded = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single().State == ClusterState.Degraded);

        Assert.Equal(ClusterState.Active, degraded!.State);
        Assert.Contains("No valid host was found", degraded.Pools.Single().StateReason, StringComparison.Ordinal);
        var refused = await s.Clusters.ScalePoolAsync(s.Member, pool.Id, degraded.Pools.Single().Version, 3);
        Assert.Contains("degraded", refused.ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);

        s.Kube.Heal("MachineDeployment");
        (await s.Clusters.RetryAsync(s.Member, (await s.LatestAsync(cluster.Id, ClusterOperations.ScalePool)).Id)).ShouldSucceed();
        var healed = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single() is { State: ClusterState.Active, NodeCount: 5 });
        Assert.Equal("", healed!.Pools.Single().StateReason);
    }

    [Fact]
    public async Task UpgradeControlPlaneAsync_RolloutFails_LeavesTheClusterDegradedNotError()
    {
        await using var s = await ClusterScenario.CreateAsync(Slow);
        var cluster = await s.CreateActiveAsync();

        (await s.Clusters.UpgradeControlPlaneAsync(s.Member, cluster.Id, cluster.Version, "1.33.1-1")).ShouldSucceed();
        await ArmAfterApplyAsync(s, cluster.Id, ClusterOperations.UpgradeControlPlane,
            () => s.Kube.FailNext("KubeadmControlPlane", "web-prod-control-plane", "ImageNotFound", "Image 'ubuntu-2404-kube-v1.33.1-1' could not be found."));
        var degraded = await s.WaitForAsync(cluster.Id, c => c!.State is ClusterState.Degraded or ClusterState.Error);

        Assert.Equal(ClusterState.Degraded, degraded!.State);
        Assert.Contains("could not be found", degraded.StateReason, StringComparison.Ordinal);
        Assert.Equal(OperationState.Failed, (await s.FinishedAsync(cluster.Id, ClusterOperations.UpgradeControlPlane)).State);
    }

    [Fact]
    public async Task CancelAsync_ScaleInProgress_CancelsTheOperationAndLeavesThePoolActive()
    {
        // Worker machines take ten minutes here: a pool created empty is ready at once, a scale-up waits until cancelled.
        await using var s = await ClusterScenario.CreateAsync(DemoControllerDelays.Instant with { WorkerMachine = TimeSpan.FromMinutes(10) });
        var cluster = await s.CreateActiveAsync(await s.RequestAsync(pools: [new NodePoolRequest("workers", await s.FlavorAsync("m1.medium"), 0)]));
        var pool = cluster.Pools.Single();

        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 3)).ShouldSucceed();
        var operation = await s.LatestAsync(cluster.Id, ClusterOperations.ScalePool);
        await s.WaitForOperationAsync(operation.Id, o => o.Steps.Any(step => step.State == StepState.Running && step.Index == 1));
        Assert.Equal(ClusterState.Scaling, (await s.FindAsync(cluster.Id))!.Pools.Single().State);

        (await s.Clusters.CancelAsync(s.TenantViewer, operation.Id)).ShouldBeRefused(RefusalKind.Forbidden);
        (await s.Clusters.CancelAsync(s.Member, operation.Id)).ShouldSucceed();

        var cancelled = await s.WaitForOperationAsync(operation.Id);
        var after = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single().State != ClusterState.Scaling);
        Assert.Equal(OperationState.Cancelled, cancelled.State);
        Assert.Equal(ClusterState.Active, after!.Pools.Single().State);
        Assert.Contains("cancelled by member@acme.test", after.Pools.Single().StateReason, StringComparison.Ordinal);
        (await s.Clusters.RetryAsync(s.Member, operation.Id)).ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public async Task DeleteAsync_WithTheTypedName_RemovesTheClusterAndItsObjects()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        (await s.Clusters.DeleteAsync(s.Member, cluster.Id, "web-pro")).ShouldBeRefused(RefusalKind.Invalid, Fields.ConfirmName);
        (await s.Clusters.DeleteAsync(s.Member, cluster.Id, "web-prod")).ShouldSucceed();
        await s.WaitForAsync(cluster.Id, c => c is null);

        Assert.Null(s.Kube.Get("cluster.x-k8s.io/v1beta1", "Cluster", ClusterScenario.Namespace(cluster), "web-prod"));
        Assert.Empty((await s.Clusters.ListAsync(s.Member, new ClusterFilter(), new PageRequest())).Items);
    }

    [Fact]
    public async Task AddPoolThenRemovePool_ActiveCluster_AddsAndRemovesTheMachineDeployment()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        (await s.Clusters.AddPoolAsync(s.Member, cluster.Id, cluster.Version, new NodePoolRequest("gpu", await s.FlavorAsync("m1.large"), 1))).ShouldSucceed();
        var added = await s.WaitForAsync(cluster.Id, c => c!.Pools.Count == 2 && c.Pools.All(p => p.State == ClusterState.Active));
        var ns = ClusterScenario.Namespace(cluster);
        Assert.NotNull(s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ns, "web-prod-gpu"));

        var gpu = added!.Pools.Single(p => p.Name == "gpu");
        (await s.Clusters.RemovePoolAsync(s.Member, gpu.Id, gpu.Version)).ShouldSucceed();
        await s.WaitForAsync(cluster.Id, c => c!.Pools.Count == 1);

        Assert.Null(s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ns, "web-prod-gpu"));
        var last = (await s.FindAsync(cluster.Id))!.Pools.Single();
        (await s.Clusters.RemovePoolAsync(s.Member, last.Id, last.Version)).ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public async Task ChangePoolFlavorAsync_ActiveCluster_RollsThePoolOntoANewTemplate()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();
        var ns = ClusterScenario.Namespace(cluster);
        var before = s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ns, "web-prod-workers")!["spec"]!["template"]!["spec"]!["infrastructureRef"]!["name"]!.GetValue<string>();

        (await s.Clusters.ChangePoolFlavorAsync(s.Member, pool.Id, pool.Version, await s.FlavorAsync("m1.large"))).ShouldSucceed();
        var updated = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single() is { State: ClusterState.Active, FlavorName: "m1.large" });

        var after = s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ns, "web-prod-workers")!["spec"]!["template"]!["spec"]!["infrastructureRef"]!["name"]!.GetValue<string>();
        Assert.NotEqual(before, after);
        Assert.Equal(ClusterOperations.UpdatePool, (await s.HistoryAsync(cluster.Id))[0].Kind);
        Assert.Equal("m1.large", updated!.Pools.Single().FlavorName);
    }

    [Fact]
    public async Task SetAutoscalerAsync_EnableThenDisable_AnnotatesThenPinsTheReplicas()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();
        var ns = ClusterScenario.Namespace(cluster);

        (await s.Clusters.SetAutoscalerAsync(s.Member, pool.Id, pool.Version, true, 1, 6, 2)).ShouldSucceed();
        var on = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single() is { State: ClusterState.Active, AutoscalerEnabled: true });
        var md = s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ns, "web-prod-workers")!;
        Assert.Equal("1", md["metadata"]!["annotations"]![ClusterManifests.AutoscalerMinAnnotation]!.GetValue<string>());

        Assert.True(on!.Pools.Single().AutoscalerEnabled);
        // Read back after the operation finished: the autoscaler (here the demo's) owns the size now.
        await s.FinishedAsync(cluster.Id, ClusterOperations.UpdatePool);
        var enabled = (await s.FindAsync(cluster.Id))!.Pools.Single();
        (await s.Clusters.SetAutoscalerAsync(s.Member, enabled.Id, enabled.Version, false, null, null, 3)).ShouldSucceed();
        await s.WaitForAsync(cluster.Id, c => c!.Pools.Single() is { State: ClusterState.Active, AutoscalerEnabled: false, NodeCount: 3 });
        md = s.Kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", ns, "web-prod-workers")!;
        Assert.Equal(3, md["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task ReconcileAsync_IdleClusterHitsAProviderFault_BecomesDegradedUntilItClears()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "QuotaExceeded", "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances");
        await ServiceConfigs.ServiceConfigTestHost.PollAsync(async () =>
        {
            await s.Reconciler.ReconcileAllAsync(default);
            return (await s.FindAsync(cluster.Id))!;
        }, c => c.Pools.Single().State == ClusterState.Degraded, TimeSpan.FromSeconds(10), c => $"pool is {c.Pools.Single().State}");

        var degraded = (await s.FindAsync(cluster.Id))!.Pools.Single();
        Assert.Contains("Quota exceeded for instances", degraded.ProviderFault, StringComparison.Ordinal);
        Assert.Contains("Quota exceeded for instances", degraded.StateReason, StringComparison.Ordinal);

        s.Kube.Heal("MachineDeployment");
        await ServiceConfigs.ServiceConfigTestHost.PollAsync(async () =>
        {
            await s.Reconciler.ReconcileAllAsync(default);
            return (await s.FindAsync(cluster.Id))!;
        }, c => c.Pools.Single().State == ClusterState.Active, TimeSpan.FromSeconds(10), c => $"pool is {c.Pools.Single().State}");
        Assert.Null((await s.FindAsync(cluster.Id))!.Pools.Single().ProviderFault);
    }

    [Fact]
    public async Task RecordObservation_ReadyCountsOnly_DoNotMakeAnOpenDialogStale()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();

        await s.Clusters.ApplyAsync(cluster.Id, (c, now) =>
        {
            c.RecordObservation(0, "v1.32.3", now);
            c.Pools.Single().RecordObservation(1, null, now);
        });

        var after = (await s.FindAsync(cluster.Id))!;
        Assert.Equal(1, after.Pools.Single().ReadyNodes);
        Assert.Equal(pool.Version, after.Pools.Single().Version);
        Assert.Equal(cluster.Version, after.Version);
        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 3)).ShouldSucceed();
    }

    [Fact]
    public async Task ResyncAsync_PoolDegradedByAReportedFault_AppliesTheSpecAgainAndReturnsEverythingToActive()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "InstanceStateError", "No valid host was found.");
        var degraded = await ServiceConfigs.ServiceConfigTestHost.PollAsync(async () =>
        {
            await s.Reconciler.ReconcileAllAsync(default);
            return (await s.FindAsync(cluster.Id))!;
        }, c => c.Pools.Single().State == ClusterState.Degraded, TimeSpan.FromSeconds(10), c => $"pool is {c.Pools.Single().State}");
        var retry = await s.Clusters.RetryAsync(s.Member, (await s.LatestAsync(cluster.Id, ClusterOperations.Create)).Id);
        Assert.Contains("only a degraded or failed resource can be retried", retry.ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);

        s.Kube.Heal("MachineDeployment");
        (await s.Clusters.ResyncAsync(s.Member, cluster.Id, degraded.Version)).ShouldSucceed();
        var resync = await s.FinishedAsync(cluster.Id, ClusterOperations.Resync);

        Assert.Equal(OperationState.Succeeded, resync.State);
        var after = (await s.FindAsync(cluster.Id))!;
        Assert.Equal(ClusterState.Active, after.State);
        Assert.Equal(ClusterState.Active, after.Pools.Single().State);
        var transitions = (await s.Clusters.TransitionsAsync(s.Member, cluster.Id)).ShouldSucceed();
        Assert.Contains(transitions, t => t.NodePoolId is not null && t.From == ClusterState.Degraded && t.To == ClusterState.Updating && t.OperationId == resync.Id);
    }

    [Fact]
    public async Task ResyncAsync_ClusterInError_IsRefusedInFavourOfRetryOrDelete()
    {
        await using var s = await ClusterScenario.CreateAsync();
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "InstanceStateError", "No valid host was found.");
        var id = await s.CreateAsync(await s.RequestAsync());
        var failed = await s.WaitForAsync(id, c => c!.State == ClusterState.Error);

        var refusal = (await s.Clusters.ResyncAsync(s.Member, id, failed!.Version)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("Retry its failed action or delete it", refusal.Message, StringComparison.Ordinal);
    }
}
