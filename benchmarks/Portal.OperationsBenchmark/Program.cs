using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;

namespace Portal.OperationsBenchmark;

/// <summary>
/// Issue 4's engine benchmark, measured with a Stopwatch on a fresh SQLite file with the production engine settings.
/// Each scenario queues 1,000 no-op operations (one step each) through <see cref="OperationService.EnqueueAsync"/> —
/// the Operation row committed, then the Hangfire job enqueued — and the real engine dispatches them:
///   burst:  one producer queues all of them back to back, as fast as it can, while the engine runs them: bounded by
///           one caller's enqueue (on PostgreSQL the row and its job commit in one transaction of about ten statements);
///   burst with producers: eight producers at once (as eight people or API clients would), so arrivals outpace the
///           engine and this measures its sustained throughput (latency grows with the queue);
///   paced:  the producer queues at a fixed rate (default 200/s, the target's load): queue-to-start latency when the
///           engine keeps up;
///   drain:  all are queued while the operations trigger group is paused, then released: dispatch capacity alone.
/// Sustained operations/s = operations finished ÷ time from the first enqueue (drain: from the release) to the last
/// finish. Queue-to-start latency = from the enqueue call to the step starting.
/// Targets: at least 200 operations/s sustained on SQLite, 300 on PostgreSQL (bursts), p95 queue-to-start under 250 ms
/// (paced at 200/s).
/// Usage: benchmarks/run-operations.sh [--count N] [--rate R] [--keep]
/// </summary>
internal static class Program
{
    private static double ThroughputTarget = 200;
    private static readonly TimeSpan LatencyTarget = TimeSpan.FromMilliseconds(250);

