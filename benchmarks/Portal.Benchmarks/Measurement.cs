using System.Diagnostics;
using System.Globalization;

namespace Portal.Benchmarks;

/// <summary>The measured runs of one scenario (the warm-up run is not among them).</summary>
internal sealed record Measurement(string Scenario, IReadOnlyList<TimeSpan> Runs, TimeSpan? Target, string Note = "")
{
    public TimeSpan Min => Runs.Min();
    public TimeSpan Max => Runs.Max();

    public TimeSpan Median
    {
        get
        {
            var sorted = Runs.Order().ToList();
            var middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    /// <summary>A target is met when the median run is under it.</summary>
    public bool? Met => Target is { } target ? Median < target : null;

    /// <summary>One warm-up call, then <paramref name="runs"/> timed calls of <paramref name="action"/>.</summary>
    public static async Task<Measurement> OfAsync(string scenario, int runs, TimeSpan? target, Func<Task> action, string note = "")
    {
        await action();
        var times = new List<TimeSpan>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed);
        }
        return new Measurement(scenario, times, target, note);
    }
}

internal static class Report
{
    public static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString(t.TotalMilliseconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";

    public static void Print(IReadOnlyList<Measurement> measurements)
    {
        var width = Math.Max(40, measurements.Max(m => m.Scenario.Length)) + 2;
        var header = $"{"Scenario".PadRight(width)}{"Runs",5}{"Min",13}{"Median",13}{"Max",13}{"Target",12}  Met";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length + 2));
        foreach (var m in measurements)
        {
            var target = m.Target is { } t ? "< " + Ms(t) : "-";
            var met = m.Met switch { true => "yes", false => "NO", null => "" };
            Console.WriteLine($"{m.Scenario.PadRight(width)}{m.Runs.Count,5}{Ms(m.Min),13}{Ms(m.Median),13}{Ms(m.Max),13}{target,12}  {met}");
            if (m.Note.Length > 0)
                Console.WriteLine($"{"",4}{m.Note}");
        }
    }
}
