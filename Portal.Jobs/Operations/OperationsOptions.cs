using System.Security.Cryptography;
using System.Text;

namespace Portal.Jobs.Operations;

/// <summary>Settings of the operations engine. Defaults suit production; tests shorten the delays.</summary>
public sealed class OperationsOptions
{
    /// <summary>The SQLite file holding both the portal's tables and Quartz's job store.</summary>
    public string DatabaseFile { get; set; } = "";

    /// <summary>
    /// Quartz's scheduler name (its rows are keyed by it). Default: "Portal-" plus a hash of the database file's
    /// full path, which is stable for a deployment and unique per database file within one process.
    /// </summary>
    public string? SchedulerName { get; set; }

    /// <summary>
    /// Quartz's instance id. It must stay the same across restarts: Quartz recovers the jobs that were in flight
    /// when the process died only for the instance id that fired them.
    /// </summary>
    public string InstanceId { get; set; } = "portal";

    /// <summary>
    /// Operations that run at once. Steps are async, so a waiting step holds no thread, but it does hold its slot: a
    /// cluster create waits minutes on Cluster API. 50 slots let 500 demo clusters reach Active in about a minute
    /// (benchmarks/run-clusters.sh: 51 s at 100, 164 s at 10) while keeping SQLite write contention modest.
    /// </summary>
    public int MaxConcurrency { get; set; } = 50;

    /// <summary>Triggers Quartz acquires per round trip; 10 measured ~100× lower dispatch latency than 1 under load.</summary>
    public int TriggerBatchSize { get; set; } = 10;

    /// <summary>Retries of a step after a transient fault, after the first try.</summary>
    public int TransientRetries { get; set; } = 4;

    /// <summary>First backoff delay; doubles per retry (with jitter) up to <see cref="MaxTransientRetryDelay"/>.</summary>
    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxTransientRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stop waits for running steps to finish before the host gives up (then they resume at the next start).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the engine looks for unfinished operations that lost their scheduled job.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The periodic sweep leaves alone operations changed more recently than this (they may be being scheduled).</summary>
    public TimeSpan SweepGracePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Delay before an operation is picked up again after the engine itself failed to record progress.</summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromSeconds(15);

    internal string EffectiveSchedulerName => SchedulerName ?? DefaultSchedulerName(DatabaseFile);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabaseFile))
            throw new InvalidOperationException("The operations engine needs the database file (OperationsOptions.DatabaseFile).");
        if (string.IsNullOrWhiteSpace(InstanceId))
            throw new InvalidOperationException("OperationsOptions.InstanceId must be set, and stay the same across restarts.");
        if (MaxConcurrency < 1 || TriggerBatchSize < 1 || TransientRetries < 0)
            throw new InvalidOperationException("OperationsOptions: MaxConcurrency and TriggerBatchSize must be at least 1, TransientRetries at least 0.");
    }

    private static string DefaultSchedulerName(string databaseFile)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(databaseFile)));
        return "Portal-" + Convert.ToHexStringLower(hash)[..12];
    }
}
