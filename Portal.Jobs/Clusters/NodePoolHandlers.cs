using Portal.Domain.Clusters;
using ClusterSteps = Portal.Domain.Clusters.ClusterOperations.Steps;
using Portal.Domain.Infrastructures;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Clusters;

/// <summary>What the node pool operations share: applying one pool's objects and waiting for its machines.</summary>
public abstract class NodePoolHandlerBase(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    /// <summary>Applies the pool as <paramref name="desired"/> (and the autoscaler when any pool uses it), then stores the change.</summary>
    protected Task<StepOutcome> ApplyPoolAsync(StepContext context, Func<NodePool, NodePoolManifestSpec> desired,
        Action<NodePool, DateTimeOffset> store, Func<NodePoolManifestSpec, string> describe, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, pool, client) =>
        {
            var wanted = desired(pool!);
            var spec = SpecOf(cluster, cluster.Pools.Where(p => p.State != ClusterState.Deleting).Select(p => p.Id == pool!.Id ? wanted : PoolSpecOf(p)));
            if (await ApplyAllAsync(client, ClusterManifests.PoolObjects(spec, wanted), ct) is { } failed) return failed;
            if (await ReconcileAutoscalerAsync(client, spec, ct) is { } autoscalerFailed) return autoscalerFailed;
            await Clusters.ApplyAsync(cluster.Id, (c, now) => store(c.Pools.Single(p => p.Id == pool!.Id), now), ct);
            return StepOutcome.Succeeded(describe(wanted));
        });

    /// <summary>Waits until every machine of the pool is ready and on its current template.</summary>
    protected Task<StepOutcome> WaitForPoolAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, (cluster, pool, client) =>
        {
            var manifest = ClusterManifests.MachineDeployment(SpecOf(cluster), PoolSpecOf(pool!));
            return WaitAsync(context, $"node pool {pool!.Name}", async () =>
            {
                var health = await ClusterHealth.PoolAsync(client, manifest, pool.Name, ct);
                if (!health.Succeeded) return WaitProbe.Pending(health.Error!.Message);
                if (!health.Value!.Exists) return WaitProbe.Missing(health.Value.Progress);
                if (health.Value.Fault is { } fault)
                {
                    await RecordFaultAsync(cluster.Id, pool.Id, fault, ct);
                    return WaitProbe.Fail(StepOutcome.Failed($"The cloud refused node pool {pool.Name}: {fault}"));
                }
                return health.Value.Ready ? WaitProbe.Done($"Node pool {pool.Name} is ready.") : WaitProbe.Pending(health.Value.Progress);
            }, ct, () => ReapplyClusterAsync(cluster, client, ct));
        });

    protected static string Nodes(int count) => count == 1 ? "1 node" : $"{count} nodes";
}

/// <summary>Adds a node pool to a running cluster.</summary>
public sealed class AddNodePoolHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : NodePoolHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.AddPool;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.ApplyPool, ApplyAsync),
        new(ClusterSteps.WaitForNodes, WaitForPoolAsync),
        new(ClusterSteps.ActivatePool, (context, ct) => FinishAsync(context, "The node pool is active.", ct)),
    ];

    private async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, pool) = await LoadAsync(context, ct);
        if (cluster is null || pool is null) return Gone(context);
        await Clusters.ApplyAsync(cluster.Id, (c, now) =>
        {
            var p = c.Pools.Single(x => x.Id == pool.Id);
            if (p.CurrentOperationId == context.OperationId && p.State == ClusterState.Pending) p.StartCreating(context.OperationId, now);
        }, ct);
        return await ApplyPoolAsync(context, PoolSpecOf, (_, _) => { },
            p => $"Applied node pool {p.Name}: {Nodes(p.NodeCount)} of {p.Flavor}{(p.AutoscalerEnabled ? $", autoscaler {p.AutoscalerMin}–{p.AutoscalerMax}" : "")}.", ct);
    }
}

