using Portal.Domain.Clusters;
using Portal.Domain.Databases;

namespace Portal.Api.Databases;

/// <summary>A managed PostgreSQL database as the list shows it (no connection details: see <c>GET /databases/{id}/connection</c>).</summary>
/// <param name="Fault">The operator's reason for a fault, when it reports one.</param>
/// <param name="BackupWarning">Set when backups are late or the last attempt failed.</param>
public sealed record DatabaseResource(Guid Id, string Name, Guid TenantId, string TenantName, Guid ProjectId, string ProjectName, string PostgresVersion,
    int Instances, int ReadyInstances, string Compute, int StorageGiB, ClusterState State, string StateReason, string? Fault, string? OperatorPhase,
    bool Hibernated, bool BackupsEnabled, string? BackupWarning, DateTimeOffset CreatedAt, string Url)
{
    public static DatabaseResource From(DatabaseRow r) => new(r.Id, r.Name, r.TenantId, r.TenantName, r.ProjectId, r.ProjectName, r.PostgresVersion,
        r.Instances, r.ReadyInstances, r.ComputeSize, r.StorageGiB, r.State, r.StateReason, r.Fault, r.OperatorPhase, r.Hibernated, r.BackupsEnabled,
        r.BackupWarning, r.CreatedAt, DatabasesApi.Url(r.Id));
}

/// <summary>
/// One database with everything its page shows except secrets: placement, size, instances, phase, backup health and the
/// restore window, and what may be done now (<see cref="Actions"/>: null for an allowed action, else why not).
/// </summary>
public sealed record DatabaseDetailResource(Guid Id, string Name, Guid TenantId, string TenantName, Guid ProjectId, string ProjectName,
    Guid ServiceConfigId, string ServiceConfigName, Guid PlatformId, string InfrastructureName, bool IsDemo, string? OperatorVersion,
    string PostgresVersion, int Instances, int ReadyInstances, string Compute, string ComputeLabel, int StorageGiB,
    string DatabaseName, string OwnerName, string Namespace, string ReadWriteHost, string ReadOnlyHost, string? CurrentPrimary,
    IReadOnlyList<string> InstanceNames, bool Hibernated, DatabaseBackupsResource Backups, DatabaseRestoredFrom? RestoredFrom,
    ClusterState State, string StateReason, string? Fault, string? OperatorPhase, string? OperatorPhaseReason,
    Guid? CurrentOperationId, Guid? LastOperationId, bool CanOperate, string? MinorTarget, int? MajorTarget, DatabaseActionsResource Actions,
    DateTimeOffset CreatedAt, DateTimeOffset? LastReconciledAt, int Version, string Url)
{
    public static DatabaseDetailResource From(DatabaseDetail d) => new(d.Id, d.Name, d.TenantId, d.TenantName, d.ProjectId, d.ProjectName,
        d.ServiceConfigId, d.ServiceConfigName, d.PlatformId, d.InfrastructureName, d.IsDemo, d.OperatorVersion, d.PostgresVersion, d.Instances,
        d.ReadyInstances, d.ComputeSize, d.ComputeLabel, d.StorageGiB, d.DatabaseName, d.OwnerName, d.Namespace, d.ReadWriteHost, d.ReadOnlyHost,
        d.CurrentPrimary, d.InstanceNames, d.Hibernated,
        new DatabaseBackupsResource(d.Backups.Enabled, d.BackupSchedule, d.Backups.LastGood, d.Backups.LastFailedAt, d.Backups.LastFailure,
            d.Backups.WindowFrom, d.Backups.WindowTo, d.Backups.Warning, d.ArchivingFault),
        d.RestoredFromName is { } source ? new DatabaseRestoredFrom(source, d.RestorePoint) : null,
        d.State, d.StateReason, d.ProviderFault, d.OperatorPhase, d.OperatorPhaseReason, d.CurrentOperationId, d.LastOperationId, d.CanOperate,
        d.MinorTarget, d.MajorTarget,
        new DatabaseActionsResource(d.WhyNotChangeable, d.WhyNotDelete, d.WhyNotScale, d.WhyNotGrowStorage, d.WhyNotChangeCompute, d.WhyNotUpdateMinor,
            d.WhyNotUpgradeMajor, d.WhyNotRestart, d.WhyNotSwitchover, d.WhyNotHibernate, d.WhyNotWake, d.WhyNotBackup, d.WhyNotRestore, d.WhyNotReveal,
            d.WhyNotResync),
        d.CreatedAt, d.LastReconciledAt, d.Version, DatabasesApi.Url(d.Id));
}

