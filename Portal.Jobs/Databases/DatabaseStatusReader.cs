using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Domain.Databases;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.Databases;

/// <summary>
/// Reduces what CloudNativePG reports about a database (the <c>Cluster</c>'s status and the <c>Backup</c> objects in its
/// namespace) to a <see cref="DatabaseObservation"/>. Pure: the caller fetches the objects. Never throws on odd status:
/// a field of the wrong type or a timestamp that is not RFC 3339 is treated as absent, because a status written by a
/// newer or older operator must not stop the engine from reading the rest.
/// </summary>
/// <remarks>Phase texts and condition types are CloudNativePG's (api/v1 cluster_types.go, backup_types.go,
/// pkg/reconciler/hibernation/status.go).</remarks>
public static partial class DatabaseStatusReader
{
    /// <summary>The phase of a cluster with every instance up and nothing to do.</summary>
    public const string HealthyPhase = "Cluster in healthy state";

    public const string ReadyCondition = "Ready";
    public const string HibernationCondition = "cnpg.io/hibernation";
    public const string ContinuousArchivingCondition = "ContinuousArchiving";
    public const string LastBackupSucceededCondition = "LastBackupSucceeded";

    /// <summary>The LastBackupSucceeded reason while a backup runs: False, but not a failure.</summary>
    public const string BackupStartedReason = "BackupStarted";

    public const string BackupCompletedPhase = "completed";
    public const string BackupFailedPhase = "failed";

    /// <summary>
    /// The phases in which the operator has stopped making progress on its own: each needs a fix (a plugin, an image
    /// catalog, the definition, disk space, the network between operator and instances) or manual intervention. Every
    /// other phase — setting up, creating a replica, upgrading, failing over, applying configuration — is progress
    /// and not a fault. The last two are written as literals by the operator's controller rather than as api/v1
    /// constants; the unrecoverable phase had other words before CloudNativePG 1.25, and older operators still say them.
    /// </summary>
    public static readonly IReadOnlySet<string> FaultPhases = new HashSet<string>(StringComparer.Ordinal)
    {
        "Cluster cannot proceed to reconciliation due to an unknown plugin being required",
        "Cluster cannot proceed to reconciliation due to an error while interacting with plugins",
        "Cluster has incomplete or invalid image catalog",
        "Cluster is unrecoverable and needs manual intervention",
        "Cluster is in an unrecoverable state, needs manual intervention",
        "Cluster cannot execute instance online upgrade due to missing architecture binary",
        "Unable to create required cluster objects",
        "Invalid cluster definition",
        "Not enough disk space",
        "Instance Status Extraction Error: HTTP communication issue",
    };

    /// <summary>
    /// What the database looks like. <paramref name="backups"/> may hold the Backups of other databases in the same
    /// project namespace: only those whose <c>spec.cluster.name</c> is this cluster count.
    /// <paramref name="backupsConfigured"/> decides whether archiving health is reported at all.
    /// </summary>
    public static DatabaseObservation Read(JsonObject? cluster, IEnumerable<JsonObject> backups, bool backupsConfigured)
    {
        if (cluster is null)
            return DatabaseObservation.Missing;

        var resource = KubeResourceStatus.From(cluster);
        var status = resource.Status;
        var phase = NonEmpty(KubeJson.String(status, "phase"));
        var phaseReason = NonEmpty(KubeJson.String(status, "phaseReason"));
        var ready = resource.Condition(ReadyCondition);
        var healthy = phase == HealthyPhase && ready is { IsTrue: true };
        var fault = phase is not null && FaultPhases.Contains(phase)
            ? phaseReason is null ? phase : $"{phase}: {phaseReason}"
            : null;

        var clusterName = cluster["metadata"] is JsonObject metadata ? KubeJson.String(metadata, "name") : null;
        var ours = (backups ?? []).Where(b => b is not null && BelongsTo(b, clusterName)).ToArray();

        var newestCompleted = Newest(ours, BackupCompletedPhase);
        var newestFailed = Newest(ours, BackupFailedPhase);
        var lastSuccessful = Later(ParseTime(KubeJson.String(status, "lastSuccessfulBackup")), newestCompleted?.Time);
        var lastFailed = Later(ParseTime(KubeJson.String(status, "lastFailedBackup")), newestFailed?.Time);

        var backupCondition = resource.Condition(LastBackupSucceededCondition);
        var lastError = newestFailed?.Error
            ?? (backupCondition is { IsFalse: true } && backupCondition.Reason != BackupStartedReason ? NonEmpty(backupCondition.Message) : null);

        bool? archivingHealthy = null;
        string? archivingFault = null;
        if (backupsConfigured && resource.Condition(ContinuousArchivingCondition) is { } archiving)
        {
            if (archiving.IsTrue)
                archivingHealthy = true;
            else if (archiving.IsFalse)
            {
                archivingHealthy = false;
                archivingFault = NonEmpty(archiving.Message) ?? NonEmpty(archiving.Reason);
            }
        }

        return new DatabaseObservation(
            Exists: true,
            Phase: phase,
            PhaseReason: phaseReason,
            Healthy: healthy,
            Fault: fault,
            Instances: Count(status, "instances"),
            ReadyInstances: Count(status, "readyInstances"),
            CurrentPrimary: NonEmpty(KubeJson.String(status, "currentPrimary")),
            InstanceNames: Strings(status["instanceNames"]),
            Image: NonEmpty(KubeJson.String(status, "image")),
            Hibernated: resource.Condition(HibernationCondition) is { IsTrue: true },
            LastSuccessfulBackup: lastSuccessful,
            LastFailedBackup: lastFailed,
            LastBackupError: lastError,
            FirstRecoverabilityPoint: ParseTime(KubeJson.String(status, "firstRecoverabilityPoint")),
            ArchivingHealthy: archivingHealthy,
            ArchivingFault: archivingFault);
    }