/// <summary>Scales a node pool to a new node count (0 empties it).</summary>
public sealed class ScaleNodePoolHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : NodePoolHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.ScalePool;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.ApplyNodeCount, ApplyAsync),
        new(ClusterSteps.WaitForNodes, WaitForPoolAsync),
        new(ClusterSteps.Finish, (context, ct) => FinishAsync(context, "The node pool is scaled.", ct)),
    ];

    private Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct)
    {
        var scale = context.Parameters<ScalePoolParameters>();
        return ApplyPoolAsync(context, pool => PoolSpecOf(pool) with { NodeCount = scale.NodeCount },
            (pool, now) => pool.ApplyNodeCount(scale.NodeCount, now),
            p => $"Asked for {Nodes(scale.NodeCount)} (was {scale.From}).", ct);
    }
}

/// <summary>Changes a pool's configuration: its flavor (the machines are replaced) and/or its autoscaler.</summary>
public sealed class UpdateNodePoolHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : NodePoolHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.UpdatePool;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.ApplyPoolConfiguration, ApplyAsync),
        new(ClusterSteps.WaitForNodesRollout, WaitForPoolAsync),
        new(ClusterSteps.Finish, (context, ct) => FinishAsync(context, "The node pool is updated.", ct)),
    ];

    private Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct)
    {
        var update = context.Parameters<UpdatePoolParameters>();
        return ApplyPoolAsync(context,
            pool =>
            {
                var spec = PoolSpecOf(pool);
                if (update.Flavor is { } flavor) spec = spec with { Flavor = flavor.Name, VCpus = flavor.Vcpus, RamMb = flavor.RamMb };
                if (update.ChangeAutoscaler)
                    spec = spec with
                    {
                        NodeCount = update.NodeCount,
                        AutoscalerMin = update.AutoscalerEnabled ? update.AutoscalerMin : null,
                        AutoscalerMax = update.AutoscalerEnabled ? update.AutoscalerMax : null,
                    };
                return spec;
            },
            (pool, now) =>
            {
                if (update.Flavor is { } flavor) pool.ApplyFlavor(flavor, now);
                if (update.ChangeAutoscaler)
                    pool.ApplyAutoscaler(update.AutoscalerEnabled ? new AutoscalerBounds(update.AutoscalerMin!.Value, update.AutoscalerMax!.Value) : null, update.NodeCount, now);
            },
            p => update.Flavor is { } f
                ? $"Node pool {p.Name} moves to flavor {f.Name}; its machines are replaced one by one."
                : update.AutoscalerEnabled ? $"Autoscaler of {p.Name}: {update.AutoscalerMin}–{update.AutoscalerMax} nodes." : $"Autoscaler of {p.Name} is off; the pool keeps {Nodes(update.NodeCount)}.",
            ct);
    }
}

/// <summary>Brings a pool to the control plane's version: every node is replaced by one from the new image.</summary>
public sealed class UpgradeNodePoolHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : NodePoolHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.UpgradePool;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.ApplyPoolVersion, ApplyAsync),
        new(ClusterSteps.WaitForNodesReplaced, WaitForPoolAsync),
        new(ClusterSteps.Finish, (context, ct) => FinishAsync(context, "The node pool runs the control plane's version.", ct)),
    ];

    private Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct)
    {
        var upgrade = context.Parameters<UpgradeParameters>();
        return ApplyPoolAsync(context, pool => PoolSpecOf(pool) with { KubernetesVersion = upgrade.Version, Image = upgrade.Image.ProviderId },
            (pool, now) => pool.ApplyImage(upgrade.Image, now),
            p => $"Node pool {p.Name} moves from {upgrade.From} to {upgrade.Version}; its nodes are replaced one by one.", ct);
    }
}

/// <summary>Removes a node pool: its machines are drained and deleted, then the pool's record goes.</summary>
public sealed class RemoveNodePoolHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : NodePoolHandlerBase(clusters, management, infrastructures, options, clock)
{
    private const string AlreadyGone = "The node pool is already gone.";

