using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Portal.DemoCloud.Kubernetes;

namespace Portal.ClustersBenchmark;

/// <summary>
/// Issue 5's benchmark, on a fresh SQLite file with the production engine and cluster-operation settings and the demo
/// cloud made fast (its delays printed below):
///   1. provisioning: N clusters (default 500) with 3 node pools each, requested concurrently through
///      ClusterCommands.CreateAsync by a tenant member, until every one is Active; verifies states, operations, steps
///      and recorded state transitions; reports wall time, request-to-Active latency, clusters/minute, engine
///      throughput, CreateAsync latency, peak working set, and one reconcile pass over all clusters;
///   2. list: the database topped up to 10,000 clusters (30,000 pools), ClusterService.ListAsync timed for a tenant
///      member and a platform admin (first page, one project, a search, the last page). Target: first page < 100 ms.
/// Usage: benchmarks/run-clusters.sh [--clusters N] [--parallel P] [--list-clusters M] [--runs R] [--max-concurrency C]
///        [--poll-ms MS] [--timeout-minutes T] [--skip-list] [--keep]
///   3. with --demo-restart (benchmarks/run-demo-restart.sh), instead: start-up time of a host whose demo cloud remembers
///      its state, with an empty store and with N (default 20) Active clusters in it (--runs restarts each, default 5).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var clusters = 500;
        var parallel = 32;
        var listClusters = 10_000;
        var runs = 50;
        int? maxConcurrency = null;
        TimeSpan? poll = null;
        var timeout = TimeSpan.FromMinutes(60);
        var skipList = false;
        var keep = false;
        var demoRestart = false;
        int? clustersGiven = null;
        int? runsGiven = null;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a positive number.");
            switch (args[i])
            {
                case "--clusters": clustersGiven = clusters = Next(); break;
                case "--parallel": parallel = Next(); break;
                case "--list-clusters": listClusters = Next(); break;
                case "--runs": runsGiven = runs = Next(); break;
                case "--demo-restart": demoRestart = true; break;
                case "--max-concurrency": maxConcurrency = Next(); break;
                case "--poll-ms": poll = TimeSpan.FromMilliseconds(Next()); break;
                case "--timeout-minutes": timeout = TimeSpan.FromMinutes(Next()); break;
                case "--skip-list": skipList = true; break;
                case "--keep": keep = true; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: run-clusters.sh [--clusters N] [--parallel P] [--list-clusters M] [--runs R] " +
                        "[--max-concurrency C] [--poll-ms MS] [--timeout-minutes T] [--skip-list] [--keep] [--demo-restart]");
                    return 2;
            }
        }
        listClusters = Math.Max(listClusters, clusters);

        // Realistic in shape (each machine takes its own time, one after another per pool), short in length.
        var delays = DemoControllerDelays.Instant with
        {
            InfrastructureProvisioning = TimeSpan.FromMilliseconds(500),
            ControlPlaneMachine = TimeSpan.FromMilliseconds(400),
            WorkerMachine = TimeSpan.FromMilliseconds(300),
            HostedControlPlane = TimeSpan.FromMilliseconds(400),
            DeploymentRollout = TimeSpan.FromMilliseconds(200),
            ClusterDeletion = TimeSpan.FromMilliseconds(300),
            NamespaceTermination = TimeSpan.FromMilliseconds(100),
        };
        var settings = new HostSettings(delays, TimeSpan.FromMilliseconds(100), maxConcurrency, poll);

        var root = Path.Combine(Path.GetTempPath(), $"portal-clusters-benchmark-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        Console.WriteLine($"Portal Managed Kubernetes benchmark: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} CPUs, {(IsOptimized() ? "Release" : "DEBUG (numbers are not meaningful)")}; SQLite file under {root}");
        Console.WriteLine($"Demo cloud: controller tick {Stats.Ms(settings.Tick)}; infrastructure {Stats.Ms(delays.InfrastructureProvisioning)}, " +
            $"control plane machine {Stats.Ms(delays.ControlPlaneMachine)}, worker machine {Stats.Ms(delays.WorkerMachine)} (one after another per pool), " +
            $"hosted control plane {Stats.Ms(delays.HostedControlPlane)}, Deployment rollout {Stats.Ms(delays.DeploymentRollout)}.");

        var report = new Report();
        var ok = true;
        if (demoRestart)
        {
            try
            {
                ok = await DemoRestartBenchmark.RunAsync(root, settings, clustersGiven ?? 20, runsGiven ?? 5, timeout, report);
            }
            finally
            {
                if (Directory.Exists(root))
                    Directory.Delete(root, recursive: true);
            }
            Console.WriteLine();
            Console.WriteLine("==================================== Results ====================================");
            report.Print();
            return ok ? 0 : 1;
        }
        try
        {
            await using var host = await ClusterHost.CreateAsync(root, settings, keep);
            Console.WriteLine($"Engine: MaxConcurrency {host.EngineOptions.MaxConcurrency}{(maxConcurrency is null ? " (production default)" : " (overridden)")}, " +
                $"queue poll {Stats.Ms(host.EngineOptions.QueuePollInterval)}; cluster operations: poll {Stats.Ms(host.ClusterOptions.PollInterval)}" +
                $"{(poll is null ? " (production default)" : " (overridden)")}, fault confirmation {Stats.Seconds(host.ClusterOptions.FaultConfirmation)}, " +
                $"periodic reconcile every {Stats.Seconds(host.ClusterOptions.ReconcileInterval)}.");
            Console.WriteLine();

            ok &= await ProvisioningBenchmark.RunAsync(host, clusters, parallel, timeout, report);
            // The list is timed on a quiet process: the engine, its periodic reconcile and the demo controllers stop.
            await host.StopAsync();
            if (!skipList)
                ok &= await ListBenchmark.RunAsync(host, listClusters, runs, report);
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