/// <summary>Backups as the portal judges them, and the window a point-in-time restore may target (<see cref="WindowFrom"/>..<see cref="WindowTo"/>).</summary>
public sealed record DatabaseBackupsResource(bool Enabled, string? Schedule, DateTimeOffset? LastGood, DateTimeOffset? LastFailedAt, string? LastFailure,
    DateTimeOffset? WindowFrom, DateTimeOffset? WindowTo, string? Warning, string? ArchivingFault);

/// <summary>The database this one was restored from, and to which point in time.</summary>
public sealed record DatabaseRestoredFrom(string Name, DateTimeOffset? Point);

/// <summary>For each action, null when the rules allow it now, otherwise the reason the server would refuse it.</summary>
public sealed record DatabaseActionsResource(string? Change, string? Delete, string? Scale, string? GrowStorage, string? ChangeCompute, string? UpdateMinor,
    string? UpgradeMajor, string? Restart, string? Switchover, string? Hibernate, string? Wake, string? Backup, string? Restore, string? RevealConnection,
    string? Resync);

/// <summary>
/// How an application reaches the database (the audited reveal, as on the database page). <see cref="Host"/> is the
/// read-write service, <see cref="ReadOnlyHost"/> the replicas'; the URIs embed the password.
/// </summary>
public sealed record DatabaseConnectionResource(Guid DatabaseId, string Host, string ReadOnlyHost, int Port, string Database, string User, string Password,
    string Uri, string ReadOnlyUri);

/// <summary>A Service Config that may place the project's databases; <see cref="WhyNot"/> says why it takes no new database now.</summary>
public sealed record DatabasePlacementResource(Guid ServiceConfigId, string ServiceConfigName, string InfrastructureName, bool IsDemo, string Location,
    Guid PlatformId, string Mode, string? OperatorVersion, IReadOnlyList<int> Majors, bool HasBackupStore, string? WhyNot)
{
    public static DatabasePlacementResource From(DatabasePlacementOption o) => new(o.ServiceConfigId, o.ServiceConfigName, o.InfrastructureName, o.IsDemo,
        o.Location, o.PlatformId, o.Mode, o.OperatorVersion, o.Majors, o.HasBackupStore, o.WhyNot);
}

/// <summary>A new database. Omitted values get the field's own 422 (as the wizard would say).</summary>
/// <param name="Major">The PostgreSQL major version (the platform's newest minor of it is used).</param>
/// <param name="Compute">A compute size name (small, medium...).</param>
/// <param name="Backups">Scheduled backups; omitted or <c>enabled: false</c> for none.</param>
public sealed record CreateDatabaseBody(Guid? ProjectId, string? Name, Guid? ServiceConfigId, int? Major, int? Instances, string? Compute, int? StorageGiB,
    string? DatabaseName, string? OwnerName, BackupPlanBody? Backups);

/// <summary>A backup schedule: how often (daily, every12Hours, every6Hours, weekly), the UTC hour, the weekday (weekly) and retention.</summary>
public sealed record BackupPlanBody(bool? Enabled, BackupFrequency? Frequency, int? Hour, DayOfWeek? Day, int? RetentionDays);

/// <summary>A point-in-time restore into a NEW database of the same tenant (the source is left as it is).</summary>
/// <param name="ProjectId">The project of the new database; omitted: the source's.</param>
/// <param name="RestorePoint">The point in time to recover to, inside the source's restore window.</param>
public sealed record RestoreDatabaseBody(Guid? ProjectId, string? Name, DateTimeOffset? RestorePoint);

/// <summary>A change of one size: instances, storage (grow only) or compute. Each starts its own operation, so one per request.</summary>
public sealed record UpdateDatabaseBody(int? Instances, int? StorageGiB, string? Compute);

/// <summary>The replica a switchover promotes.</summary>
public sealed record SwitchoverBody(string? Instance);

/// <summary>The major version to upgrade to; omitted: the next one.</summary>
public sealed record UpgradeMajorBody(int? Major);
