using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Operations;

namespace Portal.Domain.Databases;

/// <summary>
/// What the engine's database operations and the reconcile read and write: no actor (the operation was authorized
/// when it was recorded), and no audit (the engine is not a person).
/// </summary>
public sealed partial class DatabaseService
{
    /// <summary>Applies how <paramref name="operation"/> ended to its database in <paramref name="db"/>, for the caller to save with the operation's final state.</summary>
    public static async Task ApplyOutcomeAsync(PortalDbContext db, Operation operation, DateTimeOffset now, CancellationToken ct)
    {
        if (!Guid.TryParse(operation.TargetId, out var id)) return;
        var database = await db.Databases.SingleOrDefaultAsync(d => d.Id == id, ct);
        database?.ApplyOutcome(operation, now);
    }

    /// <summary>The database as stored with its platform's operator version and its namespace, for the engine's steps.</summary>
    public async Task<DatabaseContext?> FindAsync(Guid databaseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var database = await db.Databases.AsNoTracking().SingleOrDefaultAsync(d => d.Id == databaseId, ct);
        if (database is null) return null;
        var operatorVersion = await db.ServicePlatforms.AsNoTracking().Where(p => p.Id == database.PlatformId).Select(p => p.OperatorVersion).SingleOrDefaultAsync(ct);
        return new DatabaseContext(database, operatorVersion, NamespaceFor(database.ProjectId));
    }

    /// <summary>Applies a running operation's progress to the database (a new spec accepted), retrying on write conflicts.</summary>
    public async Task ApplyAsync(Guid databaseId, Action<ManagedDatabase, DateTimeOffset> change, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var database = await db.Databases.SingleOrDefaultAsync(d => d.Id == databaseId, ct);
            if (database is null) return;
            change(database, clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // A person's request or the reconcile wrote meanwhile; apply again on the fresh row.
            }
        }
    }

    /// <summary>
    /// Records what the reconcile read back for one database (see <see cref="ManagedDatabase.Observe"/>), retrying on
    /// write conflicts. Returns whether anything a person sees changed, so that pages are told only then.
    /// </summary>
    public async Task<bool> RecordObservationAsync(Guid databaseId, DatabaseObservation observation, TimeSpan stuckAfter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var database = await db.Databases.SingleOrDefaultAsync(d => d.Id == databaseId, ct);
            if (database is null) return false;
            var lastFailed = database.LastOperationId is { } last
                && await db.Operations.AnyAsync(o => o.Id == last && o.State == OperationState.Failed, ct);
            database.Observe(observation, lastFailed, stuckAfter, clock.GetUtcNow());
            var entry = db.Entry(database);
            var visible = entry.State == EntityState.Modified && entry.Properties.Any(p => p.IsModified
                && p.Metadata.Name is not (nameof(ManagedDatabase.LastReconciledAt) or nameof(ManagedDatabase.UpdatedAt) or nameof(ManagedDatabase.RecoverableTo)));
            try
            {
                await db.SaveChangesAsync(ct);
                return visible;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // An operation or a person wrote meanwhile; observe again on the fresh row.
            }
        }
    }

    /// <summary>Ids of databases the reconcile looks at: every one that exists on its platform (not Pending), by page.</summary>
    public async Task<IReadOnlyList<Guid>> ReconcilableAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Databases.AsNoTracking().Where(d => d.State != Clusters.ClusterState.Pending).OrderBy(d => d.CreatedAt).ThenBy(d => d.Id)
            .Skip(skip).Take(take).Select(d => d.Id).ToListAsync(ct);
    }

    /// <summary>Removes a deleted database's row at the end of its delete operation (idempotent).</summary>
    public async Task RemoveAsync(Guid databaseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Databases.Where(d => d.Id == databaseId).ExecuteDeleteAsync(ct);
    }

    /// <summary>Other databases still in the namespace of <paramref name="projectId"/> on <paramref name="platformId"/> (a namespace is removed with its last).</summary>
    public async Task<int> CountInNamespaceAsync(Guid platformId, Guid projectId, Guid except, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Databases.CountAsync(d => d.PlatformId == platformId && d.ProjectId == projectId && d.Id != except, ct);
    }
}
