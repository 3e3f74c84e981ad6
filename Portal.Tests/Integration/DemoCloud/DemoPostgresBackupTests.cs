using System.Text.Json.Nodes;
using Portal.DemoCloud.Kubernetes;
using static Portal.Tests.Integration.DemoCloud.DemoPostgresHarness;

namespace Portal.Tests.Integration.DemoCloud;

/// <summary>
/// The demo's CloudNativePG backups: ScheduledBackups creating Backups on their cron schedule (the clock moves, not
/// the delays), Backups running and failing with the operator's messages, the Cluster's archiving and recoverability
/// fields, the retention policy, and restores checked against the source's recoverable window.
/// </summary>
public sealed class DemoPostgresBackupTests
{
    private readonly DemoPostgresHarness _demo = new();

    /// <summary>A one-instance Cluster with an object store, healthy (8 s after the start).</summary>
    private void CreateWithBackups(string name = "orders", string? retention = null)
    {
        _demo.Apply(PostgresCluster(name, instances: 1, backups: true, retention: retention));
        _demo.RunUntilHealthy(name);
    }

    /// <summary>Moves the clock to <paramref name="at"/>, then runs the backup delay and two more ticks so the Cluster reads the result.</summary>
    private void RunBackupAt(DateTimeOffset at)
    {
        _demo.Clock.SetUtcNow(at);
        _demo.Api.Tick();
        _demo.Clock.Advance(TimeSpan.FromSeconds(6));
        _demo.Api.Tick();
        _demo.Api.Tick();
    }

    [Fact]
    public void ScheduledBackup_OnSchedule_CreatesBackupsAndTheClusterFollows()
    {
        CreateWithBackups();
        _demo.Apply(ScheduledBackup("every-ten", "orders", "0 */10 * * * *"));
        _demo.Api.Tick();
        var scheduled = _demo.Api.Get(ApiVersion, "ScheduledBackup", Namespace, "every-ten")!;
        var before = _demo.Backups().Count;

        RunBackupAt(Start.AddMinutes(10));
        var first = _demo.Backups();
        var afterFirst = _demo.Status("orders");
        RunBackupAt(Start.AddMinutes(20));
        var afterSecond = _demo.Status("orders");
        var status = _demo.Api.Get(ApiVersion, "ScheduledBackup", Namespace, "every-ten")!["status"]!;

        Assert.Equal(0, before);
        Assert.Equal("2026-03-02T09:00:08Z", (string?)scheduled["status"]!["lastCheckTime"]);
        Assert.Equal("2026-03-02T09:10:00Z", (string?)scheduled["status"]!["nextScheduleTime"]);
        var backup = Assert.Single(first);
        Assert.Equal("every-ten-20260302091000", (string?)backup["metadata"]!["name"]);
        Assert.Equal("orders", (string?)backup["metadata"]!["labels"]!["cnpg.io/cluster"]);
        Assert.Equal("every-ten", (string?)backup["metadata"]!["labels"]!["cnpg.io/scheduled-backup"]);
        Assert.Equal("false", (string?)backup["metadata"]!["labels"]!["cnpg.io/immediateBackup"]);
        Assert.Equal("completed", (string?)backup["status"]!["phase"]);
        Assert.Equal("2026-03-02T09:10:00Z", (string?)backup["status"]!["startedAt"]);
        Assert.Equal("2026-03-02T09:10:06Z", (string?)backup["status"]!["stoppedAt"]);
        Assert.Equal("20260302T091000", (string?)backup["status"]!["backupId"]);
        Assert.Equal("s3://backups/portal", (string?)backup["status"]!["destinationPath"]);
        Assert.Equal("orders", (string?)backup["status"]!["serverName"]);
        Assert.Equal("2026-03-02T09:10:00Z", (string?)afterFirst["firstRecoverabilityPoint"]);
        Assert.Equal("2026-03-02T09:10:06Z", (string?)afterFirst["lastSuccessfulBackup"]);
        Assert.Equal("LastBackupSucceeded", (string?)Condition(afterFirst, "LastBackupSucceeded")!["reason"]);
        Assert.Equal("True", (string?)Condition(afterFirst, "LastBackupSucceeded")!["status"]);
        Assert.Equal("ContinuousArchivingSuccess", (string?)Condition(afterFirst, "ContinuousArchiving")!["reason"]);
        Assert.Equal(2, _demo.Backups().Count);
        Assert.Equal("2026-03-02T09:10:00Z", (string?)afterSecond["firstRecoverabilityPoint"]);
        Assert.Equal("2026-03-02T09:20:06Z", (string?)afterSecond["lastSuccessfulBackup"]);
        Assert.Equal("2026-03-02T09:20:00Z", (string?)status["lastScheduleTime"]);
        Assert.Equal("2026-03-02T09:30:00Z", (string?)status["nextScheduleTime"]);
    }

