using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Domain.Clusters;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Clusters;

/// <summary>
/// The periodic reconcile: reads every cluster's Cluster API objects back from its management cluster and records what
/// the cloud reports — ready control plane replicas and nodes, the version running, the autoscaler's current sizes, and
/// the provider's own fault reason — so that states stay fresh between actions (an idle Active cluster whose pool hits a
/// quota error becomes Degraded with that reason, and Active again once it clears). Operation outcomes are not its
/// business: the engine applies them when it records them. When what it read changed a row, pages are told.
/// </summary>
public sealed class ClusterReconcileJob(ClusterReconciler reconciler) : IRecurringJob
{
    public Task RunAsync(CancellationToken ct) => reconciler.ReconcileAllAsync(ct);
}

public sealed class ClusterReconciler(ClusterService clusters, ManagementClusters management, IResourceNotifier resources, ILogger<ClusterReconciler> logger)
{
    private const int Batch = 200;

    public async Task<int> ReconcileAllAsync(CancellationToken ct)
    {
        var clients = new Dictionary<Guid, RemoteResult<IKubernetesClient>>();
        var count = 0;
        for (var skip = 0; ; skip += Batch)
        {
            var ids = await clusters.ReconcilableAsync(skip, Batch, ct);
            foreach (var id in ids)
            {
                try
                {
                    if (await ReconcileAsync(id, clients, ct)) count++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not reconcile cluster {ClusterId}", id);
                }
            }
            if (ids.Count < Batch) return count;
        }
    }

    /// <summary>Reads one cluster back and records what the cloud says. Returns whether the management cluster answered.</summary>
    public async Task<bool> ReconcileAsync(Guid clusterId, Dictionary<Guid, RemoteResult<IKubernetesClient>>? clients, CancellationToken ct)
    {
        var cluster = await clusters.FindAsync(clusterId, ct);
        if (cluster is null) return false;
        RemoteResult<IKubernetesClient> client;
        if (clients is null || !clients.TryGetValue(cluster.InfrastructureId, out client!))
        {
            client = await management.ForInfrastructureAsync(cluster.InfrastructureId, ct);
            if (clients is not null) clients[cluster.InfrastructureId] = client;
        }
        if (!client.Succeeded) return false;

        var spec = new ClusterManifestSpec(cluster.Id, cluster.Name, cluster.KubernetesVersion, cluster.ControlPlaneType, cluster.ControlPlaneReplicas,
            cluster.ControlPlaneFlavorName, cluster.ImageId, cluster.ExternalNetworkId, []);
        var infrastructure = await ClusterHealth.ReadAsync(client.Value!, ClusterManifests.OpenStackCluster(spec), ct);
        var controlPlane = await ClusterHealth.ReadAsync(client.Value!, ClusterManifests.ControlPlaneObjects(spec)[^1], ct);
        var deployments = await client.Value!.ListAsync(ClusterManifests.ClusterApiVersion, "MachineDeployment", ClusterManifests.NamespaceFor(cluster.Id),
            $"{ClusterManifests.ClusterNameLabel}={ClusterManifests.Cluster(spec)["metadata"]!["name"]!.GetValue<string>()}", ct);
        if (!infrastructure.Succeeded || !controlPlane.Succeeded || !deployments.Succeeded) return false;

        var byPool = deployments.Value!.GroupBy(d => d["metadata"]?["labels"]?[ClusterManifests.NodePoolIdLabel]?.GetValue<string>() ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var pools = new Dictionary<Guid, PoolObservation>();
        foreach (var pool in cluster.Pools)
        {
            var md = byPool.GetValueOrDefault(pool.Id.ToString("N")) ?? byPool.GetValueOrDefault(pool.Id.ToString());
            if (md is null) continue;
            var status = KubeResourceStatus.From(md);
            pools[pool.Id] = new PoolObservation((int)(KubeJson.Long(status.Status, "readyReplicas") ?? 0), (int?)KubeJson.Long(status.Status, "replicas"),
                ClusterHealth.FaultOf(status), status.Condition("Ready")?.IsTrue == true && status.IsCurrent);
        }
        var cpStatus = controlPlane.Value!.Status?.Status;
        var observation = new ClusterObservation(infrastructure.Value!.Exists, infrastructure.Value.Fault ?? controlPlane.Value.Fault,
            infrastructure.Value.Ready && controlPlane.Value.Ready,
            (int)(cpStatus is null ? 0 : KubeJson.Long(cpStatus, "readyReplicas") ?? 0), cpStatus is null ? null : KubeJson.String(cpStatus, "version"), pools);

        if (await clusters.RecordObservationAsync(cluster.Id, observation, ct))
            resources.Publish(new ResourceChanged(ClusterOperations.ClusterTarget, cluster.Id.ToString()));
        return true;
    }
}
