namespace Portal.Jobs.Operations.Dispatch;

/// <summary>
/// Turns a periodic job's interval into the cron expression Hangfire schedules by. Only intervals that divide the next
/// larger unit evenly have one (every 20 s, 5 min, 6 h, a day); anything else is a configuration error, said at start-up.
/// </summary>
internal static class CronInterval
{
    public static string For(TimeSpan interval)
    {
        if (interval < TimeSpan.FromMinutes(1) && interval.TotalSeconds is var s && s >= 1 && s == Math.Floor(s) && 60 % (int)s == 0)
            return $"*/{(int)s} * * * * *";
        if (interval < TimeSpan.FromHours(1) && interval.TotalMinutes is var m && m == Math.Floor(m) && 60 % (int)m == 0)
            return m == 1 ? "* * * * *" : $"*/{(int)m} * * * *";
        if (interval < TimeSpan.FromDays(1) && interval.TotalHours is var h && h == Math.Floor(h) && 24 % (int)h == 0)
            return h == 1 ? "0 * * * *" : $"0 */{(int)h} * * *";
        if (interval == TimeSpan.FromDays(1))
            return "0 0 * * *";
        throw new ArgumentOutOfRangeException(nameof(interval), interval,
            "A periodic job runs every whole number of seconds that divides a minute (1–30 s), of minutes that divides an hour, " +
            "of hours that divides a day, or once a day.");
    }
}