    [Fact]
    public void ScheduledBackup_Immediate_CreatesABackupAtOnce()
    {
        CreateWithBackups();

        _demo.Apply(ScheduledBackup("daily", "orders", "0 0 2 * * *", immediate: true));
        _demo.Api.Tick();

        var backup = Assert.Single(_demo.Backups());
        Assert.Equal("daily-20260302090008", (string?)backup["metadata"]!["name"]);
        Assert.Equal("true", (string?)backup["metadata"]!["labels"]!["cnpg.io/immediateBackup"]);
        var status = _demo.Api.Get(ApiVersion, "ScheduledBackup", Namespace, "daily")!["status"]!;
        Assert.Equal("2026-03-02T09:00:08Z", (string?)status["lastScheduleTime"]);
        Assert.Equal("2026-03-03T02:00:00Z", (string?)status["nextScheduleTime"]);
    }

    [Fact]
    public void ScheduledBackup_ScheduleNotCron_IsRefusedByTheWebhook()
    {
        var refused = Assert.Throws<DemoKubeException>(() => _demo.Apply(ScheduledBackup("bad", "orders", "every night")));

        Assert.Equal(422, refused.StatusCode);
        Assert.StartsWith(
            "admission webhook \"vscheduledbackup.cnpg.io\" denied the request: ScheduledBackup.postgresql.cnpg.io \"bad\" is invalid: spec.schedule: Invalid value: \"every night\": ",
            refused.Message, StringComparison.Ordinal);
        Assert.Empty(_demo.Api.List(ApiVersion, "ScheduledBackup", Namespace));
    }

    [Fact]
    public void ScheduledBackup_Suspended_CreatesNothing()
    {
        CreateWithBackups();

        _demo.Apply(ScheduledBackup("daily", "orders", "*/5 * * * * *", immediate: true, suspend: true));
        _demo.RunUntil(() => _demo.Second >= 60);

        Assert.Empty(_demo.Backups());
    }

    [Theory]
    [InlineData("self", "ScheduledBackup")]
    [InlineData("cluster", "Cluster")]
    [InlineData("none", null)]
    public void ScheduledBackup_BackupOwnerReference_OwnsTheBackupsAsAsked(string owner, string? ownerKind)
    {
        CreateWithBackups();

        _demo.Apply(ScheduledBackup("daily", "orders", "0 0 2 * * *", immediate: true, owner: owner));
        _demo.Api.Tick();

        var references = Assert.Single(_demo.Backups())["metadata"]!["ownerReferences"] as JsonArray;
        Assert.Equal(ownerKind, (string?)references?.Single()!["kind"]);
        if (ownerKind is not null)
            Assert.True((bool)references!.Single()!["controller"]!);
    }

