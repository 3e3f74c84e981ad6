using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Databases;

public sealed partial class DatabaseService
{
    private const string Forbidden = "Only members and admins of the database's tenant can change it.";

    // ---------------------------------------------------------------- creation

    /// <summary>Checks a creation request up to <paramref name="step"/> without saving anything (the wizard's per-step validation).</summary>
    public async Task<Result<ValidatedDatabase?>> ValidateAsync(Actor actor, CreateDatabaseRequest request, DatabaseWizardStep step, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ValidateAsync(db, actor, request, step, ct);
    }

    /// <summary>
    /// Records a new database (Pending) with its create operation, after every rule passed. Serialized with platform
    /// changes: a platform being disabled or deleted at the same moment either sees the database or refuses it.
    /// </summary>
    public Task<Result<StartedDatabaseOperation>> CreateAsync(Actor actor, CreateDatabaseRequest request, CancellationToken ct = default)
    {
        var subject = new AuditSubject(DatabaseOperations.Create, DatabaseOperations.Target, null, request.Name?.Trim() ?? "",
            new { request.ProjectId, request.ServiceConfigId, request.Name, request.Major, request.Instances, request.Compute, request.StorageGiB,
                request.DatabaseName, request.OwnerName, request.BackupsEnabled, backupFrequency = request.BackupFrequency?.ToString(), request.BackupHour,
                backupDay = request.BackupDay?.ToString(), request.BackupRetentionDays });
        return commands.RunSerializedOnAsync<StartedDatabaseOperation>(actor, subject, ClusterService.CreationParents(request.ProjectId, request.ServiceConfigId), async db =>
        {
            var validated = await ValidateAsync(db, actor, request, DatabaseWizardStep.Review, ct);
            if (!validated.Succeeded) return validated.Refusal!;
            var spec = validated.Value!;
            var project = await db.Projects.SingleAsync(p => p.Id == spec.ProjectId, ct);
            var id = Guid.NewGuid();
            var now = clock.GetUtcNow();
            var operation = DatabaseOperations.Of(DatabaseOperations.Create).NewOperation(new OperationTarget(DatabaseOperations.Target, id.ToString(), spec.Name),
                new CreateDatabaseParameters(spec.PostgresVersion, spec.Instances, spec.Compute.Name, spec.StorageGiB, spec.DatabaseName, spec.OwnerName,
                    spec.Backups?.Describe() ?? "off"), actor, now);
            var database = ManagedDatabase.Create(id, project, spec.ServiceConfigId, spec.PlatformId, spec.InfrastructureId, spec.Name, spec.PostgresVersion,
                spec.Instances, spec.Compute, spec.StorageGiB, spec.DatabaseName, spec.OwnerName, spec.Backups, actor.UserId, operation.Id, now);
            db.Databases.Add(database);
            db.Operations.Add(operation);
            return new StartedDatabaseOperation(database.Id, operation.Id);
        }, started => subject with { TargetId = started.DatabaseId.ToString() }, ct);
    }

