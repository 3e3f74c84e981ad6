using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Operations;

namespace Portal.Domain.Clusters;

/// <summary>
/// What the engine's cluster operations and the periodic reconcile read and write: no actor (the operation was
/// authorized when it was recorded), and no audit (the engine is not a person).
/// </summary>
public sealed partial class ClusterService
{
    /// <summary>
    /// Applies how <paramref name="operation"/> ended to its cluster and pools in <paramref name="db"/>, for the caller to
    /// save together with the operation's own final state (see <see cref="KubernetesCluster.ApplyOutcome"/>). Nothing to
    /// do when the resource is gone: a delete that succeeded removed it in its last step.
    /// </summary>
    public static async Task ApplyOutcomeAsync(PortalDbContext db, Operation operation, DateTimeOffset now, CancellationToken ct)
    {
        if (!Guid.TryParse(operation.TargetId, out var targetId)) return;
        var clusterId = operation.TargetType switch
        {
            ClusterOperations.ClusterTarget => targetId,
            ClusterOperations.PoolTarget => await db.NodePools.Where(p => p.Id == targetId).Select(p => (Guid?)p.ClusterId).SingleOrDefaultAsync(ct),
            _ => null,
        };
        if (clusterId is null) return;
        var cluster = await db.Clusters.Include(c => c.Pools).SingleOrDefaultAsync(c => c.Id == clusterId, ct);
        cluster?.ApplyOutcome(operation, now);
    }

    /// <summary>
    /// Records what the periodic reconcile read back for one cluster (see <see cref="KubernetesCluster.Observe(ClusterObservation, IReadOnlySet{Guid}, DateTimeOffset)"/>),
    /// retrying on write conflicts. Returns whether anything a person sees changed (a state, a reason, a fault, a count or
    /// a version; not just the time it was read), so that pages are told only then.
    /// </summary>
    public async Task<bool> RecordObservationAsync(Guid clusterId, ClusterObservation observation, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var cluster = await db.Clusters.Include(c => c.Pools).SingleOrDefaultAsync(c => c.Id == clusterId, ct);
            if (cluster is null) return false;
            var latest = cluster.LatestOperationIds;
            var failed = (await db.Operations.AsNoTracking().Where(o => latest.Contains(o.Id) && o.State == OperationState.Failed)
                .Select(o => o.Id).ToListAsync(ct)).ToHashSet();
            cluster.Observe(observation, failed, clock.GetUtcNow());
            var visible = db.ChangeTracker.Entries<LifecycleResource>().Any(e => e.State == EntityState.Modified
                && e.Properties.Any(p => p.IsModified && p.Metadata.Name is not (nameof(KubernetesCluster.LastReconciledAt) or nameof(LifecycleResource.UpdatedAt))));
            try
            {
                await db.SaveChangesAsync(ct);
                return visible;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // An operation or a person wrote meanwhile; observe again on the fresh rows.
            }
        }
    }

    /// <summary>Applies a running operation's progress to the cluster and its pools (a new spec accepted, a fault seen), retrying on write conflicts.</summary>
    public async Task ApplyAsync(Guid clusterId, Action<KubernetesCluster, DateTimeOffset> change, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var cluster = await db.Clusters.Include(c => c.Pools).SingleOrDefaultAsync(c => c.Id == clusterId, ct);
            if (cluster is null) return;
            change(cluster, clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // A person's request or the reconcile wrote meanwhile; apply again on the fresh rows.
            }
        }
    }

    /// <summary>The cluster with its pools as stored, for the engine's steps (no actor: the operation was authorized when queued).</summary>
    public async Task<KubernetesCluster?> FindAsync(Guid clusterId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Clusters.AsNoTracking().Include(c => c.Pools).SingleOrDefaultAsync(c => c.Id == clusterId, ct);
    }

    /// <summary>Ids of clusters the periodic reconcile looks at: every cluster that exists in the cloud (not Pending).</summary>
    public async Task<IReadOnlyList<Guid>> ReconcilableAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Clusters.AsNoTracking().Where(c => c.State != ClusterState.Pending).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Skip(skip).Take(take).Select(c => c.Id).ToListAsync(ct);
    }

    /// <summary>The cluster an operation's target belongs to (a cluster id, or a pool's cluster).</summary>
    public async Task<Guid?> ClusterOfAsync(string targetType, string targetId, CancellationToken ct = default)
    {
        if (!Guid.TryParse(targetId, out var id)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return targetType switch
        {
            ClusterOperations.ClusterTarget => await db.Clusters.AsNoTracking().Where(c => c.Id == id).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct),
            ClusterOperations.PoolTarget => await db.NodePools.AsNoTracking().Where(p => p.Id == id).Select(p => (Guid?)p.ClusterId).SingleOrDefaultAsync(ct),
            _ => null,
        };
    }

    /// <summary>Removes a deleted cluster's rows at the end of its delete operation (idempotent).</summary>
    public async Task RemoveClusterAsync(Guid clusterId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.NodePools.Where(p => p.ClusterId == clusterId).ExecuteDeleteAsync(ct);
        await db.Clusters.Where(c => c.Id == clusterId).ExecuteDeleteAsync(ct);
    }

    public async Task RemovePoolRowAsync(Guid poolId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.NodePools.Where(p => p.Id == poolId).ExecuteDeleteAsync(ct);
    }
}
