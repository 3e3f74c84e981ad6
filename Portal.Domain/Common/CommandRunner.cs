using System.Transactions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
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
    /// Like <see cref="RunSerializedAsync{T}(Actor, AuditSubject, Func{PortalDbContext, Task{Result{T}}}, Func{T, AuditSubject}?, CancellationToken)"/>,
    /// but serialized per parent: only commands that name one of the same parents wait for each other. For a rule about a
    /// parent's children ("a cluster keeps at least one node pool", "a tenant with projects is not deleted"), where both
    /// sides of every race (two removals; the parent's delete and a child's create) name the same parent, so the second
    /// runs its checks after the first committed and is refused with the rule's own reason. <paramref name="parents"/>
    /// runs inside the transaction before the locks (it may read ids that never change, such as a pool's cluster); the
    /// change runs after them. Several parents are locked in one fixed order, so two commands never wait on each other.
    /// </summary>
    public Task<Result<T>> RunSerializedOnAsync<T>(Actor actor, AuditSubject subject, Func<PortalDbContext, Task<IReadOnlyList<ParentLock>>> parents,
        Func<PortalDbContext, Task<Result<T>>> change, Func<T, AuditSubject>? describeSuccess = null, CancellationToken ct = default) =>
        RunCoreAsync(actor, subject, change, describeSuccess, serialized: true, ct, parents: parents);

    /// <summary><see cref="RunSerializedOnAsync{T}"/> for parents known before anything is read.</summary>
    public Task<Result<T>> RunSerializedOnAsync<T>(Actor actor, AuditSubject subject, IReadOnlyList<ParentLock> parents,
        Func<PortalDbContext, Task<Result<T>>> change, Func<T, AuditSubject>? describeSuccess = null, CancellationToken ct = default) =>
        RunSerializedOnAsync(actor, subject, _ => Task.FromResult(parents), change, describeSuccess, ct);

    /// <summary><see cref="RunSerializedOnAsync{T}"/> for a change without a value.</summary>
    public async Task<Result> RunSerializedOnAsync(Actor actor, AuditSubject subject, Func<PortalDbContext, Task<IReadOnlyList<ParentLock>>> parents,
        Func<PortalDbContext, Task<Result>> change, CancellationToken ct = default)
    {
        var result = await RunSerializedOnAsync<bool>(actor, subject, parents, async db =>
        {
            var outcome = await change(db);
            return outcome.Succeeded ? true : outcome.Refusal!;
        }, null, ct);
        return result.Succeeded ? Result.Ok() : result.Refusal!;
    }

    /// <summary><see cref="RunSerializedOnAsync(Actor, AuditSubject, Func{PortalDbContext, Task{IReadOnlyList{ParentLock}}}, Func{PortalDbContext, Task{Result}}, CancellationToken)"/> for parents known up front.</summary>
    public Task<Result> RunSerializedOnAsync(Actor actor, AuditSubject subject, IReadOnlyList<ParentLock> parents,
        Func<PortalDbContext, Task<Result>> change, CancellationToken ct = default) =>
        RunSerializedOnAsync(actor, subject, _ => Task.FromResult(parents), change, ct);

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
        int conflictRetries = 0, Func<PortalDbContext, Task<IReadOnlyList<ParentLock>>>? parents = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            var result = await TryOnceAsync(db, actor, subject, change, describeSuccess, serialized, parents, ct);
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
        Func<PortalDbContext, Task<Result<T>>> change, Func<T, AuditSubject>? describeSuccess, bool serialized,
        Func<PortalDbContext, Task<IReadOnlyList<ParentLock>>>? parents, CancellationToken ct)
    {
        // A read-only API token changes nothing: refused here, once for every command of every service.
        if (actor.WhyNotWrite() is { } readOnly) return readOnly;
        if (dispatcher.EnqueuesInTransaction)
            return await TryOnceWithJobsAsync(db, actor, subject, change, describeSuccess, serialized, parents, ct);
        await using (var transaction = serialized ? await BeginSerializedAsync(db, parents, ct) : null)
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

    /// <summary>
    /// <see cref="TryOnceAsync{T}"/> where the engine's jobs live in the portal's database (PostgreSQL): the save and the
    /// jobs of the operations it queued commit in one transaction, so an operation never exists without its job nor a job
    /// without its operation. A serialized command's transaction starts before its first read (its advisory lock must
    /// cover the checks); any other command's starts at the save, and its reads run as before. The transaction is an
    /// ambient <see cref="TransactionScope"/> because the job store opens its own connection: Npgsql hands it the
    /// connection EF enlisted and closed after the save, so one local transaction commits both (PostgreSQL refuses the
    /// two-phase commit two connections would need, which is why nothing may hold a second connection open meanwhile).
    /// </summary>
    private async Task<Result<T>> TryOnceWithJobsAsync<T>(PortalDbContext db, Actor actor, AuditSubject subject,
        Func<PortalDbContext, Task<Result<T>>> change, Func<T, AuditSubject>? describeSuccess, bool serialized,
        Func<PortalDbContext, Task<IReadOnlyList<ParentLock>>>? parents, CancellationToken ct)
    {
        Result<T> result;
        HandOver handOver;
        TransactionScope? scope = null;
        try
        {
            if (serialized)
            {
                scope = NewTransactionScope();
                await TakeLocksAsync(db, parents, ct);
            }
            result = await change(db);
            if (!result.Succeeded) return result;
            audit.AddSuccess(db, actor, describeSuccess?.Invoke(result.Value!) ?? subject);
            handOver = HandOver.Collect(db);
            scope ??= NewTransactionScope();
            if (await TrySaveAsync(db, subject.TargetType, ct) is { } refusal) return refusal;
            if (handOver.Queued.Count > 0) await dispatcher.EnqueueInTransactionAsync(handOver.Queued, ct);
            scope.Complete();
        }
        finally
        {
            // Commits when completed, rolls back otherwise (a refusal, or an exception on the way).
            scope?.Dispose();
        }
        await handOver.SendAsync(dispatcher, CancellationToken.None);
        return result;
    }

    /// <summary>
    /// The ambient transaction in which an operation's row and its job commit together on PostgreSQL: READ COMMITTED, as
    /// EF's own transactions there. Always a new one: a command is its own unit of work, even when it starts from code
    /// that inherited another command's ambient transaction (work started with <c>Task.Run</c> inside a command flows it).
    /// Nothing may hold a second connection to the database open inside it.
    /// </summary>
    public static TransactionScope NewTransactionScope() =>
        new(TransactionScopeOption.RequiresNew, new TransactionOptions { IsolationLevel = IsolationLevel.ReadCommitted },
            TransactionScopeAsyncFlowOption.Enabled);

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

    /// <summary>
    /// Advisory lock key that serialized commands share on PostgreSQL (any constant the portal uses for nothing else;
    /// these are the bytes of "portal-s").
    /// </summary>
    internal const long SerializedCommandsLock = 0x706f7274616c2d73;

    /// <summary>
    /// A transaction that only one serialized command holds at a time, taken before the command's first read.
    /// Microsoft.Data.Sqlite begins transactions IMMEDIATE, which takes SQLite's single write lock. PostgreSQL has no
    /// database-wide write lock (and READ COMMITTED lets two transactions read the same rows), so the transaction takes
    /// a transaction-scoped advisory lock that every serialized command waits for; commit or rollback releases it.
    /// </summary>
    /// <remarks>Also for the few writes outside a command (Identity's user manager) that guard a rule across rows.</remarks>
    public static Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginSerializedAsync(PortalDbContext db, CancellationToken ct) =>
        BeginSerializedAsync(db, null, ct);

    /// <summary>
    /// <see cref="BeginSerializedAsync(PortalDbContext, CancellationToken)"/>, serialized per parent when
    /// <paramref name="parents"/> is given. SQLite's write lock is one for the whole file, so there per parent is the same
    /// as for everything.
    /// </summary>
    private static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginSerializedAsync(PortalDbContext db,
        Func<PortalDbContext, Task<IReadOnlyList<ParentLock>>>? parents, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        await TakeLocksAsync(db, parents, ct);
        return transaction;
    }

    /// <summary>
    /// The advisory locks of a serialized command on PostgreSQL, inside its transaction (which releases them): the
    /// portal-wide one, or one per parent in ascending key order (a fixed order, so no two commands wait on each other).
    /// SQLite needs none: its transactions begin IMMEDIATE and take the file's single write lock.
    /// </summary>
    private static async Task TakeLocksAsync(PortalDbContext db, Func<PortalDbContext, Task<IReadOnlyList<ParentLock>>>? parents, CancellationToken ct)
    {
        if (db.Database.IsSqlite()) return;
        if (parents is null)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SerializedCommandsLock})", ct);
            return;
        }
        foreach (var key in (await parents(db)).Select(p => p.Key).Distinct().Order())
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", ct);
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
        catch (DbUpdateException ex) when (UniqueColumns(db.Model, ex.InnerException) is { } columns)
        {
            var field = UniqueField(columns);
            var what = field == Fields.Slug ? "slug" : "name";
            return Refusal.Conflict(
                field == Fields.Email ? "That person was added at the same moment by someone else."
                : field == Fields.Selection ? "Some of these entries were imported at the same moment by someone else. Reload and try again."
                : field == Fields.Kind ? "A platform of this kind was added to the Service Config at the same moment by someone else. There is at most one per kind."
                : $"Another {targetType.ToLowerInvariant()} with that {what} was saved at the same moment. Choose a different {what}.",
                field);
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteExtendedErrorCode: SqliteForeignKey or SqliteRestrict }
                                               or PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
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

    /// <summary>
    /// The columns of the unique index or key a save collided with, or null when the error is not such a collision.
    /// SQLite names them in its message ("UNIQUE constraint failed: Tenants.Slug"); PostgreSQL names the index
    /// ("IX_Tenants_Slug"), whose columns the model knows.
    /// </summary>
    internal static IReadOnlyList<string>? UniqueColumns(IModel model, Exception? error)
    {
        switch (error)
        {
            case SqliteException { SqliteExtendedErrorCode: SqliteUnique or SqlitePrimaryKey } sqlite:
                // "SQLite Error 19: 'UNIQUE constraint failed: Memberships.TenantId, Memberships.UserId'."
                var message = sqlite.Message;
                var at = message.IndexOf("failed:", StringComparison.Ordinal);
                return at < 0 ? [] : message[(at + 7)..].TrimEnd('.', '\'', ' ').Split(',', StringSplitOptions.TrimEntries)
                    .Select(column => column[(column.LastIndexOf('.') + 1)..]).ToList();
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres:
                foreach (var entity in model.GetEntityTypes())
                {
                    var table = StoreObjectIdentifier.Table(entity.GetTableName() ?? "", entity.GetSchema());
                    var columns = entity.GetIndexes().Where(i => i.GetDatabaseName(table) == postgres.ConstraintName).Select(i => i.Properties)
                        .Concat(entity.GetKeys().Where(k => k.GetName(table) == postgres.ConstraintName).Select(k => k.Properties))
                        .FirstOrDefault();
                    if (columns is not null)
                        return columns.Select(p => p.GetColumnName(table) ?? p.Name).ToList();
                }
                return [];
            default:
                return null;
        }
    }

    /// <summary>The form field behind a unique index, from its columns.</summary>
    internal static FieldKey UniqueField(IReadOnlyList<string> columns) => columns switch
    {
        _ when columns.Contains("Slug") => Fields.Slug,
        _ when columns.Contains("UserId") => Fields.Email,
        _ when columns.Contains("ProviderId") => Fields.Selection,
        _ when columns.Contains("Kind") => Fields.Kind,
        _ when columns.Any(c => c.Contains("Email", StringComparison.Ordinal)) => Fields.Email,
        _ => Fields.Name,
    };
}
