using System.Globalization;

namespace Portal.ClustersBenchmark;

/// <summary>Nearest-rank percentiles over a set of durations, and how the report prints them.</summary>
internal sealed class Stats
{
    private readonly List<TimeSpan> _sorted;

    public Stats(IEnumerable<TimeSpan> values) => _sorted = values.Order().ToList();

    public int Count => _sorted.Count;
    public TimeSpan Max => _sorted.Count == 0 ? TimeSpan.Zero : _sorted[^1];
    public TimeSpan Median => P(50);

    public TimeSpan P(int percentile) =>
        _sorted.Count == 0 ? TimeSpan.Zero : _sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * _sorted.Count) - 1, 0, _sorted.Count - 1)];

    public static string Ms(TimeSpan t) =>
        t.TotalMilliseconds.ToString(t.TotalMilliseconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MB";
}
