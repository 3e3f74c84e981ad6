using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Clusters;

/// <summary>A cluster action that started an operation: the cluster and the operation (the engine hears of it when the action commits).</summary>
public sealed record StartedClusterOperation(Guid ClusterId, Guid OperationId);

public sealed partial class ClusterService
{
    private const string Forbidden = "Only members and admins of the cluster's tenant can change it.";

    // ---------------------------------------------------------------- creation

    /// <summary>Checks a creation request up to <paramref name="step"/> without saving anything (the wizard's per-step validation).</summary>
    public async Task<Result<ValidatedCluster?>> ValidateAsync(Actor actor, CreateClusterRequest request, ClusterWizardStep step, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ValidateAsync(db, actor, request, step, ct);
    }

    /// <summary>Records a new cluster (Pending) with its pools and its create operation, after every rule passed.</summary>
    public Task<Result<StartedClusterOperation>> CreateAsync(Actor actor, CreateClusterRequest request,
        CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-cluster.create", ClusterOperations.ClusterTarget, null, request.Name?.Trim() ?? "",
            new { request.ProjectId, request.ServiceConfigId, request.Name, request.Version, controlPlane = request.ControlPlane.ToString(), request.Replicas,
                request.ControlPlaneFlavorId, pools = request.Pools.Select(p => new { p.Name, p.FlavorId, p.NodeCount, p.AutoscalerEnabled, p.AutoscalerMin, p.AutoscalerMax }) });
        // Serialized on the project (deleted at the same moment) and the Service Config (its MKS platform deleted or
        // disabled at the same moment): the cluster is refused, or they see it.
        return commands.RunSerializedOnAsync<StartedClusterOperation>(actor, subject, CreationParents(request.ProjectId, request.ServiceConfigId), async db =>
        {
            var validated = await ValidateAsync(db, actor, request, ClusterWizardStep.Review, ct);
            if (!validated.Succeeded) return validated.Refusal!;
            var spec = validated.Value!;
            var project = await db.Projects.SingleAsync(p => p.Id == spec.ProjectId, ct);
            var id = Guid.NewGuid();
            var now = clock.GetUtcNow();
            var operation = new ClusterOperationRequest(ClusterOperations.Create, new OperationTarget(ClusterOperations.ClusterTarget, id.ToString(), spec.Name),
                new CreateClusterParameters(spec.Image.KubernetesVersion, spec.ControlPlane.ToString(), spec.Replicas, spec.ControlPlaneFlavor?.Name,
                    spec.Pools.Select(p => $"{p.Name}: {p.NodeCount} × {p.Flavor.Name}{(p.Autoscaler is { } a ? $" (autoscaler {a.Min}–{a.Max})" : "")}").ToList()))
                .ToOperation(actor, now);
            var cluster = KubernetesCluster.Create(id, project, spec.ServiceConfigId, spec.InfrastructureId, spec.Name, spec.ExternalNetworkId, spec.ExternalNetworkName,
                spec.Image, spec.ControlPlane, spec.Replicas, spec.ControlPlaneFlavor, actor.UserId, operation.Id, now);
            foreach (var pool in spec.Pools)
                cluster.AddPool(pool.Name, pool.Flavor, spec.Image, pool.NodeCount, pool.Autoscaler, operation.Id, asPartOfCluster: true, now);
            db.Clusters.Add(cluster);
            db.Operations.Add(operation);
            return new StartedClusterOperation(cluster.Id, operation.Id);
        }, started => subject with { TargetId = started.ClusterId.ToString() }, ct);
    }

    // ---------------------------------------------------------------- day-2 on the cluster

    public Task<Result<StartedClusterOperation>> ScaleControlPlaneAsync(Actor actor, Guid clusterId, int expectedVersion, int replicas, CancellationToken ct = default) =>
        ChangeClusterAsync(actor, clusterId, expectedVersion, "mks-cluster.scale-control-plane", new { replicas }, ct, (db, cluster) =>
        {
            if (cluster.CheckControlPlaneScale(replicas) is { } refused) return Task.FromResult<Result<ClusterOperationRequest>>(refused);
            return Task.FromResult<Result<ClusterOperationRequest>>(new ClusterOperationRequest(ClusterOperations.ScaleControlPlane,
                ClusterOperations.ClusterTargetOf(cluster), new ScaleControlPlaneParameters(replicas, cluster.ControlPlaneReplicas)));
        }, ClusterState.Scaling);

    public Task<Result<StartedClusterOperation>> UpgradeControlPlaneAsync(Actor actor, Guid clusterId, int expectedVersion, string? version, CancellationToken ct = default) =>
        ChangeClusterAsync(actor, clusterId, expectedVersion, "mks-cluster.upgrade-control-plane", new { version }, ct, async (db, cluster) =>
        {
            if (!KubernetesVersion.TryParse(version, out var target))
                return Refusal.Invalid(Fields.Version, "Choose the version to upgrade the control plane to.");
            if (cluster.CheckControlPlaneUpgrade(target) is { } refused) return refused;
            var image = await ImageForAsync(db, cluster.InfrastructureId, target, ct);
            if (image is null)
                return Refusal.Invalid(Fields.Version, $"No enabled image in the catalog of this cluster's infrastructure carries Kubernetes {target}. Ask a platform admin to import or enable one.");
            return new ClusterOperationRequest(ClusterOperations.UpgradeControlPlane, ClusterOperations.ClusterTargetOf(cluster),
                new UpgradeParameters(image.KubernetesVersion, cluster.KubernetesVersion, image));
        }, ClusterState.Upgrading);

    /// <summary>
    /// Applies the cluster's whole spec again and waits for it (resync): the way back for a cluster or pool that is
    /// Degraded without a failed action to retry (a fault the cloud reported, or objects changed behind the portal's back).
    /// </summary>
    public Task<Result<StartedClusterOperation>> ResyncAsync(Actor actor, Guid clusterId, int expectedVersion,
        CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-cluster.resync", ClusterOperations.ClusterTarget, clusterId.ToString(), "");
        return commands.RunAsync<StartedClusterOperation>(actor, subject, async db =>
        {
            var (cluster, refusal) = await LoadForChangeAsync(db, actor, clusterId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = cluster!.Name };
            if (db.Expect(cluster, expectedVersion, "This cluster") is { } stale) return stale;
            if (cluster.WhyNotResync() is { } why) return Refusal.Conflict(why);
            var pools = cluster.Pools.Where(p => p.State is ClusterState.Active or ClusterState.Degraded).ToList();
            var now = clock.GetUtcNow();
            var operation = new ClusterOperationRequest(ClusterOperations.Resync, ClusterOperations.ClusterTargetOf(cluster),
                new ResyncParameters(cluster.State.ToString(), pools.Select(p => $"{p.Name} ({p.State})").ToList())).ToOperation(actor, now);
            var started = cluster.BeginResync(operation.Id, now);
            if (!started.Succeeded) return started.Refusal!;
            foreach (var pool in pools)
                pool.BeginResync(operation.Id, now);
            db.Operations.Add(operation);
            return new StartedClusterOperation(cluster.Id, operation.Id);
        }, _ => subject, ct);
    }

    /// <summary>Deletes the cluster with everything it owns; the person confirms by typing its name.</summary>
    public Task<Result<StartedClusterOperation>> DeleteAsync(Actor actor, Guid clusterId, string? confirmName,
        CancellationToken ct = default) =>
        DeleteAsync(actor, clusterId, confirmName, expectedVersion: null, ct);

    /// <summary>
    /// Deletes the cluster as <see cref="DeleteAsync(Actor, Guid, string?, CancellationToken)"/>, only if it is still at
    /// <paramref name="expectedVersion"/> when given (an API client's If-Match).
    /// </summary>
    public Task<Result<StartedClusterOperation>> DeleteAsync(Actor actor, Guid clusterId, string? confirmName, int? expectedVersion,
        CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-cluster.delete", ClusterOperations.ClusterTarget, clusterId.ToString(), "", new { confirmName });
        // Serialized on the cluster with adding and removing its pools.
        return commands.RunSerializedOnAsync<StartedClusterOperation>(actor, subject, [ParentLock.Cluster(clusterId)], async db =>
        {
            var (cluster, refusal) = await LoadForChangeAsync(db, actor, clusterId, ct);
            if (refusal is not null) return refusal;
            if (expectedVersion is { } expected && db.Expect(cluster!, expected, "This cluster") is { } stale) return stale;
            if (!string.Equals(confirmName?.Trim(), cluster!.Name, StringComparison.Ordinal))
                return Refusal.Invalid(Fields.ConfirmName, $"Type the cluster's name, {cluster.Name}, to confirm that it and all its nodes are deleted.");
            if (cluster.CheckDelete() is { } blocked) return blocked;
            var now = clock.GetUtcNow();
            var operation = new ClusterOperationRequest(ClusterOperations.Delete, ClusterOperations.ClusterTargetOf(cluster), new DeleteParameters(cluster.Name))
                .ToOperation(actor, now);
            var started = cluster.BeginDelete(operation.Id, now);
            if (!started.Succeeded) return started.Refusal!;
            db.Operations.Add(operation);
            return new StartedClusterOperation(cluster.Id, operation.Id);
        }, started => subject, ct);
    }

    // ---------------------------------------------------------------- day-2 on node pools

    public Task<Result<StartedClusterOperation>> AddPoolAsync(Actor actor, Guid clusterId, int expectedVersion, NodePoolRequest request, CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-node-pool.create", ClusterOperations.PoolTarget, null, request.Name?.Trim() ?? "",
            new { clusterId, request.Name, request.FlavorId, request.NodeCount, request.AutoscalerEnabled, request.AutoscalerMin, request.AutoscalerMax });
        // Serialized on the cluster: "at most so many pools" and the cluster's deletion span its pools.
        return commands.RunSerializedOnAsync<StartedClusterOperation>(actor, subject, [ParentLock.Cluster(clusterId)], async db =>
        {
            var (cluster, refusal) = await LoadForChangeAsync(db, actor, clusterId, ct);
            if (refusal is not null) return refusal;
            if (db.Expect(cluster!, expectedVersion, "This cluster") is { } stale) return stale;
            var checkedPool = ClusterRules.Pool(request, Fields.SinglePool);
            if (!checkedPool.Succeeded) return checkedPool.Refusal!;
            var (name, nodeCount, autoscaler) = checkedPool.Value;
            if (cluster!.CheckAddPool(name) is { } blocked) return blocked;
            var flavor = await EnabledFlavorAsync(db, cluster.InfrastructureId, request.FlavorId!.Value, ct);
            if (flavor is null) return Refusal.Invalid(Fields.Flavor, "That flavor is not enabled in the catalog of this cluster's infrastructure. Choose another.");
            var image = new ImageChoice(cluster.ImageId, cluster.ImageName, cluster.KubernetesVersion);
            var poolId = Guid.NewGuid();
            var now = clock.GetUtcNow();
            var operation = new ClusterOperationRequest(ClusterOperations.AddPool,
                new OperationTarget(ClusterOperations.PoolTarget, poolId.ToString(), $"{cluster.Name}/{name}"),
                new AddPoolParameters(name, flavor.Name, nodeCount, autoscaler?.Min, autoscaler?.Max)).ToOperation(actor, now);
            // Added explicitly: a new row with its key already set would otherwise be taken for an existing one.
            db.NodePools.Add(cluster.AddPool(name, flavor, image, nodeCount, autoscaler, operation.Id, asPartOfCluster: false, now, poolId));
            db.Operations.Add(operation);
            subject = subject with { TargetId = poolId.ToString(), TargetName = $"{cluster.Name}/{name}" };
            return new StartedClusterOperation(cluster.Id, operation.Id);
        }, _ => subject, ct);
    }

    public Task<Result<StartedClusterOperation>> ScalePoolAsync(Actor actor, Guid poolId, int expectedVersion, int? nodeCount, CancellationToken ct = default) =>
        ChangePoolAsync(actor, poolId, expectedVersion, "mks-node-pool.scale", new { nodeCount }, ct, (db, cluster, pool) =>
            Task.FromResult<Result<ClusterOperationRequest>>(pool.CheckScale(nodeCount) is { } refused
                ? refused
                : new ClusterOperationRequest(ClusterOperations.ScalePool, ClusterOperations.PoolTargetOf(cluster, pool), new ScalePoolParameters(nodeCount!.Value, pool.NodeCount))),
            ClusterState.Scaling);

    /// <summary>Turns the pool's autoscaler on (with bounds), adjusts its bounds, or turns it off (keeping <paramref name="nodeCount"/> nodes).</summary>
    public Task<Result<StartedClusterOperation>> SetAutoscalerAsync(Actor actor, Guid poolId, int expectedVersion, bool enabled, int? min, int? max, int? nodeCount, CancellationToken ct = default) =>
        ChangePoolAsync(actor, poolId, expectedVersion, "mks-node-pool.autoscaler", new { enabled, min, max, nodeCount }, ct, (db, cluster, pool) =>
        {
            var count = ClusterRules.NodeCount(nodeCount);
            if (!count.Succeeded) return Task.FromResult<Result<ClusterOperationRequest>>(count.Refusal!);
            var bounds = ClusterRules.Autoscaler(enabled, min, max, count.Value);
            if (!bounds.Succeeded) return Task.FromResult<Result<ClusterOperationRequest>>(bounds.Refusal!);
            if (enabled == pool.AutoscalerEnabled && min == pool.AutoscalerMin && max == pool.AutoscalerMax && count.Value == pool.NodeCount)
                return Task.FromResult<Result<ClusterOperationRequest>>(Refusal.Invalid(Fields.Autoscaler, "Nothing changes: the autoscaler already has these settings."));
            return Task.FromResult<Result<ClusterOperationRequest>>(new ClusterOperationRequest(ClusterOperations.UpdatePool, ClusterOperations.PoolTargetOf(cluster, pool),
                new UpdatePoolParameters(null, true, enabled, bounds.Value?.Min, bounds.Value?.Max, count.Value)));
        }, ClusterState.Updating);

    public Task<Result<StartedClusterOperation>> ChangePoolFlavorAsync(Actor actor, Guid poolId, int expectedVersion, Guid? flavorId, CancellationToken ct = default) =>
        ChangePoolAsync(actor, poolId, expectedVersion, "mks-node-pool.change-flavor", new { flavorId }, ct, async (db, cluster, pool) =>
        {
            if (flavorId is null) return Refusal.Invalid(Fields.Flavor, "Choose the new flavor.");
            var flavor = await EnabledFlavorAsync(db, cluster.InfrastructureId, flavorId.Value, ct);
            if (flavor is null) return Refusal.Invalid(Fields.Flavor, "That flavor is not enabled in the catalog of this cluster's infrastructure. Choose another.");
            if (flavor.ProviderId == pool.FlavorId) return Refusal.Invalid(Fields.Flavor, $"Node pool {pool.Name} already uses {pool.FlavorName}.");
            return new ClusterOperationRequest(ClusterOperations.UpdatePool, ClusterOperations.PoolTargetOf(cluster, pool),
                new UpdatePoolParameters(flavor, false, pool.AutoscalerEnabled, pool.AutoscalerMin, pool.AutoscalerMax, pool.NodeCount));
        }, ClusterState.Updating);

    /// <summary>Brings the pool up to the control plane's version. Replaces every node; cannot be undone.</summary>
    public Task<Result<StartedClusterOperation>> UpgradePoolAsync(Actor actor, Guid poolId, int expectedVersion, CancellationToken ct = default) =>
        UpgradePoolAsync(actor, poolId, expectedVersion, version: null, ct);

    /// <summary>
    /// Brings the pool up to the control plane's version, as <see cref="UpgradePoolAsync(Actor, Guid, int, CancellationToken)"/>;
    /// <paramref name="version"/>, when given (an API client names the version it expects), must be that version: a
    /// pool only ever moves to its control plane's.
    /// </summary>
    public Task<Result<StartedClusterOperation>> UpgradePoolAsync(Actor actor, Guid poolId, int expectedVersion, string? version, CancellationToken ct = default) =>
        ChangePoolAsync(actor, poolId, expectedVersion, "mks-node-pool.upgrade", version is null ? null : new { version }, ct, (db, cluster, pool) =>
            Task.FromResult<Result<ClusterOperationRequest>>(
                version is not null && !(KubernetesVersion.TryParse(version, out var asked) && asked == cluster.ParsedVersion)
                    ? Refusal.Invalid(Fields.Version, $"A node pool is upgraded to its control plane's version, {cluster.KubernetesVersion}; upgrade the control plane first to move further.")
                : pool.CheckUpgrade(cluster.ParsedVersion) is { } refused
                ? refused
                : new ClusterOperationRequest(ClusterOperations.UpgradePool, ClusterOperations.PoolTargetOf(cluster, pool),
                    new UpgradeParameters(cluster.KubernetesVersion, pool.KubernetesVersion, new ImageChoice(cluster.ImageId, cluster.ImageName, cluster.KubernetesVersion)))),
            ClusterState.Upgrading);

    public Task<Result<StartedClusterOperation>> RemovePoolAsync(Actor actor, Guid poolId, int expectedVersion, CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-node-pool.delete", ClusterOperations.PoolTarget, poolId.ToString(), "");
        // Serialized on the cluster: "never the last pool" spans the cluster's pools, and two removals of different pools
        // change different rows, so no version check would stop both from passing their checks at the same moment.
        return commands.RunSerializedOnAsync<StartedClusterOperation>(actor, subject,
            async db => await db.NodePools.Where(p => p.Id == poolId).Select(p => p.ClusterId).ToListAsync(ct) is [var clusterId] ? [ParentLock.Cluster(clusterId)] : [],
            async db =>
        {
            var (cluster, pool, refusal) = await LoadPoolForChangeAsync(db, actor, poolId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = $"{cluster!.Name}/{pool!.Name}" };
            if (db.Expect(pool, expectedVersion, "This node pool") is { } stale) return stale;
            if (cluster.CheckRemovePool(pool) is { } blocked) return blocked;
            var now = clock.GetUtcNow();
            var operation = new ClusterOperationRequest(ClusterOperations.RemovePool, ClusterOperations.PoolTargetOf(cluster, pool), new DeleteParameters(pool.Name))
                .ToOperation(actor, now);
            var started = pool.BeginDelete(operation.Id, now);
            if (!started.Succeeded) return started.Refusal!;
            db.Operations.Add(operation);
            return new StartedClusterOperation(cluster.Id, operation.Id);
        }, _ => subject, ct);
    }

    // ---------------------------------------------------------------- retry and cancel

    /// <summary>Retries (resyncs) the failed last operation of a cluster or pool; the resource resumes the state it drives.</summary>
    public Task<Result<StartedClusterOperation>> RetryAsync(Actor actor, Guid operationId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-operation.retry", "Operation", operationId.ToString(), "");
        return commands.RunDecidingAgainOnConflictAsync<StartedClusterOperation>(actor, subject, async db =>
        {
            var (operation, cluster, resource, refusal) = await LoadOperationAsync(db, actor, operationId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = $"{operation!.Kind} on {operation.TargetName}" };
            var now = clock.GetUtcNow();
            var resumed = resource!.Resume(operation.Id, ClusterOperations.Progress(operation.Kind), now);
            if (!resumed.Succeeded) return resumed.Refusal!;
            var retried = operation.Retry(actor, now);
            if (!retried.Succeeded) return retried.Refusal!;
            // A create or a resync drives the pools too: those it left failed resume with it.
            if (operation.Kind is ClusterOperations.Create or ClusterOperations.Resync)
                foreach (var pool in cluster!.Pools.Where(p => p.LastOperationId == operation.Id && p.State is ClusterState.Error or ClusterState.Degraded))
                    pool.Resume(operation.Id, ClusterOperations.Progress(operation.Kind), now);
            return new StartedClusterOperation(cluster!.Id, operation.Id);
        }, _ => subject, ct);
    }

    /// <summary>Cancels a queued operation at once, or asks a running one to stop at its next safe point.</summary>
    public Task<Result<OperationState>> CancelAsync(Actor actor, Guid operationId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-operation.cancel", "Operation", operationId.ToString(), "");
        return commands.RunDecidingAgainOnConflictAsync<OperationState>(actor, subject, async db =>
        {
            var (operation, cluster, resource, refusal) = await LoadOperationAsync(db, actor, operationId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = $"{operation!.Kind} on {operation.TargetName}" };
            var now = clock.GetUtcNow();
            var requested = operation.RequestCancel(actor, now);
            if (!requested.Succeeded) return requested.Refusal!;
            // A queued operation is cancelled at once: its outcome is applied here, as the engine applies a running one's.
            if (operation.State == OperationState.Cancelled)
                cluster!.ApplyOutcome(operation, now);
            return operation.State;
        }, _ => subject, ct);
    }

    // ---------------------------------------------------------------- kubeconfig

    /// <summary>Authorizes (and audits) a kubeconfig download: members and admins of the cluster's tenant, while it is operational.</summary>
    public Task<Result<KubeconfigTarget>> AuthorizeKubeconfigAsync(Actor actor, Guid clusterId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-cluster.kubeconfig-download", ClusterOperations.ClusterTarget, clusterId.ToString(), "");
        return commands.RunAsync<KubeconfigTarget>(actor, subject, async db =>
        {
            var cluster = await db.Clusters.AsNoTracking().SingleOrDefaultAsync(c => c.Id == clusterId, ct);
            if (cluster is null) return Refusal.NotFound("The cluster");
            subject = subject with { TargetName = cluster.Name };
            var access = await TenantAccess.ForAsync(db, actor, cluster.TenantId, ct);
            if (!access.CanRead) return Refusal.NotFound("The cluster");
            if (!CanOperate(access)) return Refusal.Forbidden("Only members and admins of the cluster's tenant can download its kubeconfig.");
            if (!cluster.IsOperational)
                return Refusal.Conflict($"The cluster is {cluster.State.ToString().ToLowerInvariant()}; its kubeconfig is available once it is active.");
            return new KubeconfigTarget(cluster.Id, cluster.Name, cluster.InfrastructureId);
        }, _ => subject, ct);
    }

    // ---------------------------------------------------------------- shared plumbing

    /// <summary>The locks a new cluster or database takes: its project and its Service Config, as far as the request names them.</summary>
    internal static IReadOnlyList<ParentLock> CreationParents(Guid? projectId, Guid? serviceConfigId) =>
        [.. projectId is { } project ? [ParentLock.Project(project)] : Array.Empty<ParentLock>(),
            .. serviceConfigId is { } config ? [ParentLock.ServiceConfig(config)] : Array.Empty<ParentLock>()];

    private Task<Result<StartedClusterOperation>> ChangeClusterAsync(Actor actor, Guid clusterId, int expectedVersion, string action, object? parameters,
        CancellationToken ct,
        Func<PortalDbContext, KubernetesCluster, Task<Result<ClusterOperationRequest>>> decide, ClusterState progress)
    {
        var subject = new AuditSubject(action, ClusterOperations.ClusterTarget, clusterId.ToString(), "", parameters);
        return commands.RunAsync<StartedClusterOperation>(actor, subject, async db =>
        {
            var (cluster, refusal) = await LoadForChangeAsync(db, actor, clusterId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = cluster!.Name };
            if (db.Expect(cluster, expectedVersion, "This cluster") is { } stale) return stale;
            var decided = await decide(db, cluster);
            if (!decided.Succeeded) return decided.Refusal!;
            var now = clock.GetUtcNow();
            var operation = decided.Value!.ToOperation(actor, now);
            var started = cluster.Begin(progress, operation.Id, now);
            if (!started.Succeeded) return started.Refusal!;
            db.Operations.Add(operation);
            return new StartedClusterOperation(cluster.Id, operation.Id);
        }, _ => subject, ct);
    }

    private Task<Result<StartedClusterOperation>> ChangePoolAsync(Actor actor, Guid poolId, int expectedVersion, string action, object? parameters,
        CancellationToken ct,
        Func<PortalDbContext, KubernetesCluster, NodePool, Task<Result<ClusterOperationRequest>>> decide, ClusterState progress)
    {
        var subject = new AuditSubject(action, ClusterOperations.PoolTarget, poolId.ToString(), "", parameters);
        return commands.RunAsync<StartedClusterOperation>(actor, subject, async db =>
        {
            var (cluster, pool, refusal) = await LoadPoolForChangeAsync(db, actor, poolId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = $"{cluster!.Name}/{pool!.Name}" };
            if (db.Expect(pool, expectedVersion, "This node pool") is { } stale) return stale;
            if (cluster.CheckPoolChange(pool) is { } blocked) return blocked;
            var decided = await decide(db, cluster, pool);
            if (!decided.Succeeded) return decided.Refusal!;
            var now = clock.GetUtcNow();
            var operation = decided.Value!.ToOperation(actor, now);
            var started = pool.Begin(progress, operation.Id, now);
            if (!started.Succeeded) return started.Refusal!;
            db.Operations.Add(operation);
            return new StartedClusterOperation(cluster.Id, operation.Id);
        }, _ => subject, ct);
    }

    private static async Task<(KubernetesCluster? Cluster, Refusal? Refusal)> LoadForChangeAsync(PortalDbContext db, Actor actor, Guid clusterId, CancellationToken ct)
    {
        var cluster = await db.Clusters.Include(c => c.Pools).SingleOrDefaultAsync(c => c.Id == clusterId, ct);
        if (cluster is null) return (null, Refusal.NotFound("The cluster"));
        var access = await TenantAccess.ForAsync(db, actor, cluster.TenantId, ct);
        if (!access.CanRead) return (null, Refusal.NotFound("The cluster"));
        return CanOperate(access) ? (cluster, null) : (null, Refusal.Forbidden(Forbidden));
    }

    private static async Task<(KubernetesCluster? Cluster, NodePool? Pool, Refusal? Refusal)> LoadPoolForChangeAsync(PortalDbContext db, Actor actor, Guid poolId, CancellationToken ct)
    {
        var clusterId = await db.NodePools.Where(p => p.Id == poolId).Select(p => (Guid?)p.ClusterId).SingleOrDefaultAsync(ct);
        if (clusterId is null) return (null, null, Refusal.NotFound("The node pool"));
        var (cluster, refusal) = await LoadForChangeAsync(db, actor, clusterId.Value, ct);
        if (refusal is not null) return (null, null, refusal.Kind == RefusalKind.NotFound ? Refusal.NotFound("The node pool") : refusal);
        return (cluster, cluster!.Pools.Single(p => p.Id == poolId), null);
    }

    private static async Task<(Operation? Operation, KubernetesCluster? Cluster, LifecycleResource? Resource, Refusal? Refusal)> LoadOperationAsync(
        PortalDbContext db, Actor actor, Guid operationId, CancellationToken ct)
    {
        var operation = await db.Operations.Include(o => o.Steps).SingleOrDefaultAsync(o => o.Id == operationId, ct);
        if (operation is null || !ClusterOperations.IsClusterKind(operation.Kind) || !Guid.TryParse(operation.TargetId, out var targetId))
            return (null, null, null, Refusal.NotFound("The operation"));
        if (operation.TargetType == ClusterOperations.PoolTarget)
        {
            var (cluster, pool, refusal) = await LoadPoolForChangeAsync(db, actor, targetId, ct);
            return refusal is null ? (operation, cluster, pool, null) : (null, null, null, refusal.Kind == RefusalKind.NotFound ? Refusal.NotFound("The operation") : refusal);
        }
        var (owner, denied) = await LoadForChangeAsync(db, actor, targetId, ct);
        return denied is null ? (operation, owner, owner, null) : (null, null, null, denied.Kind == RefusalKind.NotFound ? Refusal.NotFound("The operation") : denied);
    }

    private static async Task<FlavorChoice?> EnabledFlavorAsync(PortalDbContext db, Guid infrastructureId, Guid flavorEntryId, CancellationToken ct) =>
        await db.Flavors.AsNoTracking().Where(f => f.Id == flavorEntryId && f.InfrastructureId == infrastructureId && f.Enabled)
            .Select(f => new FlavorChoice(f.ProviderId, f.Name, f.Vcpus, f.RamMb)).SingleOrDefaultAsync(ct);

    private static async Task<ImageChoice?> ImageForAsync(PortalDbContext db, Guid infrastructureId, KubernetesVersion version, CancellationToken ct)
    {
        var images = await db.Images.AsNoTracking().Where(i => i.InfrastructureId == infrastructureId && i.Enabled && i.KubernetesVersion != null)
            .Select(i => new { i.ProviderId, i.Name, i.KubernetesVersion }).ToListAsync(ct);
        return images.Where(i => KubernetesVersion.TryParse(i.KubernetesVersion, out var v) && v == version)
            .OrderBy(i => i.Name, StringComparer.Ordinal)
            .Select(i => new ImageChoice(i.ProviderId, i.Name, version.ToString())).FirstOrDefault();
    }

    private async Task<Result<ValidatedCluster?>> ValidateAsync(PortalDbContext db, Actor actor, CreateClusterRequest request, ClusterWizardStep step, CancellationToken ct)
    {
        // Project and name
        if (request.ProjectId is null) return Refusal.Invalid(Fields.Project, "Choose the project the cluster belongs to.");
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.ProjectId, ct);
        var access = project is null ? null : await TenantAccess.ForAsync(db, actor, project.TenantId, ct);
        if (project is null || access is null || !access.CanRead) return Refusal.Invalid(Fields.Project, "That project was not found. It may have been deleted.");
        if (!CanOperate(access)) return Refusal.Forbidden("Only members and admins of the project's tenant can create clusters in it.");
        var name = ClusterRules.ClusterName(request.Name);
        if (!name.Succeeded) return name.Refusal!;
        if (await db.Clusters.AnyAsync(c => c.ProjectId == project.Id && c.Name == name.Value, ct))
            return Refusal.Conflict($"Project {project.Name} already has a cluster named '{name.Value}'.", Fields.Name);
        if (step == ClusterWizardStep.Project) return (ValidatedCluster?)null;

        // Placement
        if (request.ServiceConfigId is null) return Refusal.Invalid(Fields.ServiceConfig, "Choose the Service Config that places the cluster.");
        var config = await db.ServiceConfigs.AsNoTracking().Include(s => s.Offers).Include(s => s.Platforms).Include(s => s.Infrastructure)
            .AsSplitQuery().SingleOrDefaultAsync(s => s.Id == request.ServiceConfigId, ct);
        if (config is null || !(config.OfferedToAllTenants || config.Offers.Any(o => o.TenantId == project.TenantId)))
            return Refusal.Invalid(Fields.ServiceConfig, "That Service Config is not offered to your tenant. Choose one from the list.");
        var mks = config.Platforms.FirstOrDefault(p => p.Kind == PlatformKind.Mks);
        if (mks is null) return Refusal.Invalid(Fields.ServiceConfig, $"Service Config {config.Name} has no MKS network platform, so it cannot place clusters.");
        if (!mks.Enabled) return Refusal.Invalid(Fields.ServiceConfig, $"The MKS network platform of Service Config {config.Name} is disabled: it takes no new clusters. Choose another Service Config.");
        if (mks.State != PlatformState.Active || mks.ExternalNetworkId is null)
            return Refusal.Invalid(Fields.ServiceConfig, $"The MKS network platform of Service Config {config.Name} is not active.");
        if (step == ClusterWizardStep.Placement) return (ValidatedCluster?)null;

        // Version
        if (!KubernetesVersion.TryParse(request.Version, out var version)) return Refusal.Invalid(Fields.Version, "Choose a Kubernetes version.");
        var image = await ImageForAsync(db, config.InfrastructureId, version, ct);
        if (image is null) return Refusal.Invalid(Fields.Version, $"Kubernetes {version} is not offered on {config.Infrastructure!.Name}: no enabled catalog image carries it.");
        if (step == ClusterWizardStep.Version) return (ValidatedCluster?)null;

        // Control plane
        var replicas = ClusterRules.ControlPlaneReplicas(request.ControlPlane, request.Replicas);
        if (!replicas.Succeeded) return replicas.Refusal!;
        FlavorChoice? controlPlaneFlavor = null;
        if (request.ControlPlane == ControlPlaneType.Standalone)
        {
            if (request.ControlPlaneFlavorId is null) return Refusal.Invalid(Fields.ControlPlaneFlavor, "Choose a flavor for the control plane machines.");
            controlPlaneFlavor = await EnabledFlavorAsync(db, config.InfrastructureId, request.ControlPlaneFlavorId.Value, ct);
            if (controlPlaneFlavor is null) return Refusal.Invalid(Fields.ControlPlaneFlavor, "That flavor is not enabled in the infrastructure's catalog. Choose another.");
        }
        else if (request.ControlPlaneFlavorId is not null)
        {
            return Refusal.Invalid(Fields.ControlPlaneFlavor, "A hosted control plane runs no machines in your cloud, so it takes no flavor.");
        }
        if (step == ClusterWizardStep.ControlPlane) return (ValidatedCluster?)null;

        // Node pools
        var set = ClusterRules.PoolSet(request.Pools);
        if (!set.Succeeded) return set.Refusal!;
        var pools = new List<ValidatedPool>();
        for (var i = 0; i < request.Pools.Count; i++)
        {
            var checkedPool = ClusterRules.Pool(request.Pools[i], Fields.Pool(i));
            if (!checkedPool.Succeeded) return checkedPool.Refusal!;
            var flavor = await EnabledFlavorAsync(db, config.InfrastructureId, request.Pools[i].FlavorId!.Value, ct);
            if (flavor is null) return Refusal.Invalid(Fields.Pool(i).Flavor, $"The flavor of node pool '{checkedPool.Value.Name}' is not enabled in the infrastructure's catalog. Choose another.");
            pools.Add(new ValidatedPool(checkedPool.Value.Name, flavor, checkedPool.Value.NodeCount, checkedPool.Value.Autoscaler));
        }

        return new ValidatedCluster(project.Id, project.TenantId, config.Id, config.InfrastructureId, config.Infrastructure!.Provider == InfrastructureProvider.Demo,
            name.Value!, mks.ExternalNetworkId, mks.ExternalNetworkName ?? mks.ExternalNetworkId, image, request.ControlPlane, request.Replicas, controlPlaneFlavor, pools);
    }
}
