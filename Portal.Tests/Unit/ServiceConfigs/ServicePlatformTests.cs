using Portal.Domain.Common;
using Portal.Domain.ServiceConfigs;
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
}
