using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Databases;

/// <summary>Every day-2 action through the real engine against the demo's CloudNativePG, with backups on.</summary>
public sealed class DatabaseDayTwoTests : IAsyncLifetime
{
    private DatabaseScenario _s = null!;

    public async Task InitializeAsync() => _s = await DatabaseScenario.CreateAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<ManagedDatabase> ActiveWithBackupAsync(string name = "orders")
    {
        var database = await _s.CreateActiveAsync(_s.Request(name, backups: true));
        (await _s.Databases.BackupNowAsync(_s.Member, database.Id, database.Version)).ShouldSucceed();
        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, LastBackupAt: not null, RecoverableFrom: not null, RecoverableTo: not null });
        await _s.FinishedAsync(database.Id, DatabaseOperations.Backup);
        return (await _s.FindAsync(database.Id))!;
    }

    [Fact]
    public async Task BackupNowAsync_WithBackupsOn_CompletesAndOpensTheRestoreWindow()
    {
        var database = await ActiveWithBackupAsync();

        Assert.NotNull(database.LastBackupAt);
        Assert.True(database.RecoverableFrom <= database.RecoverableTo);
        var health = database.BackupHealthAt(DateTimeOffset.UtcNow);
        Assert.Null(health.Warning);
        var scheduled = await _s.GetAsync(Portal.Jobs.Databases.DatabaseManifests.ApiVersion, "ScheduledBackup", DatabaseService.NamespaceFor(database.ProjectId), "orders-scheduled");
        Assert.Equal("0 0 2 * * *", scheduled.Value!["spec"]!["schedule"]!.GetValue<string>());
    }

    [Fact]
    public async Task RestoreAsync_PointInsideTheWindow_CreatesANewActiveDatabaseAndLeavesTheSource()
    {
        var source = await ActiveWithBackupAsync();

        var started = (await _s.Databases.RestoreAsync(_s.Member, new RestoreDatabaseRequest(source.Id, null, "orders-copy", source.RecoverableTo))).ShouldSucceed();

        var copy = await _s.WaitForAsync(started.DatabaseId, d => d?.State == ClusterState.Active);
        Assert.Equal("orders", copy!.RestoredFromName);
        Assert.Equal(source.PostgresVersion, copy.PostgresVersion);
        var cluster = await _s.ClusterObjectAsync(copy.Id);
        Assert.Equal(source.BackupServerName, cluster!["spec"]!["externalClusters"]![0]!["barmanObjectStore"]!["serverName"]!.GetValue<string>());
        Assert.Equal(ClusterState.Active, (await _s.FindAsync(source.Id))!.State);
        Assert.Equal(DatabaseOperations.Restore, (await _s.HistoryAsync(copy.Id)).Single().Kind);
    }

    [Fact]
    public async Task RestoreAsync_PointOutsideTheWindow_IsRefusedAndCreatesNothing()
    {
        var source = await ActiveWithBackupAsync();

        (await _s.Databases.RestoreAsync(_s.Member, new RestoreDatabaseRequest(source.Id, null, "orders-copy", source.RecoverableFrom!.Value.AddHours(-1))))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.RestorePoint);
        await using var db = _s.Host.NewContext();
        Assert.Equal(1, db.Databases.Count());
    }

    [Fact]
    public async Task HibernateAndWake_KeepTheDataAndComeBackActive()
    {
        var database = await _s.CreateActiveAsync();

        (await _s.Databases.HibernateAsync(_s.Member, database.Id, database.Version)).ShouldSucceed();
        var hibernated = await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, Hibernated: true, CurrentOperationId: null });
        await _s.FinishedAsync(database.Id, DatabaseOperations.Hibernate);
        Assert.Equal("on", (await _s.ClusterObjectAsync(database.Id))!["metadata"]!["annotations"]!["cnpg.io/hibernation"]!.GetValue<string>());
        Assert.NotNull((await _s.FindAsync(database.Id))!.WhyNotChangeRunning());

        (await _s.Databases.WakeAsync(_s.Member, database.Id, (await _s.VersionAsync(database.Id)))).ShouldSucceed();
        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, Hibernated: false, ReadyInstances: 3, CurrentOperationId: null });
    }

    [Fact]
    public async Task SwitchoverAsync_ToAReplica_MovesThePrimary()
    {
        var database = await _s.CreateActiveAsync();
        var replica = database.InstanceList.First(i => i != database.CurrentPrimary);

        (await _s.Databases.SwitchoverAsync(_s.Member, database.Id, database.Version, replica)).ShouldSucceed();

        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, CurrentOperationId: null } && d.CurrentPrimary == replica);
    }

    [Fact]
    public async Task MinorUpdateThenGrowStorageThenChangeComputeThenRestart_EachRollsAndEndsActive()
    {
        var database = await _s.CreateActiveAsync(_s.Request(major: 16) with { });
        // Created on the newest minor: nothing to update.
        (await _s.Databases.UpdateMinorAsync(_s.Member, database.Id, database.Version)).ShouldBeRefused(RefusalKind.Conflict);

        (await _s.Databases.GrowStorageAsync(_s.Member, database.Id, database.Version, 20)).ShouldSucceed();
        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, StorageGiB: 20, CurrentOperationId: null });
        Assert.Equal("20Gi", (await _s.ClusterObjectAsync(database.Id))!["spec"]!["storage"]!["size"]!.GetValue<string>());

        (await _s.Databases.ChangeComputeAsync(_s.Member, database.Id, await _s.VersionAsync(database.Id), "medium")).ShouldSucceed();
        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, ComputeSize: "medium", CurrentOperationId: null });
        Assert.Equal("1000m", (await _s.ClusterObjectAsync(database.Id))!["spec"]!["resources"]!["limits"]!["cpu"]!.GetValue<string>());

        (await _s.Databases.RestartAsync(_s.Member, database.Id, await _s.VersionAsync(database.Id))).ShouldSucceed();
        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, RestartRequestedAt: not null, CurrentOperationId: null });
        Assert.NotNull((await _s.ClusterObjectAsync(database.Id))!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
    }

    [Fact]
    public async Task UpgradeMajorAsync_WithBackupsOn_TakesABackupFirstThenRunsTheNextMajor()
    {
        var database = await _s.CreateActiveAsync(_s.Request(backups: true, major: 16));

        (await _s.Databases.UpgradeMajorAsync(_s.Member, database.Id, database.Version, 17)).ShouldSucceed();

        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, CurrentOperationId: null } && d.Major == 17);
        var operation = await _s.FinishedAsync(database.Id, DatabaseOperations.UpgradeMajor);
        Assert.Equal(StepState.Succeeded, operation.Steps.Single(s => s.Name == DatabaseOperations.Steps.BackupFirst).State);
        Assert.Equal(StepState.Succeeded, operation.Steps.Single(s => s.Name == DatabaseOperations.Steps.WaitForBackupFirst).State);
        Assert.NotNull((await _s.FindAsync(database.Id))!.LastBackupAt);
        Assert.Equal($"ghcr.io/cloudnative-pg/postgresql:{DatabaseRules.LatestOf(17)}",
            (await _s.ClusterObjectAsync(database.Id))!["spec"]!["imageName"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpgradeMajorAsync_BackupFirstFails_UpgradesNothingAndIsDegradedThenRetrySucceedsOnceHealed()
    {
        var database = await _s.CreateActiveAsync(_s.Request(backups: true, major: 16));
        _s.Kube.InjectDatabaseFault(DemoDatabaseFault.BackupsFailing, DatabaseService.NamespaceFor(database.ProjectId), database.Name);

        (await _s.Databases.UpgradeMajorAsync(_s.Member, database.Id, database.Version, 17)).ShouldSucceed();

        var degraded = await _s.WaitForAsync(database.Id, d => d?.State == ClusterState.Degraded);
        Assert.Contains("nothing was upgraded", degraded!.StateReason);
        Assert.Equal(16, degraded.Major);
        Assert.Contains("16.", (await _s.ClusterObjectAsync(database.Id))!["spec"]!["imageName"]!.GetValue<string>());
        Assert.True(degraded.BackupHealthAt(DateTimeOffset.UtcNow).Warning is not null, $"no warning: last good {degraded.LastBackupAt}, last failed {degraded.LastBackupFailedAt} ({degraded.LastBackupFailure})");

        _s.Kube.HealDatabaseFault(DemoDatabaseFault.BackupsFailing, DatabaseService.NamespaceFor(database.ProjectId), database.Name);
        var failed = await _s.FinishedAsync(database.Id, DatabaseOperations.UpgradeMajor);
        // The retry takes a new backup (a failed one never runs again), then upgrades.
        Assert.Equal(OperationState.Failed, failed.State);
        (await _s.Databases.RetryAsync(_s.Member, failed.Id)).ShouldSucceed();
        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, CurrentOperationId: null } && d.Major == 17);
    }
}
