using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Api;

/// <summary>What became of claiming an idempotency key for a request.</summary>
public enum IdempotencyClaimOutcome
{
    /// <summary>The key is this request's: run it, then <see cref="IdempotencyStore.CompleteAsync"/> or <see cref="IdempotencyStore.ReleaseAsync"/>.</summary>
    Claimed,
    /// <summary>The same request ran before with this key: answer with <see cref="IdempotencyClaim.Record"/>'s response.</summary>
    Replay,
    /// <summary>The key was used for a different request (another method, path or body).</summary>
    Mismatch,
    /// <summary>The same key's first request is still running.</summary>
    InProgress,
}

public sealed record IdempotencyClaim(IdempotencyClaimOutcome Outcome, IdempotencyRecord? Record);

/// <summary>
/// Claims, completes and replays <see cref="IdempotencyRecord"/>s. Claiming inserts a pending record under the unique
/// (owner, key) index: of two concurrent requests with one key — two retries racing, two replicas — exactly one inserts;
/// the other finds the record and is told the first is in progress, or replays its answer once it has one. Expired and
/// abandoned records are replaced; expired ones are swept now and then as keys are claimed.
/// </summary>
public sealed class IdempotencyStore(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);
    private long _lastSweep;

    public async Task<IdempotencyClaim> ClaimAsync(string ownerId, string key, string requestHash, string method, string path, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await SweepAsync(db, now, ct);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var existing = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.OwnerId == ownerId && r.Key == key, ct);
            if (existing is not null)
            {
                if (!existing.IsExpired(now) && !existing.IsAbandoned(now))
                {
                    if (existing.RequestHash != requestHash) return new IdempotencyClaim(IdempotencyClaimOutcome.Mismatch, existing);
                    return new IdempotencyClaim(existing.IsCompleted ? IdempotencyClaimOutcome.Replay : IdempotencyClaimOutcome.InProgress, existing);
                }
                // Gone stale: whoever deletes it first takes the key over (the insert below still decides).
                await db.IdempotencyRecords.Where(r => r.Id == existing.Id).ExecuteDeleteAsync(ct);
            }
            var record = IdempotencyRecord.Begin(ownerId, key, requestHash, method, path, now);
            db.IdempotencyRecords.Add(record);
            try
            {
                await db.SaveChangesAsync(ct);
                return new IdempotencyClaim(IdempotencyClaimOutcome.Claimed, record);
            }
            catch (DbUpdateException ex) when (CommandRunner.UniqueColumns(db.Model, ex.InnerException) is not null)
            {
                // Another request claimed the key between the read and the insert: look again.
                db.ChangeTracker.Clear();
            }
        }
        throw new InvalidOperationException("The idempotency key could not be claimed after repeated collisions.");
    }

    /// <summary>Remembers the answer of a claimed request.</summary>
    public async Task CompleteAsync(Guid recordId, int statusCode, string? contentType, string? location, string? etag, byte[] body, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = await db.IdempotencyRecords.SingleOrDefaultAsync(r => r.Id == recordId, ct);
        if (record is null) return; // swept or taken over meanwhile: nothing to remember it under
        record.Complete(statusCode, contentType, location, etag, body);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Frees the key of a request that failed without an answer worth repeating, so a retry runs it again.</summary>
    public async Task ReleaseAsync(Guid recordId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.IdempotencyRecords.Where(r => r.Id == recordId && !r.IsCompleted).ExecuteDeleteAsync(ct);
    }

    private async Task SweepAsync(PortalDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < SweepEvery.Ticks || Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last) return;
        await db.IdempotencyRecords.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }
}