    /// <summary>
    /// Restores <see cref="RestoreDatabaseRequest.SourceId"/> to a point in time into a NEW database (the source is left
    /// as it is): same platform, version, size and backup plan as the source, in a project of the same tenant.
    /// </summary>
    public Task<Result<StartedDatabaseOperation>> RestoreAsync(Actor actor, RestoreDatabaseRequest request, CancellationToken ct = default)
    {
        var subject = new AuditSubject(DatabaseOperations.Restore, DatabaseOperations.Target, null, request.Name?.Trim() ?? "",
            new { request.SourceId, request.ProjectId, request.Name, request.PointInTime });
        // Serialized as a creation: on the target project and the source's Service Config (neither changes).
        return commands.RunSerializedOnAsync<StartedDatabaseOperation>(actor, subject,
            async db => await db.Databases.Where(d => d.Id == request.SourceId).Select(d => new { d.ProjectId, d.ServiceConfigId }).ToListAsync(ct) is [var source]
                ? ClusterService.CreationParents(request.ProjectId ?? source.ProjectId, source.ServiceConfigId) : [],
            async db =>
        {
            var source = await db.Databases.AsNoTracking().SingleOrDefaultAsync(d => d.Id == request.SourceId, ct);
            var sourceAccess = source is null ? null : await TenantAccess.ForAsync(db, actor, source.TenantId, ct);
            if (source is null || sourceAccess is null || !sourceAccess.CanRead) return Refusal.NotFound("The database to restore from");
            if (!CanOperate(sourceAccess)) return Refusal.Forbidden("Only members and admins of the database's tenant can restore it.");
            var now = clock.GetUtcNow();
            if (source.CheckRestorePoint(request.PointInTime, now) is { } badPoint) return badPoint;
            var plan = source.Backups;
            var validated = await ValidateAsync(db, actor, new CreateDatabaseRequest(request.ProjectId ?? source.ProjectId, request.Name, source.ServiceConfigId,
                source.Major, source.Instances, source.ComputeSize, source.StorageGiB, source.DatabaseName, source.OwnerName, plan is not null,
                plan?.Frequency, plan?.Hour, plan?.Day, plan?.RetentionDays), DatabaseWizardStep.Review, ct, exactVersion: source.PostgresVersion);
            if (!validated.Succeeded) return validated.Refusal!;
            var spec = validated.Value!;
            if (spec.TenantId != source.TenantId) return Refusal.Invalid(Fields.Project, "A database is restored into a project of its own tenant.");
            if (spec.PlatformId != source.PlatformId) return Refusal.Conflict("The restore must run on the source database's platform, where its backups are.");
            var project = await db.Projects.SingleAsync(p => p.Id == spec.ProjectId, ct);
            var id = Guid.NewGuid();
            var operation = DatabaseOperations.Of(DatabaseOperations.Restore).NewOperation(new OperationTarget(DatabaseOperations.Target, id.ToString(), spec.Name),
                new CreateDatabaseParameters(spec.PostgresVersion, spec.Instances, spec.Compute.Name, spec.StorageGiB, spec.DatabaseName, spec.OwnerName,
                    spec.Backups?.Describe() ?? "off", source.Name, request.PointInTime), actor, now);
            var database = ManagedDatabase.Create(id, project, spec.ServiceConfigId, spec.PlatformId, spec.InfrastructureId, spec.Name, spec.PostgresVersion,
                spec.Instances, spec.Compute, spec.StorageGiB, spec.DatabaseName, spec.OwnerName, spec.Backups, actor.UserId, operation.Id, now);
            database.RestoredFrom(source, request.PointInTime!.Value);
            db.Databases.Add(database);
            db.Operations.Add(operation);
            return new StartedDatabaseOperation(database.Id, operation.Id);
        }, started => subject with { TargetId = started.DatabaseId.ToString() }, ct);
    }

    // ---------------------------------------------------------------- day-2

    public Task<Result<StartedDatabaseOperation>> ScaleAsync(Actor actor, Guid databaseId, int expectedVersion, int? instances, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.Scale, new { instances }, ct, d =>
            d.CheckScale(instances) is { } refused ? refused : Decided(new DatabaseInstancesParameters(instances!.Value, d.Instances)));

    public Task<Result<StartedDatabaseOperation>> GrowStorageAsync(Actor actor, Guid databaseId, int expectedVersion, int? storageGiB, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.GrowStorage, new { storageGiB }, ct, d =>
            d.CheckGrowStorage(storageGiB) is { } refused ? refused : Decided(new DatabaseStorageParameters(storageGiB!.Value, d.StorageGiB)));

    public Task<Result<StartedDatabaseOperation>> ChangeComputeAsync(Actor actor, Guid databaseId, int expectedVersion, string? compute, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.ChangeCompute, new { compute }, ct, d =>
            d.CheckCompute(compute) is { } refused ? refused : Decided(new DatabaseComputeParameters(compute!, d.ComputeSize)));

