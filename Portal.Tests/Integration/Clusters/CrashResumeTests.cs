using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Clusters;
using Portal.Domain.Operations;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Integration.ServiceConfigs;
using Portal.Tests.Support;
using ClusterSteps = Portal.Domain.Clusters.ClusterOperations.Steps;

namespace Portal.Tests.Integration.Clusters;

/// <summary>
/// An operation stopped in its waiting step and resumed on a management cluster that lost what its apply step did — what
/// a kill -9 of the portal leaves behind when the demo cloud's last save predates the apply. Each test saves the demo's
/// state before the action, runs the action into its wait, and restarts the portal on that earlier state: the resumed
/// wait must apply the desired state again (or, for a delete, delete again) and end Succeeded, not time out.
/// </summary>
public sealed class CrashResumeTests
{
    private const string CapiVersion = "cluster.x-k8s.io/v1beta1";

    /// <summary>Slow enough that every action spends seconds in its wait; fast enough for a test.</summary>
    private static readonly DemoControllerDelays Slow = DemoControllerDelays.Instant with
    {
        ControlPlaneMachine = TimeSpan.FromSeconds(2),
        WorkerMachine = TimeSpan.FromSeconds(2),
        ClusterDeletion = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public async Task CreateAsync_RestartedOnADemoStateSavedBeforeTheApply_AppliesAgainAndEndsSucceeded()
    {
        var rewind = new DemoStateRewind();
        await using var s = await ClusterScenario.CreateAsync(Slow, rememberDemo: true, configure: rewind.Register);
        var before = rewind.Save(s.Host);

        var id = await s.CreateAsync(await s.RequestAsync());
        var create = await s.LatestAsync(id, ClusterOperations.Create);
        await CrashDuringAsync(s, rewind, before, create.Id, ClusterSteps.WaitForControlPlane);

        var finished = await s.Host.WaitForOperationAsync(create.Id, timeout: TimeSpan.FromSeconds(90));
        AssertSucceeded(finished);
        var cluster = (await s.FindAsync(id))!;
        Assert.Equal(ClusterState.Active, cluster.State);
        Assert.Single(s.Kube.List(CapiVersion, "Cluster", ClusterScenario.Namespace(cluster)));
        Assert.Single(s.Kube.List(CapiVersion, "MachineDeployment", ClusterScenario.Namespace(cluster)));
    }

    [Fact]
    public async Task ScalePoolAsync_RestartedOnADemoStateSavedBeforeTheApply_AppliesTheNewCountAgainAndEndsSucceeded()
    {
        var rewind = new DemoStateRewind();
        await using var s = await ClusterScenario.CreateAsync(Slow, rememberDemo: true, configure: rewind.Register);
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();
        var before = rewind.Save(s.Host);

        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 3)).ShouldSucceed();
        var scale = await s.LatestAsync(cluster.Id, ClusterOperations.ScalePool);
        await CrashDuringAsync(s, rewind, before, scale.Id, ClusterSteps.WaitForNodes);

