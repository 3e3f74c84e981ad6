using Portal.Domain.ServiceConfigs;

namespace Portal.Tests.Unit.Databases;

/// <summary>Which PostgreSQL platforms take new databases, and why the others do not.</summary>
public sealed class PlatformGatingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static ServicePlatform Active(PostgresMode mode)
    {
        var platform = ServicePlatform.CreatePostgres(Guid.NewGuid(), mode, "1.26.1", mode == PostgresMode.Managed ? null : "protected", null, Now);
        platform.MarkActive();
        return platform;
    }

    [Theory]
    [InlineData(PostgresMode.Managed)]
    [InlineData(PostgresMode.ManagedTools)]
    public void WhyNoNewDatabases_ActiveEnabledManagedModes_TakeThem(PostgresMode mode) => Assert.Null(Active(mode).WhyNoNewDatabases());

    [Fact]
    public void WhyNoNewDatabases_External_SaysItIsRecordOnly() => Assert.Contains("record", Active(PostgresMode.External).WhyNoNewDatabases());

    [Fact]
    public void WhyNoNewDatabases_Disabled_SaysSo()
    {
        var platform = Active(PostgresMode.Managed);
        platform.SetEnabled(false);
        Assert.Contains("disabled", platform.WhyNoNewDatabases());
    }

    [Fact]
    public void WhyNoNewDatabases_StillProvisioning_SaysItIsNotActive() =>
        Assert.Contains("not active", ServicePlatform.CreatePostgres(Guid.NewGuid(), PostgresMode.Managed, "1.26.1", null, null, Now).WhyNoNewDatabases());

    [Fact]
    public void SetBackupStore_OnAnExternalPlatform_IsRefused() =>
        Assert.False(Active(PostgresMode.External).SetBackupStore("s3://b", null, "A", "p").Succeeded);
}
