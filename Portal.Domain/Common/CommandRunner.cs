using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Data;

namespace Portal.Domain.Common;

/// <summary>
/// Runs one mutating request in its own short-lived context: the change and its audit entry commit
/// together; a refusal (from the rules, a concurrent writer, or a constraint the database caught in a
/// race) changes nothing and is audited on its own.
/// </summary>
public sealed class CommandRunner(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit)
{
    public async Task<Result<T>> RunAsync<T>(Actor actor, AuditSubject subject,
        Func<PortalDbContext, Task<Result<T>>> change, Func<T, AuditSubject>? describeSuccess = null,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var result = await change(db);
        if (result.Succeeded)
        {
            audit.AddSuccess(db, actor, describeSuccess?.Invoke(result.Value!) ?? subject);
            var refusal = await TrySaveAsync(db, subject.TargetType, ct);
            if (refusal is null)
                return result;
            result = refusal;
        }

        await audit.RecordRefusalAsync(db, actor, subject, result.Refusal!, ct);
        return result;
    }

    public async Task<Result> RunAsync(Actor actor, AuditSubject subject, Func<PortalDbContext, Task<Result>> change,
        CancellationToken ct = default)
    {
        var result = await RunAsync<bool>(actor, subject, async db =>
        {
            var outcome = await change(db);
            return outcome.Succeeded ? true : outcome.Refusal!;
        }, null, ct);
        return result.Succeeded ? Result.Ok() : result.Refusal!;
    }

    private static async Task<Refusal?> TrySaveAsync(PortalDbContext db, string targetType, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Concurrency($"This {targetType.ToLowerInvariant()}");
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 })
        {
            return Refusal.Conflict($"Another {targetType.ToLowerInvariant()} with that name was saved at the same moment. Choose a different name.", "Name");
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteExtendedErrorCode: 787 })
        {
            return Refusal.Conflict($"This {targetType.ToLowerInvariant()} is still referenced by something created meanwhile. Reload and try again.");
        }
    }
}
