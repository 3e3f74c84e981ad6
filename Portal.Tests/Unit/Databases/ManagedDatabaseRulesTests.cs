using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Databases;

/// <summary>The preconditions of every database action, the outcome rules and backup health, on the entity alone.</summary>
public sealed class ManagedDatabaseRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Actor Person = new("user-1", "Ada", PlatformRole.None);

    private static (ManagedDatabase Database, Operation Create) New(int instances = 3, BackupPlan? backups = null, string version = "16.9", int storage = 10)
    {
        var project = Project.Create(Guid.NewGuid(), "web", null, Now).ShouldSucceed();
        var id = Guid.NewGuid();
        var operation = DatabaseOperations.Of(DatabaseOperations.Create).NewOperation(new OperationTarget(DatabaseOperations.Target, id.ToString(), "orders"), new { }, Person, Now);
        var database = ManagedDatabase.Create(id, project, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "orders", version, instances,
            DatabaseRules.ComputeSizes[0], storage, "app", "app", backups, Person.UserId, operation.Id, Now);
        return (database, operation);
    }

    private static ManagedDatabase Active(int instances = 3, BackupPlan? backups = null, string version = "16.9")
    {
        var (database, create) = New(instances, backups, version);
        database.StartCreating(create.Id, Now);
        database.Complete(create.Id, Now);
        database.Observe(Observation(instances), false, TimeSpan.FromMinutes(15), Now);
        return database;
    }

    private static DatabaseObservation Observation(int ready, string phase = ManagedDatabase.HealthyPhase, string? fault = null, bool healthy = true,
        DateTimeOffset? lastBackup = null, DateTimeOffset? lastFailed = null, string? backupError = null, DateTimeOffset? first = null, bool? archiving = null) =>
        new(true, phase, null, healthy, fault, ready, ready, "orders-1", Enumerable.Range(1, ready).Select(i => $"orders-{i}").ToList(), null, false,
            lastBackup, lastFailed, backupError, first, archiving, null);

    [Fact]
    public void CheckGrowStorage_Smaller_IsRefusedSayingVolumesOnlyGrow()
    {
        var database = Active();
        var refusal = database.CheckGrowStorage(5);
        Assert.Equal(Fields.StorageGiB, refusal!.Field);
        Assert.Contains("only grow", refusal.Message);
    }

    [Fact]
    public void CheckGrowStorage_Same_IsRefused() => Assert.NotNull(Active().CheckGrowStorage(10));

    [Fact]
    public void CheckGrowStorage_Bigger_IsAllowed() => Assert.Null(Active().CheckGrowStorage(20));

    [Fact]
    public void CheckScale_SameCount_IsRefused() => Assert.Equal(Fields.Instances, Active().CheckScale(3)!.Field);

    [Fact]
    public void WhyNotSwitchover_OneInstance_SaysThereIsNoReplica() => Assert.Contains("1 instance", Active(instances: 1).WhyNotSwitchover());

    [Fact]
    public void CheckSwitchover_ToThePrimaryOrAStranger_IsRefused()
    {
        var database = Active();
        Assert.Equal(Fields.Instance, database.CheckSwitchover("orders-1")!.Field);
        Assert.Equal(Fields.Instance, database.CheckSwitchover("other-2")!.Field);
        Assert.Null(database.CheckSwitchover("orders-2"));
    }

    [Fact]
    public void Hibernated_BlocksEverythingButWakeAndDelete()
    {
        var database = Active();
        database.ApplyHibernation(true, Now);
        Assert.Contains("wake it first", database.CheckScale(1)!.Message);
        Assert.NotNull(database.WhyNotBackup());
        Assert.NotNull(database.WhyNotUpdateMinor());
        Assert.Null(database.WhyNotWake());
        Assert.Null(database.CheckDelete());
    }

    [Fact]
    public void WhyNotUpdateMinor_OnTheNewestMinor_SaysSo() => Assert.Contains("newest", Active(version: DatabaseRules.LatestOf(16)).WhyNotUpdateMinor());

    [Fact]
    public void WhyNotUpdateMinor_OnAnOlderMinor_IsAllowed() => Assert.Null(Active(version: DatabaseRules.PostgresVersions[16][0]).WhyNotUpdateMinor());

    [Fact]
    public void Begin_WhileAnotherActionRuns_IsRefused()
    {
        var database = Active();
        database.Begin(ClusterState.Scaling, Guid.NewGuid(), Now).ShouldSucceed();
        Assert.NotNull(database.CheckGrowStorage(20));
        database.Begin(ClusterState.Updating, Guid.NewGuid(), Now).ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ApplyOutcome_FailedCreate_IsErrorAndFailedChange_IsDegraded()
    {
        var (database, create) = New();
        database.StartCreating(create.Id, Now);
        create.Start(Now);
        create.Fail("The operator reports a fault: disk full", Now);
        database.ApplyOutcome(create, Now);
        Assert.Equal(ClusterState.Error, database.State);

        var active = Active();
        var scale = DatabaseOperations.NewOperation(DatabaseOperations.Scale, active, new DatabaseInstancesParameters(1, 3), Person, Now);
        active.Begin(ClusterState.Scaling, scale.Id, Now).ShouldSucceed();
        scale.Start(Now);
        scale.Fail("timed out", Now);
        active.ApplyOutcome(scale, Now);
        Assert.Equal(ClusterState.Degraded, active.State);
        Assert.Equal("timed out", active.StateReason);
    }

    [Fact]
    public void Observe_IdleDatabaseWithAFault_IsDegradedWithTheOperatorsWordsAndRecoversWhenItClears()
    {
        var database = Active();
        database.Observe(Observation(2, "Not enough disk space", fault: "Not enough disk space: No space left on device", healthy: false), false, TimeSpan.FromMinutes(15), Now);
        Assert.Equal(ClusterState.Degraded, database.State);
        Assert.Contains("No space left on device", database.StateReason);

        database.Observe(Observation(3), false, TimeSpan.FromMinutes(15), Now.AddMinutes(1));
        Assert.Equal(ClusterState.Active, database.State);
    }

    [Fact]
    public void Observe_PhaseStuckLongerThanTheLimit_BecomesAFaultWithThePhase()
    {
        var database = Active();
        database.Observe(Observation(0, "Setting up primary", healthy: false) with { PhaseReason = "Creating primary instance orders-1" }, false, TimeSpan.FromMinutes(15), Now);
        Assert.Equal(ClusterState.Active, database.State);

        database.Observe(Observation(0, "Setting up primary", healthy: false) with { PhaseReason = "Creating primary instance orders-1" }, false, TimeSpan.FromMinutes(15), Now.AddMinutes(16));

        Assert.Equal(ClusterState.Degraded, database.State);
        Assert.Contains("Setting up primary", database.StateReason);
        Assert.Contains("Creating primary instance orders-1", database.StateReason);
    }

    [Fact]
    public void BackupHealth_LastGoodBackupOlderThanTwiceTheSchedule_Warns()
    {
        var database = Active(backups: new BackupPlan(BackupFrequency.Daily, 2, DayOfWeek.Sunday, 7));
        database.Observe(Observation(3, lastBackup: Now, first: Now, archiving: true), false, TimeSpan.FromMinutes(15), Now);
        Assert.Null(database.BackupHealthAt(Now.AddHours(47)).Warning);

        var late = database.BackupHealthAt(Now.AddHours(49));
        Assert.Contains("2 days old", late.Warning);
        Assert.Equal(TimeSpan.FromHours(49), late.Age);
    }

    [Fact]
    public void BackupHealth_NoBackupEverAfterTwiceTheSchedule_WarnsWhateverTheOperatorClaims()
    {
        var database = Active(backups: new BackupPlan(BackupFrequency.Every6Hours, 2, DayOfWeek.Sunday, 7));
        Assert.Contains("No backup has completed", database.BackupHealthAt(Now.AddHours(13)).Warning);
    }

    [Fact]
    public void BackupHealth_NewestAttemptFailed_WarnsWithTheReasonAtOnce()
    {
        var database = Active(backups: new BackupPlan(BackupFrequency.Daily, 2, DayOfWeek.Sunday, 7));
        database.Observe(Observation(3, lastBackup: Now, first: Now, archiving: true), false, TimeSpan.FromMinutes(15), Now);
        database.Observe(Observation(3, lastBackup: Now, lastFailed: Now.AddHours(1), backupError: "AccessDenied", first: Now, archiving: true), false, TimeSpan.FromMinutes(15), Now.AddHours(1));

        var health = database.BackupHealthAt(Now.AddHours(2));
        Assert.Contains("AccessDenied", health.Warning);
        Assert.Equal("AccessDenied", health.LastFailure);
    }

    [Fact]
    public void CheckRestorePoint_OutsideTheWindow_IsRefusedShowingTheWindow()
    {
        var database = Active(backups: new BackupPlan(BackupFrequency.Daily, 2, DayOfWeek.Sunday, 7));
        database.Observe(Observation(3, lastBackup: Now, first: Now.AddHours(-3), archiving: true), false, TimeSpan.FromMinutes(15), Now);

        var refusal = database.CheckRestorePoint(Now.AddHours(-4), Now.AddMinutes(1));
        Assert.Equal(Fields.RestorePoint, refusal!.Field);
        Assert.Contains("restore window", refusal.Message);
        Assert.Null(database.CheckRestorePoint(Now.AddHours(-1), Now.AddMinutes(1)));
        Assert.NotNull(database.CheckRestorePoint(Now.AddMinutes(5), Now.AddMinutes(1)));
    }

    [Fact]
    public void WhyNotRestoreFrom_NoBackupYet_SaysTakeOne() =>
        Assert.Contains("no completed backup", Active(backups: new BackupPlan(BackupFrequency.Daily, 2, DayOfWeek.Sunday, 7)).WhyNotRestoreFrom());

    [Fact]
    public void ApplyStorage_Shrinking_IsIllegal() => Assert.Throws<InvalidOperationException>(() => Active().ApplyStorage(5, Now));
}
