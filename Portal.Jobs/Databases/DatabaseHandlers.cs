using System.Text.Json.Nodes;
using Portal.Domain.Databases;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;
using Portal.Jobs.ServiceConfigs;
using DbSteps = Portal.Domain.Databases.DatabaseOperations.Steps;

namespace Portal.Jobs.Databases;

/// <summary>The services every database handler is built from (one registration instead of six constructor parameters each).</summary>
public sealed record DatabaseHandlerServices(DatabaseService Databases, ServiceConfigService Configs, PlatformClusters Clusters,
    DatabaseReconciler Reconciler, DatabaseOperationOptions Options, TimeProvider Clock);

public abstract class DatabaseHandler(DatabaseHandlerServices s)
    : DatabaseHandlerBase(s.Databases, s.Configs, s.Clusters, s.Reconciler, s.Options, s.Clock);

/// <summary>Creates a database (or, for a restore, bootstraps it from another's backups): namespace, credentials, the Cluster, then waits for it.</summary>
public class CreateDatabaseHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Create;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.PrepareNamespace, PrepareAsync),
        new(DbSteps.ApplyDatabase, ApplyAsync),
        new(WaitStep, (c, ct) => WaitAsync(c, "the primary instance", (seen, _) => seen.ReadyInstances >= 1
            ? null : $"The primary is not up yet ({seen.Phase ?? "no status yet"}{(seen.PhaseReason is { } r ? $": {r}" : "")}).", ct)),
        new(DbSteps.WaitForInstances, (c, ct) => WaitAsync(c, "every instance", AllInstancesReady, ct)),
        new(DbSteps.ActivateDatabase, (c, ct) => FinishAsync(c, "The database is active.", ct)),
    ];

    protected virtual string WaitStep => DbSteps.WaitForPrimary;

    private Task<StepOutcome> PrepareAsync(StepContext context, CancellationToken ct) =>
        OnPlatformAsync(context, ct, async (database, client) =>
        {
            // The engine picked the create up: the database is Creating from now on (a retry finds it so already).
            await Databases.ApplyAsync(database.Database.Id, (d, now) =>
            {
                if (d.CurrentOperationId == context.OperationId && d.State == Portal.Domain.Clusters.ClusterState.Pending) d.StartCreating(context.OperationId, now);
            }, ct);
            var spec = await SpecOfAsync(database, ct);
            if ((database.Database.BackupsEnabled || database.Database.RestoredFromServer is not null) && spec.Store is null)
                return StepOutcome.Failed("The PostgreSQL platform has no backup object store any more; configure one on the platform, then retry.");
            var objects = new List<JsonObject> { DatabaseManifests.Namespace(spec) };
            if (spec.Store is not null) objects.Add(DatabaseManifests.BackupStoreSecret(spec));
            if (await ApplyAllAsync(client, objects, ct) is { } failed) return failed;
            return StepOutcome.Succeeded($"Namespace {spec.Namespace} is ready{(spec.Store is null ? "" : " with the object store's credentials")}.");
        });

    private Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct) =>
        OnPlatformAsync(context, ct, async (database, client) =>
        {
            var spec = await SpecOfAsync(database, ct);
            if (spec.Restore is not null && spec.Store is null)
                return StepOutcome.Failed("The PostgreSQL platform has no backup object store any more, so the source's backups cannot be read. Configure the store on the platform, then retry.");
            var objects = DatabaseManifests.All(spec).Where(o => o["kind"]!.GetValue<string>() is "Cluster" or "ScheduledBackup").ToList();
            if (await ApplyAllAsync(client, objects, ct) is { } failed) return failed;
            return StepOutcome.Succeeded($"Applied {string.Join(" and ", objects.Select(o => o["kind"]!.GetValue<string>()))} {spec.Name} (PostgreSQL {database.Database.PostgresVersion}, {spec.Instances} {(spec.Instances == 1 ? "instance" : "instances")}).");
        });
}

public sealed class RestoreDatabaseHandler(DatabaseHandlerServices s) : CreateDatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Restore;
    protected override string WaitStep => DbSteps.WaitForRecovery;
}

public sealed class ScaleDatabaseHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Scale;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.ApplyInstances, (c, ct) =>
        {
            var p = c.Parameters<DatabaseInstancesParameters>();
            return ApplyChangeAsync(c, ct, spec => spec with { Instances = p.Instances }, (d, now) => d.ApplyInstances(p.Instances, now),
                $"Asked for {p.Instances} {(p.Instances == 1 ? "instance" : "instances")} (from {p.From}).");
        }),
        new(DbSteps.WaitForInstances, (c, ct) => WaitAsync(c, "the instances", AllInstancesReady, ct, settle: true)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "Scaled.", ct)),
    ];
}

