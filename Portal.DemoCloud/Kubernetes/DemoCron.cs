using System.Globalization;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// A cron schedule as CloudNativePG's ScheduledBackup reads it: six fields, seconds first
/// (<c>second minute hour day-of-month month day-of-week</c>; with five fields the weekday is left out, as the
/// operator's cron library reads them — its webhook only warns), each <c>*</c>, <c>?</c>, a number, a range <c>a-b</c>, a
/// step <c>*/n</c> or <c>a-b/n</c>, or a comma list of those; months and weekdays may be named (JAN, MON); weekday 0 and
/// 7 are Sunday. The descriptors <c>@yearly</c>, <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c>, <c>@midnight</c> and
/// <c>@hourly</c> are understood too. As in the cron library the operator uses, when both day fields are restricted a
/// day matches either. Times are UTC.
/// </summary>
public sealed class DemoCron
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;
    private readonly bool _dayRestricted;
    private readonly bool _weekdayRestricted;

    private DemoCron(string[] fields)
    {
        _seconds = Field(fields[0], 0, 59, null, out _);
        _minutes = Field(fields[1], 0, 59, null, out _);
        _hours = Field(fields[2], 0, 23, null, out _);
        _days = Field(fields[3], 1, 31, null, out _dayRestricted);
        _months = Field(fields[4], 1, 12, MonthNames, out _);
        var weekdays = Field(fields[5], 0, 7, DayNames, out _weekdayRestricted);
        weekdays[0] |= weekdays[7];
        _weekdays = weekdays[..7];
    }

    /// <summary>Reads a schedule; null with <paramref name="problem"/> when it is not one.</summary>
    public static DemoCron? TryParse(string? text, out string? problem)
    {
        problem = null;
        var trimmed = text?.Trim() ?? string.Empty;
        trimmed = trimmed switch
        {
            "@yearly" or "@annually" => "0 0 0 1 1 *",
            "@monthly" => "0 0 0 1 * *",
            "@weekly" => "0 0 0 * * 0",
            "@daily" or "@midnight" => "0 0 0 * * *",
            "@hourly" => "0 0 * * * *",
            _ => trimmed,
        };
        var fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 5)
            fields = [.. fields, "*"];
        if (fields.Length != 6)
        {
            problem = $"Expected 5 to 6 fields, found {fields.Length}: {trimmed}";
            return null;
        }
        try
        {
            return new DemoCron(fields);
        }
        catch (FormatException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>The first time after <paramref name="after"/> (strictly later, whole seconds) that the schedule fires; null when none within five years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var utc = after.ToUniversalTime();
        var t = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
                continue;
            }
            if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }
            if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }
            if (!_minutes[t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
                continue;
            }
            if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
                continue;
            }
            return new DateTimeOffset(t, TimeSpan.Zero);
        }
        return null;
    }

    private bool DayMatches(DateTime t)
    {
        var day = _days[t.Day];
        var weekday = _weekdays[(int)t.DayOfWeek];
        return _dayRestricted && _weekdayRestricted ? day || weekday : day && weekday;
    }

    private static bool[] Field(string text, int min, int max, string[]? names, out bool restricted)
    {
        var allowed = new bool[max + 1];
        restricted = text is not ("*" or "?");
        foreach (var part in text.Split(','))
        {
            var (range, stepText) = part.Split('/') switch
            {
                [var r] => (r, (string?)null),
                [var r, var s] => (r, s),
                _ => throw new FormatException($"'{part}' is not a cron field"),
            };
            int low, high;
            if (range is "*" or "?")
            {
                (low, high) = (min, max);
            }
            else if (range.Split('-') is [var a, var b])
            {
                (low, high) = (Value(a, min, max, names), Value(b, min, max, names));
            }
            else
            {
                low = Value(range, min, max, names);
                high = stepText is null ? low : max;
            }
            var step = 1;
            if (stepText is not null && (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
                throw new FormatException($"'{part}' has no valid step");
            if (low > high)
                throw new FormatException($"'{part}' is an empty range");
            for (var value = low; value <= high; value += step)
                allowed[value] = true;
        }
        return allowed;
    }

    private static int Value(string text, int min, int max, string[]? names)
    {
        if (names is not null)
        {
            var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
                return names.Length == 12 ? index + 1 : index;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new FormatException($"'{text}' is not between {min} and {max}");
        return value;
    }
}
