using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Data;
using Portal.Domain.Operations;

namespace Portal.Domain.Common;

/// <summary>
/// Runs one mutating request in its own short-lived context: the change and its audit entry commit
/// together; a refusal (from the rules, a concurrent writer, or a constraint the database caught in a
/// race) changes nothing and is audited on its own. Operations the change recorded are handed to the engine
/// once it is committed (see <see cref="IOperationDispatcher"/>), here and nowhere else.
/// </summary>
public sealed class CommandRunner(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, IOperationDispatcher dispatcher)
{
    public Task<Result<T>> RunAsync<T>(Actor actor, AuditSubject subject,
        Func<PortalDbContext, Task<Result<T>>> change, Func<T, AuditSubject>? describeSuccess = null,
        CancellationToken ct = default) =>
        RunCoreAsync(actor, subject, change, describeSuccess, serialized: false, ct);

    /// <summary>
    /// Like <see cref="RunAsync(Actor, AuditSubject, Func{PortalDbContext, Task{Result}}, CancellationToken)"/>, but the
    /// checks and the save run in one write transaction taken up front, so concurrent commands run one after
    /// another. For rules that span several rows and that no constraint can hold (such as "a tenant keeps at
    /// least one tenant admin"), where two requests checking at the same moment could otherwise both pass.
    /// </summary>
    public Task<Result<T>> RunSerializedAsync<T>(Actor actor, AuditSubject subject, Func<PortalDbContext, Task<Result<T>>> change,
        Func<T, AuditSubject>? describeSuccess = null, CancellationToken ct = default) =>
        RunCoreAsync(actor, subject, change, describeSuccess, serialized: true, ct);

    /// <summary>
    /// Like <see cref="RunAsync{T}(Actor, AuditSubject, Func{PortalDbContext, Task{Result{T}}}, Func{T, AuditSubject}?, CancellationToken)"/>,
    /// for a person's request about rows the engine writes all the time (cancel or retry an operation while its steps
    /// record progress): a write conflict is not the person's problem, so the request is decided again on the fresh
    /// rows instead of being refused.
    /// </summary>
    public Task<Result<T>> RunDecidingAgainOnConflictAsync<T>(Actor actor, AuditSubject subject, Func<PortalDbContext, Task<Result<T>>> change,
        Func<T, AuditSubject>? describeSuccess = null, CancellationToken ct = default) =>
        RunCoreAsync(actor, subject, change, describeSuccess, serialized: false, ct, conflictRetries: MaxConflictRetries);

    /// <summary>How often a request is decided again after the engine wrote the same rows first.</summary>
    private const int MaxConflictRetries = 10;

    public async Task<Result> RunSerializedAsync(Actor actor, AuditSubject subject, Func<PortalDbContext, Task<Result>> change,
        CancellationToken ct = default)
    {
        var result = await RunCoreAsync<bool>(actor, subject, async db =>
        {
            var outcome = await change(db);
            return outcome.Succeeded ? true : outcome.Refusal!;
        }, null, serialized: true, ct);
        return result.Succeeded ? Result.Ok() : result.Refusal!;
    }