public sealed class GrowStorageHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.GrowStorage;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.ApplyStorage, (c, ct) =>
        {
            var p = c.Parameters<DatabaseStorageParameters>();
            return ApplyChangeAsync(c, ct, spec => spec with { StorageGiB = p.StorageGiB }, (d, now) => d.ApplyStorage(p.StorageGiB, now),
                $"Asked for {p.StorageGiB} GiB per instance (from {p.From} GiB).");
        }),
        new(DbSteps.WaitForStorage, (c, ct) => WaitAsync(c, "the volumes to grow", AllInstancesReady, ct, settle: true)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The storage has grown.", ct)),
    ];
}

public sealed class ChangeComputeHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.ChangeCompute;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.ApplyCompute, (c, ct) =>
        {
            var p = c.Parameters<DatabaseComputeParameters>();
            var size = DatabaseRules.Compute(p.Compute) ?? throw new InvalidOperationException($"Unknown compute size {p.Compute}.");
            return ApplyChangeAsync(c, ct, spec => spec with { CpuMillicores = size.CpuMillicores, MemoryMiB = size.MemoryMiB }, (d, now) => d.ApplyCompute(size, now),
                $"Asked for {size.Describe()} (from {p.From}).");
        }),
        new(DbSteps.WaitForRollout, (c, ct) => WaitAsync(c, "the instances to roll", AllInstancesReady, ct, settle: true)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The compute size is changed.", ct)),
    ];
}

public sealed class UpdateMinorHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.UpdateMinor;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.ApplyMinorVersion, (c, ct) =>
        {
            var p = c.Parameters<DatabaseVersionParameters>();
            return ApplyChangeAsync(c, ct, spec => spec with { ImageName = DatabaseManifests.ImageFor(p.Version) }, (d, now) => d.ApplyVersion(p.Version, now),
                $"Asked for PostgreSQL {p.Version} (from {p.From}).");
        }),
        new(DbSteps.WaitForRollout, (c, ct) => WaitAsync(c, "the instances to roll", RunsStoredImage, ct, settle: true)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The minor update is done.", ct)),
    ];

    internal static string? RunsStoredImage(DatabaseObservation seen, Portal.Domain.Databases.DatabaseContext database)
    {
        var image = DatabaseManifests.ImageFor(database.Database.PostgresVersion);
        return AllInstancesReady(seen, database) ?? (seen.Image == image ? null : $"The instances still run {seen.Image ?? "an unknown image"}; waiting for {image}.");
    }
}

/// <summary>An in-place major upgrade: a fresh backup first when backups are on, then the new major's image (CloudNativePG runs pg_upgrade).</summary>
public sealed class UpgradeMajorHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.UpgradeMajor;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.BackupFirst, (c, ct) => OnPlatformAsync(c, ct, async (database, client) =>
        {
            if (!database.Database.BackupsEnabled) return StepOutcome.Skipped("Backups are off for this database: nothing to take first.");
            var spec = await SpecOfAsync(database, ct);
            if (spec.Store is null) return StepOutcome.Failed("The platform has no backup object store any more; configure one, then retry.");
            if (await ApplyAllAsync(client, [DatabaseManifests.OnDemandBackup(spec, c.OperationId, c.Attempt)], ct) is { } failed) return failed;
            return StepOutcome.Succeeded($"Started backup {DatabaseManifests.OnDemandBackupName(spec, c.OperationId, c.Attempt)}.");
        })),
        new(DbSteps.WaitForBackupFirst, async (c, ct) =>
        {
            var database = Guid.TryParse(c.Target.Id, out var id) ? await Databases.FindAsync(id, ct) : null;
            if (database is null) return StepOutcome.Failed("The database no longer exists.");
            if (!database.Database.BackupsEnabled) return StepOutcome.Skipped("Backups are off for this database.");
            return await WaitForBackupAsync(c, "The backup before the upgrade failed, so nothing was upgraded", ct);
        }),
        new(DbSteps.ApplyMajorVersion, (c, ct) =>
        {
            var p = c.Parameters<DatabaseVersionParameters>();
            return ApplyChangeAsync(c, ct, spec => spec with { ImageName = DatabaseManifests.ImageFor(p.Version) }, (d, now) => d.ApplyVersion(p.Version, now),
                $"Asked for PostgreSQL {p.Version} (from {p.From}); the operator upgrades the data in place.");
        }),
        new(DbSteps.WaitForMajorUpgrade, (c, ct) => WaitAsync(c, "the major upgrade", UpdateMinorHandler.RunsStoredImage, ct, settle: true)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The major upgrade is done.", ct)),
    ];
}

