using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.ClustersBenchmark;

/// <summary>
/// Part 2: tops the database up to <c>total</c> clusters (each with its pools) by copying a provisioned cluster's rows
/// in one SQLite transaction, then times <see cref="ClusterService.ListAsync"/> as the cluster list page calls it
/// (server time: the whole call, its three queries included) for a tenant member of the tenant holding every cluster
/// and for a platform admin. Each scenario: warm-up runs, then timed runs; median, p95 and max. The plan of every query
/// it ran is printed with EXPLAIN QUERY PLAN.
/// </summary>
internal static class ListBenchmark
{
    public static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);

    public static async Task<bool> RunAsync(ClusterHost host, int total, int runs, Report report)
    {
        var seeded = Stopwatch.StartNew();
        var added = await ClusterCopies.TopUpAsync(host.File, total);
        Console.WriteLine($"==> Cluster list: seeded {added} more clusters (copies of bench-0000 with its pools) in {Stats.Ms(seeded.Elapsed)}");

        var firstPage = new PageRequest(0, 20);
        var scenarios = new List<(string Name, Actor Actor, ClusterFilter Filter, PageRequest Page, bool Judged)>
        {
            ("Tenant member, first page", host.Member, new ClusterFilter(), firstPage, true),
            ("Platform admin, first page", host.Admin, new ClusterFilter(), firstPage, true),
            ("Tenant member, one project, first page", host.Member, new ClusterFilter(ProjectId: host.ProjectIds[3]), firstPage, true),
            ("Tenant member, search 'seed-0042'", host.Member, new ClusterFilter(), firstPage with { Search = "seed-0042" }, false),
            ("Tenant member, last page", host.Member, new ClusterFilter(), new PageRequest(total - 20, 20), false),
            ("Platform admin, last page", host.Admin, new ClusterFilter(), new PageRequest(total - 20, 20), false),
        };

        report.Section($"Cluster list (ClusterService.ListAsync) with {total} clusters, {total * ProvisioningBenchmark.PoolsPerCluster} pools; " +
            $"{runs} timed runs after 10 warm-up; target first page < {Target.TotalMilliseconds:0} ms");
        var allMet = true;
        var plans = new List<(string Scenario, CapturedCommand Command)>();
        foreach (var (name, actor, filter, page, judged) in scenarios)
        {
            Page<ClusterRow>? result = null;
            for (var i = 0; i < 10; i++)
                result = await host.Clusters.ListAsync(actor, filter, page);
            var times = new List<TimeSpan>(runs);
            for (var i = 0; i < runs; i++)
            {
                var began = Stopwatch.GetTimestamp();
                result = await host.Clusters.ListAsync(actor, filter, page);
                times.Add(Stopwatch.GetElapsedTime(began));
            }
            var captured = host.Capture.Begin();
            await host.Clusters.ListAsync(actor, filter, page);
            host.Capture.End();
            plans.AddRange(captured.Select(c => (name, c)));

            var stats = new Stats(times);
            var met = stats.P(95) < Target;
            if (judged) allMet &= met;
            report.Add(name, $"median {Stats.Ms(stats.Median)}, p95 {Stats.Ms(stats.P(95))}, max {Stats.Ms(stats.Max)}; {result!.Items.Count} rows of {result.Total}",
                judged ? met : null);
        }

        Console.WriteLine();
        Console.WriteLine("Query plans (EXPLAIN QUERY PLAN) of the queries ListAsync ran, per scenario:");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (scenario, command) in plans)
        {
            var key = command.Sql + string.Join('|', command.Parameters.Select(p => $"{p.Name}={p.Value}"));
            if (!seen.Add(key)) continue;
            Console.WriteLine($"--- {scenario}:");
            Console.WriteLine("    " + command.Sql.Replace("\n", "\n    ", StringComparison.Ordinal));
            foreach (var line in await CommandCapture.ExplainAsync(SqlitePragmas.ConnectionString(host.File), command))
                Console.WriteLine("      plan: " + line);
        }
        return allMet;
    }
}
