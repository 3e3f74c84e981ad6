using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Domain.Auditing;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;

namespace Portal.Jobs.Operations;

/// <summary>
/// The operations engine's front door: queue operations, retry and cancel them, read the action history and the
/// engine's health.
/// </summary>
/// <remarks>
/// Queuing is outbox-style: the Operation row is committed first, then the Hangfire job is enqueued (it carries only
/// the operation id), and the job tolerates a missing or finished row. If the process dies between the two, the
/// start-up sweep enqueues the queued row.
/// </remarks>
public sealed class OperationService(IDbContextFactory<PortalDbContext> dbFactory, OperationHandlers handlers, OperationsEngine engine,
    OperationNotifier notifier, CommandRunner commands, OperationsOptions options, TimeProvider clock, ILogger<OperationService> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Builds a Queued operation with the step log of the kind's handler, for <see cref="EnqueueAsync"/>. The domain's
    /// commands do not use it: they record their operations from the kind's declaration (<see cref="OperationKind"/>),
    /// and their commit hands them over. An unknown kind is a wiring error and throws.
    /// </summary>
    public Operation Prepare(Actor requestedBy, OperationRequest request)
    {
        var handler = handlers.Get(request.Kind);
        var parameters = request.Parameters is null ? "{}" : JsonSerializer.Serialize(request.Parameters, Json);
        return Operation.Create(handler.Kind, request.Target, parameters, requestedBy, handler.Steps.Select(s => s.Name).ToList(), clock.GetUtcNow());
    }

    /// <summary>Hands a committed operation to the engine.</summary>
    public async Task DispatchAsync(Guid operationId, CancellationToken ct = default)
    {
        try
        {
            await engine.DispatchAsync(operationId, ct: ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The row is committed and stays Queued: the sweep dispatches it. The request itself succeeded.
            logger.LogError(ex, "Operation {OperationId} is queued but could not be scheduled now; the engine's sweep picks it up", operationId);
        }
    }

    /// <summary>
    /// Records and queues an operation on its own (no other change to commit with it). The caller has already
    /// authorized and audited the action the operation carries out; returns the operation's id.
    /// </summary>
    public async Task<Guid> EnqueueAsync(Actor requestedBy, OperationRequest request, CancellationToken ct = default)
    {
        var operation = Prepare(requestedBy, request);
        var jobCreated = false;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Operations.Add(operation);
            // On PostgreSQL the row and its job commit together (see CommandRunner); elsewhere the row is the durable queue.
            using var transaction = options.UsesPostgreSql ? CommandRunner.NewTransactionScope() : null;
            await db.SaveChangesAsync(ct);
            if (transaction is not null)
            {
                jobCreated = engine.CreateJobInTransaction(operation.Id);
                transaction.Complete();
            }
        }
        notifier.Publish(OperationChanged.Of(operation));
        if (!jobCreated) await DispatchAsync(operation.Id, ct);
        return operation.Id;
    }

    /// <summary>Runs a Failed operation again from its first unfinished step. Platform admins only.</summary>
    public Task<Result> RetryAsync(Actor actor, Guid operationId, CancellationToken ct = default) =>
        ChangeAsync(actor, operationId, "operation.retry", "Only platform admins can retry operations.",
            (operation, now) => operation.Retry(actor, now), ct);

    /// <summary>
    /// Cancels a Queued operation at once, or asks a Running one to stop at its next safe point (between steps,
    /// or when the running step honours its cancellation token). Records who asked. Platform admins only.
    /// </summary>
    public Task<Result> CancelAsync(Actor actor, Guid operationId, CancellationToken ct = default) =>
        ChangeAsync(actor, operationId, "operation.cancel", "Only platform admins can cancel operations.",
            (operation, now) => operation.RequestCancel(actor, now), ct);

    /// <summary>
    /// Tells live views that an operation changed (after a change recorded outside this service, such as a tenant's
    /// retry); returns its state now, or null when it no longer exists.
    /// </summary>
    public async Task<OperationState?> AnnounceAsync(Guid operationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var operation = await db.Operations.AsNoTracking().Include(o => o.Steps).SingleOrDefaultAsync(o => o.Id == operationId, ct);
        if (operation is not null) notifier.Publish(OperationChanged.Of(operation));
        return operation?.State;
    }

    /// <summary>
    /// After a cancellation was recorded elsewhere (for example by a tenant's cluster service): interrupts the running
    /// step of an operation that is still Running. One already Cancelled needs nothing: its job finds it finished.
    /// </summary>
    public async Task SignalCancelAsync(Guid operationId, OperationState stateAfter, CancellationToken ct = default)
    {
        try
        {
            if (stateAfter != OperationState.Cancelled)
                await engine.InterruptAsync(operationId, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The request is recorded; the run sees it before its next step.
            logger.LogWarning(ex, "Could not signal the cancellation of operation {OperationId} to its run", operationId);
        }
    }

    public async Task<Result<OperationView>> GetAsync(Actor actor, Guid operationId, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var page = await ViewsAsync(db, db.Operations.AsNoTracking().Where(o => o.Id == operationId), new PageRequest(0, 1), ct);
        return page.Items.Count == 1 ? page.Items[0] : Refusal.NotFound("The operation");
    }

    /// <summary>One resource's action history, newest first, with step logs.</summary>
    public async Task<Result<Page<OperationView>>> ListForTargetAsync(Actor actor, string targetType, string targetId, PageRequest page,
        CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Operations.AsNoTracking().Where(o => o.TargetType == targetType && o.TargetId == targetId);
        return await ViewsAsync(db, query, page, ct);
    }

    /// <summary>Every operation matching the filter, newest first, with step logs. Platform readers.</summary>
    public async Task<Result<Page<OperationView>>> ListAsync(Actor actor, OperationFilter filter, PageRequest page, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ViewsAsync(db, Filtered(db.Operations.AsNoTracking(), filter), page, ct);
    }

    /// <summary>The operations page's filters applied to <paramref name="query"/>.</summary>
    private static IQueryable<Operation> Filtered(IQueryable<Operation> query, OperationFilter filter)
    {
        if (filter.State is { } state)
            query = query.Where(o => o.State == state);
        // Case-insensitive on both providers (see TextSearch): LIKE alone ignores case on SQLite only.
        if (Text(filter.Kind) is { } kind)
        {
            var pattern = TextSearch.ContainsPattern(kind);
            query = query.Where(o => EF.Functions.Like(o.Kind.ToUpper(), pattern, TextSearch.Escape));
        }
        if (Text(filter.Target) is { } target)
        {
            var pattern = TextSearch.ContainsPattern(target);
            query = query.Where(o => EF.Functions.Like(o.TargetName.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(o.TargetType.ToUpper(), pattern, TextSearch.Escape) || o.TargetId == target);
        }
        if (Text(filter.RequestedBy) is { } user)
        {
            var pattern = TextSearch.ContainsPattern(user);
            query = query.Where(o => EF.Functions.Like(o.RequestedByName.ToUpper(), pattern, TextSearch.Escape));
        }
        if (filter.From is { } from)
            query = query.Where(o => o.CreatedAt >= from.ToUniversalTime());
        if (filter.To is { } to)
            query = query.Where(o => o.CreatedAt <= to.ToUniversalTime());
        return query;
    }

    /// <summary>
    /// One operation, if the actor may read it (<see cref="VisibleAsync"/>): unlike <see cref="GetAsync"/>, tenant members
    /// read the operations of their tenants' clusters, node pools and databases. Anything else is not found.
    /// </summary>
    public async Task<Result<OperationView>> GetVisibleAsync(Actor actor, Guid operationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var page = await ViewsAsync(db, (await VisibleAsync(db, actor, ct)).Where(o => o.Id == operationId), new PageRequest(0, 1), ct);
        return page.Items.Count == 1 ? page.Items[0] : Refusal.NotFound("The operation");
    }

    /// <summary>
    /// The operations the actor may read (<see cref="VisibleAsync"/>) matching the filter, newest first, with step logs:
    /// every operation for platform readers, as <see cref="ListAsync"/>; their tenants' for everyone else.
    /// </summary>
    public async Task<Page<OperationView>> ListVisibleAsync(Actor actor, OperationFilter filter, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ViewsAsync(db, Filtered(await VisibleAsync(db, actor, ct), filter), page, ct);
    }

    /// <summary>
    /// Which operations an actor may read. Platform readers (not limited to tenants by their token) read every one. Anyone
    /// else reads those whose target is a cluster, a node pool of a cluster or a managed database of a tenant they read
    /// (within their token's tenants) — what the cluster and database pages show them — and the deletions they requested
    /// themselves, whose target is gone once they succeed (not through a token limited to tenants, which could not tell
    /// a deletion in another tenant; a service account belongs to one tenant, so its own are always within it).
    /// </summary>
    private static async Task<IQueryable<Operation>> VisibleAsync(PortalDbContext db, Actor actor, CancellationToken ct)
    {
        var all = db.Operations.AsNoTracking();
        if (TenantAccess.ReadsEveryTenant(actor)) return all;
        var tenantIds = await TenantAccess.TenantIdsWithRole(db, actor).Distinct().ToListAsync(ct);
        var clusterIds = await db.Clusters.AsNoTracking().Where(c => tenantIds.Contains(c.TenantId)).Select(c => c.Id).ToListAsync(ct);
        var poolIds = await db.NodePools.AsNoTracking().Where(p => clusterIds.Contains(p.ClusterId)).Select(p => p.Id).ToListAsync(ct);
        var databaseIds = await db.Databases.AsNoTracking().Where(d => tenantIds.Contains(d.TenantId)).Select(d => d.Id).ToListAsync(ct);
        // Targets are recorded as Guid.ToString(); compared as text, as the history queries do.
        var clusters = clusterIds.Select(id => id.ToString()).ToList();
        var pools = poolIds.Select(id => id.ToString()).ToList();
        var databases = databaseIds.Select(id => id.ToString()).ToList();
        var ownDeletions = actor.Credential?.TenantLimit is null || actor.Credential.ServiceAccountId is not null;
        List<string> deletions = [ClusterOperations.Delete, ClusterOperations.RemovePool, DatabaseOperations.Delete];
        var me = actor.UserId;
        return all.Where(o => (o.TargetType == ClusterOperations.ClusterTarget && clusters.Contains(o.TargetId))
            || (o.TargetType == ClusterOperations.PoolTarget && pools.Contains(o.TargetId))
            || (o.TargetType == DatabaseOperations.Target && databases.Contains(o.TargetId))
            || (ownDeletions && o.RequestedById == me && deletions.Contains(o.Kind)));
    }

    /// <summary>The kinds that exist: those the installed handlers run and those found in the history.</summary>
    public async Task<IReadOnlyList<string>> ListKindsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var recorded = await db.Operations.AsNoTracking().Select(o => o.Kind).Distinct().ToListAsync(ct);
        return recorded.Concat(handlers.Kinds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public async Task<EngineHealth> GetHealthAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.Operations.AsNoTracking()
            .Where(o => o.State == OperationState.Queued || o.State == OperationState.Running)
            .GroupBy(o => o.State)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var oldestQueued = await db.Operations.AsNoTracking().Where(o => o.State == OperationState.Queued)
            .OrderBy(o => o.CreatedAt).Select(o => (DateTimeOffset?)o.CreatedAt).FirstOrDefaultAsync(ct);
        return new EngineHealth(engine.IsRunning,
            counts.FirstOrDefault(c => c.State == OperationState.Queued)?.Count ?? 0,
            counts.FirstOrDefault(c => c.State == OperationState.Running)?.Count ?? 0,
            await engine.ExecutingCountAsync(ct),
            oldestQueued);
    }

    /// <summary>
    /// Applies a person's request to the operation through the command runner: audited, decided again on the fresh row
    /// when the engine wrote it first (a conflict with the engine is not the person's problem), and handed over on commit
    /// — a retry queues the operation again, a cancel interrupts its run — like every other command.
    /// </summary>
    private async Task<Result> ChangeAsync(Actor actor, Guid operationId, string action, string forbidden,
        Func<Operation, DateTimeOffset, Result> change, CancellationToken ct)
    {
        var subject = new AuditSubject(action, "Operation", operationId.ToString(), operationId.ToString());
        var result = await commands.RunDecidingAgainOnConflictAsync<AuditSubject>(actor, subject, async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden(forbidden);
            var operation = await db.Operations.Include(o => o.Steps).SingleOrDefaultAsync(o => o.Id == operationId, ct);
            if (operation is null) return Refusal.NotFound("The operation");
            if (Portal.Domain.Clusters.ClusterOperations.IsClusterKind(operation.Kind))
                // The cluster's state follows these; its page retries and cancels them together with it.
                return Refusal.Conflict($"This is an action on {operation.TargetName}. Retry or cancel it from the cluster's page, where the cluster's state follows it.");
            var stateBefore = operation.State;
            var outcome = change(operation, clock.GetUtcNow());
            if (!outcome.Succeeded) return outcome.Refusal!;
            // Its resource follows in the same save: a cancel that ended a queued operation, a retry that queued it again.
            if (operation.State != stateBefore && handlers.Find(operation.Kind) is { } handler)
                await handler.ApplyOutcomeAsync(db, operation, ct);
            return subject with { TargetName = $"{operation.Kind} on {operation.TargetType} {operation.TargetName}" };
        }, named => named, ct);
        return result.Succeeded ? Result.Ok() : result.Refusal!;
    }

    private static async Task<Page<OperationView>> ViewsAsync(PortalDbContext db, IQueryable<Operation> query, PageRequest page, CancellationToken ct)
    {
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(o => new
            {
                o.Id, o.Kind, o.TargetType, o.TargetId, o.TargetName, o.Parameters, o.State, o.RequestedByName, o.CreatedAt, o.StartedAt,
                o.FinishedAt, o.Attempt, o.CancelRequested, o.CancelledByName, o.Error,
            })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var steps = (await db.OperationSteps.AsNoTracking().Where(s => ids.Contains(s.OperationId)).ToListAsync(ct))
            .ToLookup(s => s.OperationId);
        var items = rows.Select(r => new OperationView(r.Id, r.Kind, r.TargetType, r.TargetId, r.TargetName, r.Parameters, r.State,
                r.RequestedByName, r.CreatedAt, r.StartedAt, r.FinishedAt, r.Attempt, r.CancelRequested, r.CancelledByName, r.Error,
                steps[r.Id].OrderBy(s => s.Index)
                    .Select(s => new OperationStepView(s.Index, s.Name, s.State, s.StartedAt, s.FinishedAt, s.Message)).ToList()))
            .ToList();
        return new Page<OperationView>(items, total);
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