public sealed class RestartDatabaseHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Restart;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.RequestRestart, (c, ct) =>
        {
            var p = c.Parameters<DatabaseRestartParameters>();
            return ApplyChangeAsync(c, ct, spec => spec with { RestartedAt = p.RequestedAt }, (d, now) => d.ApplyRestart(p.RequestedAt, now),
                "Asked the operator for a rolling restart (replicas first, then the primary).");
        }),
        new(DbSteps.WaitForRollout, (c, ct) => WaitAsync(c, "the instances to restart", AllInstancesReady, ct, settle: true)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "Restarted.", ct)),
    ];
}

/// <summary>A switchover: the chosen replica is set as the target primary (as <c>kubectl cnpg promote</c> does), and the operator moves the primary there.</summary>
public sealed class SwitchoverHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Switchover;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.PromoteReplica, (c, ct) => OnPlatformAsync(c, ct, async (database, client) =>
        {
            var p = c.Parameters<DatabaseSwitchoverParameters>();
            var status = new JsonObject
            {
                ["apiVersion"] = DatabaseManifests.ApiVersion,
                ["kind"] = "Cluster",
                ["metadata"] = new JsonObject { ["name"] = database.Database.Name, ["namespace"] = database.Namespace },
                ["status"] = new JsonObject { ["targetPrimary"] = p.Instance },
            };
            var applied = await client.ApplyStatusAsync(status, ct);
            return applied.Succeeded
                ? StepOutcome.Succeeded($"Asked the operator to promote {p.Instance} (primary was {p.From}).")
                : FromError(applied.Error!, $"Could not ask the operator to promote {p.Instance}");
        })),
        new(DbSteps.WaitForSwitchover, (c, ct) =>
        {
            var p = c.Parameters<DatabaseSwitchoverParameters>();
            return WaitAsync(c, "the switchover", (seen, database) => AllInstancesReady(seen, database)
                ?? (seen.CurrentPrimary == p.Instance ? null : $"The primary is still {seen.CurrentPrimary ?? "unknown"}; waiting for {p.Instance}."), ct);
        }),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The switchover is done.", ct)),
    ];
}

public sealed class HibernateDatabaseHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Hibernate;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.ApplyHibernation, (c, ct) => ApplyChangeAsync(c, ct, spec => spec with { Hibernated = true }, (d, now) => d.ApplyHibernation(true, now),
            "Asked the operator to hibernate the database: its instances stop, its volumes stay.")),
        new(DbSteps.WaitForHibernation, (c, ct) => WaitAsync(c, "the instances to stop", (seen, _) => seen.Hibernated ? null : $"{seen.ReadyInstances} instances still running.", ct)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The database is hibernated; its data is kept.", ct)),
    ];
}

public sealed class WakeDatabaseHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Wake;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.ApplyWake, (c, ct) => ApplyChangeAsync(c, ct, spec => spec with { Hibernated = false }, (d, now) => d.ApplyHibernation(false, now),
            "Asked the operator to wake the database.")),
        new(DbSteps.WaitForInstances, (c, ct) => WaitAsync(c, "every instance", (seen, database) => seen.Hibernated ? "Still hibernated." : AllInstancesReady(seen, database), ct)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The database is awake.", ct)),
    ];
}

public sealed class BackupDatabaseHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Backup;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.StartBackup, (c, ct) => OnPlatformAsync(c, ct, async (database, client) =>
        {
            var spec = await SpecOfAsync(database, ct);
            if (spec.Store is null) return StepOutcome.Failed("The database has no backup object store: turn backups on, or ask a platform admin to configure the store.");
            if (await ApplyAllAsync(client, [DatabaseManifests.OnDemandBackup(spec, c.OperationId, c.Attempt)], ct) is { } failed) return failed;
            return StepOutcome.Succeeded($"Started backup {DatabaseManifests.OnDemandBackupName(spec, c.OperationId, c.Attempt)}.");
        })),
        new(DbSteps.WaitForBackup, (c, ct) => WaitForBackupAsync(c, "The backup failed", ct)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The backup is done.", ct)),
    ];
}

public sealed class ResyncDatabaseHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    public override string Kind => DatabaseOperations.Resync;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.ApplyDatabaseAgain, (c, ct) => OnPlatformAsync(c, ct, async (database, client) =>
        {
            var objects = DatabaseManifests.All(await SpecOfAsync(database, ct));
            if (await ApplyAllAsync(client, objects, ct) is { } failed) return failed;
            return StepOutcome.Succeeded($"Applied {objects.Count} objects again.");
        })),
        new(DbSteps.WaitForInstances, (c, ct) => WaitAsync(c, "every instance", (seen, database) =>
            database.Database.Hibernated ? (seen.Hibernated ? null : "Waiting for hibernation.") : AllInstancesReady(seen, database), ct, settle: true)),
        new(DbSteps.Finish, (c, ct) => FinishAsync(c, "The database is in step again.", ct)),
    ];
}

