using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.ClustersBenchmark;
using Portal.Domain.Clusters;
using Portal.Domain.Databases;
using Portal.Domain.Operations;

namespace Portal.DatabasesBenchmark;

/// <summary>
/// Part 1: <c>count</c> databases (PostgreSQL 16, <c>instances</c> instances, compute "small", 10 GiB, backups as told)
/// requested through <see cref="DatabaseService.CreateAsync"/> by a tenant member, <c>parallel</c> requests at a time,
/// spread over the tenant's projects; then waits until every create operation finished. Verifies the outcome from
/// the database (states, operations and their steps, the recorded state transitions) and times reconcile passes.
/// Time to Active: from the request to the database's recorded transition to Active.
/// </summary>
internal static class ProvisioningBenchmark
{
    // What the create records today: Pending → Active (the database handler never enters Creating, unlike the cluster one).
    private static readonly (ClusterState? From, ClusterState To)[] ExpectedLifecycle = [(null, ClusterState.Pending), (ClusterState.Pending, ClusterState.Active)];

    public static async Task<bool> RunAsync(DatabaseHost host, int count, int parallel, int instances, bool backups, TimeSpan timeout, Report report)
    {
        Console.WriteLine($"==> Provisioning {count} databases × {instances} instance(s), backups {(backups ? "daily" : "off")}, {parallel} requests at a time");
        var requests = new ConcurrentBag<Request>();
        var refusals = new ConcurrentBag<string>();
        var ticksBefore = host.Kube.TickCount;
        var start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var peak = new PeakSampler();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var submitting = Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
        {
            var request = new CreateDatabaseRequest(host.ProjectIds[i % host.ProjectIds.Count], $"bench-{i:D4}", host.ConfigId, 16, instances, "small", 10,
                "app", "app", backups, backups ? BackupFrequency.Daily : null, backups ? 2 : null, null, backups ? 7 : null);
            var at = DateTimeOffset.UtcNow;
            var began = Stopwatch.GetTimestamp();
            var result = await host.Databases.CreateAsync(host.Member, request, ct);
            var took = Stopwatch.GetElapsedTime(began);
            if (result.Succeeded)
                requests.Add(new Request(result.Value!.DatabaseId, at, took));
            else
                refusals.Add($"{request.Name}: {result.Refusal!.Message}");
        });

        var lastPrint = TimeSpan.Zero;
        var deadline = clock.Elapsed + timeout;
        var maxRunning = 0;
        while (true)
        {
            await Task.Delay(500);
            peak.Sample();
            var counts = await CountAsync(host);
            maxRunning = Math.Max(maxRunning, counts.Running);
            var finished = submitting.IsCompleted && counts.Finished >= requests.Count;
            if (clock.Elapsed - lastPrint >= TimeSpan.FromSeconds(5) || finished)
            {
                lastPrint = clock.Elapsed;
                Console.WriteLine($"    {Stats.Seconds(clock.Elapsed),8}: requested {requests.Count + refusals.Count}/{count}, operations queued {counts.Queued}, running {counts.Running}, " +
                    $"succeeded {counts.Succeeded}, failed {counts.Failed}; databases Active {counts.Active}; working set {Stats.Mb(Environment.WorkingSet)}");
            }
            if (finished) break;
            if (clock.Elapsed > deadline)
            {
                Console.WriteLine($"    Timed out after {Stats.Seconds(timeout)}.");
                break;
            }
        }
        await submitting;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var elapsedTicks = host.Kube.TickCount - ticksBefore;
        var observed = clock.Elapsed;

        // ---- verification, from the database
        var ids = requests.Select(r => r.DatabaseId).ToHashSet();
        await using var db = host.NewContext();
        var databases = await db.Databases.AsNoTracking().Where(d => d.Name.StartsWith("bench-")).ToListAsync();
        var operations = await db.Operations.AsNoTracking().Include(o => o.Steps).Where(o => o.Kind == DatabaseOperations.Create).ToListAsync();
        var transitions = await db.StateTransitions.AsNoTracking().ToListAsync();