    /// <summary>
    /// An RFC 3339 timestamp (<c>2025-05-01T02:00:04Z</c>, with optional fraction and numeric offset), in UTC; null
    /// for anything else. Stricter than <see cref="DateTimeOffset.TryParse(string?, out DateTimeOffset)"/>, which
    /// would read culture-style dates and guess a missing offset.
    /// </summary>
    public static DateTimeOffset? ParseTime(string? text)
    {
        if (text is null)
            return null;
        var match = Rfc3339().Match(text.Trim());
        if (!match.Success)
            return null;
        // Go writes up to nine fraction digits; .NET parses seven. Normalise to exactly seven and a numeric offset.
        var fraction = match.Groups["fraction"].Success ? match.Groups["fraction"].Value : string.Empty;
        fraction = fraction.Length > 7 ? fraction[..7] : fraction.PadRight(7, '0');
        var offset = match.Groups["offset"].Value is "Z" or "z" ? "+00:00" : match.Groups["offset"].Value;
        var normalised = $"{match.Groups["date"].Value}T{match.Groups["time"].Value}.{fraction}{offset}";
        return DateTimeOffset.TryParseExact(normalised, "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToUniversalTime()
            : null;
    }

    // ---- Helpers ------------------------------------------------------------------------------------------------

    private sealed record BackupFact(DateTimeOffset Time, string? Error);

    /// <summary>A Backup counts when it names this cluster; when either name is unknown it is given the benefit of the doubt.</summary>
    private static bool BelongsTo(JsonObject backup, string? clusterName)
    {
        if (clusterName is null)
            return true;
        var target = backup["spec"] is JsonObject spec && spec["cluster"] is JsonObject cluster ? KubeJson.String(cluster, "name") : null;
        return target is null || string.Equals(target, clusterName, StringComparison.Ordinal);
    }

    /// <summary>
    /// The newest Backup in a phase, by when it stopped (a failed backup that never stopped: when it started, else
    /// when it was created). Backups with no readable time cannot be ordered and are skipped.
    /// </summary>
    private static BackupFact? Newest(IEnumerable<JsonObject> backups, string phase)
    {
        BackupFact? newest = null;
        foreach (var backup in backups)
        {
            if (backup["status"] is not JsonObject status || !string.Equals(KubeJson.String(status, "phase"), phase, StringComparison.Ordinal))
                continue;
            var time = ParseTime(KubeJson.String(status, "stoppedAt"));
            if (time is null && phase == BackupFailedPhase)
            {
                time = ParseTime(KubeJson.String(status, "startedAt"))
                    ?? (backup["metadata"] is JsonObject metadata ? ParseTime(KubeJson.String(metadata, "creationTimestamp")) : null);
            }
            if (time is { } when && (newest is null || when > newest.Time))
                newest = new BackupFact(when, NonEmpty(KubeJson.String(status, "error")));
        }
        return newest;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    private static int Count(JsonObject status, string property) =>
        KubeJson.Long(status, property) is { } value && value is >= 0 and <= int.MaxValue ? (int)value : 0;

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array
            ? [.. array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).Where(s => s.Length > 0)]
            : [];

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt](?<time>\d{2}:\d{2}:\d{2})(?:\.(?<fraction>\d{1,9}))?(?<offset>[Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