/// <summary>Deletes the database's CloudNativePG objects (its backups in the object store stay), then its row.</summary>
public sealed class DeleteDatabaseHandler(DatabaseHandlerServices s) : DatabaseHandler(s)
{
    private const string Gone = "The database is already gone from the portal.";

    public override string Kind => DatabaseOperations.Delete;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(DbSteps.DeleteDatabaseObjects, (c, ct) => OnPlatformAsync(c, ct, async (database, client) =>
            await DeleteObjectsAsync(database, client, ct) ?? StepOutcome.Succeeded($"Deleted Cluster {database.Database.Name}; the operator removes its instances and volumes."), Gone)),
        new(DbSteps.WaitForRemoval, (c, ct) => OnPlatformAsync(c, ct, async (database, client) =>
        {
            var started = Clock.GetUtcNow();
            if (c.Resumed && await DeleteObjectsAsync(database, client, ct) is { } notDeleted) return notDeleted;
            while (true)
            {
                var cluster = await client.GetAsync(DatabaseManifests.ApiVersion, "Cluster", database.Namespace, database.Database.Name, ct);
                if (cluster.IsNotFound) return StepOutcome.Succeeded("The instances and volumes are gone.");
                if (!cluster.Succeeded) return FromError(cluster.Error!, "Could not read the Cluster back");
                // There and not being deleted: the platform's cluster lost the deletion; waiting alone would wait for ever.
                if (cluster.Value!["metadata"]?["deletionTimestamp"] is null && await DeleteObjectsAsync(database, client, ct) is { } failed) return failed;
                await c.ReportAsync("Waiting for the operator to remove the instances…", ct);
                if (Clock.GetUtcNow() - started > Options.WaitLimit)
                    return StepOutcome.Failed($"The Cluster is still there after {Options.WaitLimit.TotalMinutes:0} minutes (a finalizer may hold it). Check the platform's cluster, then retry.");
                await Task.Delay(Options.PollInterval, Clock, ct);
            }
        }, Gone)),
        new(DbSteps.RemoveCredentials, (c, ct) => OnPlatformAsync(c, ct, async (database, client) =>
        {
            var spec = DatabaseSpecs.Of(database.Database, database.Namespace, null);
            var secret = await client.DeleteAsync("v1", "Secret", spec.Namespace, DatabaseManifests.BackupStoreSecretName(spec), ct);
            if (!secret.Succeeded) return FromError(secret.Error!, "Could not remove the backup credentials");
            var backups = await client.ListAsync(DatabaseManifests.ApiVersion, "Backup", spec.Namespace, $"{DatabaseManifests.DatabaseIdLabel}={spec.DatabaseId}", ct);
            if (backups.Succeeded)
                foreach (var backup in backups.Value!)
                    await client.DeleteAsync(DatabaseManifests.ApiVersion, "Backup", spec.Namespace, backup["metadata"]!["name"]!.GetValue<string>(), ct);
            if (await Databases.CountInNamespaceAsync(database.Database.PlatformId, database.Database.ProjectId, database.Database.Id, ct) == 0)
            {
                var ns = await client.DeleteAsync("v1", "Namespace", null, spec.Namespace, ct);
                if (!ns.Succeeded) return FromError(ns.Error!, $"Could not remove namespace {spec.Namespace}");
                return StepOutcome.Succeeded($"Removed the backup credentials and namespace {spec.Namespace} (the project's last database on this platform). The backups stay in the object store.");
            }
            return StepOutcome.Succeeded("Removed the backup credentials. The backups stay in the object store.");
        }, Gone)),
        new(DbSteps.RemoveFromPortal, async (c, ct) =>
        {
            if (Guid.TryParse(c.Target.Id, out var id)) await Databases.RemoveAsync(id, ct);
            return StepOutcome.Succeeded("The database is deleted.");
        }),
    ];

    /// <summary>Deletes the database's ScheduledBackup and Cluster (idempotent: what is already gone counts as deleted). Null when done.</summary>
    private static async Task<StepOutcome?> DeleteObjectsAsync(Portal.Domain.Databases.DatabaseContext database, IKubernetesClient client, CancellationToken ct)
    {
        var spec = DatabaseSpecs.Of(database.Database, database.Namespace, null);
        foreach (var (kind, name) in new[] { ("ScheduledBackup", DatabaseManifests.ScheduledBackupName(spec)), ("Cluster", spec.Name) })
        {
            var deleted = await client.DeleteAsync(DatabaseManifests.ApiVersion, kind, spec.Namespace, name, ct);
            if (!deleted.Succeeded) return FromError(deleted.Error!, $"Could not delete {kind} {name}");
        }
        return null;
    }
}
