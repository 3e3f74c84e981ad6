using Portal.Jobs.Operations.Dispatch;

namespace Portal.Tests.Unit.Operations;

public sealed class CronIntervalTests
{
    [Theory]
    [InlineData(1, "*/1 * * * * *")]
    [InlineData(30, "*/30 * * * * *")]
    [InlineData(60, "* * * * *")]
    [InlineData(120, "*/2 * * * *")]
    [InlineData(3600, "0 * * * *")]
    [InlineData(6 * 3600, "0 */6 * * *")]
    [InlineData(24 * 3600, "0 0 * * *")]
    public void For_IntervalThatDividesItsUnit_GivesTheCronHangfireSchedulesBy(int seconds, string expected) =>
        Assert.Equal(expected, CronInterval.For(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(0.5)]
    [InlineData(7)]
    [InlineData(90)]
    [InlineData(7 * 60)]
    [InlineData(5 * 3600)]
    [InlineData(2 * 24 * 3600)]
    public void For_IntervalWithoutACronForm_IsRefusedSayingWhichIntervalsWork(double seconds)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => CronInterval.For(TimeSpan.FromSeconds(seconds)));
        Assert.Contains("divides a minute", refused.Message);
    }
}
