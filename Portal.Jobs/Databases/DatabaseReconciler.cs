using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Portal.Domain.Databases;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Databases;

/// <summary>
/// The periodic reconcile of databases: reads every database's CloudNativePG cluster and backups back from its
/// platform and records what the operator reports — phase and reason, ready instances, primary, backups and the
/// restore window — so that states and backup health stay fresh between actions (an idle Active database whose disk
/// fills becomes Degraded with the operator's words, and Active again once it clears). When a row changed, pages are told.
/// </summary>
public sealed class DatabaseReconcileJob(DatabaseReconciler reconciler) : IRecurringJob
{
    public Task RunAsync(CancellationToken ct) => reconciler.ReconcileAllAsync(ct);
}

public sealed class DatabaseReconciler(DatabaseService databases, Portal.Domain.ServiceConfigs.ServiceConfigService configs,
    Portal.Jobs.ServiceConfigs.PlatformClusters clusters, IResourceNotifier resources, DatabaseOperationOptions options, ILogger<DatabaseReconciler> logger)
{
    private const int Batch = 200;

    public async Task<int> ReconcileAllAsync(CancellationToken ct)
    {
        var clients = new Dictionary<Guid, RemoteResult<IKubernetesClient>>();
        var count = 0;
        for (var skip = 0; ; skip += Batch)
        {
            var ids = await databases.ReconcilableAsync(skip, Batch, ct);
            foreach (var id in ids)
            {
                try
                {
                    if (await ReconcileAsync(id, ct, clients)) count++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Only the type: a library's exception text may quote a request, and requests carry credentials.
                    logger.LogWarning("Could not reconcile database {DatabaseId}: {Error}", id, ex.GetType().Name);
                }
            }
            if (ids.Count < Batch) return count;
        }
    }

    /// <summary>Reads one database back and records what the operator says. Returns whether the platform's cluster answered.</summary>
    public async Task<bool> ReconcileAsync(Guid databaseId, CancellationToken ct, Dictionary<Guid, RemoteResult<IKubernetesClient>>? clients = null)
    {
        var database = await databases.FindAsync(databaseId, ct);
        if (database is null) return false;
        RemoteResult<IKubernetesClient> client;
        if (clients is null || !clients.TryGetValue(database.Database.PlatformId, out client!))
        {
            var platform = await configs.FindPlatformAsync(database.Database.PlatformId, ct);
            client = platform is null ? new RemoteError(RemoteErrorKind.NotFound, "The platform is gone.") : await clusters.WorkloadClusterAsync(platform, ct);
            if (clients is not null) clients[database.Database.PlatformId] = client;
        }
        if (!client.Succeeded) return false;
        var read = await ReadAsync(client.Value!, database, ct);
        if (!read.Succeeded) return false;
        await RecordAsync(databaseId, read.Value!, ct);
        return true;
    }

    /// <summary>The database's Cluster and Backups as the operator reports them now.</summary>
    public async Task<RemoteResult<DatabaseObservation>> ReadAsync(IKubernetesClient client, DatabaseContext database, CancellationToken ct)
    {
        var cluster = await client.GetAsync(DatabaseManifests.ApiVersion, "Cluster", database.Namespace, database.Database.Name, ct);
        if (!cluster.Succeeded && !cluster.IsNotFound) return cluster.Error!;
        IReadOnlyList<JsonObject> backups = [];
        if (cluster.Succeeded)
        {
            var listed = await client.ListAsync(DatabaseManifests.ApiVersion, "Backup", database.Namespace, null, ct);
            if (!listed.Succeeded) return listed.Error!;
            backups = listed.Value!;
        }
        return DatabaseStatusReader.Read(cluster.Value, backups, database.Database.BackupsEnabled);
    }

    /// <summary>Records an observation; pages are told when something they show changed.</summary>
    public async Task RecordAsync(Guid databaseId, DatabaseObservation observation, CancellationToken ct)
    {
        if (await databases.RecordObservationAsync(databaseId, observation, options.StuckPhaseAfter, ct))
            resources.Publish(new ResourceChanged(DatabaseOperations.Target, databaseId.ToString()));
    }
}
