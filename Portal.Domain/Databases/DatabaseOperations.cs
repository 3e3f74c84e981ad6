using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Operations;

namespace Portal.Domain.Databases;

// Operation parameters: what each database action asks for, recorded in the action history and read by its handler.
public sealed record CreateDatabaseParameters(string Version, int Instances, string Compute, int StorageGiB, string Database, string Owner, string Backups,
    string? RestoredFrom = null, DateTimeOffset? PointInTime = null);
public sealed record DatabaseInstancesParameters(int Instances, int From);
public sealed record DatabaseStorageParameters(int StorageGiB, int From);
public sealed record DatabaseComputeParameters(string Compute, string From);
public sealed record DatabaseVersionParameters(string Version, string From);
/// <summary>A restart: <paramref name="RequestedAt"/> is written as the restart annotation, the same on every retry.</summary>
public sealed record DatabaseRestartParameters(DateTimeOffset RequestedAt);
public sealed record DatabaseSwitchoverParameters(string Instance, string From);
public sealed record DatabaseHibernationParameters(bool Hibernate);
/// <summary>An on-demand backup, named after the operation so that a retry finds it.</summary>
public sealed record DatabaseBackupParameters(string Reason);
public sealed record DatabaseDeleteParameters(string Name, bool BackupsKept);
public sealed record DatabaseResyncParameters(string State);

/// <summary>
/// The kinds of operation managed PostgreSQL databases run: their steps (which the engine's handlers implement by name)
/// and the state each one drives the database through.
/// </summary>
public static class DatabaseOperations
{
    public const string Target = "PostgresDatabase";

    public const string Create = "postgres-database.create";
    public const string Restore = "postgres-database.restore";
    public const string Scale = "postgres-database.scale";
    public const string GrowStorage = "postgres-database.grow-storage";
    public const string ChangeCompute = "postgres-database.change-compute";
    public const string UpdateMinor = "postgres-database.update-minor";
    public const string UpgradeMajor = "postgres-database.upgrade-major";
    public const string Restart = "postgres-database.restart";
    public const string Switchover = "postgres-database.switchover";
    public const string Hibernate = "postgres-database.hibernate";
    public const string Wake = "postgres-database.wake";
    public const string Backup = "postgres-database.backup";
    public const string Resync = "postgres-database.resync";
    public const string Delete = "postgres-database.delete";

    /// <summary>The step names, shown in the action history; a queued operation holds them, so keep them stable.</summary>
    public static class Steps
    {
        public const string PrepareNamespace = "Prepare the namespace and backup credentials";
        public const string ApplyDatabase = "Apply the PostgreSQL cluster";
        public const string WaitForPrimary = "Wait for the primary instance";
        public const string WaitForRecovery = "Wait for the recovery from backups";
        public const string WaitForInstances = "Wait for every instance";
        public const string ActivateDatabase = "Activate the database";
        public const string ApplyInstances = "Apply the number of instances";
        public const string ApplyStorage = "Apply the storage size";
        public const string WaitForStorage = "Wait for the volumes to grow";
        public const string ApplyCompute = "Apply the compute size";
        public const string WaitForRollout = "Wait for the instances to roll";
        public const string ApplyMinorVersion = "Apply the new minor version";
        public const string BackupFirst = "Take a backup first";
        public const string WaitForBackupFirst = "Wait for that backup";
        public const string ApplyMajorVersion = "Apply the new major version";
        public const string WaitForMajorUpgrade = "Wait for the major upgrade";
        public const string RequestRestart = "Request a rolling restart";
        public const string PromoteReplica = "Promote the replica";
        public const string WaitForSwitchover = "Wait for the switchover";
        public const string ApplyHibernation = "Apply hibernation";
        public const string WaitForHibernation = "Wait for the instances to stop";
        public const string ApplyWake = "Lift hibernation";
        public const string StartBackup = "Start the backup";
        public const string WaitForBackup = "Wait for the backup";
        public const string ApplyDatabaseAgain = "Apply the PostgreSQL cluster again";
        public const string DeleteDatabaseObjects = "Delete the PostgreSQL cluster";
        public const string WaitForRemoval = "Wait for the instances and volumes to go";
        public const string RemoveCredentials = "Remove the backup credentials";
        public const string RemoveFromPortal = "Remove the database from the portal";
        /// <summary>The last step of a change: read the database back; the operation's success makes it Active again.</summary>
        public const string Finish = "Finish";
    }

