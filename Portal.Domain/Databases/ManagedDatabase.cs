using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Databases;

/// <summary>
/// A managed PostgreSQL database in a tenant's project: a CloudNativePG <c>Cluster</c> on its Service Config's
/// PostgreSQL platform. It holds the spec last applied (version, instances, compute, storage, backups, hibernation)
/// and the lifecycle state; what the operator reports back (phase, ready instances, primary, backups, restore window)
/// is refreshed by the reconcile. The lifecycle is the clusters' (<see cref="LifecycleResource"/>).
/// </summary>
public sealed class ManagedDatabase : LifecycleResource
{
    private ManagedDatabase() { }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid ProjectId { get; private set; }
    public Project? Project { get; private set; }
    public Guid ServiceConfigId { get; private set; }
    public Guid PlatformId { get; private set; }
    public Guid InfrastructureId { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>The full PostgreSQL version the instances are meant to run, e.g. 17.5.</summary>
    public string PostgresVersion { get; private set; } = "";
    public int Instances { get; private set; }
    public string ComputeSize { get; private set; } = "";
    public int StorageGiB { get; private set; }
    public string DatabaseName { get; private set; } = "";
    public string OwnerName { get; private set; } = "";

    public bool BackupsEnabled { get; private set; }
    public BackupFrequency BackupFrequency { get; private set; }
    public int BackupHour { get; private set; }
    public DayOfWeek BackupDay { get; private set; }
    public int BackupRetentionDays { get; private set; }

    /// <summary>The instances are stopped with their volumes kept (CloudNativePG's declarative hibernation).</summary>
    public bool Hibernated { get; private set; }

    /// <summary>When the last rolling restart was asked for: kept in the spec (as the restart annotation) so later applies do not undo or repeat it.</summary>
    public DateTimeOffset? RestartRequestedAt { get; private set; }

    /// <summary>Set on a database created by a point-in-time restore: the source's name (it may since be gone) and the point.</summary>
    public Guid? RestoredFromId { get; private set; }
    public string? RestoredFromName { get; private set; }
    /// <summary>The source's server name in the object store: the CloudNativePG cluster name its backups were written under.</summary>
    public string? RestoredFromServer { get; private set; }
    public DateTimeOffset? RestorePoint { get; private set; }

    // ---- observations (what the reconcile reads back; saving only these does not bump Version) ----
    public int ReadyInstances { get; private set; }
    public string? CurrentPrimary { get; private set; }
    /// <summary>Instance names, primary included, comma-separated (as the operator lists them).</summary>
    public string InstanceNames { get; private set; } = "";
    public string? OperatorPhase { get; private set; }
    public string? OperatorPhaseReason { get; private set; }
    /// <summary>Since when the operator has reported <see cref="OperatorPhase"/>: a phase that lasts too long becomes a fault.</summary>
    public DateTimeOffset? OperatorPhaseSince { get; private set; }
    public DateTimeOffset? LastBackupAt { get; private set; }
    public DateTimeOffset? LastBackupFailedAt { get; private set; }
    public string? LastBackupFailure { get; private set; }
    /// <summary>The earliest point a restore can reach (the operator's first recoverability point).</summary>
    public DateTimeOffset? RecoverableFrom { get; private set; }
    /// <summary>The latest point known recoverable: the last time WAL archiving was seen working.</summary>
    public DateTimeOffset? RecoverableTo { get; private set; }
    public string? ArchivingFault { get; private set; }
    public DateTimeOffset? LastReconciledAt { get; private set; }

    public DateTimeOffset? BackupsEnabledAt { get; private set; }
    public string CreatedById { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public static readonly IReadOnlySet<string> ObservationNames = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(ReadyInstances), nameof(CurrentPrimary), nameof(InstanceNames), nameof(OperatorPhase), nameof(OperatorPhaseReason), nameof(OperatorPhaseSince),
        nameof(LastBackupAt), nameof(LastBackupFailedAt), nameof(LastBackupFailure), nameof(RecoverableFrom), nameof(RecoverableTo), nameof(ArchivingFault),
        nameof(LastReconciledAt),
    };

    public override string Describe() => $"database {Name}";

    public int Major => DatabaseRules.MajorOf(PostgresVersion);

    /// <summary>
    /// The name its backups are written under in the platform's object store: unique per database, so a new database
    /// that reuses a deleted one's name never finds (and refuses) the old one's WAL archive.
    /// </summary>
    public string BackupServerName => $"{Name}-{Id.ToString("N")[..8]}";

    public BackupPlan? Backups => BackupsEnabled ? new BackupPlan(BackupFrequency, BackupHour, BackupDay, BackupRetentionDays) : null;

    public ComputeSize Compute => DatabaseRules.Compute(ComputeSize) ?? DatabaseRules.ComputeSizes[0];

    public IReadOnlyList<string> InstanceList => InstanceNames.Length == 0 ? [] : InstanceNames.Split(',');

    /// <summary>A new database, Pending, with its create (or restore) operation in flight. Values are validated by the caller.</summary>
    internal static ManagedDatabase Create(Guid id, Project project, Guid serviceConfigId, Guid platformId, Guid infrastructureId, string name,
        string postgresVersion, int instances, ComputeSize compute, int storageGiB, string databaseName, string ownerName, BackupPlan? backups,
        string createdBy, Guid operationId, DateTimeOffset now)
    {
        var database = new ManagedDatabase
        {
            Id = id,
            TenantId = project.TenantId,
            ProjectId = project.Id,
            ServiceConfigId = serviceConfigId,
            PlatformId = platformId,
            InfrastructureId = infrastructureId,
            Name = name,
            PostgresVersion = postgresVersion,
            Instances = instances,
            ComputeSize = compute.Name,
            StorageGiB = storageGiB,
            DatabaseName = databaseName,
            OwnerName = ownerName,
            CreatedById = createdBy,
            CreatedAt = now,
        };
        database.SetBackups(backups, now);
        database.Enter(ClusterState.Pending, "Waiting for the operations engine to start creating it.", operationId, now);
        return database;
    }

    /// <summary>Marks a new database as restored from <paramref name="source"/> at <paramref name="point"/>.</summary>
    internal void RestoredFrom(ManagedDatabase source, DateTimeOffset point)
    {
        RestoredFromId = source.Id;
        RestoredFromName = source.Name;
        RestoredFromServer = source.BackupServerName;
        RestorePoint = point;
    }

    private void SetBackups(BackupPlan? plan, DateTimeOffset now)
    {
        BackupsEnabled = plan is not null;
        BackupFrequency = plan?.Frequency ?? BackupFrequency.Daily;
        BackupHour = plan?.Hour ?? 0;
        BackupDay = plan?.Day ?? DayOfWeek.Sunday;
        BackupRetentionDays = plan?.RetentionDays ?? 0;
        BackupsEnabledAt = plan is null ? null : BackupsEnabledAt ?? now;
    }

    // ---- why an action cannot start (the page shows these on disabled actions) ----

    /// <summary>Why a day-2 action that needs running instances cannot start, or null.</summary>
    public string? WhyNotChangeRunning() => WhyNotChangeable() ?? (Hibernated ? $"The {Describe()} is hibernated; wake it first." : null);

    public Refusal? CheckScale(int? instances)
    {
        var valid = DatabaseRules.Instances(instances);
        if (!valid.Succeeded) return valid.Refusal;
        if (valid.Value == Instances) return Refusal.Invalid(Fields.Instances, $"The database already runs {Instances} {(Instances == 1 ? "instance" : "instances")}.");
        return WhyNotChangeRunning() is { } why ? Refusal.Conflict(why) : null;
    }

    public Refusal? CheckGrowStorage(int? gib)
    {
        var valid = DatabaseRules.Storage(gib);
        if (!valid.Succeeded) return valid.Refusal;
        if (valid.Value == StorageGiB) return Refusal.Invalid(Fields.StorageGiB, $"The database already has {StorageGiB} GiB per instance.");
        if (valid.Value < StorageGiB)
            return Refusal.Invalid(Fields.StorageGiB, $"Storage can only grow: volumes cannot be shrunk in place (from {StorageGiB} GiB to {valid.Value} GiB). To use less, restore into a new, smaller database.");
        return WhyNotChangeRunning() is { } why ? Refusal.Conflict(why) : null;
    }

    public Refusal? CheckCompute(string? size)
    {
        var valid = DatabaseRules.ComputeSize(size);
        if (!valid.Succeeded) return valid.Refusal;
        if (valid.Value!.Name == ComputeSize) return Refusal.Invalid(Fields.Compute, $"The database already runs on {Compute.Describe()}.");
        return WhyNotChangeRunning() is { } why ? Refusal.Conflict(why) : null;
    }

    /// <summary>Why no minor update can start, or null: there must be a newer minor of the major it runs.</summary>
    public string? WhyNotUpdateMinor() =>
        WhyNotChangeRunning()
        ?? (DatabaseRules.PostgresVersions.TryGetValue(Major, out var minors) && minors[^1] != PostgresVersion
            ? null
            : $"The database runs {PostgresVersion}, the newest {Major} version Portal offers.");

    public string? WhyNotUpgradeMajor(string? operatorVersion) =>
        WhyNotChangeRunning()
        ?? (!DatabaseRules.OperatorUpgradesMajorsInPlace(operatorVersion)
            ? $"The platform's CloudNativePG {operatorVersion ?? "operator"} cannot upgrade major versions in place; that needs {DatabaseRules.InPlaceMajorUpgradeOperator} or newer."
            : !DatabaseRules.MajorsFor(operatorVersion).Contains(Major + 1)
                ? $"PostgreSQL {Major} is the newest major version the platform offers."
                : null);

    public string? WhyNotSwitchover() =>
        WhyNotChangeRunning() ?? (Instances < 2 ? "A switchover needs a replica to promote; this database runs 1 instance. Scale it to 2 or 3 first." : null);

    public Refusal? CheckSwitchover(string? instance)
    {
        if (WhyNotSwitchover() is { } why) return Refusal.Conflict(why);
        if (string.IsNullOrWhiteSpace(instance)) return Refusal.Invalid(Fields.Instance, "Choose the replica to promote.");
        if (instance == CurrentPrimary) return Refusal.Invalid(Fields.Instance, $"{instance} is already the primary. Choose a replica.");
        if (!InstanceList.Contains(instance)) return Refusal.Invalid(Fields.Instance, $"{instance} is not one of the database's instances ({string.Join(", ", InstanceList)}).");
        return null;
    }

    public string? WhyNotHibernate() => WhyNotChangeRunning();

    public string? WhyNotWake() => WhyNotChangeable() ?? (Hibernated ? null : $"The {Describe()} is not hibernated.");

    public string? WhyNotBackup() =>
        WhyNotChangeRunning() ?? (BackupsEnabled ? null : "Backups are off for this database: it has no object store to write to. Turn backups on first.");

    /// <summary>Why no point-in-time restore can start from this database, or null: it needs backups and a restore window.</summary>
    public string? WhyNotRestoreFrom() =>
        !BackupsEnabled && RecoverableFrom is null ? "Backups are off for this database, so there is nothing to restore from."
        : RecoverableFrom is null || RecoverableTo is null ? "The database has no completed backup yet, so there is no point to restore to. Take a backup first."
        : State is ClusterState.Pending or ClusterState.Creating or ClusterState.Deleting ? $"The {Describe()} is {State.ToString().ToLowerInvariant()}."
        : null;

    public Refusal? CheckRestorePoint(DateTimeOffset? point, DateTimeOffset now)
    {
        if (WhyNotRestoreFrom() is { } why) return Refusal.Conflict(why);
        if (point is null) return Refusal.Invalid(Fields.RestorePoint, "Choose the point in time to restore to.");
        var latest = RecoverableTo!.Value < now ? RecoverableTo.Value : now;
        if (point < RecoverableFrom || point > latest)
            return Refusal.Invalid(Fields.RestorePoint,
                $"Choose a time inside the restore window, {RecoverableFrom:yyyy-MM-dd HH:mm:ss} to {latest:yyyy-MM-dd HH:mm:ss} UTC; {point:yyyy-MM-dd HH:mm:ss} UTC is outside it.");
        return null;
    }

    public Refusal? CheckDelete() => WhyNotDeletable() is { } why ? Refusal.Conflict(why) : null;

    // ---- applied by the database's operations once the platform's cluster accepted the change ----

    public void ApplyInstances(int instances, DateTimeOffset now) { Instances = DatabaseRules.Instances(instances).Value; UpdatedAt = now; }

    public void ApplyStorage(int gib, DateTimeOffset now)
    {
        if (gib < StorageGiB) throw new InvalidOperationException($"Storage of {Describe()} cannot shrink from {StorageGiB} to {gib} GiB.");
        StorageGiB = gib;
        UpdatedAt = now;
    }

    public void ApplyCompute(ComputeSize size, DateTimeOffset now) { ComputeSize = size.Name; UpdatedAt = now; }

    public void ApplyVersion(string version, DateTimeOffset now)
    {
        if (!DatabaseRules.PostgresVersions.Values.Any(v => v.Contains(version)))
            throw new InvalidOperationException($"PostgreSQL {version} is not a version Portal deploys.");
        PostgresVersion = version;
        UpdatedAt = now;
    }

    public void ApplyHibernation(bool hibernated, DateTimeOffset now) { Hibernated = hibernated; UpdatedAt = now; }

    public void ApplyRestart(DateTimeOffset requestedAt, DateTimeOffset now) { RestartRequestedAt = requestedAt; UpdatedAt = now; }

    // ---- how an operation ended: applied in the transaction that records the end ----

    public void ApplyOutcome(Operation operation, DateTimeOffset now)
    {
        if (!DatabaseOperations.IsDatabaseKind(operation.Kind))
            throw new ArgumentException($"Operation {operation.Id} ({operation.Kind}) is not a database operation.", nameof(operation));
        switch (operation.State)
        {
            case OperationState.Succeeded:
                if (CurrentOperationId == operation.Id) Complete(operation.Id, now);
                ClearNote(now);
                break;
            case OperationState.Failed:
                Fail(operation.Id, operation.Error ?? $"{DatabaseOperations.Describe(operation.Kind)} failed without saying why.", now);
                break;
            case OperationState.Cancelled:
                Cancelled(operation.Id, operation.CancelledByName ?? "someone", now);
                break;
            case OperationState.Queued or OperationState.Running:
                throw new InvalidOperationException($"Operation {operation.Id} ({operation.Kind}) is {operation.State}: it has no outcome to apply yet.");
        }
    }

    // ---- what the reconcile reads back ----

    /// <summary>
    /// Records what the reconcile read back and moves an idle database between Active and Degraded by it. A phase the
    /// operator has reported for longer than <paramref name="stuckAfter"/> without reaching health is a fault in its own
    /// words, whatever the phase claims. <paramref name="lastActionFailed"/>: a failed action keeps it Degraded until retried.
    /// </summary>
    public void Observe(DatabaseObservation observation, bool lastActionFailed, TimeSpan stuckAfter, DateTimeOffset now)
    {
        if (!string.Equals(OperatorPhase, observation.Phase, StringComparison.Ordinal))
        {
            OperatorPhase = observation.Phase;
            OperatorPhaseSince = now;
        }
        OperatorPhaseReason = observation.PhaseReason;
        ReadyInstances = observation.ReadyInstances;
        CurrentPrimary = observation.CurrentPrimary;
        InstanceNames = string.Join(',', observation.InstanceNames);
        if (observation.LastSuccessfulBackup is { } good && (LastBackupAt is null || good > LastBackupAt)) LastBackupAt = good;
        if (observation.LastFailedBackup is { } failed && (LastBackupFailedAt is null || failed >= LastBackupFailedAt))
        {
            LastBackupFailedAt = failed;
            LastBackupFailure = observation.LastBackupError is null ? null : Clip(observation.LastBackupError);
        }
        if (observation.FirstRecoverabilityPoint is { } first) RecoverableFrom = first;
        if (observation.ArchivingHealthy == true && RecoverableFrom is not null) RecoverableTo = now;
        ArchivingFault = observation.ArchivingFault is null ? null : Clip(observation.ArchivingFault);
        LastReconciledAt = now;

        var missing = !observation.Exists && State is not (ClusterState.Pending or ClusterState.Creating or ClusterState.Deleting or ClusterState.Error)
            ? "The database's CloudNativePG cluster is missing from the platform's Kubernetes cluster."
            : null;
        var fault = observation.Fault ?? missing ?? StuckFault(now, stuckAfter);
        var ready = observation.Healthy || (Hibernated && observation.Hibernated);
        Observe(fault, ready, lastActionFailed, now);
    }

    /// <summary>
    /// The operator's phase as a fault once it has lasted longer than <paramref name="limit"/> without the database being
    /// healthy (a stuck "Setting up primary" must not look like progress forever), or null.
    /// </summary>
    public string? StuckFault(DateTimeOffset now, TimeSpan limit)
    {
        if (OperatorPhase is null || OperatorPhaseSince is null || OperatorPhase == HealthyPhase || Hibernated) return null;
        var lasted = now - OperatorPhaseSince.Value;
        if (lasted <= limit) return null;
        var reason = string.IsNullOrWhiteSpace(OperatorPhaseReason) ? "" : $": {OperatorPhaseReason}";
        return $"The operator has reported \"{OperatorPhase}\" for {Minutes(lasted)} without the database becoming healthy{reason}. Check the platform's cluster (storage, images, node capacity), then retry.";
    }

    /// <summary>CloudNativePG's phase for a cluster with every instance ready.</summary>
    public const string HealthyPhase = "Cluster in healthy state";

    /// <summary>How the backups are doing, computed here from what was observed, whatever the operator's own status claims.</summary>
    public BackupHealth BackupHealthAt(DateTimeOffset now)
    {
        if (!BackupsEnabled) return new BackupHealth(false, LastBackupAt, null, LastBackupFailedAt, LastBackupFailure, RecoverableFrom, RecoverableTo, null);
        var plan = Backups!;
        var limit = plan.Interval * DatabaseRules.StaleBackupFactor;
        var since = LastBackupAt ?? BackupsEnabledAt ?? CreatedAt;
        var age = now - since;
        string? warning = null;
        if (age > limit)
            warning = LastBackupAt is null
                ? $"No backup has completed in the {Minutes(age)} since backups were turned on; they run {plan.Describe().Split(',')[0].ToLowerInvariant()}."
                : $"The last good backup is {Minutes(age)} old: more than twice the schedule ({plan.Describe().Split(',')[0].ToLowerInvariant()}).";
        // Times come in whole seconds: a failure in the same second as the last good backup is taken as the newer (warn rather than hide it).
        var lastAttemptFailed = LastBackupFailedAt is { } failedAt && (LastBackupAt is null || failedAt >= LastBackupAt);
        if (lastAttemptFailed)
        {
            // A failed newest attempt is worth a warning at once, not only once the last good backup has aged.
            var why = LastBackupFailure ?? "the operator gave no reason";
            warning = warning is null
                ? $"The last backup attempt failed at {LastBackupFailedAt:yyyy-MM-dd HH:mm} UTC: {why}"
                : $"{warning} The last attempt failed: {why}";
        }
        return new BackupHealth(true, LastBackupAt, LastBackupAt is null ? null : now - LastBackupAt.Value, LastBackupFailedAt, LastBackupFailure,
            RecoverableFrom, RecoverableTo, warning);
    }

    internal static string Minutes(TimeSpan span) => span.TotalMinutes < 120
        ? $"{Math.Max(1, (int)span.TotalMinutes)} minutes"
        : span.TotalHours < 48 ? $"{(int)span.TotalHours} hours" : $"{(int)span.TotalDays} days";
}

/// <summary>A database's backups as the portal judges them.</summary>
/// <param name="Enabled">Scheduled backups are on.</param>
/// <param name="LastGood">The newest completed backup.</param>
/// <param name="Age">How old it is now.</param>
/// <param name="LastFailedAt">The newest failed backup.</param>
/// <param name="LastFailure">Why it failed.</param>
/// <param name="WindowFrom">The earliest recoverable point.</param>
/// <param name="WindowTo">The latest recoverable point known.</param>
/// <param name="Warning">Set when the last good backup is older than twice the schedule (or none came in that time).</param>
public sealed record BackupHealth(bool Enabled, DateTimeOffset? LastGood, TimeSpan? Age, DateTimeOffset? LastFailedAt, string? LastFailure,
    DateTimeOffset? WindowFrom, DateTimeOffset? WindowTo, string? Warning);
