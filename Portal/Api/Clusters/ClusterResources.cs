using Portal.Api.Common;
using Portal.Domain.Clusters;

namespace Portal.Api.Clusters;

/// <summary>One cluster in a list. The full resource (with its node pools and its ETag) is at <see cref="Url"/>.</summary>
public sealed record ClusterSummary(Guid Id, string Name, string Url, Guid TenantId, string TenantName, Guid ProjectId, string ProjectName,
    string KubernetesVersion, ControlPlaneType ControlPlaneType, int ControlPlaneReplicas, int NodePoolCount, int Nodes, int ReadyNodes,
    ClusterState State, string StateReason, string? Fault, bool UpdateAvailable, DateTimeOffset CreatedAt)
{
    public static ClusterSummary From(ClusterRow row) =>
        new(row.Id, row.Name, ClusterUrls.Cluster(row.Id), row.TenantId, row.TenantName, row.ProjectId, row.ProjectName, row.KubernetesVersion,
            row.ControlPlaneType, row.ControlPlaneReplicas, row.Pools, row.Nodes, row.ReadyNodes, row.State, row.StateReason, row.Fault,
            row.UpdateAvailable, row.CreatedAt);
}

/// <summary>
/// A managed Kubernetes cluster. <see cref="Version"/> is its ETag: it changes with every change a person or client
/// makes (not with what the portal observes). <see cref="KubernetesVersion"/> is the control plane's Kubernetes version;
/// <see cref="ObservedVersion"/> the one the cloud reports running. <see cref="Fault"/> is the cloud's own reason for a
/// fault. <see cref="Blocked"/> says, per action, why it would be refused now (absent: allowed) — the same reasons the
/// cluster page shows on its disabled buttons.
/// </summary>
public sealed record ClusterResource(Guid Id, string Name, Guid TenantId, string TenantName, Guid ProjectId, string ProjectName,
    Guid ServiceConfigId, string ServiceConfigName, Guid InfrastructureId, string InfrastructureName, string ExternalNetworkName,
    string KubernetesVersion, string? ObservedVersion, string ImageName, ControlPlaneResource ControlPlane, ClusterState State, string StateReason,
    string? Fault, Guid? CurrentOperationId, Guid? LastOperationId, IReadOnlyList<NodePoolResource> NodePools, int Nodes, int ReadyNodes,
    IReadOnlyList<string> UpgradeTargets, ClusterBlockedActions Blocked, DateTimeOffset CreatedAt, DateTimeOffset? LastReconciledAt, int Version)
{
    public static ClusterResource From(ClusterDetail c) =>
        new(c.Id, c.Name, c.TenantId, c.TenantName, c.ProjectId, c.ProjectName, c.ServiceConfigId, c.ServiceConfigName, c.InfrastructureId,
            c.InfrastructureName, c.ExternalNetworkName, c.KubernetesVersion, c.ObservedVersion, c.ImageName,
            new ControlPlaneResource(c.ControlPlaneType, c.ControlPlaneReplicas, c.ReadyControlPlaneReplicas, c.ControlPlaneFlavorName),
            c.State, c.StateReason, c.ProviderFault, c.CurrentOperationId, c.LastOperationId,
            c.Pools.Select(p => NodePoolResource.From(c.Id, p)).ToList(), c.Nodes, c.ReadyNodes, c.UpgradeTargets,
            new ClusterBlockedActions(c.WhyNotChangeable, c.WhyNotScaleControlPlane, c.WhyNotUpgradeControlPlane, c.WhyNotResync, c.WhyNotAddPool,
                c.WhyNotDeletable),
            c.CreatedAt, c.LastReconciledAt, c.Version);
}

/// <summary>The control plane: its architecture (fixed at creation), replicas asked for and ready, and its machines' flavor (standalone only).</summary>
public sealed record ControlPlaneResource(ControlPlaneType Type, int Replicas, int ReadyReplicas, string? FlavorName);

/// <summary>Why each cluster action would be refused now; null: allowed (the server checks again when asked).</summary>
public sealed record ClusterBlockedActions(string? Change, string? ScaleControlPlane, string? UpgradeControlPlane, string? Resync, string? AddNodePool,
    string? Delete);

