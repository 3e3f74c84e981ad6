using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// The backup side of the Cluster simulation: the ContinuousArchiving and LastBackupSucceeded conditions, the
/// recoverability fields read from the Cluster's Backup objects, the retention policy, and the recoverable window a
/// <c>bootstrap.recovery</c> is checked against. The Backup objects are the demo's object store catalog: a completed
/// Backup is a base backup in the store under its <c>status.serverName</c>.
/// </summary>
internal sealed partial class DemoPostgresClusterController
{
    public const string ConditionContinuousArchiving = "ContinuousArchiving";
    public const string ConditionLastBackupSucceeded = "LastBackupSucceeded";

    /// <summary>The pattern CloudNativePG's CRD gives <c>spec.backup.retentionPolicy</c>: days, weeks or months.</summary>
    private static readonly System.Text.RegularExpressions.Regex RetentionPattern = new("^([1-9][0-9]*)([dwm])$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Writes the backup fields into the run's status; returns the Backups the retention policy removes.</summary>
    private static List<JsonObject> ReconcileBackups(DemoControllerContext context, JsonObject cluster, ClusterRun run)
    {
        var status = run.Status;
        var store = cluster["spec"]?["backup"]?["barmanObjectStore"] as JsonObject;
        var failing = context.Api.HasDatabaseFault(cluster, DemoDatabaseFault.BackupsFailing);
        if (store is null)
            RemoveCondition(status, ConditionContinuousArchiving);
        else if (failing)
            DemoStatus.SetCondition(status, ConditionContinuousArchiving, false, "ContinuousArchivingFailing", DemoDatabaseFaults.Describe(DemoDatabaseFault.BackupsFailing), context.Now);
        else if (run.Ready >= 1)
            DemoStatus.SetCondition(status, ConditionContinuousArchiving, true, "ContinuousArchivingSuccess", "Continuous archiving is working", context.Now);

        var backups = BackupsOf(context, cluster);
        var expired = store is null || failing ? [] : Expired(cluster, backups, context.Now);
        var kept = backups.Where(b => !expired.Contains(b)).ToList();

        var completed = kept.Where(b => Phase(b) == "completed").ToList();
        if (completed.Select(b => Time(b, "startedAt")).Min() is { } first)
        {
            status["firstRecoverabilityPoint"] = KubeJson.FormatTime(first);
            status["firstRecoverabilityPointByMethod"] = new JsonObject { ["barmanObjectStore"] = KubeJson.FormatTime(first) };
        }
        else
        {
            status.Remove("firstRecoverabilityPoint");
            status.Remove("firstRecoverabilityPointByMethod");
        }
        if (Latest(status, "lastSuccessfulBackup", completed) is { } success)
        {
            status["lastSuccessfulBackup"] = KubeJson.FormatTime(success);
            status["lastSuccessfulBackupByMethod"] = new JsonObject { ["barmanObjectStore"] = KubeJson.FormatTime(success) };
        }
        if (Latest(status, "lastFailedBackup", backups.Where(b => Phase(b) == "failed")) is { } failed)
            status["lastFailedBackup"] = KubeJson.FormatTime(failed);

        var newest = backups.Where(b => Phase(b) is "running" or "completed" or "failed")
            .OrderBy(b => Time(b, "startedAt") ?? DateTimeOffset.MinValue).ThenBy(b => Time(b, "stoppedAt") ?? DateTimeOffset.MaxValue).LastOrDefault();
        switch (Phase(newest))
        {
            case "running":
                DemoStatus.SetCondition(status, ConditionLastBackupSucceeded, false, "BackupStarted", "New Backup starting up", context.Now);
                break;
            case "completed":
                DemoStatus.SetCondition(status, ConditionLastBackupSucceeded, true, "LastBackupSucceeded", "Backup was successful", context.Now);
                break;
            case "failed":
                DemoStatus.SetCondition(status, ConditionLastBackupSucceeded, false, "LastBackupFailed",
                    DemoKubeJson.Text(newest!["status"]?["error"]) ?? "backup failed", context.Now);
                break;
        }
        return expired;
    }

    /// <summary>
    /// The Backups outside the retention window, as barman's recovery-window policy sees it: every backup that ended
    /// before the window started, except the newest of those (it is what a restore to the window's start needs).
    /// </summary>
    private static List<JsonObject> Expired(JsonObject cluster, IReadOnlyList<JsonObject> backups, DateTimeOffset now)
    {
        var policy = DemoKubeJson.Text(cluster["spec"]?["backup"]?["retentionPolicy"]);
        if (policy is null || RetentionPattern.Match(policy) is not { Success: true } match)
            return [];
        var count = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var windowStart = match.Groups[2].Value switch
        {
            "d" => now.AddDays(-count),
            "w" => now.AddDays(-7 * count),
            _ => now.AddMonths(-count),
        };
        var old = backups.Where(b => Phase(b) is "completed" or "failed" && Time(b, "stoppedAt") is { } stopped && stopped < windowStart).ToList();
        var anchor = old.Where(b => Phase(b) == "completed").MaxBy(b => Time(b, "stoppedAt"));
        return old.Where(b => b != anchor).ToList();
    }

    /// <summary>
    /// Why a recovery from <paramref name="recovery"/> cannot reach its target, in the words the full-recovery job
    /// would log; null when it can. The source is the external cluster the recovery names; its backups are those
    /// completed under its server name, and its window runs from the first backup to now while a Cluster still archives
    /// under that name (else to the last backup's end).
    /// </summary>
    internal static string? RecoveryProblem(DemoControllerContext context, JsonObject cluster, JsonObject recovery)
    {
        var ns = DemoStatus.Namespace(cluster) ?? "default";
        var all = context.List(ApiVersion, "Backup");
        if (DemoKubeJson.Text(recovery["backup"]?["name"]) is { } backupName)
        {
            var backup = all.FirstOrDefault(b => DemoStatus.Namespace(b) == ns && DemoStatus.Name(b) == backupName);
            return backup is null || Phase(backup) != "completed" ? "no target backup found" : null;
        }
        var source = DemoKubeJson.Text(recovery["source"]);
        if (source is null)
            return "recovery source not specified";
        var external = (cluster["spec"]?["externalClusters"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(e => DemoKubeJson.Text(e["name"]) == source);
        if (external is null)
            return $"missing external cluster: {source}";
        if (external["barmanObjectStore"] is not JsonObject sourceStore)
            return $"missing barman object store configuration for source: {source}";
        var serverName = DemoKubeJson.Text(sourceStore["serverName"]) ?? source;
        var catalog = all.Where(b => Phase(b) == "completed" && DemoKubeJson.Text(b["status"]?["serverName"]) == serverName).ToList();
        if (catalog.Count == 0)
            return "no target backup found";
        var targetText = DemoKubeJson.Text(recovery["recoveryTarget"]?["targetTime"]);
        if (targetText is null)
            return null;
        if (!DateTimeOffset.TryParse(targetText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var target))
            return $"cannot parse recoveryTarget.targetTime \"{targetText}\"";
        var first = catalog.Select(b => Time(b, "startedAt")).OfType<DateTimeOffset>().Min();
        if (target < first)
            return "no target backup found";
        var archiving = context.List(ApiVersion, "Cluster").Any(c =>
            ServerName(c) == serverName && DemoStatus.IsTrue(c, ConditionContinuousArchiving) && DemoStatus.Name(c) != DemoStatus.Name(cluster));
        var end = archiving ? context.Now : catalog.Select(b => Time(b, "stoppedAt")).OfType<DateTimeOffset>().Max();
        return target > end ? "FATAL:  recovery ended before configured recovery target was reached" : null;
    }

    /// <summary>The name a Cluster archives under: <c>barmanObjectStore.serverName</c>, else its own name.</summary>
    internal static string ServerName(JsonObject cluster) =>
        DemoKubeJson.Text(cluster["spec"]?["backup"]?["barmanObjectStore"]?["serverName"]) ?? DemoStatus.Name(cluster);

    private static List<JsonObject> BackupsOf(DemoControllerContext context, JsonObject cluster)
    {
        var ns = DemoStatus.Namespace(cluster);
        var name = DemoStatus.Name(cluster);
        return context.List(ApiVersion, "Backup")
            .Where(b => DemoStatus.Namespace(b) == ns && DemoKubeJson.Text(b["spec"]?["cluster"]?["name"]) == name && !DemoKubeJson.IsDeleting(b))
            .ToList();
    }

    /// <summary>The later of the time already recorded and the newest of these backups' end (the fields never move back).</summary>
    private static DateTimeOffset? Latest(JsonObject status, string field, IEnumerable<JsonObject> backups)
    {
        var recorded = KubeJson.Time(status, field);
        var newest = backups.Select(b => Time(b, "stoppedAt")).Max();
        return newest is null ? recorded : recorded is null || newest > recorded ? newest : recorded;
    }

    internal static string? Phase(JsonObject? backup) => DemoKubeJson.Text(backup?["status"]?["phase"]);

    private static DateTimeOffset? Time(JsonObject backup, string field) =>
        backup["status"] is JsonObject status ? KubeJson.Time(status, field) : null;
}
