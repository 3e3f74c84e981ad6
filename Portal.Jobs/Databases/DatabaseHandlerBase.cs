using System.Text.Json.Nodes;
using Portal.Domain.Data;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;
using Portal.Jobs.ServiceConfigs;

namespace Portal.Jobs.Databases;

/// <summary>How database operations wait for CloudNativePG, and how often every database is read back.</summary>
public sealed record DatabaseOperationOptions
{
    /// <summary>How often a wait step reads the database back.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a wait step waits before failing; the operator may still converge later (retry then).</summary>
    public TimeSpan WaitLimit { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long the operator may report one phase (such as "Setting up primary") without the database becoming healthy
    /// before that counts as a fault in its own words: a stuck bootstrap must not look like progress forever.
    /// </summary>
    public TimeSpan StuckPhaseAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a fault the operator reports must persist before a wait step fails with it (status lags a fix).</summary>
    public TimeSpan FaultConfirmation { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a rolling change must look settled (healthy, every instance ready) before it counts as done: right after
    /// the apply, the operator may not have started the rollout yet and the old, healthy status is still there.
    /// </summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often every database is read back from its platform (backups, restore window, faults of idle databases).</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// What every database operation shares: loading the database and its platform's cluster, building its manifests from
/// the stored spec, applying them, waiting for CloudNativePG while recording what it reports, and turning Kubernetes
/// faults into step outcomes. Steps are idempotent: they apply (server-side) the desired objects and read state back.
/// </summary>
public abstract class DatabaseHandlerBase(DatabaseService databases, ServiceConfigService configs, PlatformClusters clusters,
    DatabaseReconciler reconciler, DatabaseOperationOptions options, TimeProvider clock) : IOperationHandler
{
    public abstract string Kind { get; }
    public abstract IReadOnlyList<OperationStepDefinition> Steps { get; }

    public Task ApplyOutcomeAsync(PortalDbContext db, Operation operation, CancellationToken ct) =>
        operation.IsFinished ? DatabaseService.ApplyOutcomeAsync(db, operation, clock.GetUtcNow(), ct) : Task.CompletedTask;

    protected DatabaseService Databases => databases;
    protected DatabaseOperationOptions Options => options;
    protected TimeProvider Clock => clock;

    /// <summary>
    /// What most steps start with: load the database, reach its platform's cluster, then do <paramref name="work"/>. When
    /// the database is gone the step fails, or is skipped with <paramref name="skipIfGone"/> (removals, where gone is the goal).
    /// </summary>
    protected async Task<StepOutcome> OnPlatformAsync(StepContext context, CancellationToken ct,
        Func<DatabaseContext, IKubernetesClient, Task<StepOutcome>> work, string? skipIfGone = null)
    {
        var database = Guid.TryParse(context.Target.Id, out var id) ? await databases.FindAsync(id, ct) : null;
        if (database is null)
            return skipIfGone is null ? StepOutcome.Failed($"Database {context.Target.Name} no longer exists in the portal; there is nothing left to do.") : StepOutcome.Skipped(skipIfGone);
        var client = await ClientAsync(database.Database.PlatformId, ct);
        if (!client.Succeeded) return FromError(client.Error!, "Could not reach the PostgreSQL platform's cluster");
        return await work(database, client.Value!);
    }

    protected async Task<RemoteResult<IKubernetesClient>> ClientAsync(Guid platformId, CancellationToken ct)
    {
        var platform = await configs.FindPlatformAsync(platformId, ct);
        return platform is null
            ? new RemoteError(RemoteErrorKind.NotFound, "The database's PostgreSQL platform no longer exists.")
            : await clusters.WorkloadClusterAsync(platform, ct);
    }

    /// <summary>The manifest spec of the database as stored, with the platform's object store when backups are on (or it was restored).</summary>
    protected async Task<DatabaseManifestSpec> SpecOfAsync(DatabaseContext context, CancellationToken ct)
    {
        var database = context.Database;
        var needsStore = database.BackupsEnabled || database.RestoredFromServer is not null;
        var store = needsStore ? await configs.GetBackupStoreAsync(database.PlatformId, ct) : null;
        return DatabaseSpecs.Of(database, context.Namespace, store);
    }

    /// <summary>Unreachable, timeouts and server errors pass; the rest need a person.</summary>
    protected static StepOutcome FromError(RemoteError error, string doing) => StepOutcome.FromRemote(error, doing);

    protected static async Task<StepOutcome?> ApplyAllAsync(IKubernetesClient client, IEnumerable<JsonObject> manifests, CancellationToken ct)
    {
        foreach (var manifest in manifests)
        {
            var applied = await client.ApplyAsync(manifest, ct);
            if (!applied.Succeeded)
                return FromError(applied.Error!, $"Could not apply {manifest["kind"]} {manifest["metadata"]?["name"]}");
        }
        return null;
    }

    /// <summary>
    /// Applies the database's Cluster with <paramref name="change"/> made to the stored spec, then records the change on
    /// the database (the stored spec is what was applied, never what was only asked for).
    /// </summary>
    protected Task<StepOutcome> ApplyChangeAsync(StepContext context, CancellationToken ct, Func<DatabaseManifestSpec, DatabaseManifestSpec> change,
        Action<ManagedDatabase, DateTimeOffset> record, string done) =>
        OnPlatformAsync(context, ct, async (database, client) =>
        {
            var spec = change(await SpecOfAsync(database, ct));
            if (await ApplyAllAsync(client, [DatabaseManifests.Cluster(spec)], ct) is { } failed) return failed;
            await databases.ApplyAsync(database.Database.Id, record, ct);
            return StepOutcome.Succeeded(done);
        });

    /// <summary>
    /// Applies the database's desired state again — every object as stored, which every apply step records right after
    /// applying — for a wait whose Cluster is missing: the platform's cluster may have lost it (restored from a backup,
    /// or a demo cloud saved before the portal stopped). Server-side apply is idempotent. Null when applied.
    /// </summary>
    protected async Task<StepOutcome?> ReapplyAsync(DatabaseContext database, IKubernetesClient client, CancellationToken ct) =>
        await ApplyAllAsync(client, DatabaseManifests.All(await SpecOfAsync(database, ct)), ct);

    /// <summary>
    /// Polls the database until <paramref name="check"/> says it is done, recording what the operator reports on the way
    /// (so list and detail show its phase live). A fault the operator reports fails the step once it persists; so does a
    /// phase that has lasted longer than <see cref="DatabaseOperationOptions.StuckPhaseAfter"/>.
    /// </summary>
    /// <remarks>
    /// Level-triggered: it waits for the desired state, not for one earlier apply's effect. When the Cluster is missing,
    /// and once before the first look when the step resumes after the portal stopped mid-wait, the database's objects
    /// are applied again (<see cref="ReapplyAsync"/>), so a platform cluster that lost them converges instead of the
    /// step timing out.
    /// </remarks>
    protected Task<StepOutcome> WaitAsync(StepContext context, string what, Func<DatabaseObservation, DatabaseContext, string?> check, CancellationToken ct,
        bool settle = false) =>
        OnPlatformAsync(context, ct, async (database, client) =>
        {
            var started = clock.GetUtcNow();
            string? lastMessage = null;
            DateTimeOffset? faultSince = null;
            DateTimeOffset? settledSince = null;
            string? phase = null;
            var phaseSince = started;
            if (context.Resumed)
            {
                await context.ReportAsync($"The portal stopped during this step; applying the database again before waiting for {what}.", ct);
                if (await ReapplyAsync(database, client, ct) is { } notApplied) return notApplied;
            }
            while (true)
            {
                var read = await reconciler.ReadAsync(client, database, ct);
                string message;
                if (!read.Succeeded)
                {
                    message = $"Could not read the database back: {read.Error!.Message}";
                }
                else if (!read.Value!.Exists)
                {
                    if (await ReapplyAsync(database, client, ct) is { } notApplied) return notApplied;
                    message = $"Cluster {database.Database.Name} was missing on the platform's cluster; applied it again.";
                }
                else
                {
                    var seen = read.Value!;
                    await reconciler.RecordAsync(database.Database.Id, seen, ct);
                    var now = clock.GetUtcNow();
                    if (!string.Equals(phase, seen.Phase, StringComparison.Ordinal)) (phase, phaseSince) = (seen.Phase, now);
                    if (seen.Fault is { } fault)
                    {
                        faultSince ??= now;
                        if (now - faultSince.Value >= options.FaultConfirmation)
                            return StepOutcome.Failed($"The operator reports a fault: {fault}");
                    }
                    else
                    {
                        faultSince = null;
                    }
                    if (seen.Fault is null && check(seen, database) is null)
                    {
                        settledSince ??= now;
                        if (!settle || now - settledSince.Value >= options.SettleTime)
                            return StepOutcome.Succeeded(Describe(seen));
                    }
                    else
                    {
                        settledSince = null;
                    }
                    if (phase is not null && phase != ManagedDatabase.HealthyPhase && now - phaseSince > options.StuckPhaseAfter)
                        return StepOutcome.Failed($"The operator has reported \"{phase}\" for {(int)(now - phaseSince).TotalMinutes} minutes without getting further"
                            + (string.IsNullOrWhiteSpace(seen.PhaseReason) ? "" : $": {seen.PhaseReason}") + ". Check the platform's cluster (storage, images, node capacity), then retry.");
                    message = seen.Fault is { } shown ? $"The operator reports a fault: {shown}" : check(seen, database) ?? $"Waiting for {what}…";
                }
                if (message != lastMessage)
                {
                    await context.ReportAsync(message, ct);
                    lastMessage = message;
                }
                if (clock.GetUtcNow() - started > options.WaitLimit)
                    return StepOutcome.Failed($"Gave up waiting for {what} after {options.WaitLimit.TotalMinutes:0} minutes. Last state: {message} Check the platform's cluster, then retry.");
                await Task.Delay(options.PollInterval, clock, ct);
            }
        });

    /// <summary>Null when every instance the database asks for is ready and the operator calls it healthy; otherwise what it still waits for.</summary>
    protected static string? AllInstancesReady(DatabaseObservation seen, DatabaseContext database) =>
        seen.Healthy && seen.ReadyInstances >= database.Database.Instances
            ? null
            : $"{seen.ReadyInstances} of {database.Database.Instances} instances ready ({seen.Phase ?? "no status yet"}{(seen.PhaseReason is { } reason ? $": {reason}" : "")}).";

    private static string Describe(DatabaseObservation seen) =>
        $"{seen.ReadyInstances} of {seen.Instances} instances ready{(seen.CurrentPrimary is { } primary ? $", primary {primary}" : "")}.";

    /// <summary>
    /// Waits for the operation's on-demand Backup (of this attempt) to complete; a failed backup fails the step with its
    /// error. The Backup is applied first (idempotent): a retry resumes at this step, and its attempt's Backup is new.
    /// </summary>
    protected Task<StepOutcome> WaitForBackupAsync(StepContext context, string failurePrefix, CancellationToken ct) =>
        OnPlatformAsync(context, ct, async (database, client) =>
        {
            var spec = await SpecOfAsync(database, ct);
            if (spec.Store is null || spec.Backups is null)
                return StepOutcome.Failed("The database has no backup object store: turn backups on, or ask a platform admin to configure the store.");
            var name = DatabaseManifests.OnDemandBackupName(spec, context.OperationId, context.Attempt);
            var manifest = DatabaseManifests.OnDemandBackup(spec, context.OperationId, context.Attempt);
            if (await ApplyAllAsync(client, [manifest], ct) is { } notStarted) return notStarted;
            var started = clock.GetUtcNow();
            string? last = null;
            while (true)
            {
                var backup = await client.GetAsync(DatabaseManifests.ApiVersion, "Backup", database.Namespace, name, ct);
                if (!backup.Succeeded && !backup.IsNotFound) return FromError(backup.Error!, $"Could not read backup {name}");
                // Gone after it was applied: the platform's cluster lost it; it will not come back by waiting.
                if (backup.IsNotFound && await ApplyAllAsync(client, [manifest], ct) is { } lost) return lost;
                var status = backup.Value?["status"] as JsonObject;
                var phase = status?["phase"]?.GetValue<string>();
                if (phase == "completed")
                {
                    await reconciler.ReconcileAsync(database.Database.Id, ct);
                    return StepOutcome.Succeeded($"Backup {name} completed{(status?["stoppedAt"]?.GetValue<string>() is { } at ? $" at {at}" : "")}.");
                }
                if (phase == "failed")
                {
                    await reconciler.ReconcileAsync(database.Database.Id, ct);
                    return StepOutcome.Failed($"{failurePrefix}: {status?["error"]?.GetValue<string>() ?? "the operator gave no reason"}");
                }
                var message = backup.IsNotFound ? $"Waiting for backup {name} to appear…" : $"Backup {name} is {phase ?? "pending"}…";
                if (message != last) await context.ReportAsync(last = message, ct);
                if (clock.GetUtcNow() - started > options.WaitLimit)
                    return StepOutcome.Failed($"Gave up waiting for backup {name} after {options.WaitLimit.TotalMinutes:0} minutes. Check the object store, then retry.");
                await Task.Delay(options.PollInterval, clock, ct);
            }
        });

    /// <summary>The last step of a change: reads the database back now; the operation's success makes it Active again.</summary>
    protected async Task<StepOutcome> FinishAsync(StepContext context, string message, CancellationToken ct)
    {
        if (!Guid.TryParse(context.Target.Id, out var id)) return StepOutcome.Failed("The operation names no database.");
        try
        {
            await reconciler.ReconcileAsync(id, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await context.ReportAsync($"Done; reading the database back failed ({ex.GetType().Name}); the periodic reconcile will.", ct);
        }
        return StepOutcome.Succeeded(message);
    }
}