    public override string Kind => ClusterOperations.RemovePool;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.DeletePoolMachines, DeleteAsync),
        new(ClusterSteps.WaitForPoolMachinesGone, WaitGoneAsync),
        new(ClusterSteps.RemovePoolFromPortal, RemoveAsync),
    ];

    private Task<StepOutcome> DeleteAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, (cluster, pool, client) => DeletePoolObjectsAsync(cluster, pool!, client, ct), AlreadyGone);

    /// <summary>Deletes the pool's MachineDeployment and machine templates and fits the autoscaler to the other pools (idempotent).</summary>
    private async Task<StepOutcome> DeletePoolObjectsAsync(KubernetesCluster cluster, NodePool pool, IKubernetesClient client, CancellationToken ct)
    {
        var spec = SpecOf(cluster);
        var poolSpec = PoolSpecOf(pool);
        var ns = ClusterManifests.NamespaceFor(cluster.Id);
        var md = await client.DeleteAsync(ClusterManifests.ClusterApiVersion, "MachineDeployment", ns, ClusterManifests.MachineDeploymentName(spec, poolSpec), ct);
        if (!md.Succeeded && !md.IsNotFound) return FromError(md.Error!, "Could not delete the MachineDeployment");
        // Every template the pool had (a flavor change or an upgrade leaves the earlier ones behind).
        var templates = await client.ListAsync(ClusterManifests.InfrastructureApiVersion, "OpenStackMachineTemplate", ns,
            $"{ClusterManifests.NodePoolIdLabel}={pool.Id:N}", ct);
        if (!templates.Succeeded) return FromError(templates.Error!, "Could not list the pool's machine templates");
        foreach (var name in templates.Value!.Select(t => t["metadata"]!["name"]!.GetValue<string>()).Append(ClusterManifests.MachineTemplateName(spec, poolSpec)).Distinct())
        {
            var template = await client.DeleteAsync(ClusterManifests.InfrastructureApiVersion, "OpenStackMachineTemplate", ns, name, ct);
            if (!template.Succeeded && !template.IsNotFound) return FromError(template.Error!, $"Could not delete the machine template {name}");
        }
        // The autoscaler follows the remaining pools.
        var remaining = SpecOf(cluster, cluster.Pools.Where(p => p.Id != pool.Id && p.State != ClusterState.Deleting).Select(PoolSpecOf));
        if (await ReconcileAutoscalerAsync(client, remaining, ct) is { } failed) return failed;
        return md.Value == KubeDeleteOutcome.AlreadyGone
            ? StepOutcome.Skipped("The pool's MachineDeployment was already gone.")
            : StepOutcome.Succeeded($"Cluster API is draining and deleting {Nodes(pool.NodeCount)} of {pool.Name}.");
    }

    private Task<StepOutcome> WaitGoneAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, (cluster, pool, client) =>
            WaitForRemovalAsync(context, client, ClusterManifests.MachineDeployment(SpecOf(cluster), PoolSpecOf(pool!)), $"the machines of {pool!.Name} to go",
                $"Deleting the machines of {pool.Name}…", $"The machines of {pool.Name} are gone.",
                async () => await DeletePoolObjectsAsync(cluster, pool, client, ct) is { Kind: StepOutcomeKind.Failed or StepOutcomeKind.Transient } failed ? failed : null,
                ct), AlreadyGone);

    private async Task<StepOutcome> RemoveAsync(StepContext context, CancellationToken ct)
    {
        var (_, pool) = await LoadAsync(context, ct);
        if (pool is null) return StepOutcome.Skipped("The node pool was already removed.");
        await Clusters.RemovePoolRowAsync(pool.Id, ct);
        return StepOutcome.Succeeded($"Node pool {pool.Name} is removed.");
    }
}
