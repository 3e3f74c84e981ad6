using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Portal.ClustersBenchmark;
using Portal.DemoCloud.Kubernetes;

namespace Portal.ApiBenchmark;

/// <summary>
/// Issue 14's benchmark, against the real portal over HTTP (Kestrel on loopback, SQLite, production settings except a
/// fast demo cloud and a rate limit raised out of the way — the limit is not what is measured):
///   1. provisioning: N clusters (default 1,000) created through POST /api/v1/clusters by C concurrent clients
///      (default 20; each a tenant member with its own token and project, creating its share one after another, each
///      request with an Idempotency-Key), until every one is Active; then the database is checked: N clusters, each
///      with exactly one create operation, Succeeded, and exactly one transition to Active.
///   2. list and get: the database topped up to 10,000 clusters; GET /api/v1/clusters (first page, one project, a
///      search, the second page by its token) and GET /api/v1/clusters/{id}, sequential and with C clients at once;
///      p50/p95/max. Target: p95 below 100 ms.
/// Usage: benchmarks/run-api.sh [--clusters N] [--clients C] [--list-clusters M] [--runs R] [--timeout-minutes T] [--skip-list] [--keep]
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var clusters = 1000;
        var clients = 20;
        var listClusters = 10_000;
        var runs = 200;
        var timeout = TimeSpan.FromMinutes(30);
        var skipList = false;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a positive number.");
            switch (args[i])
            {
                case "--clusters": clusters = Next(); break;
                case "--clients": clients = Next(); break;
                case "--list-clusters": listClusters = Next(); break;
                case "--runs": runs = Next(); break;
                case "--timeout-minutes": timeout = TimeSpan.FromMinutes(Next()); break;
                case "--skip-list": skipList = true; break;
                case "--keep": keep = true; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: run-api.sh [--clusters N] [--clients C] [--list-clusters M] [--runs R] " +
                        "[--timeout-minutes T] [--skip-list] [--keep]");
                    return 2;
            }
        }
        listClusters = Math.Max(listClusters, clusters);

        // As the clusters benchmark: realistic in shape (each machine in turn), short in length.
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
        var root = Path.Combine(Path.GetTempPath(), $"portal-api-benchmark-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        Console.WriteLine($"Portal API benchmark: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} CPUs, " +
            $"{(IsOptimized() ? "Release" : "DEBUG (numbers are not meaningful)")}; data folder {root}");
        Console.WriteLine($"Demo cloud: infrastructure {Stats.Ms(delays.InfrastructureProvisioning)}, control plane machine {Stats.Ms(delays.ControlPlaneMachine)}, " +
            $"worker machine {Stats.Ms(delays.WorkerMachine)}.");

        var report = new Report();
        var ok = true;
        try
        {
            await using var host = await ApiHost.StartAsync(root, clients, delays, rateBurst: 100_000, ratePerSecond: 100_000);
            Console.WriteLine($"Portal listening on {host.Address}; {clients} clients, each a member of tenant Bench with its own project and token.");
            ok &= await ProvisioningBenchmark.RunAsync(host, clusters, clients, timeout, report);
            if (!skipList)
                ok &= await ListGetBenchmark.RunAsync(host, listClusters, runs, clients, report);
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
