using Portal.Domain.Clusters;
using Portal.Domain.Operations;
using Portal.Jobs.Clusters;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>
/// Issue 12's acceptance for the demo cloud: a person who restarts the portal finds their demo clusters as they left
/// them. Each test stops the host as the portal stops and starts a new one on the same database and folder.
/// </summary>
public sealed class DemoRestartTests
{
    private const string CapiVersion = "cluster.x-k8s.io/v1beta1";

    [Fact]
    public async Task RestartAsync_ActiveDemoCluster_IsStillActiveAfterTheReconcileAndCanBeScaled()
    {
        await using var s = await ClusterScenario.CreateAsync(rememberDemo: true);
        var cluster = await s.CreateActiveAsync();
        var ns = ClusterScenario.Namespace(cluster);
        var before = s.Kube.Get(CapiVersion, "Cluster", ns, cluster.Name)!;
        var earlierApi = s.Kube;

        await s.RestartAsync();

        Assert.NotSame(earlierApi, s.Kube);
        Assert.True(File.Exists(Path.Combine(s.Host.DemoStateFolder, DemoCloudStateHost.KubernetesFileName)));
        var after = s.Kube.Get(CapiVersion, "Cluster", ns, cluster.Name);
        Assert.NotNull(after);
        Assert.Equal(before["metadata"]!["uid"]!.GetValue<string>(), after["metadata"]!["uid"]!.GetValue<string>());
        // What the periodic reconcile does first after a start: read every cluster back from the management cluster.
        await s.Reconciler.ReconcileAllAsync(default);
        var reconciled = (await s.FindAsync(cluster.Id))!;
        Assert.Equal(ClusterState.Active, reconciled.State);
        Assert.DoesNotContain("missing", reconciled.StateReason ?? string.Empty, StringComparison.Ordinal);
        Assert.All(reconciled.Pools, p => Assert.Equal(ClusterState.Active, p.State));

        var pool = reconciled.Pools.Single();
        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 3)).ShouldSucceed();
        var scaled = await s.WaitForAsync(cluster.Id, c => c!.Pools.Single() is { State: ClusterState.Active, NodeCount: 3, ReadyNodes: 3 });

        Assert.Equal(ClusterState.Active, scaled!.State);
        Assert.Equal(OperationState.Succeeded, (await s.FinishedAsync(cluster.Id, ClusterOperations.ScalePool)).State);
        var machines = s.Kube.Get(CapiVersion, "MachineDeployment", ns, ClusterScenario.MachineDeploymentName(cluster, pool.Name))!;
        Assert.Equal(3, machines["status"]!["readyReplicas"]!.GetValue<long>());
        Assert.Single(s.Kube.List(CapiVersion, "MachineDeployment", ns));
    }

    [Fact]
    public async Task RestartAsync_ClusterHalfWayThroughCreating_CarriesOnToActiveWithEachObjectOnce()
    {
        // Machines take a second each: the restart lands after the first worker machine and before the second.
        var slow = DemoControllerDelays.Instant with { ControlPlaneMachine = TimeSpan.FromSeconds(1), WorkerMachine = TimeSpan.FromSeconds(1) };
        await using var s = await ClusterScenario.CreateAsync(slow, rememberDemo: true);
        var request = await s.RequestAsync(pools: new NodePoolRequest("workers", await s.FlavorAsync("m1.medium"), 3));
        var id = await s.CreateAsync(request);
        var ns = Portal.Jobs.Clusters.ClusterManifests.NamespaceFor(id);
        var machinesName = $"{request.Name}-workers";
        await ServiceConfigs.ServiceConfigTestHost.PollAsync(
            () => Task.FromResult(s.Kube.Get(CapiVersion, "MachineDeployment", ns, machinesName)),
            md => (md?["status"]?["readyReplicas"]?.GetValue<long>() ?? 0) >= 1, TimeSpan.FromSeconds(20),
            md => $"the MachineDeployment is {md?["status"]?.ToJsonString() ?? "missing"}");
        var uid = s.Kube.Get(CapiVersion, "MachineDeployment", ns, machinesName)!["metadata"]!["uid"]!.GetValue<string>();

        await s.RestartAsync();
        var cluster = await s.WaitForAsync(id, c => c?.State == ClusterState.Active && c.Pools.All(p => p.State == ClusterState.Active && p.ReadyNodes == 3));

        Assert.Equal(OperationState.Succeeded, (await s.FinishedAsync(id, ClusterOperations.Create)).State);
        var machines = Assert.Single(s.Kube.List(CapiVersion, "MachineDeployment", ns));
        Assert.Equal(uid, machines["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal(3, machines["status"]!["readyReplicas"]!.GetValue<long>());
        Assert.Single(s.Kube.List(CapiVersion, "Cluster", ns));
        Assert.Single(s.Kube.Clusters, c => c.Host.StartsWith($"{cluster!.Name}.{ns}.", StringComparison.Ordinal));
    }

    /// <summary>What every restart did before the demo remembered: the proof that the test above can fail.</summary>
    [Fact]
    public async Task RestartAsync_DemoKeptInMemoryOnly_LosesTheClusterAndTheReconcileSaysItsObjectsAreMissing()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        await s.RestartAsync();
        await s.Reconciler.ReconcileAllAsync(default);

        var reconciled = (await s.FindAsync(cluster.Id))!;
        Assert.Equal(ClusterState.Degraded, reconciled.State);
        Assert.Contains("Cluster API objects are missing", reconciled.StateReason, StringComparison.Ordinal);
    }
}