    public static async Task<int> Main(string[] args)
    {
        var count = 1000;
        var rate = 200.0;
        var keep = false;
        // Set by run-operations.sh --postgresql (a throwaway server from tools/test-postgres.sh).
        var postgres = Environment.GetEnvironmentVariable("PORTAL_BENCHMARK_POSTGRES");
        if (postgres is not null) ThroughputTarget = 300;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    count = n;
                    i++;
                    break;
                case "--rate" when i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var r) && r > 0:
                    rate = r;
                    i++;
                    break;
                case "--keep":
                    keep = true;
                    break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: run-operations.sh [--count N] [--rate R] [--keep]");
                    return 2;
            }
        }

        var root = Path.Combine(Path.GetTempPath(), $"portal-operations-benchmark-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        Console.WriteLine($"Portal operations engine benchmark: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} CPUs, {(IsOptimized() ? "Release" : "DEBUG (numbers are not meaningful)")}; " +
            (postgres is null ? $"SQLite files under {root}" : "PostgreSQL (a new database per scenario; Hangfire's jobs in it)"));
        Console.WriteLine($"{count} no-op operations per scenario, after a warm-up of 50. Targets: >= {ThroughputTarget:0} operations/s, p95 queue-to-start < {LatencyTarget.TotalMilliseconds:0} ms.");
        Console.WriteLine();

        var results = new List<Result>();
        try
        {
            results.Add(await RunAsync(root, postgres, "burst (back-to-back enqueue)", count, Mode.Burst, rate, Target.Throughput));
            results.Add(await RunAsync(root, postgres, $"burst ({Producers} producers)", count, Mode.Burst, rate, Target.Throughput, Producers));
            results.Add(await RunAsync(root, postgres, $"paced ({rate:0}/s enqueue)", count, Mode.Paced, rate, Target.Latency));
            results.Add(await RunAsync(root, postgres, "drain (queued while down)", count, Mode.Drain, rate, Target.None));
        }
        finally
        {
            if (!keep && Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }

        Console.WriteLine();
        Print(results);
        var missed = results.Where(r => !r.Met).ToList();
        Console.WriteLine();
        Console.WriteLine(missed.Count == 0 ? "All targets met." : $"Targets missed: {string.Join("; ", missed.Select(m => m.Scenario))}");
        return 0;
    }

    /// <summary>Concurrent producers in the second burst.</summary>
    private const int Producers = 8;

    private static async Task<Result> RunAsync(string root, string? postgres, string scenario, int count, Mode mode, double rate, Target target,
        int producers = 1)
    {
        Console.WriteLine($"==> {scenario}");
        await using var host = await EngineHost.CreateAsync(root, postgres);
        if (mode != Mode.Drain)
        {
            await host.Engine.StartAsync(CancellationToken.None);
            // Warm-up: JIT, connection pool, Hangfire's first fetches. (Drain starts cold: its backlog is the start-up sweep's.)
            await RunBatchAsync(host, 50, Mode.Burst, rate);
            host.Handler.Started.Clear();
        }

        var meter = await CpuMeter.CreateAsync(postgres);
        var before = meter.Take();
        var batch = await RunBatchAsync(host, count, mode, rate, producers);
        var cpu = meter.Take() - before;
        var failed = await host.CountAsync(OperationState.Failed);
        if (failed > 0)
            throw new InvalidOperationException($"{failed} benchmark operations failed.");

        var latencies = batch.Enqueued
            .Select(e => TimeSpan.FromTicks((long)((host.Handler.Started[e.Id] - e.At) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)))
            .Order()
            .ToList();
        var result = new Result(scenario, count, batch.Elapsed, latencies, target, cpu);
        Console.WriteLine($"    {count} finished in {Report.Ms(batch.Elapsed)} (queuing took {Report.Ms(batch.EnqueueElapsed)}): " +
            $"{result.OperationsPerSecond:0} operations/s; queue-to-start p50 {Report.Ms(result.P(50))}, p95 {Report.Ms(result.P(95))}; " +
            $"CPU per operation {result.ClientCpuMs:0.0} ms here{(result.ServerCpuMs is { } db ? $" + {db:0.0} ms in PostgreSQL" : string.Empty)}");
        return result;
    }

    /// <summary>Queues <paramref name="count"/> operations as <paramref name="mode"/> says and waits until all succeeded.</summary>
    private static async Task<Batch> RunBatchAsync(EngineHost host, int count, Mode mode, double rate, int producers = 1)
    {
        var finished = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = host.Notifier.Subscribe(change =>
        {
            if (change.State == OperationState.Succeeded && Interlocked.Increment(ref finished) == count)
                allDone.TrySetResult();
            return Task.CompletedTask;
        });
        var enqueued = new System.Collections.Concurrent.ConcurrentBag<(Guid Id, long At)>();
        var start = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                if (mode == Mode.Paced)
                {
                    var due = start + (long)(i / rate * Stopwatch.Frequency);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait);
                }
                var at = Stopwatch.GetTimestamp();
                enqueued.Add((await host.EnqueueAsync(i), at));
            }
        })));
        var enqueueElapsed = Stopwatch.GetElapsedTime(start);
        if (mode == Mode.Drain)
        {
            // Queued while the engine was down, as after a restart: the start-up sweep hands the backlog to Hangfire.
            start = Stopwatch.GetTimestamp();
            await host.Engine.StartAsync(CancellationToken.None);
        }
        await allDone.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return new Batch(enqueued.ToList(), Stopwatch.GetElapsedTime(start), enqueueElapsed);
    }

    private static void Print(IReadOnlyList<Result> results)
    {
        var header = $"{"Scenario",-30}{"Ops",6}{"Ops/s",8}{"p50",11}{"p95",11}{"p99",11}{"Max",11}{"CPU/op",9}{"DB CPU/op",11}  {"Target",-22}Met";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length + 2));
        foreach (var r in results)
        {
            var (target, met) = r.Target switch
            {
                Target.Throughput => ($">= {ThroughputTarget:0} ops/s", r.OperationsPerSecond >= ThroughputTarget ? "yes" : "NO"),
                Target.Latency => ($"p95 < {LatencyTarget.TotalMilliseconds:0} ms", r.P(95) < LatencyTarget ? "yes" : "NO"),
                Target.None => ("-", ""),
            };
            Console.WriteLine($"{r.Scenario,-30}{r.Count,6}{r.OperationsPerSecond,8:0}{Report.Ms(r.P(50)),11}{Report.Ms(r.P(95)),11}{Report.Ms(r.P(99)),11}" +
                $"{Report.Ms(r.Latencies[^1]),11}{$"{r.ClientCpuMs:0.0} ms",9}{(r.ServerCpuMs is { } db ? $"{db:0.0} ms" : "-"),11}  {target,-22}{met}");
        }
        Console.WriteLine("Latency is queue-to-start (enqueue call to step start); in drain it includes the pause, so it is not judged.");
        Console.WriteLine("CPU/op: this process (engine and producers); DB CPU/op: the PostgreSQL server when it runs on this machine. " +
            $"Together they bound throughput at about {Environment.ProcessorCount} x 1000 / (CPU/op + DB CPU/op) operations/s on this machine.");
    }

    private static bool IsOptimized() =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().All(d => !d.IsJITOptimizerDisabled);

    private enum Mode { Burst, Paced, Drain }

    private enum Target { None, Throughput, Latency }

    private sealed record Batch(IReadOnlyList<(Guid Id, long At)> Enqueued, TimeSpan Elapsed, TimeSpan EnqueueElapsed);

    private sealed record Result(string Scenario, int Count, TimeSpan Elapsed, IReadOnlyList<TimeSpan> Latencies, Target Target, CpuMeter.Sample Cpu)
    {
        public double ClientCpuMs => Cpu.Client.TotalMilliseconds / Count;

        public double? ServerCpuMs => Cpu.Server?.TotalMilliseconds / Count;

        public double OperationsPerSecond => Count / Elapsed.TotalSeconds;

        public TimeSpan P(int percentile) => Latencies[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * Latencies.Count) - 1, 0, Latencies.Count - 1)];

        public bool Met => Target switch
        {
            Target.Throughput => OperationsPerSecond >= ThroughputTarget,
            Target.Latency => P(95) < LatencyTarget,
            Target.None => true,
        };
    }

    private static class Report
    {
        public static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString(t.TotalMilliseconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";
    }
}