        AssertSucceeded(await s.Host.WaitForOperationAsync(scale.Id, timeout: TimeSpan.FromSeconds(90)));
        var md = s.Kube.Get(CapiVersion, "MachineDeployment", ClusterScenario.Namespace(cluster), ClusterScenario.MachineDeploymentName(cluster, pool.Name))!;
        Assert.Equal(3, md["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal(3, md["status"]!["readyReplicas"]!.GetValue<long>());
        Assert.Equal(3, (await s.FindAsync(cluster.Id))!.Pools.Single().NodeCount);
    }

    [Fact]
    public async Task UpgradeControlPlaneAsync_RestartedOnADemoStateSavedBeforeTheApply_AppliesTheNewVersionAgainAndEndsSucceeded()
    {
        var rewind = new DemoStateRewind();
        await using var s = await ClusterScenario.CreateAsync(Slow, rememberDemo: true, configure: rewind.Register);
        var cluster = await s.CreateActiveAsync();
        var before = rewind.Save(s.Host);

        (await s.Clusters.UpgradeControlPlaneAsync(s.Member, cluster.Id, cluster.Version, "1.33.1-1")).ShouldSucceed();
        var upgrade = await s.LatestAsync(cluster.Id, ClusterOperations.UpgradeControlPlane);
        await CrashDuringAsync(s, rewind, before, upgrade.Id, ClusterSteps.WaitForControlPlaneRollout);

        AssertSucceeded(await s.Host.WaitForOperationAsync(upgrade.Id, timeout: TimeSpan.FromSeconds(90)));
        var kcp = s.Kube.Get("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", ClusterScenario.Namespace(cluster), "web-prod-control-plane")!;
        Assert.Equal("v1.33.1", kcp["status"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteAsync_RestartedOnADemoStateSavedBeforeTheDelete_DeletesAgainAndEndsSucceeded()
    {
        var rewind = new DemoStateRewind();
        await using var s = await ClusterScenario.CreateAsync(Slow, rememberDemo: true, configure: rewind.Register);
        var cluster = await s.CreateActiveAsync();
        var before = rewind.Save(s.Host);

        (await s.Clusters.DeleteAsync(s.Member, cluster.Id, cluster.Name, cluster.Version)).ShouldSucceed();
        var delete = await s.LatestAsync(cluster.Id, ClusterOperations.Delete);
        await CrashDuringAsync(s, rewind, before, delete.Id, ClusterSteps.WaitForClusterRemoval);

        AssertSucceeded(await s.Host.WaitForOperationAsync(delete.Id, timeout: TimeSpan.FromSeconds(90)));
        Assert.Null(await s.FindAsync(cluster.Id));
        Assert.Empty(s.Kube.List(CapiVersion, "Cluster", ClusterScenario.Namespace(cluster)));
    }

    /// <summary>Waits until <paramref name="step"/> runs, then restarts the portal on the demo state saved in <paramref name="before"/>.</summary>
    internal static async Task CrashDuringAsync(ClusterScenario s, DemoStateRewind rewind, string before, Guid operationId, string step)
    {
        await s.Host.WaitForOperationAsync(operationId, o => o.Steps.Any(x => x.Name == step && x.State == StepState.Running), TimeSpan.FromSeconds(30));
        rewind.Arm(before, s.Host);
        await s.RestartAsync();
    }

    internal static void AssertSucceeded(Operation operation) =>
        Assert.True(operation.State == OperationState.Succeeded,
            $"The operation ended {operation.State}: {operation.Error} (steps: {string.Join("; ", operation.Steps.Select(x => $"{x.Name}={x.State} {x.Message}"))})");
}

/// <summary>
/// Puts an earlier demo state in place before the restarted portal's demo cloud loads it: registered ahead of every other
/// hosted service, so it runs before the demo's state host takes the file up.
/// </summary>
internal sealed class DemoStateRewind : IHostedService
{
    private string? _from;
    private string? _to;

    public void Register(IServiceCollection services) => services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(this));

    /// <summary>Saves the demo's Kubernetes state now and keeps a copy; returns the copy's path.</summary>
    public string Save(ServiceConfigTestHost host)
    {
        var state = host.Services.GetRequiredService<DemoCloudStateHost>();
        state.Kubernetes!.SaveNow();
        var copy = Path.Combine(host.DemoStateFolder, $"before-{Guid.NewGuid():N}.json");
        File.Copy(StateFile(host), copy);
        return copy;
    }

    /// <summary>The next start of the portal finds <paramref name="saved"/> as the demo's state.</summary>
    public void Arm(string saved, ServiceConfigTestHost host) => (_from, _to) = (saved, StateFile(host));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_from is { } from && _to is { } to)
        {
            File.Copy(from, to, overwrite: true);
            (_from, _to) = (null, null);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string StateFile(ServiceConfigTestHost host) => Path.Combine(host.DemoStateFolder, DemoCloudStateHost.KubernetesFileName);
}
