using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Domain.Clusters;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Clusters;

/// <summary>
/// The periodic reconcile: reads every cluster's Cluster API objects back from its management cluster and records what
/// the cloud reports — ready control plane replicas and nodes, the version running, the autoscaler's current sizes, and
/// the provider's own fault reason — so that states stay fresh between actions (an idle Active cluster whose pool hits a
/// quota error becomes Degraded with that reason, and Active again once it clears). It also settles any operation
/// outcome the observer missed while the portal was down.
/// </summary>
public sealed class ClusterReconcileJob(ClusterReconciler reconciler) : IRecurringJob
{
    public Task RunAsync(CancellationToken ct) => reconciler.ReconcileAllAsync(ct);
}

public sealed class ClusterReconciler(ClusterService clusters, ManagementClusters management, ClusterOperationObserver observer,
    IDbContextFactory<PortalDbContext> dbFactory, ILogger<ClusterReconciler> logger)
{
    private const int Batch = 200;

    public async Task<int> ReconcileAllAsync(CancellationToken ct)
    {
        await SettleMissedOutcomesAsync(ct);
        var clients = new Dictionary<Guid, KubeResult<IKubernetesClient>>();
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
    public async Task<bool> ReconcileAsync(Guid clusterId, Dictionary<Guid, KubeResult<IKubernetesClient>>? clients, CancellationToken ct)
    {
        var cluster = await clusters.FindAsync(clusterId, ct);
        if (cluster is null) return false;
        KubeResult<IKubernetesClient> client;
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
        var missing = !infrastructure.Value!.Exists && cluster.State is not (ClusterState.Creating or ClusterState.Deleting or ClusterState.Error);
        var clusterFault = infrastructure.Value.Fault ?? controlPlane.Value!.Fault
            ?? (missing ? "The cluster's Cluster API objects are missing from the management cluster." : null);
        var cpStatus = controlPlane.Value!.Status?.Status;
        var readyCp = (int)(cpStatus is null ? 0 : KubeJson.Long(cpStatus, "readyReplicas") ?? 0);
        var observedVersion = cpStatus is null ? null : KubeJson.String(cpStatus, "version");

        await clusters.ApplyAsync(cluster.Id, (c, now) =>
        {
            c.RecordObservation(readyCp, observedVersion, now);
            c.Observe(clusterFault, infrastructure.Value.Ready && controlPlane.Value.Ready, now);
            foreach (var pool in c.Pools)
            {
                if (pool.State == ClusterState.Pending) continue;
                var md = byPool.GetValueOrDefault(pool.Id.ToString("N")) ?? byPool.GetValueOrDefault(pool.Id.ToString());
                if (md is null)
                {
                    if (pool.State is not (ClusterState.Creating or ClusterState.Deleting or ClusterState.Error))
                        pool.Observe("The pool's MachineDeployment is missing from the management cluster.", false, now);
                    continue;
                }
                var status = KubeResourceStatus.From(md);
                var ready = (int)(KubeJson.Long(status.Status, "readyReplicas") ?? 0);
                var replicas = (int?)KubeJson.Long(status.Status, "replicas");
                pool.RecordObservation(ready, replicas, now);
                var readyCondition = status.Condition("Ready");
                pool.Observe(ClusterHealth.FaultOf(status), readyCondition?.IsTrue == true && status.IsCurrent, now);
            }
        }, ct);
        return true;
    }

    /// <summary>Failed or cancelled operations whose cluster or pool still shows them in flight (the observer missed the event).</summary>
    private async Task SettleMissedOutcomesAsync(CancellationToken ct)
    {
        List<Guid> stale;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var inFlight = db.Clusters.Where(c => c.CurrentOperationId != null).Select(c => c.CurrentOperationId!.Value)
                .Concat(db.NodePools.Where(p => p.CurrentOperationId != null).Select(p => p.CurrentOperationId!.Value));
            stale = await db.Operations.AsNoTracking()
                .Where(o => inFlight.Contains(o.Id) && (o.State == OperationState.Failed || o.State == OperationState.Cancelled))
                .Select(o => o.Id).ToListAsync(ct);
        }
        foreach (var id in stale)
            await observer.SettleAsync(id, ct);
    }
}
