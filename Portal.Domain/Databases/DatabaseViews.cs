using Portal.Domain.Clusters;

namespace Portal.Domain.Databases;

public sealed record DatabaseFilter(Guid? TenantId = null, Guid? ProjectId = null, ClusterState? State = null, Guid? PlatformId = null);

/// <summary>What the database list is ordered by; newest first unless asked otherwise.</summary>
public enum DatabaseSort
{
    Created = 0,
    Name = 1,
    Project = 2,
    Version = 3,
    State = 4,
}

/// <summary>One row of the database list. <see cref="Fault"/> is the operator's reason for a fault; <see cref="BackupWarning"/> says backups are late.</summary>
public sealed record DatabaseRow(Guid Id, string Name, Guid TenantId, string TenantName, Guid ProjectId, string ProjectName, string PostgresVersion,
    int Instances, int ReadyInstances, string ComputeSize, int StorageGiB, ClusterState State, string StateReason, string? Fault, string? OperatorPhase,
    bool Hibernated, bool BackupsEnabled, string? BackupWarning, DateTimeOffset CreatedAt);

/// <summary>
/// Everything the database page shows, plus what the viewer may do and what the rules allow now: each WhyNot… is the
/// reason the server would refuse that action (null: allowed), from the same rule the command checks.
/// </summary>
public sealed record DatabaseDetail(Guid Id, string Name, Guid TenantId, string TenantName, Guid ProjectId, string ProjectName,
    Guid ServiceConfigId, string ServiceConfigName, Guid PlatformId, string InfrastructureName, bool IsDemo, string? OperatorVersion,
    string PostgresVersion, int Instances, int ReadyInstances, string ComputeSize, string ComputeLabel, int StorageGiB,
    string DatabaseName, string OwnerName, string Namespace, string ReadWriteHost, string ReadOnlyHost, string? CurrentPrimary,
    IReadOnlyList<string> InstanceNames, bool Hibernated, string? BackupSchedule, BackupHealth Backups, string? ArchivingFault,
    string? RestoredFromName, DateTimeOffset? RestorePoint,
    ClusterState State, string StateReason, string? ProviderFault, string? OperatorPhase, string? OperatorPhaseReason,
    Guid? CurrentOperationId, Guid? LastOperationId, bool CanOperate,
    string? WhyNotChangeable, string? WhyNotDelete, string? WhyNotScale, string? WhyNotGrowStorage, string? WhyNotChangeCompute,
    string? MinorTarget, string? WhyNotUpdateMinor, int? MajorTarget, string? WhyNotUpgradeMajor, string? WhyNotRestart, string? WhyNotSwitchover,
    string? WhyNotHibernate, string? WhyNotWake, string? WhyNotBackup, string? WhyNotRestore, string? WhyNotReveal, string? WhyNotResync,
    DateTimeOffset CreatedAt, DateTimeOffset? LastReconciledAt, int Version)
{
    public IReadOnlyList<string> Replicas => InstanceNames.Where(i => i != CurrentPrimary).ToList();
}

/// <summary>A Service Config a tenant may see for databases, with its PostgreSQL platform; <see cref="WhyNot"/> says why it takes no new database.</summary>
public sealed record DatabasePlacementOption(Guid ServiceConfigId, string ServiceConfigName, string InfrastructureName, bool IsDemo, string Location,
    Guid PlatformId, string Mode, string? OperatorVersion, IReadOnlyList<int> Majors, bool HasBackupStore, string? WhyNot);

/// <summary>The wizard's steps, in order: each validates what it shows and everything before it.</summary>
public enum DatabaseWizardStep
{
    Project = 0,
    Placement = 1,
    Version = 2,
    Size = 3,
    Database = 4,
    Backups = 5,
    Review = 6,
}

/// <summary>A database as a person asks for it. Numbers are nullable like every number typed into a form.</summary>
public sealed record CreateDatabaseRequest(Guid? ProjectId, string? Name, Guid? ServiceConfigId, int? Major, int? Instances, string? Compute,
    int? StorageGiB, string? DatabaseName, string? OwnerName, bool BackupsEnabled, BackupFrequency? BackupFrequency, int? BackupHour,
    DayOfWeek? BackupDay, int? BackupRetentionDays);

/// <summary>A point-in-time restore of <paramref name="SourceId"/> into a new database named <paramref name="Name"/> in <paramref name="ProjectId"/>.</summary>
public sealed record RestoreDatabaseRequest(Guid SourceId, Guid? ProjectId, string? Name, DateTimeOffset? PointInTime);

/// <summary>A validated creation request.</summary>
public sealed record ValidatedDatabase(Guid ProjectId, Guid TenantId, Guid ServiceConfigId, Guid PlatformId, Guid InfrastructureId, string Name,
    string PostgresVersion, int Instances, ComputeSize Compute, int StorageGiB, string DatabaseName, string OwnerName, BackupPlan? Backups);

/// <summary>A database action that started an operation.</summary>
public sealed record StartedDatabaseOperation(Guid DatabaseId, Guid OperationId);

/// <summary>Where a database's connection secret lives, for the engine-side reader once the reveal is authorized (and audited).</summary>
public sealed record DatabaseSecretLocation(Guid DatabaseId, string Name, Guid PlatformId, string Namespace);

/// <summary>A database as the engine's steps need it: the stored row plus its platform's operator version.</summary>
public sealed record DatabaseContext(ManagedDatabase Database, string? OperatorVersion, string Namespace);
