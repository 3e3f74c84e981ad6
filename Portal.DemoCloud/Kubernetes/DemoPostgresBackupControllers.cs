using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// CloudNativePG's Backup (postgresql.cnpg.io/v1): waits ("pending") while its Cluster is missing or has no primary,
/// fails at once when the Cluster has no backup section or is hibernated (the operator's own messages), else runs
/// ("running", startedAt, backupId, destinationPath, serverName) for the backup delay and ends "completed" (stoppedAt)
/// — or "failed" with barman-cloud's error while the Cluster's object store refuses writes
/// (<see cref="DemoDatabaseFault.BackupsFailing"/>). Finished backups never change again. The Cluster controller reads
/// these objects back into the Cluster's status.
/// </summary>
internal sealed class DemoPostgresBackupController : IDemoController
{
    public const string PhasePending = "pending";
    public const string PhaseRunning = "running";
    public const string PhaseCompleted = "completed";
    public const string PhaseFailed = "failed";

    public void Reconcile(DemoControllerContext context)
    {
        foreach (var backup in context.List(DemoPostgresClusterController.ApiVersion, "Backup"))
        {
            var phase = DemoPostgresClusterController.Phase(backup);
            if (DemoKubeJson.IsDeleting(backup) || phase is PhaseCompleted or PhaseFailed)
                continue;
            var ns = DemoStatus.Namespace(backup);
            var clusterName = DemoKubeJson.Text(backup["spec"]?["cluster"]?["name"]);
            var cluster = context.Get(DemoPostgresClusterController.ApiVersion, "Cluster", ns, clusterName);
            if (phase != PhaseRunning)
            {
                if (cluster is null || DemoKubeJson.Text(cluster["status"]?["currentPrimary"]) is null)
                    SetPending(context, backup);
                else if (Refusal(backup, cluster) is { } refusal)
                    Fail(context, backup, refusal);
                else
                    Start(context, backup, cluster);
                continue;
            }
            if (context.Elapsed(backup, "backup") < context.Delays.PostgresBackup)
                continue;
            if (cluster is not null && context.Api.HasDatabaseFault(cluster, DemoDatabaseFault.BackupsFailing))
                Fail(context, backup, DemoDatabaseFaults.BackupError);
            else
                context.Cluster.UpdateStatus(backup, status =>
                {
                    status["phase"] = PhaseCompleted;
                    status["stoppedAt"] = KubeJson.FormatTime(context.Now);
                });
        }
    }

    /// <summary>Why the operator refuses to take this backup at all (backup_controller.go), or null.</summary>
    private static string? Refusal(JsonObject backup, JsonObject cluster)
    {
        if (DemoKubeJson.Text(cluster["metadata"]?["annotations"]?[DemoPostgresClusterController.HibernationAnnotation]) == "on")
            return "cannot backup a hibernated cluster";
        var method = DemoKubeJson.Text(backup["spec"]?["method"]) ?? "barmanObjectStore";
        if (method == "plugin")
            return "cannot proceed with the backup as the cluster has no plugin configured";
        if (cluster["spec"]?["backup"] is not JsonObject)
            return "cannot proceed with the backup as the cluster has no backup section";
        if (method == "volumeSnapshot")
            return "cannot proceed with the backup as the Kubernetes cluster has no VolumeSnapshot support";
        return cluster["spec"]?["backup"]?["barmanObjectStore"] is JsonObject ? null : "cannot proceed with the backup as the cluster has no backup section";
    }

    private static void SetPending(DemoControllerContext context, JsonObject backup) =>
        context.Cluster.UpdateStatus(backup, status => status["phase"] = PhasePending);

    private static void Start(DemoControllerContext context, JsonObject backup, JsonObject cluster)
    {
        var store = cluster["spec"]!["backup"]!["barmanObjectStore"]!;
        context.Restart(backup, "backup");
        context.Cluster.UpdateStatus(backup, status =>
        {
            status["phase"] = PhaseRunning;
            status["method"] = "barmanObjectStore";
            status["startedAt"] = KubeJson.FormatTime(context.Now);
            // barman's backup ids are the start time, e.g. 20260302T090000.
            status["backupId"] = context.Now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
            status["backupName"] = $"backup-{context.Now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
            status["serverName"] = DemoPostgresClusterController.ServerName(cluster);
            if (DemoKubeJson.Text(store["destinationPath"]) is { } destination)
                status["destinationPath"] = destination;
            if (DemoKubeJson.Text(store["endpointURL"]) is { } endpoint)
                status["endpointURL"] = endpoint;
            status["instanceID"] = new JsonObject { ["podName"] = DemoKubeJson.Text(cluster["status"]?["currentPrimary"]) };
        });
    }

    private static void Fail(DemoControllerContext context, JsonObject backup, string error) =>
        context.Cluster.UpdateStatus(backup, status =>
        {
            status["phase"] = PhaseFailed;
            status["error"] = error;
            status["startedAt"] ??= KubeJson.FormatTime(context.Now);
            status["stoppedAt"] = KubeJson.FormatTime(context.Now);
        });
}