        var active = databases.Count(d => ids.Contains(d.Id) && d.State == ClusterState.Active);
        var ready = databases.Count(d => ids.Contains(d.Id) && d.ReadyInstances == instances);
        var mine = operations.Where(o => ids.Contains(Guid.Parse(o.TargetId))).ToList();
        var succeeded = mine.Count(o => o.State == OperationState.Succeeded && o.Steps.Count > 0 && o.Steps.All(s => s.State == StepState.Succeeded));
        var byDatabase = transitions.Where(t => ids.Contains(t.ClusterId)).GroupBy(t => t.ClusterId).ToDictionary(g => g.Key, g => g.OrderBy(t => t.Id).ToList());
        var complete = ids.Count(id => byDatabase.TryGetValue(id, out var list) && HasLifecycle(list));
        var extra = ids.Sum(id => byDatabase.TryGetValue(id, out var list) ? Math.Max(0, list.Count - ExpectedLifecycle.Length) : 0);
        var withCreating = byDatabase.Count(kv => kv.Value.Any(t => t.To == ClusterState.Creating));
        var activeAt = byDatabase.Select(kv => (kv.Key, At: kv.Value.FirstOrDefault(t => t.To == ClusterState.Active)?.At))
            .Where(x => x.At is not null).ToDictionary(x => x.Key, x => x.At!.Value);

        var latencies = new Stats(requests.Where(r => activeAt.ContainsKey(r.DatabaseId)).Select(r => activeAt[r.DatabaseId] - r.At));
        var createLatency = new Stats(requests.Select(r => r.Took));
        var lastActive = activeAt.Count > 0 ? activeAt.Values.Max() : DateTimeOffset.UtcNow;
        var wall = lastActive - start;
        var queueWait = new Stats(mine.Where(o => o.StartedAt is not null).Select(o => o.StartedAt!.Value - o.CreatedAt));
        var runTime = new Stats(mine.Where(o => o.StartedAt is not null && o.FinishedAt is not null).Select(o => o.FinishedAt!.Value - o.StartedAt!.Value));
        var finishedAll = mine.Where(o => o.FinishedAt is not null).Select(o => o.FinishedAt!.Value).DefaultIfEmpty(lastActive).Max();
        var steps = mine.Sum(o => o.Steps.Count);
        // Per step kind: how long each took (started → finished), to see where the time goes.
        var stepTimes = mine.SelectMany(o => o.Steps).Where(s => s.StartedAt is not null && s.FinishedAt is not null)
            .GroupBy(s => (s.Index, s.Name)).OrderBy(g => g.Key.Index)
            .Select(g => (g.Key.Name, Stats: new Stats(g.Select(s => s.FinishedAt!.Value - s.StartedAt!.Value)))).ToList();

        var allGood = refusals.IsEmpty && active == count && succeeded == count && complete == count;
        foreach (var refusal in refusals.Take(5))
            Console.WriteLine($"    refused: {refusal}");
        foreach (var failed in mine.Where(o => o.State != OperationState.Succeeded).Take(5))
            Console.WriteLine($"    not succeeded: {failed.TargetName} {failed.State} '{failed.Error}' steps {string.Join(", ", failed.Steps.OrderBy(s => s.Index).Select(s => $"{s.State}"))}");

