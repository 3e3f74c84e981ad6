namespace Portal.Domain.Clusters;

public sealed record ClusterFilter(Guid? TenantId = null, Guid? ProjectId = null, ClusterState? State = null, Guid? InfrastructureId = null);

/// <summary>What the cluster list is ordered by; newest first unless asked otherwise.</summary>
public enum ClusterSort
{
    Created = 0,
    Name = 1,
    Project = 2,
    Version = 3,
    State = 4,
}

/// <summary>One row of the cluster list. <see cref="Fault"/> is the provider's reason for a fault on the cluster or one of its pools.</summary>
public sealed record ClusterRow(Guid Id, string Name, Guid TenantId, string TenantName, Guid ProjectId, string ProjectName, string KubernetesVersion,
    ControlPlaneType ControlPlaneType, int ControlPlaneReplicas, int Pools, int Nodes, int ReadyNodes, ClusterState State, string StateReason,
    string? Fault, bool UpdateAvailable, DateTimeOffset CreatedAt);

/// <summary>
/// A node pool as the cluster page shows it. Each WhyNot… is the reason the server would refuse that action now (null:
/// allowed), from the same rule the command checks: <see cref="WhyNotChange"/> for the autoscaler and flavor,
/// <see cref="WhyNotScale"/>, <see cref="WhyNotUpgrade"/> (to the control plane's version) and <see cref="WhyNotRemove"/>.
/// </summary>
public sealed record NodePoolView(Guid Id, string Name, string FlavorName, string FlavorId, int FlavorVcpus, int FlavorRamMb, string KubernetesVersion,
    int NodeCount, int ReadyNodes, bool AutoscalerEnabled, int? AutoscalerMin, int? AutoscalerMax, ClusterState State, string StateReason,
    string? ProviderFault, Guid? CurrentOperationId, Guid? LastOperationId,
    string? WhyNotChange, string? WhyNotScale, string? WhyNotUpgrade, string? WhyNotRemove, int Version)
{
    public bool IsBusy => CurrentOperationId is not null;
}

/// <summary>
/// Everything the cluster page shows, plus what the viewer may do and what the rules allow now: each WhyNot… is the
/// reason the server would refuse that action (null: allowed), from the same rule the command checks.
/// </summary>
public sealed record ClusterDetail(Guid Id, string Name, Guid TenantId, string TenantName, Guid ProjectId, string ProjectName,
    Guid ServiceConfigId, string ServiceConfigName, Guid InfrastructureId, string InfrastructureName, bool IsDemo,
    string ExternalNetworkName, string KubernetesVersion, string? ObservedVersion, string ImageName,
    ControlPlaneType ControlPlaneType, int ControlPlaneReplicas, int ReadyControlPlaneReplicas, string? ControlPlaneFlavorName,
    ClusterState State, string StateReason, string? ProviderFault, Guid? CurrentOperationId, Guid? LastOperationId,
    IReadOnlyList<NodePoolView> Pools, IReadOnlyList<string> UpgradeTargets, bool CanOperate, bool CanDownloadKubeconfig,
    string? WhyNotChangeable, string? WhyNotDeletable, string? WhyNotAddPool, string? WhyNotScaleControlPlane, string? WhyNotUpgradeControlPlane,
    string? WhyNotResync, DateTimeOffset CreatedAt, DateTimeOffset? LastReconciledAt, int Version)
{
    public bool UpdateAvailable => UpgradeTargets.Count > 0;
    public int Nodes => Pools.Sum(p => p.NodeCount);
    public int ReadyNodes => Pools.Sum(p => p.ReadyNodes);
}

public sealed record VersionOption(string Version, Guid ImageEntryId, string ImageName);

public sealed record FlavorOption(Guid Id, string Name, string ProviderId, int Vcpus, int RamMb, int DiskGb)
{
    public string Label => $"{Name} · {Vcpus} vCPU · {RamMb / 1024.0:0.#} GiB";
}

/// <summary>A Service Config a tenant may deploy clusters through, with what its infrastructure offers.</summary>
public sealed record PlacementOption(Guid ServiceConfigId, string ServiceConfigName, Guid InfrastructureId, string InfrastructureName, bool IsDemo,
    string Location, string ExternalNetworkId, string ExternalNetworkName, IReadOnlyList<VersionOption> Versions, IReadOnlyList<FlavorOption> Flavors);

public sealed record ProjectOption(Guid Id, string Name, Guid TenantId, string TenantName);

/// <summary>The wizard's steps, in order; validation runs up to and including the given step.</summary>
public enum ClusterWizardStep
{
    Project = 0,
    Placement = 1,
    Version = 2,
    ControlPlane = 3,
    NodePools = 4,
    Review = 5,
}

/// <summary>What a person asks for in the creation wizard.</summary>
public sealed record CreateClusterRequest(Guid? ProjectId, Guid? ServiceConfigId, string? Name, string? Version, ControlPlaneType ControlPlane,
    int Replicas, Guid? ControlPlaneFlavorId, IReadOnlyList<NodePoolRequest> Pools);

/// <summary>A creation request that passed every rule, with the catalog entries resolved: what pre-flight checks and creation use.</summary>
public sealed record ValidatedCluster(Guid ProjectId, Guid TenantId, Guid ServiceConfigId, Guid InfrastructureId, bool IsDemo, string Name,
    string ExternalNetworkId, string ExternalNetworkName, ImageChoice Image, ControlPlaneType ControlPlane, int Replicas, FlavorChoice? ControlPlaneFlavor,
    IReadOnlyList<ValidatedPool> Pools);

public sealed record ValidatedPool(string Name, FlavorChoice Flavor, int NodeCount, AutoscalerBounds? Autoscaler);

/// <summary>What a kubeconfig download needs: where the cluster's objects live.</summary>
public sealed record KubeconfigTarget(Guid ClusterId, string Name, Guid InfrastructureId);

/// <summary>One recorded state change of the cluster (<see cref="NodePoolId"/> null) or one of its pools.</summary>
public sealed record StateTransitionView(Guid? NodePoolId, string ResourceName, ClusterState? From, ClusterState To, string Reason, Guid? OperationId, DateTimeOffset At);

/// <summary>A cluster on an infrastructure, named with its tenant and project, and its pools.</summary>
public sealed record ClusterOnInfrastructure(Guid Id, string Label, IReadOnlyList<string> Pools);

/// <summary>
/// What the periodic reconcile read back for one cluster: whether its Cluster API objects exist, the provider's fault on
/// the infrastructure or control plane (null: none), whether both report ready, the control plane's ready replicas and
/// version, and each pool's MachineDeployment by pool id (a pool missing from it has none).
/// </summary>
public sealed record ClusterObservation(bool ClusterExists, string? Fault, bool Ready, int ReadyControlPlaneReplicas, string? ObservedVersion,
    IReadOnlyDictionary<Guid, PoolObservation> Pools);

/// <summary>One pool's MachineDeployment as read back: ready nodes, the replicas it asks for (the autoscaler's choice), the provider's fault, and whether it is ready on its current template.</summary>
public sealed record PoolObservation(int ReadyNodes, int? Replicas, string? Fault, bool Ready);
