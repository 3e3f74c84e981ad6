using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Clusters;
using Portal.Domain.Operations;

namespace Portal.ClustersBenchmark;

/// <summary>
/// Part 1: <c>count</c> clusters (Standalone control plane, 1 replica, 3 pools of 2 × m1.medium) requested through
/// <see cref="Portal.Jobs.Clusters.ClusterCommands.CreateAsync"/> by a tenant member, <c>parallel</c> requests at a
/// time, then waits until every create operation finished. Verifies the outcome from the database (states, operations
/// and their steps, the recorded state transitions) and times one reconcile pass over all of them.
/// </summary>
internal static class ProvisioningBenchmark
{
    public const int PoolsPerCluster = 3;
    public const int NodesPerPool = 2;
    public const string Version = "1.32.3-5";

    private static readonly (ClusterState? From, ClusterState To)[] ExpectedLifecycle =
        [(null, ClusterState.Pending), (ClusterState.Pending, ClusterState.Creating), (ClusterState.Creating, ClusterState.Active)];

    public static async Task<bool> RunAsync(ClusterHost host, int count, int parallel, TimeSpan timeout, Report report)
    {
        Console.WriteLine($"==> Provisioning {count} clusters × {PoolsPerCluster} pools × {NodesPerPool} nodes, {parallel} requests at a time");
        var requests = new ConcurrentBag<Request>();
        var refusals = new ConcurrentBag<string>();
        var ticksBefore = host.Kube.TickCount;
        var start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var peak = new PeakSampler();

        var submitting = Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
        {
            var request = new CreateClusterRequest(host.ProjectIds[i % host.ProjectIds.Count], host.ConfigId, $"bench-{i:D4}", Version,
                ControlPlaneType.Standalone, 1, host.FlavorId,
                [.. Enumerable.Range(0, PoolsPerCluster).Select(p => new NodePoolRequest($"pool-{(char)('a' + p)}", host.FlavorId, NodesPerPool))]);
            var at = DateTimeOffset.UtcNow;
            var began = Stopwatch.GetTimestamp();
            var result = await host.Commands.CreateAsync(host.Member, request, ct);
            var took = Stopwatch.GetElapsedTime(began);
            if (result.Succeeded)
                requests.Add(new Request(result.Value!, at, took));
            else
                refusals.Add($"{request.Name}: {result.Refusal!.Message}");
        });

        // Progress while the requests go in and the engine works.
        var lastPrint = TimeSpan.Zero;
        var deadline = clock.Elapsed + timeout;
        Counts counts;
        while (true)
        {
            await Task.Delay(500);
            peak.Sample();
            counts = await CountAsync(host);
            var finished = submitting.IsCompleted && counts.Finished >= requests.Count;
            if (clock.Elapsed - lastPrint >= TimeSpan.FromSeconds(10) || finished)
            {
                lastPrint = clock.Elapsed;
                Console.WriteLine($"    {Stats.Seconds(clock.Elapsed),8}: requested {requests.Count + refusals.Count}/{count}, operations queued {counts.Queued}, running {counts.Running}, " +
                    $"succeeded {counts.Succeeded}, failed {counts.Failed}; clusters Active {counts.ActiveClusters}; working set {Stats.Mb(Environment.WorkingSet)}");
            }
            if (finished) break;
            if (clock.Elapsed > deadline)
            {
                Console.WriteLine($"    Timed out after {Stats.Seconds(timeout)}.");
                break;
            }
        }
        await submitting;
        var elapsedTicks = host.Kube.TickCount - ticksBefore;
        var observed = clock.Elapsed;

        // ---- verification, from the database
        var ids = requests.Select(r => r.ClusterId).ToHashSet();
        await using var db = host.NewContext();
        var clusters = await db.Clusters.AsNoTracking().Include(c => c.Pools).Where(c => c.Name.StartsWith("bench-")).ToListAsync();
        var operations = await db.Operations.AsNoTracking().Include(o => o.Steps).Where(o => o.Kind == ClusterOperations.Create).ToListAsync();
        var transitions = await db.StateTransitions.AsNoTracking().ToListAsync();