/// <summary>
/// A node pool. <see cref="Version"/> is its ETag (If-Match on its PATCH and DELETE). <see cref="Flavor"/> names the
/// cloud flavor the nodes run; changing it takes a catalog flavor id (<c>flavorId</c>), as creation does.
/// </summary>
public sealed record NodePoolResource(Guid Id, string Name, string Url, string KubernetesVersion, PoolFlavorResource Flavor, int NodeCount, int ReadyNodes,
    AutoscalerResource Autoscaler, ClusterState State, string StateReason, string? Fault, Guid? CurrentOperationId, Guid? LastOperationId,
    NodePoolBlockedActions Blocked, int Version)
{
    public static NodePoolResource From(Guid clusterId, NodePoolView p) =>
        new(p.Id, p.Name, ClusterUrls.Pool(clusterId, p.Id), p.KubernetesVersion, new PoolFlavorResource(p.FlavorName, p.FlavorId, p.FlavorVcpus, p.FlavorRamMb),
            p.NodeCount, p.ReadyNodes, new AutoscalerResource(p.AutoscalerEnabled, p.AutoscalerMin, p.AutoscalerMax), p.State, p.StateReason,
            p.ProviderFault, p.CurrentOperationId, p.LastOperationId, new NodePoolBlockedActions(p.WhyNotChange, p.WhyNotScale, p.WhyNotUpgrade, p.WhyNotRemove),
            p.Version);
}

/// <summary>The flavor of a pool's nodes: its name and the cloud's id for it, with its size.</summary>
public sealed record PoolFlavorResource(string Name, string ProviderId, int Vcpus, int RamMb);

public sealed record AutoscalerResource(bool Enabled, int? Min, int? Max);

/// <summary>Why each node pool action would be refused now; null: allowed.</summary>
public sealed record NodePoolBlockedActions(string? Change, string? Scale, string? Upgrade, string? Remove);

// ---------------------------------------------------------------- requests

/// <summary>
/// A new cluster, as the creation wizard asks for it. Refusals name the wizard's fields: <c>project</c> (projectId),
/// <c>serviceConfig</c>, <c>name</c>, <c>version</c>, <c>controlPlane.type</c>, <c>controlPlane.replicas</c>,
/// <c>controlPlane.flavor</c>, <c>pools</c>, <c>pools[i].name</c>, <c>pools[i].flavor</c>, <c>pools[i].nodeCount</c>,
/// <c>pools[i].autoscaler.min|max</c>, and <c>preflight</c> when the cloud's checks found it cannot hold the cluster.
/// </summary>
/// <param name="Version">The Kubernetes version, as offered (e.g. <c>1.32.3-5</c>).</param>
public sealed record CreateClusterBody(Guid? ProjectId, Guid? ServiceConfigId, string? Name, string? Version, ControlPlaneBody? ControlPlane,
    IReadOnlyList<NodePoolBody>? Pools);

/// <param name="Replicas">Standalone: 1, 3 or 5; hosted: always 3 (may be left out).</param>
/// <param name="FlavorId">The catalog flavor of the control plane machines (standalone only).</param>
public sealed record ControlPlaneBody(ControlPlaneType? Type, int? Replicas, Guid? FlavorId);

/// <param name="FlavorId">The catalog flavor (its id in the catalog of the cluster's infrastructure).</param>
/// <param name="Autoscaler">Present with <c>enabled</c> true (or left out): the autoscaler keeps the pool between min and max.</param>
public sealed record NodePoolBody(string? Name, Guid? FlavorId, int? NodeCount, AutoscalerBody? Autoscaler)
{
    public NodePoolRequest ToRequest() =>
        new(Name, FlavorId, NodeCount, Autoscaler is not null && Autoscaler.Enabled != false, Autoscaler?.Min, Autoscaler?.Max);
}

public sealed record AutoscalerBody(bool? Enabled, int? Min, int? Max);

/// <summary>
/// A change to the control plane: exactly one of <see cref="ControlPlaneReplicas"/> (scale; standalone only) or
/// <see cref="KubernetesVersion"/> (upgrade to a version in the cluster's <c>upgradeTargets</c>). Each starts an operation.
/// </summary>
public sealed record UpdateClusterBody(int? ControlPlaneReplicas, string? KubernetesVersion);

/// <summary>
/// A change to a node pool; each starts an operation, so one kind per request: <see cref="NodeCount"/> alone (scale by
/// hand), <see cref="Autoscaler"/> (on with bounds, new bounds, or off keeping <see cref="NodeCount"/> or the current
/// count), <see cref="FlavorId"/> (replace the nodes with another catalog flavor), or <see cref="KubernetesVersion"/>
/// (upgrade the pool to its control plane's version).
/// </summary>
public sealed record UpdateNodePoolBody(int? NodeCount, AutoscalerBody? Autoscaler, Guid? FlavorId, string? KubernetesVersion);

/// <summary>Where the API's cluster resources are.</summary>
public static class ClusterUrls
{
    public static string Clusters => $"{ApiPaths.Root}/clusters";

    public static string Cluster(Guid id) => $"{Clusters}/{id}";

    public static string Pool(Guid clusterId, Guid poolId) => $"{Cluster(clusterId)}/node-pools/{poolId}";
}