/// <summary>
/// CloudNativePG's ScheduledBackup: on its six-field cron schedule it creates a Backup named
/// <c>{name}-{yyyyMMddHHmmss}</c> (the scheduled time), labelled <c>cnpg.io/cluster</c>,
/// <c>cnpg.io/scheduled-backup</c> and <c>cnpg.io/immediateBackup</c>, owned per <c>spec.backupOwnerReference</c>
/// (<c>self</c>: the ScheduledBackup, <c>cluster</c>: the Cluster, <c>none</c>: nobody). The first check only records
/// <c>status.lastCheckTime</c> unless <c>spec.immediate</c> asks for a backup at once; later a backup is due once the
/// schedule's next time after lastCheckTime has come. <c>spec.suspend</c> stops it. All of it lives in the status, so
/// it carries on after a restore of the demo state; missed times while the demo was stopped give one backup, not many.
/// </summary>
internal sealed class DemoPostgresScheduledBackupController : IDemoController
{
    public void Reconcile(DemoControllerContext context)
    {
        foreach (var scheduled in context.List(DemoPostgresClusterController.ApiVersion, "ScheduledBackup"))
        {
            if (DemoKubeJson.IsDeleting(scheduled) || DemoStatus.Flag(scheduled["spec"] as JsonObject, "suspend"))
                continue;
            var now = context.Now;
            var schedule = DemoCron.TryParse(DemoKubeJson.Text(scheduled["spec"]?["schedule"]), out var problem);
            if (schedule is null)
            {
                context.Cluster.UpdateStatus(scheduled, status => status["error"] = $"invalid schedule: {problem}");
                continue;
            }
            var status = scheduled["status"] as JsonObject;
            var lastCheck = status is null ? null : KubeJson.Time(status, "lastCheckTime");
            if (lastCheck is null)
            {
                if (DemoStatus.Flag(scheduled["spec"] as JsonObject, "immediate"))
                {
                    CreateBackup(context, scheduled, now, immediate: true);
                    Record(context, scheduled, now, now, schedule.Next(now));
                }
                else
                {
                    Record(context, scheduled, now, null, schedule.Next(now));
                }
                continue;
            }
            if (schedule.Next(lastCheck.Value) is not { } due || due > now)
                continue;
            CreateBackup(context, scheduled, due, immediate: false);
            Record(context, scheduled, now, due, schedule.Next(now));
        }
    }

    private static void Record(DemoControllerContext context, JsonObject scheduled, DateTimeOffset now, DateTimeOffset? scheduledAt, DateTimeOffset? next) =>
        context.Cluster.UpdateStatus(scheduled, status =>
        {
            status.Remove("error");
            status["lastCheckTime"] = KubeJson.FormatTime(now);
            if (scheduledAt is { } at)
                status["lastScheduleTime"] = KubeJson.FormatTime(at);
            if (next is { } nextTime)
                status["nextScheduleTime"] = KubeJson.FormatTime(nextTime);
        });

    private static void CreateBackup(DemoControllerContext context, JsonObject scheduled, DateTimeOffset at, bool immediate)
    {
        var ns = DemoStatus.Namespace(scheduled);
        var name = $"{DemoStatus.Name(scheduled)}-{at.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
        if (context.Get(DemoPostgresClusterController.ApiVersion, "Backup", ns, name) is not null)
            return;
        var spec = scheduled["spec"]!;
        var clusterName = DemoKubeJson.Text(spec["cluster"]?["name"]);
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = new JsonObject
            {
                ["cnpg.io/cluster"] = clusterName,
                ["cnpg.io/immediateBackup"] = immediate ? "true" : "false",
                ["cnpg.io/scheduled-backup"] = DemoStatus.Name(scheduled),
            },
        };
        var owner = DemoKubeJson.Text(spec["backupOwnerReference"]) switch
        {
            "self" => scheduled,
            "cluster" => context.Get(DemoPostgresClusterController.ApiVersion, "Cluster", ns, clusterName),
            _ => null,
        };
        if (owner is not null)
        {
            var reference = DemoStatus.OwnerReference(owner);
            reference.Remove("blockOwnerDeletion");
            metadata["ownerReferences"] = new JsonArray(reference);
        }
        var backupSpec = new JsonObject
        {
            ["cluster"] = new JsonObject { ["name"] = clusterName },
            ["method"] = DemoKubeJson.Text(spec["method"]) ?? "barmanObjectStore",
        };
        if (DemoKubeJson.Text(spec["target"]) is { } target)
            backupSpec["target"] = target;
        if (spec["online"] is JsonValue online)
            backupSpec["online"] = online.DeepClone();
        context.Cluster.Apply(new JsonObject
        {
            ["apiVersion"] = DemoPostgresClusterController.ApiVersion,
            ["kind"] = "Backup",
            ["metadata"] = metadata,
            ["spec"] = backupSpec,
        });
    }
}
