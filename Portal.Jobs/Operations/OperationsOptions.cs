namespace Portal.Jobs.Operations;

/// <summary>Settings of the operations engine. Defaults suit production; tests shorten the delays.</summary>
public sealed class OperationsOptions
{
    /// <summary>
    /// The PostgreSQL database Hangfire keeps its jobs in (the portal's own database, schema <see cref="HangfireSchema"/>),
    /// shared by every portal replica. Null: the embedded set-up — Hangfire dispatches in process from memory and the
    /// Operation rows in the SQLite file are the durable queue (the start-up sweep enqueues what was not finished).
    /// </summary>
    public string? PostgreSqlConnectionString { get; set; }

    /// <summary>The schema of Hangfire's tables in the PostgreSQL database.</summary>
    public string HangfireSchema { get; set; } = "hangfire";

    /// <summary>
    /// Operations that run at once in this process (Hangfire workers). Steps are async, but a waiting step holds its
    /// worker: a cluster create waits minutes on Cluster API. 50 let 500 demo clusters reach Active in about a minute.
    /// </summary>
    public int MaxConcurrency { get; set; } = 50;

    /// <summary>
    /// Most lock requests (take or release an operation's run lock) sent to PostgreSQL in one statement. Requests that
    /// arrive while a round trip is out wait for the next one; a start-up sweep's backlog goes in slices of this size.
    /// </summary>
    public const int MaxLockBatch = 500;

    /// <summary>
    /// Threads that create the Hangfire jobs of dispatched operations. On PostgreSQL a job costs about ten statements in
    /// a few transactions; a handful of threads keeps up with hundreds of operations a second while holding no more
    /// than that many connections.
    /// </summary>
    public const int DispatchThreads = 8;

    /// <summary>
    /// On PostgreSQL, how many of this process's idle operations workers poll Hangfire's queue at once (the others wait
    /// their turn in memory; see <see cref="Dispatch.GatedJobQueueProvider"/>). Also how many jobs are fetched at once.
    /// </summary>
    public const int QueuePollers = 4;

    /// <summary>Workers for the periodic work (reconcile, sweep), kept apart so long operations never starve it.</summary>
    public int PeriodicWorkers { get; set; } = 2;

    /// <summary>Retries of a step after a transient fault, after the first try.</summary>
    public int TransientRetries { get; set; } = 4;

    /// <summary>First backoff delay; doubles per retry (with jitter) up to <see cref="MaxTransientRetryDelay"/>.</summary>
    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxTransientRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stop waits for running steps to pause before the host gives up (they resume at the next start).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the engine looks for unfinished operations that nobody runs or will run.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The periodic sweep leaves alone operations changed more recently than this (they may be on their way).</summary>
    public TimeSpan SweepGracePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Delay before an operation is picked up again after the engine itself failed to record progress.</summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often this process asks the database whether someone asked to cancel an operation it runs (a cancel made
    /// through another replica; one made here reaches the step at once). On PostgreSQL the change feed usually brings
    /// another replica's cancel at once too; this poll is the fallback for when its notification is lost.
    /// </summary>
    public TimeSpan CancelPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How soon registering the recurring jobs is tried again when it failed at start-up (on PostgreSQL, a lock a killed
    /// replica held is free again after <see cref="DistributedLockTimeout"/>).
    /// </summary>
    public TimeSpan RecurringJobRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a second delivery of an operation waits for the run that holds it (in this or another replica) before
    /// leaving the operation to that run.
    /// </summary>
    public TimeSpan RunLockWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Hangfire.PostgreSql's queue poll; its default (15 s) would delay every operation.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long a job fetched by a replica that died stays invisible before another replica takes it. Sliding: a live
    /// replica keeps extending it, so a long step is never started twice.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Hangfire.PostgreSql's lock timeout; its default (10 min) blocked a killed replica's jobs that long.</summary>
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On PostgreSQL, how long the change feed gathers this process's change events before it sends them to the other
    /// replicas: the engine may publish hundreds a second, and within the window repeated changes of one operation or
    /// resource travel as one (the latest). Pages wait about 300 ms before reloading anyway.
    /// </summary>
    public TimeSpan ChangeFeedBatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>First wait before the change feed reconnects after losing the database; doubles up to <see cref="ChangeFeedMaxReconnectDelay"/>.</summary>
    public TimeSpan ChangeFeedReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ChangeFeedMaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    public bool UsesPostgreSql => !string.IsNullOrWhiteSpace(PostgreSqlConnectionString);

    internal void Validate()
    {
        if (MaxConcurrency < 1 || PeriodicWorkers < 1 || TransientRetries < 0)
            throw new InvalidOperationException("OperationsOptions: MaxConcurrency and PeriodicWorkers must be at least 1, TransientRetries at least 0.");
        if (ShutdownTimeout <= TimeSpan.FromSeconds(1))
            throw new InvalidOperationException("OperationsOptions.ShutdownTimeout must be longer than one second.");
    }
}
