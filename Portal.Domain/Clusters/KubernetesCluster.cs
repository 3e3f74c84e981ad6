using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Clusters;

/// <summary>A catalog entry as a cluster uses it: the cloud's id and name plus the size (flavors), copied at choice time
/// so that the cluster keeps working when the catalog entry is later renamed, disabled or deleted.</summary>
public sealed record FlavorChoice(string ProviderId, string Name, int Vcpus, int RamMb);

public sealed record ImageChoice(string ProviderId, string Name, string KubernetesVersion);

/// <summary>
/// A managed Kubernetes cluster in a tenant's project, placed through a Service Config. It holds the spec last
/// applied to the management cluster (version, control plane, pools) and the lifecycle state; what the cloud reports
/// back (ready replicas, the provider's fault reason) is refreshed by the periodic reconcile.
/// </summary>
public sealed class KubernetesCluster : LifecycleResource
{
    private readonly List<NodePool> _pools = [];

    private KubernetesCluster() { }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid ProjectId { get; private set; }
    public Project? Project { get; private set; }
    public Guid ServiceConfigId { get; private set; }
    public Guid InfrastructureId { get; private set; }
    public string Name { get; private set; } = "";
    public string ExternalNetworkId { get; private set; } = "";
    public string ExternalNetworkName { get; private set; } = "";

    /// <summary>The control plane's Kubernetes version (catalog form, e.g. 1.32.3-5).</summary>
    public string KubernetesVersion { get; private set; } = "";
    public string ImageId { get; private set; } = "";
    public string ImageName { get; private set; } = "";

    /// <summary>Immutable after creation.</summary>
    public ControlPlaneType ControlPlaneType { get; private set; }
    public int ControlPlaneReplicas { get; private set; }
    public string? ControlPlaneFlavorId { get; private set; }
    public string? ControlPlaneFlavorName { get; private set; }
    public int ControlPlaneVcpus { get; private set; }
    public int ControlPlaneRamMb { get; private set; }

    /// <summary>Control plane replicas the cloud reports ready (reconciled).</summary>
    public int ReadyControlPlaneReplicas { get; private set; }
    /// <summary>The version the control plane reports running (reconciled; lags <see cref="KubernetesVersion"/> during an upgrade).</summary>
    public string? ObservedVersion { get; private set; }
    public DateTimeOffset? LastReconciledAt { get; private set; }