        var delays = host.Kube.Options.Delays;
        report.Section($"Provisioning {count} databases ({instances} instance(s) each, backups {(backups ? "daily" : "off")}), {parallel} concurrent requests; " +
            $"demo delays: primary {Stats.Seconds(delays.PostgresPrimary)}, each replica {Stats.Seconds(delays.PostgresReplica)}");
        report.Add("Requests accepted", $"{requests.Count}/{count}", refusals.IsEmpty);
        report.Add("Databases Active", $"{active}/{count}", active == count);
        report.Add($"Databases with {instances}/{instances} instances ready", $"{ready}/{count}", ready == count);
        report.Add("Create operations Succeeded, all steps Succeeded", $"{succeeded}/{count}", succeeded == count);
        report.Add("Failures (refused, failed or cancelled operations)", $"{refusals.Count + mine.Count(o => o.State is OperationState.Failed or OperationState.Cancelled)}", null);
        report.Add("Databases with null→Pending→Active recorded", $"{complete}/{count}", complete == count);
        report.Add("Databases that recorded a Creating state", $"{withCreating}/{count} (the create handler never calls StartCreating)", null);
        report.Add("Transitions beyond those (reconcile etc.)", extra.ToString(CultureInfo.InvariantCulture), null);
        report.Add("Wall time, first request to last database Active", Stats.Seconds(wall), null);
        report.Add("Wall time, first request to last create operation finished", Stats.Seconds(finishedAll - start), null);
        report.Add("Time to Active per database p50 / p95 / max",
            $"{Stats.Seconds(latencies.Median)} / {Stats.Seconds(latencies.P(95))} / {Stats.Seconds(latencies.Max)}", null);
        report.Add("Databases per minute (to all Active)", (count / wall.TotalMinutes).ToString("0.0", CultureInfo.InvariantCulture), null);
        report.Add("CreateAsync request latency p50 / p95 / max",
            $"{Stats.Ms(createLatency.Median)} / {Stats.Ms(createLatency.P(95))} / {Stats.Ms(createLatency.Max)}", null);
        report.Add("Engine: operations/s, steps/s (over the wall time)",
            $"{mine.Count / wall.TotalSeconds:0.00} ops/s, {steps / wall.TotalSeconds:0.0} steps/s", null);
        report.Add("Engine: queue wait (created → started) p50 / p95 / max",
            $"{Stats.Seconds(queueWait.Median)} / {Stats.Seconds(queueWait.P(95))} / {Stats.Seconds(queueWait.Max)}", null);
        report.Add("Engine: one create operation's run time p50 / p95 / max",
            $"{Stats.Seconds(runTime.Median)} / {Stats.Seconds(runTime.P(95))} / {Stats.Seconds(runTime.Max)}", null);
        foreach (var (name, stats) in stepTimes)
            report.Add($"  step {name} p50 / p95 / max", $"{Stats.Seconds(stats.Median)} / {Stats.Seconds(stats.P(95))} / {Stats.Seconds(stats.Max)}", null);
        report.Add("Engine concurrency (MaxConcurrency) / most operations Running at a sample",
            $"{host.EngineOptions.MaxConcurrency} / {maxRunning}", null);
        report.Add("Database operations: poll interval, settle time",
            $"{Stats.Ms(host.DatabaseOptions.PollInterval)}, {Stats.Seconds(host.DatabaseOptions.SettleTime)}", null);
        report.Add("Demo controller ticks (nominal / effective interval)",
            $"{Stats.Ms(host.Kube.Options.Tick)} / {Stats.Ms(elapsedTicks > 0 ? observed / elapsedTicks : TimeSpan.Zero)}", null);
        report.Add("Process CPU time during provisioning (2 CPUs = 2 s per s)",
            $"{Stats.Seconds(cpu)} over {Stats.Seconds(observed)} ({cpu / observed * 100:0}% of one CPU)", null);
        report.Add("Peak working set during provisioning", Stats.Mb(peak.Peak), null);

        var tick = Stopwatch.StartNew();
        host.Kube.Tick();
        report.Add($"One demo controller tick with {count} databases", Stats.Ms(tick.Elapsed), null);

        for (var pass = 1; pass <= 2; pass++)
        {
            var began = Stopwatch.StartNew();
            var reconciled = await host.Reconciler.ReconcileAllAsync(CancellationToken.None);
            report.Add($"ReconcileAllAsync pass {pass} ({reconciled} databases)",
                $"{Stats.Ms(began.Elapsed)} ({began.Elapsed.TotalMilliseconds / Math.Max(1, reconciled):0.0} ms/database)", reconciled >= count);
        }
        var afterReconcile = await db.Databases.AsNoTracking().CountAsync(d => d.Name.StartsWith("bench-") && d.State == ClusterState.Active);
        report.Add("Databases still Active after reconcile", $"{afterReconcile}/{count}", afterReconcile == count);
        return allGood && afterReconcile == count;
    }

    private static bool HasLifecycle(List<StateTransition> list) =>
        list.Count >= ExpectedLifecycle.Length && ExpectedLifecycle.Select((e, i) => list[i].From == e.From && list[i].To == e.To).All(ok => ok);

    private static async Task<Counts> CountAsync(DatabaseHost host)
    {
        await using var db = host.NewContext();
        var states = await db.Operations.AsNoTracking().Where(o => o.Kind == DatabaseOperations.Create).GroupBy(o => o.State)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        var active = await db.Databases.AsNoTracking().CountAsync(d => d.State == ClusterState.Active);
        int Of(OperationState state) => states.FirstOrDefault(s => s.Key == state)?.Count ?? 0;
        return new Counts(Of(OperationState.Queued), Of(OperationState.Running), Of(OperationState.Succeeded),
            Of(OperationState.Failed) + Of(OperationState.Cancelled), active);
    }

    private sealed record Request(Guid DatabaseId, DateTimeOffset At, TimeSpan Took);

    private sealed record Counts(int Queued, int Running, int Succeeded, int Failed, int Active)
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
