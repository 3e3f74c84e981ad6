namespace Portal.Domain.Databases;

/// <summary>
/// What the engine read back from the platform's cluster about one database: CloudNativePG's <c>Cluster</c> status and
/// its <c>Backup</c> objects, reduced to what the portal shows and decides by. Built by the status reader in
/// Portal.Jobs; applied to the database by <see cref="ManagedDatabase.Observe"/>.
/// </summary>
/// <param name="Exists">The <c>Cluster</c> object exists.</param>
/// <param name="Phase">The operator's phase (<c>status.phase</c>), e.g. "Setting up primary", "Cluster in healthy state".</param>
/// <param name="PhaseReason">The operator's reason for the phase (<c>status.phaseReason</c>), or null.</param>
/// <param name="Healthy">The phase is the healthy one and the Ready condition is True.</param>
/// <param name="Fault">The operator's own words for a fault it reports (Ready=False with a reason that is not mere progress,
/// an unrecoverable phase, a failed PVC resize), or null.</param>
/// <param name="Instances">Instances the spec asks for (<c>status.instances</c>).</param>
/// <param name="ReadyInstances"><c>status.readyInstances</c>.</param>
/// <param name="CurrentPrimary"><c>status.currentPrimary</c> (an instance name such as <c>orders-1</c>), or null.</param>
/// <param name="InstanceNames"><c>status.instanceNames</c>, primary included.</param>
/// <param name="Image">The PostgreSQL image the instances run (<c>status.image</c>), or null.</param>
/// <param name="Hibernated">The <c>cnpg.io/hibernation</c> condition is True: the instances are stopped, the volumes kept.</param>
/// <param name="LastSuccessfulBackup">The newest completed backup: the later of <c>status.lastSuccessfulBackup</c> and the
/// newest <c>Backup</c> object whose phase is <c>completed</c> (its <c>status.stoppedAt</c>).</param>
/// <param name="LastFailedBackup">The newest failed backup's time: the later of <c>status.lastFailedBackup</c> and the newest
/// <c>Backup</c> whose phase is <c>failed</c>.</param>
/// <param name="LastBackupError">Why the newest failed backup failed (its <c>status.error</c>, or the LastBackupSucceeded
/// condition's message), or null.</param>
/// <param name="FirstRecoverabilityPoint"><c>status.firstRecoverabilityPoint</c>: the earliest point a restore can reach.</param>
/// <param name="ArchivingHealthy">The ContinuousArchiving condition is True (WAL reaches the object store), or null when
/// the database has no backups configured.</param>
/// <param name="ArchivingFault">The ContinuousArchiving condition's message when it is False, or null.</param>
public sealed record DatabaseObservation(
    bool Exists,
    string? Phase,
    string? PhaseReason,
    bool Healthy,
    string? Fault,
    int Instances,
    int ReadyInstances,
    string? CurrentPrimary,
    IReadOnlyList<string> InstanceNames,
    string? Image,
    bool Hibernated,
    DateTimeOffset? LastSuccessfulBackup,
    DateTimeOffset? LastFailedBackup,
    string? LastBackupError,
    DateTimeOffset? FirstRecoverabilityPoint,
    bool? ArchivingHealthy,
    string? ArchivingFault)
{
    /// <summary>No <c>Cluster</c> object: nothing applied yet, or deleted.</summary>
    public static DatabaseObservation Missing { get; } = new(false, null, null, false, null, 0, 0, null, [], null, false, null, null, null, null, null, null);
}
