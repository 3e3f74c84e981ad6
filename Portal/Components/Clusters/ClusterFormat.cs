using System.Globalization;
using Portal.Domain.Clusters;

namespace Portal.Components.Clusters;

/// <summary>How clusters and node pools read on every page.</summary>
public static class ClusterFormat
{
    /// <summary>"Standalone ×3" or "Hosted".</summary>
    public static string ControlPlane(ControlPlaneType type, int replicas) =>
        type == ControlPlaneType.Hosted ? "Hosted" : $"Standalone ×{replicas}";

    public static string ControlPlaneLong(ControlPlaneType type) =>
        type == ControlPlaneType.Hosted ? "Hosted (HCP)" : "Standalone (SCP)";

    /// <summary>"3 / 4 ready" — nodes the cloud reports ready out of those asked for.</summary>
    public static string Ready(int ready, int desired) => $"{ready} / {desired}";

    /// <summary>The same, or "— / 3" while the cloud has not been read back yet (no reconcile since creation).</summary>
    public static string Ready(int ready, int desired, DateTimeOffset? observedAt) => observedAt is null ? $"— / {desired}" : Ready(ready, desired);

    public static string Autoscaler(NodePoolView pool) =>
        pool.AutoscalerEnabled ? $"{pool.AutoscalerMin}–{pool.AutoscalerMax}" : "Off";

    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Nodes(int count) => count == 1 ? "1 node" : $"{count} nodes";

    /// <summary>What an operation kind does, in words (the action history shows the kind too).</summary>
    public static string Action(string kind) => kind switch
    {
        ClusterOperations.Create => "Create cluster",
        ClusterOperations.ScaleControlPlane => "Scale control plane",
        ClusterOperations.UpgradeControlPlane => "Upgrade control plane",
        ClusterOperations.Delete => "Delete cluster",
        ClusterOperations.Resync => "Resync cluster",
        ClusterOperations.AddPool => "Add node pool",
        ClusterOperations.ScalePool => "Scale node pool",
        ClusterOperations.UpdatePool => "Update node pool",
        ClusterOperations.UpgradePool => "Upgrade node pool",
        ClusterOperations.RemovePool => "Remove node pool",
        _ => kind,
    };
}