    private async Task<Result<T>> RunCoreAsync<T>(Actor actor, AuditSubject subject,
        Func<PortalDbContext, Task<Result<T>>> change, Func<T, AuditSubject>? describeSuccess, bool serialized, CancellationToken ct,
        int conflictRetries = 0)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            var result = await TryOnceAsync(db, actor, subject, change, describeSuccess, serialized, ct);
            if (result.Succeeded) return result;
            if (result.Refusal!.Kind == RefusalKind.Concurrency && attempt < conflictRetries)
            {
                db.ChangeTracker.Clear();
                continue;
            }
            await audit.RecordRefusalAsync(db, actor, subject, result.Refusal!, ct);
            return result;
        }
    }

    /// <summary>Decides and saves once; a refusal changed nothing and is not audited yet.</summary>
    private async Task<Result<T>> TryOnceAsync<T>(PortalDbContext db, Actor actor, AuditSubject subject,
        Func<PortalDbContext, Task<Result<T>>> change, Func<T, AuditSubject>? describeSuccess, bool serialized, CancellationToken ct)
    {
        // Microsoft.Data.Sqlite begins transactions IMMEDIATE: the write lock is taken before the first read.
        await using (var transaction = serialized ? await db.Database.BeginTransactionAsync(ct) : null)
        {
            var result = await change(db);
            if (result.Succeeded)
            {
                audit.AddSuccess(db, actor, describeSuccess?.Invoke(result.Value!) ?? subject);
                var handOver = HandOver.Collect(db);
                var refusal = await TrySaveAsync(db, subject.TargetType, ct);
                if (refusal is null)
                {
                    if (transaction is not null) await transaction.CommitAsync(ct);
                    // Committed: the engine may run them now. Not with the request's token: the change stands whether or
                    // not the person is still waiting, and the engine should hear of it at once rather than at its sweep.
                    await handOver.SendAsync(dispatcher, CancellationToken.None);
                    return result;
                }
                return refusal;
            }
            // Refused by the rules: nothing was saved, and the serialized transaction rolls back with its scope.
            return result;
        }
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
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteExtendedErrorCode: SqliteUnique or SqlitePrimaryKey } unique)
        {
            var field = UniqueField(unique.Message);
            var what = field == Fields.Slug ? "slug" : "name";
            return Refusal.Conflict(
                field == Fields.Email ? "That person was added at the same moment by someone else."
                : field == Fields.Selection ? "Some of these entries were imported at the same moment by someone else. Reload and try again."
                : field == Fields.Kind ? "A platform of this kind was added to the Service Config at the same moment by someone else. There is at most one per kind."
                : $"Another {targetType.ToLowerInvariant()} with that {what} was saved at the same moment. Choose a different {what}.",
                field);
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteExtendedErrorCode: SqliteForeignKey or SqliteRestrict })
        {
            return Refusal.Conflict($"This {targetType.ToLowerInvariant()} changed meanwhile: something now depends on it, or something it depends on was deleted. Reload and try again.");
        }
    }

    /// <summary>The operations a change recorded that the engine must hear about once it is committed.</summary>
    private sealed record HandOver(IReadOnlyCollection<Guid> Queued, IReadOnlyCollection<Guid> CancelRequested)
    {
        /// <summary>Read before saving, while the tracker still knows what each row was: added, or moved back to Queued (a retry), or asked to cancel.</summary>
        public static HandOver Collect(PortalDbContext db)
        {
            var queued = new List<Guid>();
            var cancel = new List<Guid>();
            foreach (var entry in db.ChangeTracker.Entries<Operation>())
            {
                var operation = entry.Entity;
                if (entry.State == EntityState.Added)
                {
                    if (operation.State == OperationState.Queued) queued.Add(operation.Id);
                }
                else if (entry.State == EntityState.Modified)
                {
                    if (operation.State == OperationState.Queued && entry.Property(o => o.State).OriginalValue != OperationState.Queued)
                        queued.Add(operation.Id);
                    if (operation.CancelRequested && !entry.Property(o => o.CancelRequested).OriginalValue)
                        cancel.Add(operation.Id);
                }
            }
            return new HandOver(queued, cancel);
        }

        public async Task SendAsync(IOperationDispatcher dispatcher, CancellationToken ct)
        {
            if (Queued.Count > 0) await dispatcher.DispatchAsync(Queued, ct);
            if (CancelRequested.Count > 0) await dispatcher.SignalCancelAsync(CancelRequested, ct);
        }
    }

    // SQLite's extended result codes for constraint violations (sqlite.org/rescode.html).
    private const int SqliteUnique = 2067;
    private const int SqlitePrimaryKey = 1555;
    private const int SqliteForeignKey = 787;
    /// <summary>What SQLite reports for an ON DELETE RESTRICT violation (SQLITE_CONSTRAINT_TRIGGER).</summary>
    private const int SqliteRestrict = 1811;

    /// <summary>The form field behind a unique index, from SQLite's message ("UNIQUE constraint failed: Tenants.Slug").</summary>
    internal static FieldKey UniqueField(string message)
    {
        var columns = message.Contains("constraint failed:", StringComparison.Ordinal) ? message[(message.IndexOf("failed:", StringComparison.Ordinal) + 7)..] : "";
        return columns switch
        {
            _ when columns.Contains(".Slug", StringComparison.Ordinal) => Fields.Slug,
            _ when columns.Contains(".UserId", StringComparison.Ordinal) => Fields.Email,
            _ when columns.Contains(".ProviderId", StringComparison.Ordinal) => Fields.Selection,
            _ when columns.Contains(".Kind", StringComparison.Ordinal) => Fields.Kind,
            _ when columns.Contains("Email", StringComparison.Ordinal) => Fields.Email,
            _ => Fields.Name,
        };
    }
}