    public static IReadOnlyList<OperationKind> Kinds { get; } =
    [
        new(Create, Steps.PrepareNamespace, Steps.ApplyDatabase, Steps.WaitForPrimary, Steps.WaitForInstances, Steps.ActivateDatabase),
        new(Restore, Steps.PrepareNamespace, Steps.ApplyDatabase, Steps.WaitForRecovery, Steps.WaitForInstances, Steps.ActivateDatabase),
        new(Scale, Steps.ApplyInstances, Steps.WaitForInstances, Steps.Finish),
        new(GrowStorage, Steps.ApplyStorage, Steps.WaitForStorage, Steps.Finish),
        new(ChangeCompute, Steps.ApplyCompute, Steps.WaitForRollout, Steps.Finish),
        new(UpdateMinor, Steps.ApplyMinorVersion, Steps.WaitForRollout, Steps.Finish),
        new(UpgradeMajor, Steps.BackupFirst, Steps.WaitForBackupFirst, Steps.ApplyMajorVersion, Steps.WaitForMajorUpgrade, Steps.Finish),
        new(Restart, Steps.RequestRestart, Steps.WaitForRollout, Steps.Finish),
        new(Switchover, Steps.PromoteReplica, Steps.WaitForSwitchover, Steps.Finish),
        new(Hibernate, Steps.ApplyHibernation, Steps.WaitForHibernation, Steps.Finish),
        new(Wake, Steps.ApplyWake, Steps.WaitForInstances, Steps.Finish),
        new(Backup, Steps.StartBackup, Steps.WaitForBackup, Steps.Finish),
        new(Resync, Steps.ApplyDatabaseAgain, Steps.WaitForInstances, Steps.Finish),
        new(Delete, Steps.DeleteDatabaseObjects, Steps.WaitForRemoval, Steps.RemoveCredentials, Steps.RemoveFromPortal),
    ];

    public static OperationKind Of(string kind) =>
        Kinds.FirstOrDefault(k => k.Name == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a database operation.");

    public static bool IsDatabaseKind(string kind) => kind.StartsWith("postgres-database.", StringComparison.Ordinal);

    /// <summary>The state the database is in while the operation runs (also after a retry).</summary>
    public static ClusterState Progress(string kind) => kind switch
    {
        Create or Restore => ClusterState.Creating,
        Scale => ClusterState.Scaling,
        UpdateMinor or UpgradeMajor => ClusterState.Upgrading,
        Delete => ClusterState.Deleting,
        GrowStorage or ChangeCompute or Restart or Switchover or Hibernate or Wake or Backup or Resync => ClusterState.Updating,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a database operation."),
    };

    /// <summary>What the action is called in a database's messages ("Scaling", "The backup").</summary>
    public static string Describe(string kind) => kind switch
    {
        Create => "Creating the database",
        Restore => "Restoring into the new database",
        Scale => "Scaling",
        GrowStorage => "Growing the storage",
        ChangeCompute => "Changing the compute size",
        UpdateMinor => "The minor update",
        UpgradeMajor => "The major upgrade",
        Restart => "The restart",
        Switchover => "The switchover",
        Hibernate => "Hibernating",
        Wake => "Waking",
        Backup => "The backup",
        Resync => "The resync",
        Delete => "Deletion",
        _ => "The action",
    };

    public static OperationTarget TargetOf(ManagedDatabase database) => new(Target, database.Id.ToString(), database.Name);

    /// <summary>The Queued operation of <paramref name="kind"/> on <paramref name="database"/>, with the kind's declared steps.</summary>
    internal static Operation NewOperation(string kind, ManagedDatabase database, object parameters, Actor actor, DateTimeOffset now) =>
        Of(kind).NewOperation(TargetOf(database), parameters, actor, now);
}
