using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Databases;

/// <summary>The value rules of managed PostgreSQL: every limit refused with its field and what is allowed.</summary>
public sealed class DatabaseRulesTests
{
    [Theory]
    [InlineData(null, "required")]
    [InlineData(0, "0 is outside")]
    [InlineData(4, "4 is outside")]
    public void Instances_OutsideOneToThree_IsRefusedOnTheInstancesField(int? value, string expected)
    {
        var refusal = DatabaseRules.Instances(value).ShouldBeRefused(RefusalKind.Invalid, Fields.Instances);
        Assert.Contains(expected, refusal.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Instances_WithinLimits_IsAccepted(int value) => Assert.Equal(value, DatabaseRules.Instances(value).ShouldSucceed());

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(Limits.MaxDatabaseStorageGiB + 1)]
    public void Storage_OutsideLimits_IsRefusedOnTheStorageField(int? value) =>
        DatabaseRules.Storage(value).ShouldBeRefused(RefusalKind.Invalid, Fields.StorageGiB);

    [Fact]
    public void ComputeSize_Unknown_IsRefusedListingTheSizes()
    {
        var refusal = DatabaseRules.ComputeSize("huge").ShouldBeRefused(RefusalKind.Invalid, Fields.Compute);
        Assert.Contains("small", refusal.Message);
    }

    [Theory]
    [InlineData("Orders")]
    [InlineData("1orders")]
    [InlineData("orders-")]
    [InlineData("")]
    public void Name_NotADnsLabel_IsRefused(string name) => DatabaseRules.Name(name).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

    [Fact]
    public void Name_LongerThanTheLimit_IsRefused() =>
        DatabaseRules.Name(new string('a', Limits.DatabaseNameMaxLength + 1)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

    [Theory]
    [InlineData("postgres")]
    [InlineData("template1")]
    [InlineData("My-Db")]
    public void DatabaseName_ReservedOrMalformed_IsRefused(string name) =>
        DatabaseRules.DatabaseName(name).ShouldBeRefused(RefusalKind.Invalid, Fields.DatabaseName);

    [Theory]
    [InlineData("postgres")]
    [InlineData("streaming_replica")]
    [InlineData("pg_admin")]
    public void OwnerName_Reserved_IsRefused(string name) => DatabaseRules.OwnerName(name).ShouldBeRefused(RefusalKind.Invalid, Fields.OwnerName);

    [Fact]
    public void OwnerName_PlainIdentifier_IsAccepted() => Assert.Equal("orders_owner", DatabaseRules.OwnerName(" orders_owner ").ShouldSucceed());

    [Fact]
    public void Backups_Off_IsNoPlan() => Assert.Null(DatabaseRules.Backups(false, null, null, null, null).ShouldSucceed());

    [Theory]
    [InlineData(null, 2, 7, "backups.schedule")]
    [InlineData(BackupFrequency.Daily, 24, 7, "backups.hour")]
    [InlineData(BackupFrequency.Daily, 2, null, "backups.retentionDays")]
    [InlineData(BackupFrequency.Daily, 2, 0, "backups.retentionDays")]
    [InlineData(BackupFrequency.Daily, 2, 91, "backups.retentionDays")]
    [InlineData(BackupFrequency.Weekly, 2, 3, "backups.retentionDays")]
    public void Backups_BadValues_AreRefusedOnTheirField(BackupFrequency? frequency, int? hour, int? retention, string field) =>
        DatabaseRules.Backups(true, frequency, hour, DayOfWeek.Sunday, retention).ShouldBeRefused(RefusalKind.Invalid, new FieldKey(field));

    [Theory]
    [InlineData(BackupFrequency.Daily, 2, DayOfWeek.Sunday, "0 0 2 * * *", 24)]
    [InlineData(BackupFrequency.Every12Hours, 15, DayOfWeek.Sunday, "0 0 3,15 * * *", 12)]
    [InlineData(BackupFrequency.Every6Hours, 1, DayOfWeek.Sunday, "0 0 1,7,13,19 * * *", 6)]
    [InlineData(BackupFrequency.Weekly, 4, DayOfWeek.Wednesday, "0 0 4 * * 3", 168)]
    public void BackupPlan_Schedule_IsCloudNativePgsSixFieldCronWithItsInterval(BackupFrequency frequency, int hour, DayOfWeek day, string cron, int hours)
    {
        var plan = DatabaseRules.Backups(true, frequency, hour, day, 14).ShouldSucceed()!;
        Assert.Equal(cron, plan.Cron);
        Assert.Equal(TimeSpan.FromHours(hours), plan.Interval);
    }

    [Fact]
    public void BackupPlan_Describe_SaysItInPlainWords() =>
        Assert.Equal("Every day at 02:00 UTC, kept for 7 days", new BackupPlan(BackupFrequency.Daily, 2, DayOfWeek.Sunday, 7).Describe());

    [Fact]
    public void MajorUpgradeTarget_NextMajor_IsItsNewestMinor() =>
        Assert.Equal(DatabaseRules.LatestOf(17), DatabaseRules.MajorUpgradeTarget("16.9", 17, "1.26.1").ShouldSucceed());

    [Fact]
    public void MajorUpgradeTarget_SkippingAMajor_IsRefusedNamingTheNextStep()
    {
        var refusal = DatabaseRules.MajorUpgradeTarget("15.13", 17, "1.26.1").ShouldBeRefused(RefusalKind.Invalid, Fields.PostgresVersion);
        Assert.Contains("one version at a time", refusal.Message);
        Assert.Contains("16", refusal.Message);
    }

    [Fact]
    public void MajorUpgradeTarget_Downgrade_IsRefused() =>
        DatabaseRules.MajorUpgradeTarget("16.9", 15, "1.26.1").ShouldBeRefused(RefusalKind.Invalid, Fields.PostgresVersion);

    [Fact]
    public void MajorUpgradeTarget_OperatorOlderThanInPlaceUpgrades_IsRefusedSayingWhichIsNeeded()
    {
        var refusal = DatabaseRules.MajorUpgradeTarget("16.9", 17, "1.25.2").ShouldBeRefused(RefusalKind.Invalid, Fields.PostgresVersion);
        Assert.Contains(DatabaseRules.InPlaceMajorUpgradeOperator, refusal.Message);
    }

    [Fact]
    public void MajorUpgradeTarget_NotOffered_IsRefused() =>
        DatabaseRules.MajorUpgradeTarget("17.5", 18, "1.26.1").ShouldBeRefused(RefusalKind.Invalid, Fields.PostgresVersion);

    [Fact]
    public void Catalogue_EveryVersionHasAnImageTagAndEveryComputeSizeGrows()
    {
        foreach (var (major, versions) in DatabaseRules.PostgresVersions)
            Assert.All(versions, v => Assert.Equal(major, DatabaseRules.MajorOf(v)));
        Assert.Equal(DatabaseRules.ComputeSizes.OrderBy(c => c.CpuMillicores).Select(c => c.Name), DatabaseRules.ComputeSizes.Select(c => c.Name));
    }
}
