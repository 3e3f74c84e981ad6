using System.Globalization;
using System.Runtime;

namespace Portal.CircuitsBenchmark;

/// <summary>One memory reading of this process (the portal, plus Playwright's .NET client) and of the browser's processes.</summary>
internal sealed record MemorySample(long ManagedHeapBytes, long RssBytes, long BrowserPssBytes, int BrowserProcesses);

internal static class Memory
{
    /// <summary>
    /// Managed heap after a forced, blocking, compacting full collection (large object heap compacted too), finalizers
    /// run and a second such collection; and this process's resident set (VmRSS). The browser's processes (Chromium and
    /// Playwright's Node.js driver, all children of this process) are summed by PSS, which shares pages fairly.
    /// </summary>
    public static MemorySample Measure()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var rss = StatusKb("/proc/self/status", "VmRSS") * 1024;
        var (pss, processes) = BrowserPss();
        return new MemorySample(heap, rss, pss, processes);
    }

    /// <summary>MemAvailable from /proc/meminfo, in bytes.</summary>
    public static long AvailableBytes() => StatusKb("/proc/meminfo", "MemAvailable") * 1024;

    public static long TotalBytes() => StatusKb("/proc/meminfo", "MemTotal") * 1024;

    private static long StatusKb(string file, string key)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
            var value = line[(key.Length + 1)..].Trim();
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
        }
        return 0;
    }

    /// <summary>PSS summed over every descendant process of this one (Chromium and the Playwright driver).</summary>
    private static (long Bytes, int Processes) BrowserPss()
    {
        var self = Environment.ProcessId;
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        long total = 0;
        var count = 0;
        foreach (var (pid, _) in parents)
        {
            if (pid == self || !DescendsFrom(pid, self, parents)) continue;
            try
            {
                total += StatusKb($"/proc/{pid}/smaps_rollup", "Pss") * 1024;
                count++;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return (total, count);
    }

    private static bool DescendsFrom(int pid, int ancestor, IReadOnlyDictionary<int, int> parents)
    {
        for (var hops = 0; hops < 64 && parents.TryGetValue(pid, out var parent) && parent > 1; hops++)
        {
            if (parent == ancestor) return true;
            pid = parent;
        }
        return false;
    }
}

/// <summary>Least-squares line through (x, y) points: slope, intercept and R².</summary>
internal sealed record Fit(double Slope, double Intercept, double RSquared)
{
    public static Fit Of(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2) return new Fit(double.NaN, double.NaN, double.NaN);
        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        var sxy = points.Sum(p => (p.X - meanX) * (p.Y - meanY));
        var syy = points.Sum(p => (p.Y - meanY) * (p.Y - meanY));
        var slope = sxy / sxx;
        var intercept = meanY - slope * meanX;
        var r2 = syy == 0 ? 1 : sxy * sxy / (sxx * syy);
        return new Fit(slope, intercept, r2);
    }
}

/// <summary>Nearest-rank percentiles.</summary>
internal static class Percentile
{
    public static double Of(IReadOnlyList<double> values, int percentile)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