    [Fact]
    public void Backup_ClusterWithoutBackupSection_FailsWithTheOperatorsMessage()
    {
        _demo.Apply(PostgresCluster("orders", instances: 1));
        _demo.RunUntilHealthy("orders");

        _demo.Apply(Backup("manual", "orders"));
        _demo.Api.Tick();
        _demo.Api.Tick();

        var backup = Assert.Single(_demo.Backups());
        Assert.Equal("failed", (string?)backup["status"]!["phase"]);
        Assert.Equal("cannot proceed with the backup as the cluster has no backup section", (string?)backup["status"]!["error"]);
        Assert.Null(Condition(_demo.Status("orders"), "ContinuousArchiving"));
        Assert.Equal("LastBackupFailed", (string?)Condition(_demo.Status("orders"), "LastBackupSucceeded")!["reason"]);
    }

    [Fact]
    public void Backup_UnknownCluster_StaysPending()
    {
        _demo.Apply(Backup("manual", "nowhere"));
        _demo.RunUntil(() => _demo.Second >= 30);

        Assert.Equal("pending", (string?)Assert.Single(_demo.Backups())["status"]!["phase"]);
    }

    [Fact]
    public void Retention_BackupsOlderThanThePolicy_AreRemovedAndTheRecoverabilityPointMoves()
    {
        CreateWithBackups(retention: "7d");
        _demo.Apply(ScheduledBackup("nightly", "orders", "0 0 0 * * *"));
        _demo.Api.Tick();
        var points = new List<string?>();

        for (var day = 3; day <= 12; day++)
        {
            RunBackupAt(new DateTimeOffset(2026, 3, day, 0, 0, 0, TimeSpan.Zero));
            points.Add((string?)_demo.Status("orders")["firstRecoverabilityPoint"]);
        }

        // Barman's recovery window keeps the newest backup that ended before the window: on the 12th the window starts on
        // the 5th at 00:00:06, so the backup of the 4th stays and the one of the 3rd goes.
        var names = _demo.Backups().Select(b => (string)b["metadata"]!["name"]!).ToList();
        Assert.Equal([.. Enumerable.Range(4, 9).Select(d => $"nightly-202603{d:00}000000")], names);
        Assert.Equal("2026-03-03T00:00:00Z", points[^2]);
        Assert.Equal("2026-03-04T00:00:00Z", points[^1]);
    }

    [Fact]
    public void Recovery_TargetWithinTheSourcesWindow_BootstrapsHealthy()
    {
        CreateWithBackups();
        _demo.Apply(ScheduledBackup("daily", "orders", "0 0 2 * * *", immediate: true));
        RunBackupAt(Start.AddSeconds(8));
        _demo.Clock.SetUtcNow(Start.AddHours(1));

        _demo.Apply(RestoredCluster("orders-restore", "orders", Start.AddMinutes(30)));
        var seen = _demo.Record("orders-restore", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy);

        Assert.Equal([("Setting up primary", "Creating primary instance orders-restore-1", 0L), ("Cluster in healthy state", null, 1L)], seen);
        Assert.Equal(Start.AddHours(1).AddSeconds(12), _demo.Clock.GetUtcNow());
    }

    [Theory]
    [InlineData(-60, "no target backup found")]
    [InlineData(120, "FATAL:  recovery ended before configured recovery target was reached")]
    public void Recovery_TargetOutsideTheSourcesWindow_IsUnrecoverable(int targetMinutesFromNow, string expected)
    {
        CreateWithBackups();
        _demo.Apply(ScheduledBackup("daily", "orders", "0 0 2 * * *", immediate: true));
        RunBackupAt(Start.AddSeconds(8));
        _demo.Clock.SetUtcNow(Start.AddHours(1));

        _demo.Apply(RestoredCluster("orders-restore", "orders", Start.AddHours(1).AddMinutes(targetMinutesFromNow)));
        _demo.RunUntil(() => Phase(_demo.Status("orders-restore")) == DemoPostgresClusterController.PhaseUnrecoverable);
        _demo.RunUntil(() => _demo.Second >= 3 * 3600, step: TimeSpan.FromMinutes(5));

        var status = _demo.Status("orders-restore");
        Assert.Equal("Cluster is unrecoverable and needs manual intervention", Phase(status));
        Assert.Equal(
            "Instance creation failed for the following jobs: orders-restore-1-full-recovery. Check the job logs to investigate the cause of the failure.",
            (string?)status["phaseReason"]);
        Assert.Equal(expected, (string?)Condition(status, "Ready")!["message"]);
        Assert.Equal(0, ReadyCount(status));
    }