    public Task<Result<StartedDatabaseOperation>> UpdateMinorAsync(Actor actor, Guid databaseId, int expectedVersion, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.UpdateMinor, null, ct, d =>
            d.WhyNotUpdateMinor() is { } why ? Refusal.Conflict(why) : Decided(new DatabaseVersionParameters(DatabaseRules.LatestOf(d.Major), d.PostgresVersion)));

    public Task<Result<StartedDatabaseOperation>> UpgradeMajorAsync(Actor actor, Guid databaseId, int expectedVersion, int? major, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.UpgradeMajor, new { major }, ct, async (db, d) =>
        {
            var operatorVersion = await db.ServicePlatforms.Where(p => p.Id == d.PlatformId).Select(p => p.OperatorVersion).SingleOrDefaultAsync(ct);
            if (d.WhyNotChangeRunning() is { } busy) return Refusal.Conflict(busy);
            var target = DatabaseRules.MajorUpgradeTarget(d.PostgresVersion, major, operatorVersion);
            return target.Succeeded ? Decided(new DatabaseVersionParameters(target.Value!, d.PostgresVersion)) : target.Refusal!;
        });

    public Task<Result<StartedDatabaseOperation>> RestartAsync(Actor actor, Guid databaseId, int expectedVersion, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.Restart, null, ct, d =>
            d.WhyNotChangeRunning() is { } why ? Refusal.Conflict(why) : Decided(new DatabaseRestartParameters(clock.GetUtcNow())));

    public Task<Result<StartedDatabaseOperation>> SwitchoverAsync(Actor actor, Guid databaseId, int expectedVersion, string? instance, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.Switchover, new { instance }, ct, d =>
            d.CheckSwitchover(instance) is { } refused ? refused : Decided(new DatabaseSwitchoverParameters(instance!, d.CurrentPrimary ?? "")));

    public Task<Result<StartedDatabaseOperation>> HibernateAsync(Actor actor, Guid databaseId, int expectedVersion, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.Hibernate, null, ct, d =>
            d.WhyNotHibernate() is { } why ? Refusal.Conflict(why) : Decided(new DatabaseHibernationParameters(true)));

    public Task<Result<StartedDatabaseOperation>> WakeAsync(Actor actor, Guid databaseId, int expectedVersion, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.Wake, null, ct, d =>
            d.WhyNotWake() is { } why ? Refusal.Conflict(why) : Decided(new DatabaseHibernationParameters(false)));

    public Task<Result<StartedDatabaseOperation>> BackupNowAsync(Actor actor, Guid databaseId, int expectedVersion, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.Backup, null, ct, d =>
            d.WhyNotBackup() is { } why ? Refusal.Conflict(why) : Decided(new DatabaseBackupParameters("on demand")));

    /// <summary>Applies the database's whole spec again and waits for it: the way back for a database that is Degraded with no failed action to retry.</summary>
    public Task<Result<StartedDatabaseOperation>> ResyncAsync(Actor actor, Guid databaseId, int expectedVersion, CancellationToken ct = default) =>
        ChangeAsync(actor, databaseId, expectedVersion, DatabaseOperations.Resync, null, ct, d =>
            d.WhyNotResync() is { } why ? Refusal.Conflict(why) : Decided(new DatabaseResyncParameters(d.State.ToString())));

    /// <summary>Deletes the database; the person confirms by typing its name. Its backups stay in the object store.</summary>
    public Task<Result<StartedDatabaseOperation>> DeleteAsync(Actor actor, Guid databaseId, string? confirmName, CancellationToken ct = default) =>
        DeleteAsync(actor, databaseId, confirmName, null, ct);