    public string CreatedById { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyList<NodePool> Pools => _pools;

    public KubernetesVersion ParsedVersion => Clusters.KubernetesVersion.Parse(KubernetesVersion);

    public override string Describe() => $"cluster {Name}";

    /// <summary>A new cluster, Pending, with its create operation in flight. Values are validated by the caller (<see cref="ClusterService"/>).</summary>
    internal static KubernetesCluster Create(Guid id, Project project, Guid serviceConfigId, Guid infrastructureId, string name, string networkId, string networkName,
        ImageChoice image, ControlPlaneType controlPlane, int replicas, FlavorChoice? controlPlaneFlavor, string createdBy, Guid operationId, DateTimeOffset now)
    {
        var cluster = new KubernetesCluster
        {
            Id = id,
            TenantId = project.TenantId,
            ProjectId = project.Id,
            ServiceConfigId = serviceConfigId,
            InfrastructureId = infrastructureId,
            Name = name,
            ExternalNetworkId = networkId,
            ExternalNetworkName = networkName,
            KubernetesVersion = image.KubernetesVersion,
            ImageId = image.ProviderId,
            ImageName = image.Name,
            ControlPlaneType = controlPlane,
            ControlPlaneReplicas = replicas,
            ControlPlaneFlavorId = controlPlaneFlavor?.ProviderId,
            ControlPlaneFlavorName = controlPlaneFlavor?.Name,
            ControlPlaneVcpus = controlPlaneFlavor?.Vcpus ?? 0,
            ControlPlaneRamMb = controlPlaneFlavor?.RamMb ?? 0,
            CreatedById = createdBy,
            CreatedAt = now,
        };
        cluster.Enter(ClusterState.Pending, "Waiting for the operations engine to start creating it.", operationId, now);
        return cluster;
    }

    internal NodePool AddPool(string name, FlavorChoice flavor, ImageChoice image, int nodeCount, AutoscalerBounds? autoscaler, Guid operationId,
        bool asPartOfCluster, DateTimeOffset now, Guid? id = null)
    {
        var pool = NodePool.Create(this, name, flavor, image, nodeCount, autoscaler, operationId, asPartOfCluster, now, id);
        _pools.Add(pool);
        return pool;
    }

    // Each Why… below is the reason the matching Check…/Begin… refuses by, regardless of the values asked for: the
    // cluster page shows it on the disabled action, so the page says exactly what the server would answer.

    /// <summary>Why the control plane cannot be scaled now (to any size), or null.</summary>
    public string? WhyNotScaleControlPlane() => ControlPlaneType == ControlPlaneType.Hosted
        ? "A hosted control plane always runs 3 replicas and cannot be scaled. The control plane architecture cannot be changed after creation."
        : WhyNotChangeable() ?? WhyBusyPool();

    /// <summary>Why the control plane cannot be scaled to <paramref name="replicas"/>, or null.</summary>
    public Refusal? CheckControlPlaneScale(int replicas)
    {
        if (ControlPlaneType == ControlPlaneType.Hosted) return Refusal.Conflict(WhyNotScaleControlPlane()!);
        var valid = ClusterRules.ControlPlaneReplicas(ControlPlaneType, replicas);
        if (!valid.Succeeded) return valid.Refusal;
        if (replicas == ControlPlaneReplicas) return Refusal.Invalid(Fields.ControlPlaneReplicas, $"The control plane already runs {replicas} {(replicas == 1 ? "replica" : "replicas")}.");
        return WhyNotScaleControlPlane() is { } why ? Refusal.Conflict(why) : null;
    }

    /// <summary>
    /// Why the control plane cannot be upgraded now, or null: a pool lags behind, the cluster or a pool is busy, or
    /// <paramref name="offered"/> (the enabled catalog versions) holds no version it may move to.
    /// </summary>
    public string? WhyNotUpgradeControlPlane(IEnumerable<KubernetesVersion> offered) =>
        WhyControlPlaneCannotMove()
        ?? (UpgradeTargets(offered).Count == 0
            ? $"No newer version is offered: the infrastructure's catalog has no enabled image with a newer {ParsedVersion.MinorLine} patch or the next minor version."
            : null);

    /// <summary>Why the control plane cannot move to <paramref name="target"/>, or null.</summary>
    public Refusal? CheckControlPlaneUpgrade(KubernetesVersion target)
    {
        var current = ParsedVersion;
        if (target == current) return Refusal.Invalid(Fields.Version, $"The control plane already runs {current}.");
        if (target < current) return Refusal.Invalid(Fields.Version, $"Kubernetes cannot be downgraded ({current} → {target}).");
        if (!current.CanUpgradeTo(target))
            return Refusal.Invalid(Fields.Version, $"Upgrades are sequential: from {current} the control plane can move to a newer {current.MinorLine} patch or to {current.Major}.{current.Minor + 1}, not to {target}.");
        return WhyControlPlaneCannotMove() is { } why ? Refusal.Conflict(why) : null;
    }

    /// <summary>Why a resync cannot start now, or null: no pool may be busy, and the cluster must be Active or Degraded and idle.</summary>
    public override string? WhyNotResync() => WhyBusyPool() ?? base.WhyNotResync();

    /// <summary>Why no action on <paramref name="pool"/> can start now, or null: the cluster must be Active and idle, and so must the pool.</summary>
    public string? WhyNotChangePool(NodePool pool) => WhyNotChangeable() ?? pool.WhyNotChangeable();

    /// <summary>Why a pool action cannot start, or null (<see cref="WhyNotChangePool"/>).</summary>
    public Refusal? CheckPoolChange(NodePool pool) => WhyNotChangePool(pool) is { } why ? Refusal.Conflict(why) : null;

    /// <summary>Why <paramref name="pool"/>'s size cannot be set by hand now, or null (what <see cref="NodePool.CheckScale"/> adds to <see cref="CheckPoolChange"/>).</summary>
    public string? WhyNotScalePool(NodePool pool) => WhyNotChangePool(pool) ?? pool.WhyNotScaleByHand();

    /// <summary>Why <paramref name="pool"/> cannot be upgraded to the control plane's version now, or null.</summary>
    public string? WhyNotUpgradePool(NodePool pool) => WhyNotChangePool(pool) ?? pool.WhyNotUpgradeTo(ParsedVersion);

    /// <summary>Why no node pool can be added now, or null: the cluster must be Active and idle and below the pool limit.</summary>
    public string? WhyNotAddPool() => WhyNotChangeable() ?? ClusterRules.PoolCountProblem(_pools.Count(p => p.State != ClusterState.Deleting) + 1);

    public Refusal? CheckAddPool(string name)
    {
        if (WhyNotAddPool() is { } why) return Refusal.Conflict(why);
        if (_pools.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            return Refusal.Conflict($"The cluster already has a node pool named '{name}'.", Fields.Name);
        return null;
    }

    /// <summary>Why <paramref name="pool"/> cannot be removed now, or null: never the last pool, and the pool must be idle.</summary>
    public string? WhyNotRemovePool(NodePool pool) =>
        WhyNotChangeable()
        ?? (_pools.Count(p => p.State != ClusterState.Deleting) <= 1
            ? "A cluster needs at least one node pool; this is its last. Add another pool first, or delete the cluster."
            : null)
        ?? pool.WhyNotDeletable();

    public Refusal? CheckRemovePool(NodePool pool) => WhyNotRemovePool(pool) is { } why ? Refusal.Conflict(why) : null;

    public Refusal? CheckDelete()
    {
        if (WhyNotDeletable() is { } why) return Refusal.Conflict(why);
        return _pools.FirstOrDefault(p => p.CurrentOperationId is not null) is { } busy
            ? Refusal.Conflict($"Node pool {busy.Name} is {busy.State.ToString().ToLowerInvariant()}. Cancel that action or wait for it to finish first.")
            : null;
    }

    /// <summary>The versions the control plane may move to among <paramref name="offered"/> (a patch in its minor, or the next minor).</summary>
    public IReadOnlyList<KubernetesVersion> UpgradeTargets(IEnumerable<KubernetesVersion> offered)
    {
        var current = ParsedVersion;
        return offered.Where(current.CanUpgradeTo).Distinct().OrderByDescending(v => v).ToList();
    }

    // ---- applied by the cluster's operations once the management cluster accepted the change ----

    public void ApplyControlPlaneReplicas(int replicas, DateTimeOffset now)
    {
        if (ClusterRules.ControlPlaneReplicas(ControlPlaneType, replicas) is { Succeeded: false } refused)
            throw new InvalidOperationException(refused.Refusal!.Message);
        ControlPlaneReplicas = replicas;
        UpdatedAt = now;
    }

    public void ApplyVersion(ImageChoice image, DateTimeOffset now)
    {
        KubernetesVersion = image.KubernetesVersion;
        ImageId = image.ProviderId;
        ImageName = image.Name;
        UpdatedAt = now;
    }

    // ---- how an operation ended: applied in the transaction that records the end ----

    /// <summary>
    /// Applies how <paramref name="operation"/> ended to the cluster and the pools it drove, in the same transaction that
    /// records the end (the engine's last one, or a person's cancel of a queued operation), so the operation's state and
    /// theirs never disagree. Succeeded: they are Active again, and notes earlier actions left are cleared. Failed: a
    /// failed create or delete leaves them in Error, a failed change Degraded (see <see cref="LifecycleResource.Fail"/>),
    /// each with its own reason. Cancelled: see <see cref="LifecycleResource.Cancelled"/>. Resources a newer operation
    /// owns are left alone.
    /// </summary>
    public void ApplyOutcome(Operation operation, DateTimeOffset now)
    {
        if (!ClusterOperations.IsClusterKind(operation.Kind))
            throw new ArgumentException($"Operation {operation.Id} ({operation.Kind}) is not a cluster operation.", nameof(operation));
        switch (operation.State)
        {
            case OperationState.Succeeded:
                foreach (var resource in Resources.Where(r => r.CurrentOperationId == operation.Id))
                    resource.Complete(operation.Id, now);
                foreach (var resource in Resources)
                    resource.ClearNote(now);
                break;
            case OperationState.Failed:
                ApplyFailure(operation, now);
                break;
            case OperationState.Cancelled:
                foreach (var resource in Resources)
                    resource.Cancelled(operation.Id, operation.CancelledByName ?? "someone", now);
                break;
            case OperationState.Queued or OperationState.Running:
                throw new InvalidOperationException($"Operation {operation.Id} ({operation.Kind}) is {operation.State}: it has no outcome to apply yet.");
        }
    }

    /// <summary>
    /// The resources of a failed operation each get their own reason. The operation's target gets its error. A pool
    /// that a cluster-wide operation (a create, a resync) drove along gets the fault the cloud reports on it, or, with
    /// none, a neutral reason: never another pool's fault, which would send a person to fix the wrong pool.
    /// </summary>
    private void ApplyFailure(Operation operation, DateTimeOffset now)
    {
        var error = operation.Error ?? "The action failed without saying why.";
        var targetId = operation.TargetId;
        foreach (var resource in Resources.Where(r => r.CurrentOperationId == operation.Id).ToList())
        {
            var reason = resource switch
            {
                NodePool pool when pool.Id.ToString() == targetId => error,
                NodePool { ProviderFault: { } fault } pool => $"The cloud refused node pool {pool.Name}: {fault}",
                NodePool pool => $"{DescribeAction(operation.Kind)} stopped before node pool {pool.Name} was confirmed ready; the cluster's state says why. Retry the action once that is fixed.",
                _ => error,
            };
            resource.Fail(operation.Id, reason, now);
        }
    }

    private static string DescribeAction(string kind) => kind switch
    {
        ClusterOperations.Create => "Creating the cluster",
        ClusterOperations.Resync => "The resync",
        _ => "The action",
    };

    // ---- what the periodic reconcile reads back ----

    /// <summary>
    /// Records what the periodic reconcile read back from the management cluster, for the cluster and each pool, and
    /// moves idle resources between Active and Degraded by what it shows (<see cref="LifecycleResource.Observe"/>).
    /// <paramref name="failedOperations"/> are the latest operations (of the cluster and its pools) that failed: their
    /// resources stay Degraded until the action is retried or a resync succeeds.
    /// </summary>
    public void Observe(ClusterObservation observation, IReadOnlySet<Guid> failedOperations, DateTimeOffset now)
    {
        RecordObservation(observation.ReadyControlPlaneReplicas, observation.ObservedVersion, now);
        // Objects that are not there yet (creating), are going (deleting) or never came (error) are not a fault.
        var missing = !observation.ClusterExists && State is not (ClusterState.Creating or ClusterState.Deleting or ClusterState.Error)
            ? "The cluster's Cluster API objects are missing from the management cluster."
            : null;
        Observe(observation.Fault ?? missing, observation.Ready, LastFailed(this), now);
        foreach (var pool in _pools)
        {
            if (pool.State == ClusterState.Pending) continue;
            if (observation.Pools.GetValueOrDefault(pool.Id) is not { } seen)
            {
                if (pool.State is not (ClusterState.Creating or ClusterState.Deleting or ClusterState.Error))
                    pool.Observe("The pool's MachineDeployment is missing from the management cluster.", false, LastFailed(pool), now);
                continue;
            }
            pool.RecordObservation(seen.ReadyNodes, seen.Replicas, now);
            pool.Observe(seen.Fault, seen.Ready, LastFailed(pool), now);
        }

        bool LastFailed(LifecycleResource resource) => resource.LastOperationId is { } last && failedOperations.Contains(last);
    }

    /// <summary>The latest operation of the cluster and of each pool: the ones whose failure keeps a resource Degraded.</summary>
    public IReadOnlyList<Guid> LatestOperationIds => Resources.Select(r => r.LastOperationId).OfType<Guid>().Distinct().ToList();

    private IEnumerable<LifecycleResource> Resources => [this, .. _pools];

    public void RecordObservation(int readyControlPlane, string? observedVersion, DateTimeOffset now)
    {
        if (ReadyControlPlaneReplicas != readyControlPlane) ReadyControlPlaneReplicas = readyControlPlane;
        if (ObservedVersion != observedVersion) ObservedVersion = observedVersion;
        LastReconciledAt = now;
    }

    /// <summary>A pool lags behind the control plane, or the cluster or a pool is busy: no upgrade, whatever the target.</summary>
    private string? WhyControlPlaneCannotMove()
    {
        var current = ParsedVersion;
        if (_pools.FirstOrDefault(p => p.ParsedVersion < current) is { } lagging)
            return $"Node pool {lagging.Name} still runs {lagging.KubernetesVersion}. Upgrade every pool to the control plane's {current} first; a pool may be at most one step behind.";
        return WhyNotChangeable() ?? WhyBusyPool();
    }

    private string? WhyBusyPool() =>
        _pools.FirstOrDefault(p => p.CurrentOperationId is not null) is { } busy
            ? $"Node pool {busy.Name} is {busy.State.ToString().ToLowerInvariant()}; wait for it to finish or cancel it."
            : null;
}