    [Fact]
    public void Recovery_SourceGoneSinceItsLastBackup_EndsItsWindowThere()
    {
        CreateWithBackups();
        _demo.Apply(ScheduledBackup("daily", "orders", "0 0 2 * * *", immediate: true));
        RunBackupAt(Start.AddSeconds(8));
        _demo.Api.Default.Delete(ApiVersion, "Cluster", Namespace, "orders");
        _demo.Clock.SetUtcNow(Start.AddHours(1));

        _demo.Apply(RestoredCluster("late", "orders", Start.AddMinutes(30)));
        _demo.Apply(RestoredCluster("early", "orders", Start.AddSeconds(10)));
        _demo.RunUntil(() => Phase(_demo.Status("late")) == DemoPostgresClusterController.PhaseUnrecoverable);

        Assert.Equal("FATAL:  recovery ended before configured recovery target was reached", (string?)Condition(_demo.Status("late"), "Ready")!["message"]);
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(_demo.Status("early")));
    }

    [Fact]
    public void Recovery_UnknownServer_FailsWithNoTargetBackupFound()
    {
        _demo.Apply(RestoredCluster("orders-restore", "never-backed-up", Start));
        _demo.RunUntil(() => Phase(_demo.Status("orders-restore")) == DemoPostgresClusterController.PhaseUnrecoverable);

        Assert.Equal("no target backup found", (string?)Condition(_demo.Status("orders-restore"), "Ready")!["message"]);
        Assert.Equal(12, _demo.Second);
    }

    [Theory]
    [InlineData("0 30 2 * * *", "2026-03-02T09:00:00Z", "2026-03-03T02:30:00Z")]
    [InlineData("*/15 * * * * *", "2026-03-02T09:00:07Z", "2026-03-02T09:00:15Z")]
    [InlineData("0 0 */6 * * *", "2026-03-02T09:00:00Z", "2026-03-02T12:00:00Z")]
    [InlineData("0 0 9 * * MON,WED", "2026-03-02T09:00:00Z", "2026-03-04T09:00:00Z")]
    [InlineData("0 0 0 * * 0", "2026-03-02T09:00:00Z", "2026-03-08T00:00:00Z")]
    [InlineData("0 0 0 1 * *", "2026-03-02T09:00:00Z", "2026-04-01T00:00:00Z")]
    [InlineData("0 15,45 1-3 * * *", "2026-03-02T02:20:00Z", "2026-03-02T02:45:00Z")]
    [InlineData("@daily", "2026-03-02T09:00:00Z", "2026-03-03T00:00:00Z")]
    [InlineData("0 30 2 * *", "2026-03-02T09:00:00Z", "2026-03-03T02:30:00Z")]
    public void DemoCron_Next_IsTheFirstMatchingSecondAfter(string schedule, string after, string expected)
    {
        var cron = DemoCron.TryParse(schedule, out _);

        Assert.NotNull(cron);
        Assert.Equal<DateTimeOffset?>(
            DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            cron.Next(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("0 2 * *")]
    [InlineData("0 61 * * * *")]
    [InlineData("0 0 2 * * FUNDAY")]
    [InlineData("0 */0 * * * *")]
    public void DemoCron_TryParse_NotACronSchedule_IsRefused(string schedule)
    {
        Assert.Null(DemoCron.TryParse(schedule, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }
}
