using Portal.Domain.Operations;

namespace Portal.Domain.Clusters;

/// <summary>An operation a cluster change asks the engine to run; the composition root turns it into a queued Operation.</summary>
public sealed record ClusterOperationRequest(string Kind, OperationTarget Target, object Parameters);

// Operation parameters: what each action asks for, recorded in the action history and read by its handler.
public sealed record CreateClusterParameters(string Version, string ControlPlane, int Replicas, string? ControlPlaneFlavor, IReadOnlyList<string> Pools);
public sealed record ScaleControlPlaneParameters(int Replicas, int From);
public sealed record UpgradeParameters(string Version, string From, ImageChoice Image);
public sealed record AddPoolParameters(string Name, string Flavor, int NodeCount, int? AutoscalerMin, int? AutoscalerMax);
public sealed record ScalePoolParameters(int NodeCount, int From);
/// <summary>A pool's configuration change: a new flavor, or new autoscaler settings (null bounds turn it off), or both.</summary>
public sealed record UpdatePoolParameters(FlavorChoice? Flavor, bool ChangeAutoscaler, bool AutoscalerEnabled, int? AutoscalerMin, int? AutoscalerMax, int NodeCount);
public sealed record DeleteParameters(string Name);
public sealed record ResyncParameters(string State, IReadOnlyList<string> Pools);

/// <summary>The kinds of operation clusters and node pools run, and the state each one drives its resource through.</summary>
public static class ClusterOperations
{
    public const string ClusterTarget = "KubernetesCluster";
    public const string PoolTarget = "NodePool";

    public const string Create = "mks-cluster.create";
    public const string ScaleControlPlane = "mks-cluster.scale-control-plane";
    public const string UpgradeControlPlane = "mks-cluster.upgrade-control-plane";
    public const string Delete = "mks-cluster.delete";
    public const string Resync = "mks-cluster.resync";
    public const string AddPool = "mks-node-pool.create";
    public const string ScalePool = "mks-node-pool.scale";
    public const string UpdatePool = "mks-node-pool.update";
    public const string UpgradePool = "mks-node-pool.upgrade";
    public const string RemovePool = "mks-node-pool.delete";

    public static bool IsClusterKind(string kind) => kind.StartsWith("mks-cluster.", StringComparison.Ordinal) || kind.StartsWith("mks-node-pool.", StringComparison.Ordinal);

    /// <summary>The state the operation's resource is in while it runs (also after a retry).</summary>
    public static ClusterState Progress(string kind) => kind switch
    {
        Create or AddPool => ClusterState.Creating,
        ScaleControlPlane or ScalePool => ClusterState.Scaling,
        UpgradeControlPlane or UpgradePool => ClusterState.Upgrading,
        UpdatePool or Resync => ClusterState.Updating,
        Delete or RemovePool => ClusterState.Deleting,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a cluster operation."),
    };

    public static OperationTarget ClusterTargetOf(KubernetesCluster cluster) => new(ClusterTarget, cluster.Id.ToString(), cluster.Name);

    public static OperationTarget PoolTargetOf(KubernetesCluster cluster, NodePool pool) => new(PoolTarget, pool.Id.ToString(), $"{cluster.Name}/{pool.Name}");
}
