using System.Text.Json.Nodes;
using Portal.Domain.Databases;
using Portal.Jobs.Databases;
using static Portal.Tests.Unit.Databases.CnpgFixtures;

namespace Portal.Tests.Unit.Databases;

/// <summary>CloudNativePG's Cluster and Backup status reduced to what the portal shows and decides by.</summary>
public sealed class DatabaseStatusReaderTests
{
    private static DateTimeOffset Utc(int month, int day, int hour, int minute, int second) =>
        new(2025, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void Read_MissingCluster_IsMissing()
    {
        var observation = DatabaseStatusReader.Read(null, [Backup("orders-a", "completed", "2025-05-01T02:00:00Z", "2025-05-01T02:00:04Z")], true);

        Assert.Same(DatabaseObservation.Missing, observation);
        Assert.False(observation.Exists);
    }

    [Fact]
    public void Read_HealthyThreeOfThree_IsHealthyWithInstancesAndBackups()
    {
        var observation = DatabaseStatusReader.Read(Parse(HealthyThreeOfThree), [], backupsConfigured: true);

        Assert.True(observation.Exists);
        Assert.True(observation.Healthy);
        Assert.Null(observation.Fault);
        Assert.Equal("Cluster in healthy state", observation.Phase);
        Assert.Null(observation.PhaseReason);
        Assert.Equal(3, observation.Instances);
        Assert.Equal(3, observation.ReadyInstances);
        Assert.Equal("orders-1", observation.CurrentPrimary);
        Assert.Equal(["orders-1", "orders-2", "orders-3"], observation.InstanceNames);
        Assert.Equal("ghcr.io/cloudnative-pg/postgresql:17.5", observation.Image);
        Assert.False(observation.Hibernated);
        Assert.Equal(Utc(5, 1, 2, 0, 4), observation.LastSuccessfulBackup);
        Assert.Null(observation.LastFailedBackup);
        Assert.Null(observation.LastBackupError);
        Assert.Equal(Utc(4, 24, 2, 0, 5), observation.FirstRecoverabilityPoint);
        Assert.True(observation.ArchivingHealthy);
        Assert.Null(observation.ArchivingFault);
    }

    [Fact]
    public void Read_HealthyPhaseButReadyFalse_IsNotHealthy()
    {
        var cluster = Parse(HealthyThreeOfThree);
        cluster["status"]!["conditions"]![0]!["status"] = "False";

        Assert.False(DatabaseStatusReader.Read(cluster, [], true).Healthy);
    }

    [Fact]
    public void Read_SettingUpPrimary_IsProgressNotFault()
    {
        var observation = DatabaseStatusReader.Read(Parse(SettingUpPrimary), [], backupsConfigured: false);

        Assert.False(observation.Healthy);
        Assert.Null(observation.Fault);
        Assert.Equal("Setting up primary", observation.Phase);
        Assert.Equal("Creating primary instance orders-1", observation.PhaseReason);
        Assert.Equal(1, observation.Instances);
        Assert.Equal(0, observation.ReadyInstances);
        Assert.Null(observation.CurrentPrimary);
        Assert.Null(observation.ArchivingHealthy);
    }

    [Fact]
    public void Read_Unrecoverable_IsFaultWithPhaseAndReason()
    {
        var observation = DatabaseStatusReader.Read(Parse(Unrecoverable), [], backupsConfigured: false);

        Assert.False(observation.Healthy);
        Assert.Equal(
            "Cluster is unrecoverable and needs manual intervention: Instance creation failed for the following jobs: orders-1-initdb. Check the job logs to investigate the cause of the failure.",
            observation.Fault);
    }

    [Theory]
    [InlineData("Unable to create required cluster objects")]
    [InlineData("Invalid cluster definition")]
    [InlineData("Cluster cannot proceed to reconciliation due to an unknown plugin being required")]
    [InlineData("Cluster has incomplete or invalid image catalog")]
    [InlineData("Cluster is in an unrecoverable state, needs manual intervention")]
    [InlineData("Not enough disk space")]
    public void Read_FailurePhaseWithoutReason_IsFaultWithPhase(string phase)
    {
        var cluster = Parse(Unrecoverable);
        cluster["status"]!["phase"] = phase;
        cluster["status"]!.AsObject().Remove("phaseReason");

        Assert.Equal(phase, DatabaseStatusReader.Read(cluster, [], false).Fault);
    }

    [Theory]
    [InlineData("Creating a new replica")]
    [InlineData("Failing over")]
    [InlineData("Upgrading cluster")]
    [InlineData("Waiting for the instances to become active")]
    public void Read_ProgressPhase_IsNotFault(string phase)
    {
        var cluster = Parse(SettingUpPrimary);
        cluster["status"]!["phase"] = phase;

        Assert.Null(DatabaseStatusReader.Read(cluster, [], false).Fault);
    }

    [Fact]
    public void Read_Hibernated_IsHibernated()
    {
        var observation = DatabaseStatusReader.Read(Parse(Hibernated), [], backupsConfigured: false);

        Assert.True(observation.Hibernated);
        Assert.Null(observation.Fault);
    }

    [Fact]
    public void Read_HibernationWaitingForHealthy_IsNotHibernated()
    {
        var cluster = Parse(Hibernated);
        var condition = cluster["status"]!["conditions"]![1]!;
        condition["status"] = "False";
        condition["reason"] = "WaitingForHealthy";

        Assert.False(DatabaseStatusReader.Read(cluster, [], false).Hibernated);
    }

    [Fact]
    public void Read_NewerFailedThanCompleted_ReportsBothAndTheError()
    {
        JsonObject[] backups =
        [
            Backup("orders-old", "completed", "2025-04-30T02:00:00Z", "2025-04-30T02:00:03Z"),
            Backup("orders-new", "completed", "2025-05-03T02:00:00Z", "2025-05-03T02:00:06Z"),
            Backup("orders-bad", "failed", "2025-05-04T02:00:00Z", "2025-05-04T02:00:02Z", "can't execute backup: exit status 4"),
            Backup("orders-older-bad", "failed", "2025-05-02T02:00:00Z", null, "an older failure"),
            Backup("orders-running", "running", "2025-05-05T02:00:00Z", null),
        ];

        var observation = DatabaseStatusReader.Read(Parse(HealthyThreeOfThree), backups, backupsConfigured: true);

        Assert.Equal(Utc(5, 3, 2, 0, 6), observation.LastSuccessfulBackup);
        Assert.Equal(Utc(5, 4, 2, 0, 2), observation.LastFailedBackup);
        Assert.Equal("can't execute backup: exit status 4", observation.LastBackupError);
    }

    [Fact]
    public void Read_StatusNewerThanBackupObjects_TakesTheLater()
    {
        JsonObject[] backups = [Backup("orders-old", "completed", "2025-04-20T02:00:00Z", "2025-04-20T02:00:03Z")];

        var observation = DatabaseStatusReader.Read(Parse(HealthyThreeOfThree), backups, true);

        Assert.Equal(Utc(5, 1, 2, 0, 4), observation.LastSuccessfulBackup);
    }

    [Fact]
    public void Read_BackupsOfAnotherDatabase_AreIgnored()
    {
        JsonObject[] backups =
        [
            Backup("billing-a", "completed", "2025-06-01T02:00:00Z", "2025-06-01T02:00:04Z", cluster: "billing"),
            Backup("billing-b", "failed", "2025-06-02T02:00:00Z", "2025-06-02T02:00:01Z", "billing broke", cluster: "billing"),
        ];

        var observation = DatabaseStatusReader.Read(Parse(HealthyThreeOfThree), backups, true);

        Assert.Equal(Utc(5, 1, 2, 0, 4), observation.LastSuccessfulBackup);
        Assert.Null(observation.LastFailedBackup);
        Assert.Null(observation.LastBackupError);
    }

    [Fact]
    public void Read_ContinuousArchivingFalse_IsArchivingFaultWithMessage()
    {
        var observation = DatabaseStatusReader.Read(Parse(ArchivingFailing), [], backupsConfigured: true);

        Assert.False(observation.ArchivingHealthy);
        Assert.Equal("unexpected failure invoking barman-cloud-wal-archive: exit status 4", observation.ArchivingFault);
        Assert.Equal(Utc(5, 2, 2, 0, 9), observation.LastFailedBackup);
        Assert.Equal("can't execute backup: exit status 4", observation.LastBackupError);
        Assert.True(observation.Healthy);
    }

    [Fact]
    public void Read_ContinuousArchivingFalseButBackupsNotConfigured_ReportsNoArchiving()
    {
        var observation = DatabaseStatusReader.Read(Parse(ArchivingFailing), [], backupsConfigured: false);

        Assert.Null(observation.ArchivingHealthy);
        Assert.Null(observation.ArchivingFault);
    }

    [Fact]
    public void Read_BackupStarting_IsNotABackupError()
    {
        var cluster = Parse(HealthyThreeOfThree);
        var condition = cluster["status"]!["conditions"]![2]!;
        condition["status"] = "False";
        condition["reason"] = "BackupStarted";
        condition["message"] = "New Backup starting up";

        Assert.Null(DatabaseStatusReader.Read(cluster, [], true).LastBackupError);
    }

    [Fact]
    public void Read_MalformedTimestampsAndFields_AreIgnored()
    {
        JsonObject[] backups =
        [
            Backup("orders-x", "completed", "2025-05-01T02:00:00Z", "5 minutes ago"),
            Backup("orders-y", "failed", "garbage", "2025-02-30T02:00:00Z", "boom"),
        ];

        var observation = DatabaseStatusReader.Read(Parse(MalformedTimes), backups, backupsConfigured: true);

        Assert.True(observation.Exists);
        Assert.True(observation.Healthy);
        Assert.Equal(0, observation.Instances);
        Assert.Equal(1, observation.ReadyInstances);
        Assert.Equal(["orders-1"], observation.InstanceNames);
        Assert.Null(observation.FirstRecoverabilityPoint);
        Assert.Null(observation.LastSuccessfulBackup);
        Assert.Null(observation.ArchivingHealthy);
        // A failed Backup with no readable time cannot be ordered against the others, so it is left out.
        Assert.Null(observation.LastFailedBackup);
        Assert.Null(observation.LastBackupError);
    }

    [Fact]
    public void Read_EmptyStatus_ExistsWithNothingKnown()
    {
        var observation = DatabaseStatusReader.Read(Parse("""{ "kind": "Cluster", "metadata": { "name": "orders" } }"""), [], true);

        Assert.True(observation.Exists);
        Assert.False(observation.Healthy);
        Assert.Null(observation.Phase);
        Assert.Null(observation.Fault);
        Assert.Empty(observation.InstanceNames);
        Assert.Null(observation.ArchivingHealthy);
    }

    [Theory]
    [InlineData("2025-05-01T02:00:04Z", "2025-05-01T02:00:04.0000000+00:00")]
    [InlineData("2025-05-01T02:00:04.123456789Z", "2025-05-01T02:00:04.1234567+00:00")]
    [InlineData("2025-05-01T04:00:04+02:00", "2025-05-01T02:00:04.0000000+00:00")]
    [InlineData("2025-05-01t02:00:04z", "2025-05-01T02:00:04.0000000+00:00")]
    public void ParseTime_Rfc3339_IsUtc(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DatabaseStatusReader.ParseTime(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2025-05-01")]
    [InlineData("2025-05-01T02:00:04")]
    [InlineData("05/01/2025 02:00:04")]
    [InlineData("2025-13-01T02:00:04Z")]
    [InlineData("2025-02-30T02:00:04Z")]
    [InlineData("2025-05-01T25:00:04Z")]
    public void ParseTime_NotRfc3339_IsNull(string? text) =>
        Assert.Null(DatabaseStatusReader.ParseTime(text));
}