    /// <summary>Deletes the database if it is still at <paramref name="expectedVersion"/> (null: whatever version it is at).</summary>
    public Task<Result<StartedDatabaseOperation>> DeleteAsync(Actor actor, Guid databaseId, string? confirmName, int? expectedVersion, CancellationToken ct = default)
    {
        var subject = new AuditSubject(DatabaseOperations.Delete, DatabaseOperations.Target, databaseId.ToString(), "", new { confirmName });
        return commands.RunAsync<StartedDatabaseOperation>(actor, subject, async db =>
        {
            var (database, refusal) = await LoadForChangeAsync(db, actor, databaseId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = database!.Name };
            if (expectedVersion is { } expected && db.Expect(database, expected, "This database") is { } stale) return stale;
            if (!string.Equals(confirmName?.Trim(), database.Name, StringComparison.Ordinal))
                return Refusal.Invalid(Fields.ConfirmName, $"Type the database's name, {database.Name}, to confirm that it and its data are deleted.");
            if (database.CheckDelete() is { } blocked) return blocked;
            var now = clock.GetUtcNow();
            var operation = DatabaseOperations.NewOperation(DatabaseOperations.Delete, database, new DatabaseDeleteParameters(database.Name, database.BackupsEnabled), actor, now);
            var started = database.BeginDelete(operation.Id, now);
            if (!started.Succeeded) return started.Refusal!;
            db.Operations.Add(operation);
            return new StartedDatabaseOperation(database.Id, operation.Id);
        }, _ => subject, ct);
    }

    // ---------------------------------------------------------------- retry and cancel

    /// <summary>Retries the failed last operation of a database; it resumes the state that operation drives.</summary>
    public Task<Result<StartedDatabaseOperation>> RetryAsync(Actor actor, Guid operationId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("postgres-database.retry", "Operation", operationId.ToString(), "");
        return commands.RunDecidingAgainOnConflictAsync<StartedDatabaseOperation>(actor, subject, async db =>
        {
            var (operation, database, refusal) = await LoadOperationAsync(db, actor, operationId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = $"{operation!.Kind} on {operation.TargetName}" };
            var now = clock.GetUtcNow();
            var resumed = database!.Resume(operation.Id, DatabaseOperations.Progress(operation.Kind), now);
            if (!resumed.Succeeded) return resumed.Refusal!;
            var retried = operation.Retry(actor, now);
            if (!retried.Succeeded) return retried.Refusal!;
            return new StartedDatabaseOperation(database.Id, operation.Id);
        }, _ => subject, ct);
    }

    /// <summary>Cancels a queued operation at once, or asks a running one to stop at its next safe point.</summary>
    public Task<Result<OperationState>> CancelAsync(Actor actor, Guid operationId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("postgres-database.cancel", "Operation", operationId.ToString(), "");
        return commands.RunDecidingAgainOnConflictAsync<OperationState>(actor, subject, async db =>
        {
            var (operation, database, refusal) = await LoadOperationAsync(db, actor, operationId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = $"{operation!.Kind} on {operation.TargetName}" };
            var now = clock.GetUtcNow();
            var requested = operation.RequestCancel(actor, now);
            if (!requested.Succeeded) return requested.Refusal!;
            if (operation.State == OperationState.Cancelled)
                database!.ApplyOutcome(operation, now);
            return operation.State;
        }, _ => subject, ct);
    }

    // ---------------------------------------------------------------- connection details

    /// <summary>
    /// Authorizes (and audits) revealing the database's connection details: members and admins of its tenant, once it
    /// exists in the cluster. The details themselves are read from the cluster by the caller and never stored or logged.
    /// </summary>
    public Task<Result<DatabaseSecretLocation>> AuthorizeRevealAsync(Actor actor, Guid databaseId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("postgres-database.reveal-connection", DatabaseOperations.Target, databaseId.ToString(), "");
        return commands.RunAsync<DatabaseSecretLocation>(actor, subject, async db =>
        {
            var database = await db.Databases.AsNoTracking().SingleOrDefaultAsync(d => d.Id == databaseId, ct);
            if (database is null) return Refusal.NotFound("The database");
            subject = subject with { TargetName = database.Name };
            var access = await TenantAccess.ForAsync(db, actor, database.TenantId, ct);
            if (!access.CanRead) return Refusal.NotFound("The database");
            if (!CanOperate(access)) return Refusal.Forbidden("Only members and admins of the database's tenant can reveal its connection details.");
            if (WhyNotReveal(database) is { } why) return Refusal.Conflict(why);
            return new DatabaseSecretLocation(database.Id, database.Name, database.PlatformId, NamespaceFor(database.ProjectId));
        }, _ => subject, ct);
    }

