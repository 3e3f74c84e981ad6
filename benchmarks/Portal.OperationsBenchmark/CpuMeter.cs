using System.Diagnostics;
using System.Globalization;

namespace Portal.OperationsBenchmark;

/// <summary>
/// CPU spent per scenario: by this process (the portal's engine and the producers), and, when the PostgreSQL server
/// runs on this machine (loopback, Linux), by that server — its postmaster, its live backends and the backends that
/// have exited. CPU per operation does not depend on what else the machine is doing, unlike operations per second, so
/// it is the figure to compare between runs and changes; on a machine of N cores both together bound the throughput
/// at about N × 1000 ÷ (client + server ms per operation).
/// </summary>
internal sealed class CpuMeter
{
    private readonly int? _postmaster;

    private CpuMeter(int? postmaster) => _postmaster = postmaster;

    /// <summary>A meter for this process and, when it can be found on this machine, the PostgreSQL server.</summary>
    public static async Task<CpuMeter> CreateAsync(string? postgresServer)
    {
        if (postgresServer is null || !OperatingSystem.IsLinux())
            return new CpuMeter(null);
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(postgresServer);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT pg_backend_pid()", connection);
            var backend = (int)(await command.ExecuteScalarAsync())!;
            var stat = ReadStat(backend);
            return new CpuMeter(stat is null ? null : int.Parse(stat[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Npgsql.NpgsqlException)
        {
            return new CpuMeter(null);
        }
    }

    public bool MeasuresServer => _postmaster is not null;

    public Sample Take() => new(Process.GetCurrentProcess().TotalProcessorTime, _postmaster is { } pid ? ServerCpu(pid) : null);

    /// <summary>CPU of the server: the postmaster's own and its waited-for children's, plus every live child's.</summary>
    private static TimeSpan? ServerCpu(int postmaster)
    {
        var own = ReadStat(postmaster);
        if (own is null)
            return null;
        // Fields after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime.
        var ticks = Sum(own, 11, 12, 13, 14);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == postmaster)
                continue;
            var stat = ReadStat(pid);
            if (stat is not null && stat[1] == postmaster.ToString(CultureInfo.InvariantCulture))
                ticks += Sum(stat, 11, 12);
        }
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    private static long Sum(string[] fields, params int[] indexes) => indexes.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));

    /// <summary>The fields of /proc/PID/stat after the parenthesised command name, or null when it cannot be read.</summary>
    private static string[]? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public sealed record Sample(TimeSpan Client, TimeSpan? Server)
    {
        public static Sample operator -(Sample end, Sample start) =>
            new(end.Client - start.Client, end.Server is { } e && start.Server is { } s ? e - s : null);
    }
}
