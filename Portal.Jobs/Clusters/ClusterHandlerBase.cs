using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Clusters;

/// <summary>How cluster operations wait for the management cluster to converge.</summary>
public sealed record ClusterOperationOptions
{
    /// <summary>How often a wait step reads the objects back.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a wait step waits before failing; the cloud may still converge later (retry then).</summary>
    public TimeSpan WaitLimit { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>
    /// How long a provider fault must persist before a wait step fails with it. Controllers update status on their own
    /// schedule: right after a fix (or a retry) the old fault may still be on the object for a moment.
    /// </summary>
    public TimeSpan FaultConfirmation { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the periodic reconcile refreshes every cluster's state from the management cluster: the slow resync
    /// behind the watches (<see cref="WatchManagementClusters"/>), which bring changes within a second.
    /// </summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether <see cref="ClusterWatcher"/> watches the management clusters and reconciles a cluster when its objects change.</summary>
    public bool WatchManagementClusters { get; init; } = true;

    /// <summary>How often the watcher looks for infrastructures that got (or lost) their first cluster.</summary>
    public TimeSpan WatchDiscoveryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The pause before a failed watch is opened again.</summary>
    public TimeSpan WatchRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after a change the cluster is reconciled, so a burst of changes costs one reconcile.</summary>
    public TimeSpan WatchDebounce { get; init; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// What every cluster and node pool operation shares: loading the cluster, reaching its management cluster, building
/// its manifests from the stored spec, applying them, waiting for Cluster API to converge while recording the
/// provider's own fault reason, and turning Kubernetes faults into step outcomes. Steps are idempotent: they apply
/// (server-side) the desired objects, keyed by the cluster's id, and read state back.
/// </summary>
public abstract class ClusterHandlerBase(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : IOperationHandler
{
    public abstract string Kind { get; }
    public abstract IReadOnlyList<OperationStepDefinition> Steps { get; }

    /// <summary>How the operation ended, applied to the cluster and the pools it drove by the domain, in the engine's last transaction.</summary>
    public Task ApplyOutcomeAsync(PortalDbContext db, Operation operation, CancellationToken ct) =>
        operation.IsFinished ? ClusterService.ApplyOutcomeAsync(db, operation, clock.GetUtcNow(), ct) : Task.CompletedTask;

    protected ClusterService Clusters => clusters;
    protected TimeProvider Clock => clock;

    /// <summary>The cluster the operation acts on (for a pool operation, the pool's cluster) and the pool, if any.</summary>
    protected async Task<(KubernetesCluster? Cluster, NodePool? Pool)> LoadAsync(StepContext context, CancellationToken ct)
    {
        var clusterId = await clusters.ClusterOfAsync(context.Target.Type, context.Target.Id, ct);
        if (clusterId is null) return (null, null);
        var cluster = await clusters.FindAsync(clusterId.Value, ct);
        var pool = context.Target.Type == ClusterOperations.PoolTarget && Guid.TryParse(context.Target.Id, out var poolId)
            ? cluster?.Pools.SingleOrDefault(p => p.Id == poolId)
            : null;
        return (cluster, pool);
    }

    /// <summary>
    /// What most steps start with: load the operation's cluster (and pool), reach its management cluster, then do
    /// <paramref name="work"/>. When the resource is gone the step fails, or is skipped with <paramref name="skipIfGone"/>
    /// (for removals, where gone is the goal).
    /// </summary>
    protected async Task<StepOutcome> OnManagementClusterAsync(StepContext context, CancellationToken ct,
        Func<KubernetesCluster, NodePool?, IKubernetesClient, Task<StepOutcome>> work, string? skipIfGone = null)
    {
        var (cluster, pool) = await LoadAsync(context, ct);
        if (cluster is null || (context.Target.Type == ClusterOperations.PoolTarget && pool is null))
            return skipIfGone is null ? Gone(context) : StepOutcome.Skipped(skipIfGone);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        return await work(cluster, pool, client.Value!);
    }

    /// <summary>Applies every object of the cluster as stored (idempotent): the create's and the resync's apply step.</summary>
    protected Task<StepOutcome> ApplyWholeClusterAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, _, client) =>
        {
            var credentials = await CredentialsAsync(cluster, ct);
            if (credentials is null) return StepOutcome.Failed("The cluster's infrastructure no longer exists.");
            var spec = SpecOf(cluster);
            var objects = ClusterManifests.All(spec, credentials);
            if (await ApplyAllAsync(client, objects, ct) is { } failed) return failed;
            return await ReconcileAutoscalerAsync(client, spec, ct)
                ?? StepOutcome.Succeeded($"Applied {objects.Count} objects: {string.Join(", ", objects.Select(o => o["kind"]!.GetValue<string>()).Distinct())}.");
        });

    /// <summary>
    /// Applies the cluster's desired state again — every object as stored, which every apply step records right after
    /// applying — for a wait whose objects are missing. The management cluster may have lost them (restored from a
    /// backup, or a demo cloud saved before the portal stopped); server-side apply is idempotent, so this changes
    /// nothing when they are all there. Null when applied; otherwise the step's outcome.
    /// </summary>
    protected async Task<StepOutcome?> ReapplyClusterAsync(KubernetesCluster cluster, IKubernetesClient client, CancellationToken ct)
    {
        var credentials = await CredentialsAsync(cluster, ct);
        if (credentials is null) return StepOutcome.Failed("The cluster's infrastructure no longer exists.");
        var spec = SpecOf(cluster);
        return await ApplyAllAsync(client, ClusterManifests.All(spec, credentials), ct) ?? await ReconcileAutoscalerAsync(client, spec, ct);
    }

    /// <summary>Waits for the control plane as stored (its replicas and version).</summary>
    protected Task<StepOutcome> WaitForStoredControlPlaneAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, (cluster, _, client) =>
            WaitForControlPlaneCoreAsync(context, client, cluster, cluster.ControlPlaneReplicas, cluster.KubernetesVersion, ct));

    /// <summary>Waits until the management cluster has removed <paramref name="manifest"/>'s object, asking again when it is not being removed.</summary>
    protected Task<StepOutcome> WaitForRemovalAsync(StepContext context, IKubernetesClient client, JsonObject manifest, string what, string progress,
        string done, Func<Task<StepOutcome?>> removeAgain, CancellationToken ct) =>
        WaitAsync(context, what, async () =>
        {
            var health = await ClusterHealth.ReadAsync(client, manifest, ct);
            if (!health.Succeeded) return WaitProbe.Pending(health.Error!.Message);
            if (!health.Value!.Exists) return WaitProbe.Done(done);
            // Still there and not marked for deletion: the management cluster lost the deletion (it came back from a
            // state saved before it), and waiting alone would wait for ever.
            return health.Value.Status?.DeletionTimestamp is null
                ? WaitProbe.Missing($"{manifest["kind"]} {manifest["metadata"]?["name"]} is not being removed; asking again.")
                : WaitProbe.Pending(progress);
        }, ct, removeAgain);

    protected static StepOutcome Gone(StepContext context) =>
        StepOutcome.Failed($"{context.Target.Name} no longer exists in the portal; there is nothing left to do.");

    protected async Task<RemoteResult<IKubernetesClient>> ManagementAsync(KubernetesCluster cluster, CancellationToken ct) =>
        await management.ForInfrastructureAsync(cluster.InfrastructureId, ct);

    /// <summary>Unreachable, timeouts and server errors pass; the rest need a person.</summary>
    protected static StepOutcome FromError(RemoteError error, string doing) => StepOutcome.FromRemote(error, doing);

    /// <summary>The manifest spec of the cluster as stored, with the pools given (default: every pool not being removed).</summary>
    protected static ClusterManifestSpec SpecOf(KubernetesCluster cluster, IEnumerable<NodePoolManifestSpec>? pools = null) =>
        new(cluster.Id, cluster.Name, cluster.KubernetesVersion, cluster.ControlPlaneType, cluster.ControlPlaneReplicas, cluster.ControlPlaneFlavorName,
            cluster.ImageId, cluster.ExternalNetworkId,
            (pools ?? cluster.Pools.Where(p => p.State != ClusterState.Deleting).Select(PoolSpecOf)).ToList());

    protected static NodePoolManifestSpec PoolSpecOf(NodePool pool) =>
        new(pool.Id, pool.Name, pool.FlavorName, pool.ImageId, pool.KubernetesVersion, pool.NodeCount,
            pool.AutoscalerEnabled ? pool.AutoscalerMin : null, pool.AutoscalerEnabled ? pool.AutoscalerMax : null)
        {
            VCpus = pool.FlavorVcpus, RamMb = pool.FlavorRamMb,
        };

    /// <summary>The credentials the cluster's providers use: the infrastructure's own (the demo cloud's built-in ones).</summary>
    protected async Task<CloudCredentials?> CredentialsAsync(KubernetesCluster cluster, CancellationToken ct)
    {
        var stored = await infrastructures.GetCredentialsAsync(cluster.InfrastructureId, ct);
        if (stored is null) return null;
        return management.Providers.For(stored.Value.Provider).ClusterCredentials(stored.Value.Connection, stored.Value.Secret);
    }

    protected static async Task<StepOutcome?> ApplyAllAsync(IKubernetesClient client, IEnumerable<JsonObject> manifests, CancellationToken ct)
    {
        foreach (var manifest in manifests)
        {
            var applied = await client.ApplyAsync(manifest, ct);
            if (!applied.Succeeded)
                return FromError(applied.Error!, $"Could not apply {manifest["kind"]} {manifest["metadata"]?["name"]}");
        }
        return null;
    }

    /// <summary>
    /// Applies the cluster autoscaler when a pool uses it, and removes it when none does any more (its Deployment,
    /// ServiceAccount, Role and RoleBinding in the cluster's namespace).
    /// </summary>
    protected static async Task<StepOutcome?> ReconcileAutoscalerAsync(IKubernetesClient client, ClusterManifestSpec spec, CancellationToken ct)
    {
        if (spec.UsesAutoscaler) return await ApplyAllAsync(client, ClusterManifests.AutoscalerObjects(spec), ct);
        var ns = ClusterManifests.NamespaceFor(spec.ClusterId);
        var name = ClusterManifests.AutoscalerName(spec);
        foreach (var (apiVersion, kind) in new[] { ("apps/v1", "Deployment"), ("rbac.authorization.k8s.io/v1", "RoleBinding"), ("rbac.authorization.k8s.io/v1", "Role"), ("v1", "ServiceAccount") })
        {
            var deleted = await client.DeleteAsync(apiVersion, kind, ns, name, ct);
            if (!deleted.Succeeded && !deleted.IsNotFound) return FromError(deleted.Error!, $"Could not remove the autoscaler's {kind}");
        }
        return null;
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns an outcome. The probe reports progress text and the provider's
    /// fault, if any; a fault is recorded on the cluster or pool (so it stays visible), and the step fails with it when
    /// the probe says it is terminal.
    /// </summary>
    /// <remarks>
    /// The wait is level-triggered: it waits for the desired state, not for the effect of one earlier apply. Whenever
    /// the probe finds that state is not there (<see cref="WaitProbe.Missing"/>), and once before the first look when
    /// the step resumes after the portal stopped mid-wait, <paramref name="reapply"/> puts it there again (apply is
    /// idempotent). A management cluster that lost what the apply step did — restored from a backup, or a demo cloud
    /// whose last save predates the stop — then converges instead of the step timing out.
    /// </remarks>
    protected async Task<StepOutcome> WaitAsync(StepContext context, string what, Func<Task<WaitProbe>> probe, CancellationToken ct,
        Func<Task<StepOutcome?>>? reapply = null)
    {
        var started = clock.GetUtcNow();
        string? lastMessage = null;
        DateTimeOffset? faultSince = null;
        if (context.Resumed && reapply is not null)
        {
            await context.ReportAsync($"The portal stopped during this step; applying the desired state again before waiting for {what}.", ct);
            if (await reapply() is { } notApplied) return notApplied;
        }
        while (true)
        {
            var result = await probe();
            if (result.IsMissing && reapply is not null)
            {
                if (await reapply() is { } notApplied) return notApplied;
                result = WaitProbe.Pending(result.Progress + " Applied the desired state again.");
            }
            if (result.Outcome is { } outcome)
            {
                if (outcome.Kind != StepOutcomeKind.Failed || !result.IsFault) return outcome;
                // A fault is final once it has stayed for a while; until then it is shown as the step's progress.
                faultSince ??= clock.GetUtcNow();
                if (clock.GetUtcNow() - faultSince.Value >= options.FaultConfirmation) return outcome;
                result = WaitProbe.Pending(outcome.Message ?? "The provider reports a fault.");
            }
            else
            {
                faultSince = null;
            }
            var message = result.Progress ?? $"Waiting for {what}…";
            if (message != lastMessage)
            {
                await context.ReportAsync(message, ct);
                lastMessage = message;
            }
            if (clock.GetUtcNow() - started > options.WaitLimit)
                return StepOutcome.Failed($"Gave up waiting for {what} after {options.WaitLimit.TotalMinutes:0} minutes. Last state: {message} Check the cloud, then retry.");
            await Task.Delay(options.PollInterval, clock, ct);
        }
    }

    /// <summary>Waits until the control plane runs <paramref name="replicas"/> ready replicas at <paramref name="version"/> (catalog form).</summary>
    internal Task<StepOutcome> WaitForControlPlaneCoreAsync(StepContext context, IKubernetesClient client, KubernetesCluster cluster, int replicas, string version,
        CancellationToken ct)
    {
        var spec = SpecOf(cluster) with { ControlPlaneReplicas = replicas, KubernetesVersion = version };
        var manifest = ClusterManifests.ControlPlaneObjects(spec)[^1];
        var capiVersion = ClusterManifests.ToCapiVersion(version);
        return WaitAsync(context, "the control plane", async () =>
        {
            var health = await ClusterHealth.ControlPlaneAsync(client, manifest, replicas, capiVersion, ct);
            if (!health.Succeeded) return WaitProbe.Pending(health.Error!.Message);
            if (!health.Value!.Exists) return WaitProbe.Missing(health.Value.Progress);
            if (health.Value!.Fault is { } fault)
            {
                await RecordFaultAsync(cluster.Id, null, fault, ct);
                return WaitProbe.Fail(StepOutcome.Failed($"The cloud refused the control plane: {fault}"));
            }
            return health.Value.Ready
                ? WaitProbe.Done($"The control plane runs {replicas} ready {(replicas == 1 ? "replica" : "replicas")} of Kubernetes {capiVersion}.")
                : WaitProbe.Pending(health.Value.Progress);
        }, ct, () => ReapplyClusterAsync(cluster, client, ct));
    }

    /// <summary>
    /// Waits until every pool (not being removed) has all its machines ready on its current template. Every pool is read
    /// on each look and the fault the cloud reports on it recorded (or cleared), so that when the wait fails, each pool
    /// carries its own fault or none: the failure is then laid at the door of the pool that failed, not of its neighbours.
    /// </summary>
    protected Task<StepOutcome> WaitForPoolsAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, (cluster, _, client) =>
        {
            var spec = SpecOf(cluster);
            // What each pool's stored fault is, as far as this wait knows: as loaded, then as it recorded. Written only when it changes.
            var recorded = cluster.Pools.ToDictionary(p => p.Id, p => p.ProviderFault);
            return WaitAsync(context, "the node pools", async () =>
            {
                var waiting = new List<string>();
                string? refused = null;
                string? missing = null;
                foreach (var pool in spec.Pools)
                {
                    var health = await ClusterHealth.PoolAsync(client, ClusterManifests.MachineDeployment(spec, pool), pool.Name, ct);
                    if (!health.Succeeded) return WaitProbe.Pending(health.Error!.Message);
                    if (!health.Value!.Exists) missing ??= health.Value.Progress;
                    var fault = health.Value!.Fault;
                    if (!string.Equals(recorded.GetValueOrDefault(pool.PoolId), fault, StringComparison.Ordinal))
                    {
                        await RecordFaultAsync(cluster.Id, pool.PoolId, fault, ct);
                        recorded[pool.PoolId] = fault;
                    }
                    if (fault is not null)
                        refused ??= $"The cloud refused node pool {pool.Name}: {fault}";
                    else if (!health.Value.Ready)
                        waiting.Add(health.Value.Progress);
                }
                if (refused is not null) return WaitProbe.Fail(StepOutcome.Failed(refused));
                if (missing is not null) return WaitProbe.Missing(missing);
                return waiting.Count == 0
                    ? WaitProbe.Done($"All {spec.Pools.Count} node pools are ready ({spec.Pools.Sum(p => p.NodeCount)} nodes).")
                    : WaitProbe.Pending(string.Join(" ", waiting));
            }, ct, () => ReapplyClusterAsync(cluster, client, ct));
        });

    /// <summary>Records the provider's fault (or, with null, its absence) on the resource while an operation runs; its state is the operation's to decide.</summary>
    protected Task RecordFaultAsync(Guid clusterId, Guid? poolId, string? fault, CancellationToken ct) =>
        clusters.ApplyAsync(clusterId, (cluster, _) =>
        {
            LifecycleResource? resource = poolId is { } id ? cluster.Pools.SingleOrDefault(p => p.Id == id) : cluster;
            resource?.RecordFault(fault);
        }, ct);

    /// <summary>
    /// The last step of an action: reads the cluster back now (ready replicas and nodes, version) rather than at the next
    /// periodic reconcile. The operation's success, saved with this step's, makes what it drove Active again
    /// (<see cref="KubernetesCluster.ApplyOutcome"/>).
    /// </summary>
    protected async Task<StepOutcome> FinishAsync(StepContext context, string message, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        try
        {
            await context.Services.GetRequiredService<ClusterReconciler>().ReconcileAsync(cluster.Id, null, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The action is done; the periodic reconcile reads the cluster back later.
            await context.ReportAsync($"Done; reading the cluster back failed ({ex.Message}); the periodic reconcile will.", ct);
        }
        return StepOutcome.Succeeded(message);
    }
}

/// <summary>One look at the management cluster during a wait: done (an outcome), or still going (progress text).</summary>
public sealed record WaitProbe(StepOutcome? Outcome, string? Progress, bool IsFault = false, bool IsMissing = false)
{
    public static WaitProbe Done(string message) => new(StepOutcome.Succeeded(message), null);
    /// <summary>The provider reports a fault: the step fails with it once it persists (see <see cref="ClusterOperationOptions.FaultConfirmation"/>).</summary>
    public static WaitProbe Fail(StepOutcome outcome) => new(outcome, null, true);
    public static WaitProbe Pending(string progress) => new(null, progress);
    /// <summary>
    /// The desired state is not there — an awaited object does not exist, or one to remove is not being removed — so it
    /// will not come by waiting: the wait applies it again, then keeps waiting.
    /// </summary>
    public static WaitProbe Missing(string progress) => new(null, progress, IsMissing: true);
}