    // ---------------------------------------------------------------- shared plumbing

    private static Result<object> Decided(object parameters) => Result<object>.Ok(parameters);

    private Task<Result<StartedDatabaseOperation>> ChangeAsync(Actor actor, Guid databaseId, int expectedVersion, string kind, object? auditParameters,
        CancellationToken ct, Func<ManagedDatabase, Result<object>> decide) =>
        ChangeAsync(actor, databaseId, expectedVersion, kind, auditParameters, ct, (_, d) => Task.FromResult(decide(d)));

    private Task<Result<StartedDatabaseOperation>> ChangeAsync(Actor actor, Guid databaseId, int expectedVersion, string kind, object? auditParameters,
        CancellationToken ct, Func<PortalDbContext, ManagedDatabase, Task<Result<object>>> decide)
    {
        var subject = new AuditSubject(kind, DatabaseOperations.Target, databaseId.ToString(), "", auditParameters);
        return commands.RunAsync<StartedDatabaseOperation>(actor, subject, async db =>
        {
            var (database, refusal) = await LoadForChangeAsync(db, actor, databaseId, ct);
            if (refusal is not null) return refusal;
            subject = subject with { TargetName = database!.Name };
            if (db.Expect(database, expectedVersion, "This database") is { } stale) return stale;
            var decided = await decide(db, database);
            if (!decided.Succeeded) return decided.Refusal!;
            var now = clock.GetUtcNow();
            var operation = DatabaseOperations.NewOperation(kind, database, decided.Value!, actor, now);
            var progress = DatabaseOperations.Progress(kind);
            var started = kind == DatabaseOperations.Resync ? database.BeginResync(operation.Id, now) : database.Begin(progress, operation.Id, now);
            if (!started.Succeeded) return started.Refusal!;
            db.Operations.Add(operation);
            return new StartedDatabaseOperation(database.Id, operation.Id);
        }, _ => subject, ct);
    }

    private static async Task<(ManagedDatabase? Database, Refusal? Refusal)> LoadForChangeAsync(PortalDbContext db, Actor actor, Guid databaseId, CancellationToken ct)
    {
        var database = await db.Databases.SingleOrDefaultAsync(d => d.Id == databaseId, ct);
        if (database is null) return (null, Refusal.NotFound("The database"));
        var access = await TenantAccess.ForAsync(db, actor, database.TenantId, ct);
        if (!access.CanRead) return (null, Refusal.NotFound("The database"));
        return CanOperate(access) ? (database, null) : (null, Refusal.Forbidden(Forbidden));
    }

    private static async Task<(Operation? Operation, ManagedDatabase? Database, Refusal? Refusal)> LoadOperationAsync(
        PortalDbContext db, Actor actor, Guid operationId, CancellationToken ct)
    {
        var operation = await db.Operations.Include(o => o.Steps).SingleOrDefaultAsync(o => o.Id == operationId, ct);
        if (operation is null || !DatabaseOperations.IsDatabaseKind(operation.Kind) || !Guid.TryParse(operation.TargetId, out var targetId))
            return (null, null, Refusal.NotFound("The operation"));
        var (database, refusal) = await LoadForChangeAsync(db, actor, targetId, ct);
        return refusal is null ? (operation, database, null) : (null, null, refusal.Kind == RefusalKind.NotFound ? Refusal.NotFound("The operation") : refusal);
    }

