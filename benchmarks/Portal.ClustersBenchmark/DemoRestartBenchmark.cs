using Microsoft.EntityFrameworkCore;
using Portal.Domain.Clusters;
using Portal.DemoCloud;

namespace Portal.ClustersBenchmark;

/// <summary>
/// Issue 12's start-up measurement: how long a host takes to build and start (DI, hosted services, the demo cloud taking
/// up its saved state) with an empty demo store, and with one holding N Active clusters. Each figure is the median of
/// several restarts on the same folder, after one restart that warms the JIT up. After the last restart the demo must
/// still hold every cluster and the reconcile must find them all Active: a fast start that forgot them would not count.
/// </summary>
internal static class DemoRestartBenchmark
{
    public static async Task<bool> RunAsync(string root, HostSettings settings, int clusters, int runs, TimeSpan timeout, Report report)
    {
        var host = await ClusterHost.CreateAsync(root, settings with { RememberDemo = true }, keep: false);
        try
        {
            Console.WriteLine($"==> Restarts with an empty demo store ({runs} timed, after one warm-up)");
            (host, _) = await host.RestartAsync();
            var empty = new List<TimeSpan>();
            for (var i = 0; i < runs; i++)
            {
                (host, var took) = await host.RestartAsync();
                empty.Add(took);
            }
            var emptySize = StoreSize(host);

            Console.WriteLine($"==> Provisioning {clusters} clusters × {ProvisioningBenchmark.PoolsPerCluster} pools until Active");
            for (var i = 0; i < clusters; i++)
            {
                var request = new CreateClusterRequest(host.ProjectIds[i % host.ProjectIds.Count], host.ConfigId, $"restart-{i:D3}", ProvisioningBenchmark.Version,
                    ControlPlaneType.Standalone, 1, host.FlavorId,
                    [.. Enumerable.Range(0, ProvisioningBenchmark.PoolsPerCluster).Select(p => new NodePoolRequest($"pool-{(char)('a' + p)}", host.FlavorId, ProvisioningBenchmark.NodesPerPool))]);
                ClusterHost.Expect(await host.Commands.CreateAsync(host.Member, request), $"create cluster {request.Name}");
            }
            var deadline = DateTime.UtcNow + timeout;
            while (await ActiveAsync(host) < clusters)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"Only {await ActiveAsync(host)} of {clusters} clusters became Active.");
                await Task.Delay(250);
            }

            Console.WriteLine($"==> Restarts with {clusters} clusters in the demo store ({runs} timed, after one warm-up)");
            (host, _) = await host.RestartAsync();
            var populated = new List<TimeSpan>();
            for (var i = 0; i < runs; i++)
            {
                (host, var took) = await host.RestartAsync();
                populated.Add(took);
            }
            var populatedSize = StoreSize(host);

            var remembered = host.Kube.Clusters.Count - 1;
            await host.Reconciler.ReconcileAllAsync(CancellationToken.None);
            var active = await ActiveAsync(host);

            var emptyStats = new Stats(empty);
            var populatedStats = new Stats(populated);
            report.Section($"Start-up with the demo's saved state (median of {runs} restarts; min–max)");
            report.Add("Empty demo store", $"{Stats.Ms(emptyStats.Median)} ({Stats.Ms(emptyStats.P(0))}–{Stats.Ms(emptyStats.Max)}); files {Kb(emptySize)}", null);
            report.Add($"{clusters} Active clusters in the demo store", $"{Stats.Ms(populatedStats.Median)} ({Stats.Ms(populatedStats.P(0))}–{Stats.Ms(populatedStats.Max)}); files {Kb(populatedSize)}", null);
            report.Add("Difference (medians)", Stats.Ms(populatedStats.Median - emptyStats.Median), null);
            report.Add("Workload clusters the demo remembered", $"{remembered} of {clusters}", remembered == clusters);
            report.Add("Clusters Active after the reconcile", $"{active} of {clusters}", active == clusters);
            return remembered == clusters && active == clusters;
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task<int> ActiveAsync(ClusterHost host)
    {
        await using var db = host.NewContext();
        return await db.Clusters.CountAsync(c => c.State == ClusterState.Active && c.Pools.All(p => p.State == ClusterState.Active));
    }

    private static long StoreSize(ClusterHost host)
    {
        var folder = Path.Combine(host.Folder, "demo");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "demo-*.json").Sum(f => new FileInfo(f).Length)
            : 0;
    }

    private static string Kb(long bytes) => $"{bytes / 1024.0:0} KiB ({DemoCloudStateHost.KubernetesFileName} and {DemoCloudStateHost.OpenStackFileName})";
}