        var activeClusters = clusters.Count(c => c.State == ClusterState.Active);
        var activePools = clusters.Sum(c => c.Pools.Count(p => p.State == ClusterState.Active));
        var succeeded = operations.Count(o => o.State == OperationState.Succeeded && o.Steps.Count > 0 && o.Steps.All(s => s.State == StepState.Succeeded));
        var byResource = transitions.Where(t => ids.Contains(t.ClusterId)).GroupBy(t => (t.ClusterId, t.NodePoolId))
            .ToDictionary(g => g.Key, g => g.OrderBy(t => t.Id).ToList());
        var resources = clusters.Where(c => ids.Contains(c.Id)).SelectMany(c => c.Pools.Select(p => (c.Id, (Guid?)p.Id)).Prepend((c.Id, null))).ToList();
        var complete = resources.Count(r => byResource.TryGetValue(r, out var list) && HasLifecycle(list));
        var extra = resources.Sum(r => byResource.TryGetValue(r, out var list) ? Math.Max(0, list.Count - ExpectedLifecycle.Length) : 0);
        var activeAt = byResource.Where(kv => kv.Key.NodePoolId is null)
            .Select(kv => (kv.Key.ClusterId, At: kv.Value.FirstOrDefault(t => t.From == ClusterState.Creating && t.To == ClusterState.Active)?.At))
            .Where(x => x.At is not null).ToDictionary(x => x.ClusterId, x => x.At!.Value);

        var latencies = new Stats(requests.Where(r => activeAt.ContainsKey(r.ClusterId)).Select(r => activeAt[r.ClusterId] - r.At));
        var createLatency = new Stats(requests.Select(r => r.Took));
        var lastActive = activeAt.Count > 0 ? activeAt.Values.Max() : DateTimeOffset.UtcNow;
        var wall = lastActive - start;
        var mine = operations.Where(o => ids.Contains(Guid.Parse(o.TargetId))).ToList();
        var queueWait = new Stats(mine.Where(o => o.StartedAt is not null).Select(o => o.StartedAt!.Value - o.CreatedAt));
        var runTime = new Stats(mine.Where(o => o.StartedAt is not null && o.FinishedAt is not null).Select(o => o.FinishedAt!.Value - o.StartedAt!.Value));
        var steps = mine.Sum(o => o.Steps.Count);

        var allGood = refusals.IsEmpty && activeClusters == count && activePools == count * PoolsPerCluster && succeeded == count && complete == resources.Count
            && resources.Count == count * (1 + PoolsPerCluster);
        foreach (var refusal in refusals.Take(5))
            Console.WriteLine($"    refused: {refusal}");
        foreach (var failed in mine.Where(o => o.State != OperationState.Succeeded).Take(5))
            Console.WriteLine($"    not succeeded: {failed.TargetName} {failed.State} '{failed.Error}' steps {string.Join(", ", failed.Steps.OrderBy(s => s.Index).Select(s => $"{s.State}"))}");

