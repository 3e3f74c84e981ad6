using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Portal.ClustersBenchmark;
using Portal.DemoCloud.Kubernetes;

namespace Portal.DatabasesBenchmark;

/// <summary>
/// The Managed PostgreSQL benchmark, on a fresh SQLite file with the production engine and database-operation settings
/// and the demo cloud's CloudNativePG simulation at its default speed (primary 8 s, each replica 4 s, tick 200 ms):
///   1. provisioning: N databases (default 200, 1 instance, backups off) requested concurrently through
///      DatabaseService.CreateAsync by a tenant member, until every one is Active; verifies states, operations, steps
///      and recorded state transitions; reports wall time to all-Active, time-to-Active p50/p95/max, operations/s,
///      failures, where the time goes per step, and reconcile passes over all databases;
///   2. list: the store topped up to 10,000 databases (EF bulk insert over five tenants), DatabaseService.ListAsync
///      timed for a platform admin and for a tenant member who sees a fifth (first page, searches, more).
///      Target: first page < 100 ms.
/// Usage: benchmarks/run-databases.sh [--databases N] [--parallel P] [--instances 1|3] [--backups] [--list-databases M]
///        [--runs R] [--primary-ms MS] [--replica-ms MS] [--max-concurrency C] [--poll-ms MS] [--timeout-minutes T]
///        [--skip-list] [--skip-provisioning] [--keep]
/// </summary>
internal static class Program
{
    private const string Usage = "Usage: run-databases.sh [--databases N] [--parallel P] [--instances 1|3] [--backups] [--list-databases M] [--runs R] " +
        "[--primary-ms MS] [--replica-ms MS] [--max-concurrency C] [--poll-ms MS] [--timeout-minutes T] [--skip-list] [--skip-provisioning] [--keep]";

    public static async Task<int> Main(string[] args)
    {
        var databases = 200;
        var parallel = 32;
        var instances = 1;
        var backups = false;
        var listDatabases = 10_000;
        var runs = 50;
        int? primaryMs = null;
        int? replicaMs = null;
        int? maxConcurrency = null;
        TimeSpan? poll = null;
        var timeout = TimeSpan.FromMinutes(30);
        var skipList = false;
        var skipProvisioning = false;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a positive number.");
            switch (args[i])
            {
                case "--databases": databases = Next(); break;
                case "--parallel": parallel = Next(); break;
                case "--instances": instances = Next(); break;
                case "--backups": backups = true; break;
                case "--list-databases": listDatabases = Next(); break;
                case "--runs": runs = Next(); break;
                case "--primary-ms": primaryMs = Next(); break;
                case "--replica-ms": replicaMs = Next(); break;
                case "--max-concurrency": maxConcurrency = Next(); break;
                case "--poll-ms": poll = TimeSpan.FromMilliseconds(Next()); break;
                case "--timeout-minutes": timeout = TimeSpan.FromMinutes(Next()); break;
                case "--skip-list": skipList = true; break;
                case "--skip-provisioning": skipProvisioning = true; break;
                case "--keep": keep = true; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. {Usage}");
                    return 2;
            }
        }

        // The demo's own delays (what the demo shows people), unless told otherwise.
        var defaults = new DemoControllerDelays();
        var delays = defaults with
        {
            PostgresPrimary = primaryMs is { } p ? TimeSpan.FromMilliseconds(p) : defaults.PostgresPrimary,
            PostgresReplica = replicaMs is { } r ? TimeSpan.FromMilliseconds(r) : defaults.PostgresReplica,
        };
        // run-databases.sh --postgresql starts a throwaway server (tools/test-postgres.sh) and passes it on here.
        var postgres = Environment.GetEnvironmentVariable("PORTAL_BENCHMARK_POSTGRES");
        var settings = new HostSettings(delays, maxConcurrency, poll, string.IsNullOrWhiteSpace(postgres) ? null : postgres);

        var root = Path.Combine(Path.GetTempPath(), $"portal-databases-benchmark-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        Console.WriteLine($"Portal Managed PostgreSQL benchmark: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} CPUs, {(IsOptimized() ? "Release" : "DEBUG (numbers are not meaningful)")}; " +
            (settings.PostgresServer is null ? $"SQLite file under {root}" : "PostgreSQL (a database of its own on the server PORTAL_BENCHMARK_POSTGRES names, dropped afterwards)"));
        Console.WriteLine($"Demo cloud (CloudNativePG simulation): primary {Stats.Seconds(delays.PostgresPrimary)}, each replica {Stats.Seconds(delays.PostgresReplica)}, " +
            $"operator Deployment rollout {Stats.Seconds(delays.DeploymentRollout)}; controller tick: the demo's default.");

        var report = new Report();
        var ok = true;
        try
        {
            await using var host = await DatabaseHost.CreateAsync(root, settings, backups, keep);
            Console.WriteLine($"Platform: Managed PostgreSQL on CloudNativePG {DatabaseHost.OperatorVersion}, Active {Stats.Seconds(host.PlatformTook)} after it was requested" +
                $"{(backups ? "; backup store configured" : "")}.");
            Console.WriteLine($"Engine: MaxConcurrency {host.EngineOptions.MaxConcurrency}{(maxConcurrency is null ? " (production default)" : " (overridden)")}; " +
                $"database operations: poll {Stats.Ms(host.DatabaseOptions.PollInterval)}{(poll is null ? " (production default)" : " (overridden)")}, " +
                $"settle {Stats.Seconds(host.DatabaseOptions.SettleTime)}, fault confirmation {Stats.Seconds(host.DatabaseOptions.FaultConfirmation)}, " +
                $"periodic reconcile every {Stats.Seconds(host.DatabaseOptions.ReconcileInterval)}; demo tick {Stats.Ms(host.Kube.Options.Tick)}.");
            Console.WriteLine();

            if (!skipProvisioning)
                ok &= await ProvisioningBenchmark.RunAsync(host, databases, parallel, instances, backups, timeout, report);
            // The list is timed on a quiet process: the engine, its periodic reconcile and the demo controllers stop.
            await host.StopAsync();
            if (!skipList)
                ok &= await ListBenchmark.RunAsync(host, listDatabases, runs, report);
            using var process = Process.GetCurrentProcess();
            report.Section("Process");
            report.Add("Peak working set (whole run)", Stats.Mb(process.PeakWorkingSet64), null);
        }
        finally
        {
            if (!keep && Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("==================================== Results ====================================");
        report.Print();
        Console.WriteLine();
        Console.WriteLine(ok ? "All checks and targets met." : "Some checks or targets were NOT MET (see above).");
        return ok ? 0 : 1;
    }

    private static bool IsOptimized() =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().All(d => !d.IsJITOptimizerDisabled);
}
