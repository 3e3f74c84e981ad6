using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Domain.Clusters;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.Clusters;

/// <summary>
/// Keeps cluster states fresh as the management clusters change, instead of waiting for the periodic reconcile: for
/// every infrastructure that has clusters it watches the Cluster API objects the portal manages (Cluster, control
/// planes, MachineDeployments, OpenStackCluster) and, shortly after one of a cluster's objects changes, reconciles
/// that cluster, which tells pages when its row changed. A watch that ends (server timeout) or fails is opened again,
/// after a pause when it failed; the periodic reconcile stays as the slow resync for whatever a watch missed.
/// </summary>
public sealed partial class ClusterWatcher(
    ClusterService clusters,
    ManagementClusters management,
    ClusterReconciler reconciler,
    ClusterOperationOptions options,
    TimeProvider clock,
    ILogger<ClusterWatcher> logger) : BackgroundService
{
    private static readonly (string ApiVersion, string Kind)[] Watched =
    [
        (ClusterManifests.ClusterApiVersion, "Cluster"),
        (ClusterManifests.ClusterApiVersion, "MachineDeployment"),
        (ClusterManifests.KubeadmControlPlaneApiVersion, "KubeadmControlPlane"),
        (ClusterManifests.KamajiControlPlaneApiVersion, "KamajiControlPlane"),
        (ClusterManifests.InfrastructureApiVersion, "OpenStackCluster"),
    ];

    private static readonly string ManagedByPortal = $"{ClusterManifests.ManagedByLabel}=portal";

    private readonly ConcurrentDictionary<Guid, bool> _pending = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.WatchManagementClusters)
            return;
        var watches = new Dictionary<Guid, (CancellationTokenSource Stop, Task Running)>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wanted = await InfrastructuresAsync(stoppingToken);
                foreach (var id in wanted.Where(id => !watches.ContainsKey(id)))
                {
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    watches[id] = (stop, WatchInfrastructureAsync(id, stop.Token));
                }
                foreach (var id in watches.Keys.Where(id => !wanted.Contains(id)).ToList())
                {
                    await watches[id].Stop.CancelAsync();
                    watches[id].Stop.Dispose();
                    watches.Remove(id);
                }
                await Task.Delay(options.WatchDiscoveryInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (stop, running) in watches.Values)
            {
                await stop.CancelAsync();
                await running.ContinueWith(static _ => { }, TaskScheduler.Default);
                stop.Dispose();
            }
        }
    }

    /// <summary>The infrastructures that have clusters to keep fresh.</summary>
    private async Task<HashSet<Guid>> InfrastructuresAsync(CancellationToken ct)
    {
        var found = new HashSet<Guid>();
        const int batch = 200;
        for (var skip = 0; ; skip += batch)
        {
            var ids = await clusters.ReconcilableAsync(skip, batch, ct);
            foreach (var id in ids)
            {
                if (await clusters.FindAsync(id, ct) is { } cluster)
                    found.Add(cluster.InfrastructureId);
            }
            if (ids.Count < batch) return found;
        }
    }

    private async Task WatchInfrastructureAsync(Guid infrastructureId, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var client = await management.ForInfrastructureAsync(infrastructureId, ct);
                if (!client.Succeeded)
                {
                    LogWatchFailed(logger, infrastructureId, "management cluster", client.Error.Message);
                    await Task.Delay(options.WatchRetryDelay, clock, ct);
                    continue;
                }
                // One watch per kind; each reopens itself until its management cluster's client is no longer good.
                await Task.WhenAll(Watched.Select(kind => WatchKindAsync(infrastructureId, client.Value, kind.ApiVersion, kind.Kind, ct)));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task WatchKindAsync(Guid infrastructureId, IKubernetesClient client, string apiVersion, string kind, CancellationToken ct)
    {
        string? resourceVersion = null;
        while (!ct.IsCancellationRequested)
        {
            RemoteError? failure = null;
            await foreach (var change in client.WatchAsync(apiVersion, kind, ns: null, ManagedByPortal, resourceVersion, ct))
            {
                if (change.Type == KubeWatchEventType.Error)
                {
                    failure = change.Error;
                    break;
                }
                resourceVersion = change.ResourceVersion ?? resourceVersion;
                if (change.Object?["metadata"]?["labels"]?[ClusterManifests.ClusterIdLabel]?.GetValue<string>() is { } label
                    && Guid.TryParseExact(label, "N", out var clusterId))
                {
                    Changed(clusterId, ct);
                }
            }
            if (failure is null)
                continue;
            // Expired: start from the current state (an Added per object) instead of a version the server forgot.
            resourceVersion = null;
            if (failure.StatusCode == 410)
                continue;
            if (failure.Kind == RemoteErrorKind.NotFound)
                return; // This management cluster does not serve the kind (e.g. no Kamaji): nothing to watch.
            LogWatchFailed(logger, infrastructureId, kind, failure.Message);
            await Task.Delay(options.WatchRetryDelay, clock, ct);
        }
    }

    /// <summary>Reconciles a cluster shortly after its objects changed, once for a burst of changes.</summary>
    private void Changed(Guid clusterId, CancellationToken ct)
    {
        if (!_pending.TryAdd(clusterId, true))
            return;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(options.WatchDebounce, clock, ct);
                _pending.TryRemove(clusterId, out _);
                await reconciler.ReconcileAsync(clusterId, clients: null, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                _pending.TryRemove(clusterId, out _);
                LogReconcileFailed(logger, ex, clusterId);
            }
        }, CancellationToken.None);
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Watching {What} of infrastructure {InfrastructureId} failed: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, Guid infrastructureId, string what, string reason);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Could not reconcile cluster {ClusterId} after a change in its management cluster")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, Guid clusterId);
}
