using Portal.Domain.Common;
using Portal.Domain.Operations;

namespace Portal.Domain.Clusters;

/// <summary>An operation a cluster change starts: its kind, what it acts on and what it asks for.</summary>
internal sealed record ClusterOperationRequest(string Kind, OperationTarget Target, object Parameters)
{
    /// <summary>The Queued operation with the kind's declared steps, to be saved with the change.</summary>
    public Operation ToOperation(Actor requestedBy, DateTimeOffset now) => ClusterOperations.Of(Kind).NewOperation(Target, Parameters, requestedBy, now);
}

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

/// <summary>
/// The kinds of operation clusters and node pools run: their steps (which the engine's handlers implement by name) and
/// the state each one drives its resource through.
/// </summary>
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

    /// <summary>
    /// The step names, shown in the action history. Each is declared once and shared by the kinds that run it; a queued
    /// operation holds them in its step log, so changing one stops the operations queued under the old name.
    /// </summary>
    public static class Steps
    {
        public const string PrepareNamespace = "Prepare the namespace and cloud credentials";
        public const string ApplyClusterObjects = "Apply the Cluster API objects";
        public const string WaitForInfrastructure = "Wait for the network, router and API load balancer";
        public const string WaitForControlPlane = "Wait for the control plane";
        public const string WorkloadCredentials = "Give the cloud add-ons their credentials in the cluster";
        public const string WaitForPools = "Wait for the node pools";
        public const string ActivateCluster = "Activate the cluster";
        public const string ApplyControlPlaneReplicas = "Apply the control plane's replica count";
        public const string WaitForControlPlaneReplicas = "Wait for the control plane replicas";
        public const string ApplyControlPlaneVersion = "Apply the new version to the control plane";
        public const string WaitForControlPlaneRollout = "Wait for the control plane to roll out";
        public const string UpdateAddons = "Update the built-in add-ons";
        public const string DeleteClusterApiCluster = "Delete the Cluster API cluster";
        public const string WaitForClusterRemoval = "Wait for the machines and network to be removed";
        public const string RemoveNamespace = "Remove the cluster's namespace";
        public const string RemoveClusterFromPortal = "Remove the cluster from the portal";
        public const string ApplyClusterObjectsAgain = "Apply the cluster's Cluster API objects again";
        public const string ApplyPool = "Apply the node pool";
        public const string WaitForNodes = "Wait for the nodes";
        public const string ActivatePool = "Activate the node pool";
        public const string ApplyNodeCount = "Apply the new node count";
        public const string ApplyPoolConfiguration = "Apply the node pool's configuration";
        public const string WaitForNodesRollout = "Wait for the nodes to roll out";
        public const string ApplyPoolVersion = "Apply the new version to the node pool";
        public const string WaitForNodesReplaced = "Wait for every node to be replaced";
        public const string DeletePoolMachines = "Delete the node pool's machines";
        public const string WaitForPoolMachinesGone = "Wait for the machines to go";
        public const string RemovePoolFromPortal = "Remove the node pool from the portal";
        /// <summary>The last step of a change: read the resource back; the operation's success makes it Active again.</summary>
        public const string Finish = "Finish";
    }

    /// <summary>Every kind with its steps in run order.</summary>
    public static IReadOnlyList<OperationKind> Kinds { get; } =
    [
        new(Create, Steps.PrepareNamespace, Steps.ApplyClusterObjects, Steps.WaitForInfrastructure, Steps.WaitForControlPlane, Steps.WorkloadCredentials,
            Steps.WaitForPools, Steps.ActivateCluster),
        new(ScaleControlPlane, Steps.ApplyControlPlaneReplicas, Steps.WaitForControlPlaneReplicas, Steps.Finish),
        new(UpgradeControlPlane, Steps.ApplyControlPlaneVersion, Steps.WaitForControlPlaneRollout, Steps.UpdateAddons, Steps.Finish),
        new(Delete, Steps.DeleteClusterApiCluster, Steps.WaitForClusterRemoval, Steps.RemoveNamespace, Steps.RemoveClusterFromPortal),
        new(Resync, Steps.ApplyClusterObjectsAgain, Steps.WaitForControlPlane, Steps.WaitForPools, Steps.Finish),
        new(AddPool, Steps.ApplyPool, Steps.WaitForNodes, Steps.ActivatePool),
        new(ScalePool, Steps.ApplyNodeCount, Steps.WaitForNodes, Steps.Finish),
        new(UpdatePool, Steps.ApplyPoolConfiguration, Steps.WaitForNodesRollout, Steps.Finish),
        new(UpgradePool, Steps.ApplyPoolVersion, Steps.WaitForNodesReplaced, Steps.Finish),
        new(RemovePool, Steps.DeletePoolMachines, Steps.WaitForPoolMachinesGone, Steps.RemovePoolFromPortal),
    ];

    public static OperationKind Of(string kind) =>
        Kinds.FirstOrDefault(k => k.Name == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a cluster operation.");

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