        report.Section($"Provisioning {count} clusters ({PoolsPerCluster} pools × {NodesPerPool} nodes each), {parallel} concurrent requests");
        report.Add("Requests accepted", $"{requests.Count}/{count}", refusals.IsEmpty);
        report.Add("Clusters Active", $"{activeClusters}/{count}", activeClusters == count);
        report.Add("Node pools Active", $"{activePools}/{count * PoolsPerCluster}", activePools == count * PoolsPerCluster);
        report.Add("Create operations Succeeded, all steps Succeeded", $"{succeeded}/{count}", succeeded == count);
        report.Add("Resources with null→Pending→Creating→Active recorded", $"{complete}/{count * (1 + PoolsPerCluster)}", complete == count * (1 + PoolsPerCluster));
        report.Add("Transitions beyond those (reconcile etc.)", extra.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        report.Add("Wall time, first request to last cluster Active", Stats.Seconds(wall), null);
        report.Add("Clusters per minute", (count / wall.TotalMinutes).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), null);
        report.Add("Request-to-Active latency p50 / p95 / max",
            $"{Stats.Seconds(latencies.Median)} / {Stats.Seconds(latencies.P(95))} / {Stats.Seconds(latencies.Max)}", null);
        report.Add("CreateAsync request latency p50 / p95 / max",
            $"{Stats.Ms(createLatency.Median)} / {Stats.Ms(createLatency.P(95))} / {Stats.Ms(createLatency.Max)}", null);
        report.Add("Engine: operations/s, steps/s (over the wall time)",
            $"{mine.Count / wall.TotalSeconds:0.00} ops/s, {steps / wall.TotalSeconds:0.0} steps/s", null);
        report.Add("Engine: queue wait (created → started) p50 / p95 / max",
            $"{Stats.Seconds(queueWait.Median)} / {Stats.Seconds(queueWait.P(95))} / {Stats.Seconds(queueWait.Max)}", null);
        report.Add("Engine: one create operation's run time p50 / p95 / max",
            $"{Stats.Seconds(runTime.Median)} / {Stats.Seconds(runTime.P(95))} / {Stats.Seconds(runTime.Max)}", null);
        report.Add("Engine concurrency (OperationsOptions.MaxConcurrency)", host.EngineOptions.MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        report.Add("Demo controller ticks (nominal / effective interval)",
            $"{Stats.Ms(host.Kube.Options.Tick)} / {Stats.Ms(elapsedTicks > 0 ? observed / elapsedTicks : TimeSpan.Zero)}", null);
        report.Add("Peak working set during provisioning", Stats.Mb(peak.Peak), null);

        // One controller tick over the management cluster holding every cluster's objects, plus the workload clusters.
        var tick = Stopwatch.StartNew();
        host.Kube.Tick();
        report.Add($"One demo controller tick with {count} clusters", Stats.Ms(tick.Elapsed), null);

        // The periodic reconcile, over every cluster.
        for (var pass = 1; pass <= 2; pass++)
        {
            var began = Stopwatch.StartNew();
            var reconciled = await host.Reconciler.ReconcileAllAsync(CancellationToken.None);
            report.Add($"ReconcileAllAsync pass {pass} ({reconciled} clusters)", $"{Stats.Ms(began.Elapsed)} ({began.Elapsed.TotalMilliseconds / Math.Max(1, reconciled):0.0} ms/cluster)",
                reconciled == count);
        }
        var afterReconcile = await db.Clusters.AsNoTracking().CountAsync(c => c.Name.StartsWith("bench-") && c.State == ClusterState.Active);
        report.Add("Clusters still Active after reconcile", $"{afterReconcile}/{count}", afterReconcile == count);
        peak.Sample();
        return allGood && afterReconcile == count;
    }

    private static bool HasLifecycle(List<StateTransition> list)
    {
        // The three creation transitions, in this order, as the first three recorded.
        if (list.Count < ExpectedLifecycle.Length) return false;
        return ExpectedLifecycle.Select((e, i) => list[i].From == e.From && list[i].To == e.To).All(ok => ok);
    }

    private static async Task<Counts> CountAsync(ClusterHost host)
    {
        await using var db = host.NewContext();
        var states = await db.Operations.AsNoTracking().Where(o => o.Kind == ClusterOperations.Create).GroupBy(o => o.State)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        var active = await db.Clusters.AsNoTracking().CountAsync(c => c.State == ClusterState.Active);
        int Of(OperationState state) => states.FirstOrDefault(s => s.Key == state)?.Count ?? 0;
        return new Counts(Of(OperationState.Queued), Of(OperationState.Running), Of(OperationState.Succeeded),
            Of(OperationState.Failed) + Of(OperationState.Cancelled), active);
    }

    private sealed record Request(Guid ClusterId, DateTimeOffset At, TimeSpan Took);

    private sealed record Counts(int Queued, int Running, int Succeeded, int Failed, int ActiveClusters)
    {
        public int Finished => Succeeded + Failed;
    }
}

/// <summary>The process's peak working set: the kernel's high-water mark where it reports one, else sampled.</summary>
internal sealed class PeakSampler
{
    public long Peak { get; private set; }

    public void Sample()
    {
        using var process = Process.GetCurrentProcess();
        Peak = Math.Max(Peak, Math.Max(process.PeakWorkingSet64, process.WorkingSet64));
    }
}