    private async Task<Result<ValidatedDatabase?>> ValidateAsync(PortalDbContext db, Actor actor, CreateDatabaseRequest request, DatabaseWizardStep step,
        CancellationToken ct, string? exactVersion = null)
    {
        // Project and name
        if (request.ProjectId is null) return Refusal.Invalid(Fields.Project, "Choose the project the database belongs to.");
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.ProjectId, ct);
        var access = project is null ? null : await TenantAccess.ForAsync(db, actor, project.TenantId, ct);
        if (project is null || access is null || !access.CanRead) return Refusal.Invalid(Fields.Project, "That project was not found. It may have been deleted.");
        if (!CanOperate(access)) return Refusal.Forbidden("Only members and admins of the project's tenant can create databases in it.");
        var name = DatabaseRules.Name(request.Name);
        if (!name.Succeeded) return name.Refusal!;
        if (await db.Databases.AnyAsync(d => d.ProjectId == project.Id && d.Name == name.Value, ct))
            return Refusal.Conflict($"Project {project.Name} already has a database named '{name.Value}'.", Fields.Name);
        if (step == DatabaseWizardStep.Project) return (ValidatedDatabase?)null;

        // Placement
        if (request.ServiceConfigId is null) return Refusal.Invalid(Fields.ServiceConfig, "Choose the Service Config that places the database.");
        var config = await db.ServiceConfigs.AsNoTracking().Include(s => s.Offers).Include(s => s.Platforms)
            .AsSplitQuery().SingleOrDefaultAsync(s => s.Id == request.ServiceConfigId, ct);
        if (config is null || !(config.OfferedToAllTenants || config.Offers.Any(o => o.TenantId == project.TenantId)))
            return Refusal.Invalid(Fields.ServiceConfig, "That Service Config is not offered to your tenant. Choose one from the list.");
        var platform = config.Platforms.FirstOrDefault(p => p.Kind == PlatformKind.PostgreSql);
        if (platform is null) return Refusal.Invalid(Fields.ServiceConfig, $"Service Config {config.Name} has no PostgreSQL platform, so it cannot place databases.");
        if (platform.WhyNoNewDatabases() is { } why) return Refusal.Invalid(Fields.ServiceConfig, $"Service Config {config.Name} takes no new databases. {why}");
        if (step == DatabaseWizardStep.Placement) return (ValidatedDatabase?)null;

        // Version
        if (request.Major is null) return Refusal.Invalid(Fields.PostgresVersion, "Choose a PostgreSQL version.");
        var majors = DatabaseRules.MajorsFor(platform.OperatorVersion);
        if (!majors.Contains(request.Major.Value))
            return Refusal.Invalid(Fields.PostgresVersion, $"PostgreSQL {request.Major} is not offered by this platform. Offered: {string.Join(", ", majors)}.");
        var version = exactVersion ?? DatabaseRules.LatestOf(request.Major.Value);
        if (step == DatabaseWizardStep.Version) return (ValidatedDatabase?)null;

        // Size
        var instances = DatabaseRules.Instances(request.Instances);
        if (!instances.Succeeded) return instances.Refusal!;
        var compute = DatabaseRules.ComputeSize(request.Compute);
        if (!compute.Succeeded) return compute.Refusal!;
        var storage = DatabaseRules.Storage(request.StorageGiB);
        if (!storage.Succeeded) return storage.Refusal!;
        if (step == DatabaseWizardStep.Size) return (ValidatedDatabase?)null;

        // Initial database and owner
        var databaseName = DatabaseRules.DatabaseName(request.DatabaseName);
        if (!databaseName.Succeeded) return databaseName.Refusal!;
        var owner = DatabaseRules.OwnerName(request.OwnerName);
        if (!owner.Succeeded) return owner.Refusal!;
        if (step == DatabaseWizardStep.Database) return (ValidatedDatabase?)null;

        // Backups
        var backups = DatabaseRules.Backups(request.BackupsEnabled, request.BackupFrequency, request.BackupHour, request.BackupDay, request.BackupRetentionDays);
        if (!backups.Succeeded) return backups.Refusal!;
        if (backups.Value is not null && !platform.HasBackupStore)
            return Refusal.Invalid(Fields.Backups, $"The PostgreSQL platform of Service Config {config.Name} has no backup object store yet. Ask a platform admin to configure one, or turn backups off.");

        return new ValidatedDatabase(project.Id, project.TenantId, config.Id, platform.Id, config.InfrastructureId, name.Value!, version, instances.Value,
            compute.Value!, storage.Value, databaseName.Value!, owner.Value!, backups.Value);
    }
}
