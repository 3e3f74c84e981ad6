using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.ServiceConfigs;

/// <summary>The platform's own state machine: create, activate, fail, upgrade, delete.</summary>
public sealed class ServicePlatformTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static ServicePlatform Postgres(PostgresMode mode = PostgresMode.ManagedTools, string version = "1.25.2") =>
        ServicePlatform.CreatePostgres(Guid.NewGuid(), mode, version, mode == PostgresMode.Managed ? null : "protected", null, Now);

    private static ServicePlatform ActivePostgres(PostgresMode mode = PostgresMode.ManagedTools, string version = "1.25.2")
    {
        var platform = Postgres(mode, version);
        platform.MarkActive();
        return platform;
    }

    [Fact]
    public void CreateMks_Always_IsActiveAndEnabledAtOnce()
    {
        var platform = ServicePlatform.CreateMks(Guid.NewGuid(), "net-1", "public", Now);

        Assert.Equal(PlatformKind.Mks, platform.Kind);
        Assert.Equal(PlatformState.Active, platform.State);
        Assert.True(platform.Enabled);
        Assert.Equal("net-1", platform.ExternalNetworkId);
        Assert.Null(platform.PostgresMode);
    }

    [Fact]
    public void CreatePostgres_Always_IsProvisioningWithTheVersionAsTarget()
    {
        var platform = Postgres();

        Assert.Equal(PlatformState.Provisioning, platform.State);
        Assert.Null(platform.OperatorVersion);
        Assert.Equal("1.25.2", platform.TargetOperatorVersion);
        Assert.True(platform.Enabled);
    }

    [Fact]
    public void MarkActive_AfterProvisioning_RecordsTheInstalledVersion()
    {
        var platform = ActivePostgres();

        Assert.Equal(PlatformState.Active, platform.State);
        Assert.Equal("1.25.2", platform.OperatorVersion);
        Assert.Null(platform.TargetOperatorVersion);
    }

    [Fact]
    public void MarkActive_WhileDeleting_Throws()
    {
        var platform = ActivePostgres();
        platform.BeginDelete().ShouldSucceed();

        Assert.Throws<InvalidOperationException>(platform.MarkActive);
    }

    [Fact]
    public void MarkFailed_ActivePlatform_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ActivePostgres().MarkFailed("boom"));
    }

    [Fact]
    public void MarkFailed_LongReason_IsClippedTo1000Characters()
    {
        var platform = Postgres();

        platform.MarkFailed(new string('x', 5000));

        Assert.Equal(PlatformState.Failed, platform.State);
        Assert.Equal(1000, platform.StateReason.Length);
    }

    [Fact]
    public void Resume_FailedPlatform_ReturnsToTheGivenStateAndClearsTheReason()
    {
        var platform = Postgres();
        platform.MarkFailed("boom");

        platform.Resume(PlatformState.Provisioning);

        Assert.Equal(PlatformState.Provisioning, platform.State);
        Assert.Equal("", platform.StateReason);
    }

    [Fact]
    public void Resume_NotFailed_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ActivePostgres().Resume(PlatformState.Provisioning));
    }

    [Theory]
    [InlineData("1.24.4")]
    [InlineData("1.25.2")]
    [InlineData("2.0.0")]
    [InlineData("")]
    public void BeginUpgrade_NotNewerSupportedVersion_IsInvalidOnVersionAndKeepsState(string version)
    {
        var platform = ActivePostgres();

        platform.BeginUpgrade(version).ShouldBeRefused(RefusalKind.Invalid, Fields.Version);

        Assert.Equal(PlatformState.Active, platform.State);
        Assert.Null(platform.TargetOperatorVersion);
    }

    [Fact]
    public void BeginUpgrade_NewerVersion_IsUpgradingWithTarget()
    {
        var platform = ActivePostgres();

        platform.BeginUpgrade("1.26.1").ShouldSucceed();

        Assert.Equal(PlatformState.Upgrading, platform.State);
        Assert.Equal("1.26.1", platform.TargetOperatorVersion);
        Assert.Equal("1.25.2", platform.OperatorVersion);
        platform.MarkActive();
        Assert.Equal("1.26.1", platform.OperatorVersion);
    }

    [Fact]
    public void BeginUpgrade_External_IsInvalidOnVersion()
    {
        ActivePostgres(PostgresMode.External).BeginUpgrade("1.26.1").ShouldBeRefused(RefusalKind.Invalid, Fields.Version);
    }

    [Fact]
    public void BeginUpgrade_Mks_IsInvalidOnVersion()
    {
        ServicePlatform.CreateMks(Guid.NewGuid(), "net", "public", Now).BeginUpgrade("1.26.1").ShouldBeRefused(RefusalKind.Invalid, Fields.Version);
    }

    [Fact]
    public void BeginUpgrade_WhileProvisioning_IsConflict()
    {
        Postgres().BeginUpgrade("1.26.1").ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AbandonUpgrade_Upgrading_StaysOnTheOldVersion()
    {
        var platform = ActivePostgres();
        platform.BeginUpgrade("1.26.1").ShouldSucceed();

        platform.AbandonUpgrade();

        Assert.Equal(PlatformState.Active, platform.State);
        Assert.Equal("1.25.2", platform.OperatorVersion);
        Assert.Null(platform.TargetOperatorVersion);
    }

    [Fact]
    public void BeginDelete_ActiveOrFailed_IsDeleting()
    {
        var active = ActivePostgres();
        var failed = Postgres();
        failed.MarkFailed("boom");

        active.BeginDelete().ShouldSucceed();
        failed.BeginDelete().ShouldSucceed();

        Assert.Equal(PlatformState.Deleting, active.State);
        Assert.Equal(PlatformState.Deleting, failed.State);
        Assert.Equal("", failed.StateReason);
    }

    [Fact]
    public void BeginDelete_ProvisioningUpgradingOrDeleting_IsConflict()
    {
        var upgrading = ActivePostgres();
        upgrading.BeginUpgrade("1.26.1").ShouldSucceed();
        var deleting = ActivePostgres();
        deleting.BeginDelete().ShouldSucceed();

        Postgres().BeginDelete().ShouldBeRefused(RefusalKind.Conflict);
        upgrading.BeginDelete().ShouldBeRefused(RefusalKind.Conflict);
        deleting.BeginDelete().ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void SetEnabled_Disable_NeverChangesState()
    {
        var platform = ActivePostgres();

        platform.SetEnabled(false);

        Assert.False(platform.Enabled);
        Assert.Equal(PlatformState.Active, platform.State);
        Assert.Equal("1.25.2", platform.OperatorVersion);
    }

    [Fact]
    public void PostgresOperatorVersions_Always_AreOrderedOldestFirst()
    {
        var versions = ServicePlatform.PostgresOperatorVersions.Select(Version.Parse).ToList();
        Assert.Equal(versions.Order(), versions);
    }
    // ---- the reasons the platform page shows on its disabled actions

    [Fact]
    public void CheckUpgrade_WhileProvisioning_IsTheRefusalOfBeginUpgrade()
    {
        var platform = Postgres();

        var why = platform.CheckUpgrade();

        Assert.Equal("The platform is provisioning; it can be upgraded once it is active.", why!.Message);
        Assert.Equal(why, platform.BeginUpgrade("1.26.1").ShouldBeRefused(RefusalKind.Conflict));
    }

    [Fact]
    public void CheckUpgrade_ActiveToolPlatform_IsNullAndExternalIsRefused()
    {
        Assert.Null(ActivePostgres().CheckUpgrade());
        Assert.Equal(Fields.Version, ActivePostgres(PostgresMode.External).CheckUpgrade()!.Field);
    }

    [Fact]
    public void UpgradeVersions_RunningTheMiddleVersion_AreTheNewerOnes()
    {
        Assert.Equal(["1.26.1"], ActivePostgres(version: "1.25.2").UpgradeVersions);
        Assert.Empty(ActivePostgres(version: "1.26.1").UpgradeVersions);
        Assert.Empty(Postgres().UpgradeVersions); // no operator installed yet
    }

    [Fact]
    public void CheckDelete_WhileUpgrading_IsTheRefusalOfBeginDelete()
    {
        var platform = ActivePostgres();
        platform.BeginUpgrade("1.26.1").ShouldSucceed();

        var why = platform.CheckDelete();

        Assert.Equal("The platform is upgrading. Cancel that operation or wait for it to finish first.", why!.Message);
        Assert.Equal(why, platform.BeginDelete().ShouldBeRefused(RefusalKind.Conflict));
    }

    [Fact]
    public void CheckDelete_ActiveOrFailed_IsNull()
    {
        Assert.Null(ActivePostgres().CheckDelete());
        var failed = Postgres();
        failed.MarkFailed("boom");
        Assert.Null(failed.CheckDelete());
    }

    // ---- following its operations (applied in the same save as the operation's change) ----

    private static readonly Actor Admin = new("user-admin", "Ada Admin", PlatformRole.Admin);

    /// <summary>An operation of <paramref name="kind"/> on the platform, run through its first <paramref name="stepsDone"/> steps and now running the next.</summary>
    private static Operation Running(ServicePlatform platform, string kind, int stepsDone = 0)
    {
        var operation = PlatformOperations.Of(kind).NewOperation(ServiceConfigService.Target(platform, "standard"), null, Admin, Now);
        operation.Start(Now);
        for (var i = 0; i < stepsDone; i++)
        {
            operation.StepStarted(i, Now);
            operation.StepSucceeded(i, null, Now);
        }
        operation.StepStarted(stepsDone, Now);
        return operation;
    }

    [Fact]
    public void Follow_CreateSucceeded_IsActiveOnTheVersionItInstalled()
    {
        var platform = Postgres(version: "1.25.2");
        var create = Running(platform, PlatformOperations.CreatePostgres);
        foreach (var step in create.Steps)
        {
            if (step.State == StepState.Pending) create.StepStarted(step.Index, Now);
            create.StepSucceeded(step.Index, null, Now);
        }
        create.Succeed(Now);

        platform.Follow(create);

        Assert.Equal(PlatformState.Active, platform.State);
        Assert.Equal("1.25.2", platform.OperatorVersion);
    }

    [Fact]
    public void Follow_CreateFailedThenRetried_IsFailedWithTheErrorThenProvisioningAgain()
    {
        var platform = Postgres();
        var create = Running(platform, PlatformOperations.CreatePostgres, stepsDone: 3);
        create.StepFailed(3, "Could not reach the cluster.", Now);
        create.Fail("Could not reach the cluster.", Now);

        platform.Follow(create);
        Assert.Equal(PlatformState.Failed, platform.State);
        Assert.Equal("Could not reach the cluster.", platform.StateReason);

        create.Retry(Admin, Now).ShouldSucceed();
        platform.Follow(create);
        Assert.Equal(PlatformState.Provisioning, platform.State);
        Assert.Equal("", platform.StateReason);
    }

    [Fact]
    public void Follow_UpgradeCancelledAfterTheNewOperatorWasApplied_ClaimsNeitherVersion()
    {
        var platform = ActivePostgres(version: "1.25.2");
        platform.BeginUpgrade("1.26.1").ShouldSucceed();
        var upgrade = Running(platform, PlatformOperations.UpgradePostgres, stepsDone: 2);
        upgrade.RequestCancel(Admin, Now).ShouldSucceed();
        upgrade.Cancel(Now);

        platform.Follow(upgrade);

        Assert.Equal(PlatformState.Failed, platform.State);
        Assert.Contains("may run either version", platform.StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Follow_UpgradeCancelledBeforeTheNewOperatorWasApplied_KeepsTheVersionItRuns()
    {
        var platform = ActivePostgres(version: "1.25.2");
        platform.BeginUpgrade("1.26.1").ShouldSucceed();
        var upgrade = Running(platform, PlatformOperations.UpgradePostgres, stepsDone: 1);
        upgrade.RequestCancel(Admin, Now).ShouldSucceed();
        upgrade.Cancel(Now);

        platform.Follow(upgrade);

        Assert.Equal(PlatformState.Active, platform.State);
        Assert.Equal("1.25.2", platform.OperatorVersion);
        Assert.Null(platform.TargetOperatorVersion);
    }

    [Fact]
    public void Follow_AnOperationOfAnotherResource_IsABugAndThrows()
    {
        var platform = Postgres();
        var other = Operation.Create("mks-cluster.resync", new OperationTarget("KubernetesCluster", Guid.NewGuid().ToString(), "web"), "{}", Admin, ["one"], Now);

        Assert.Throws<ArgumentException>(() => platform.Follow(other));
    }
}
