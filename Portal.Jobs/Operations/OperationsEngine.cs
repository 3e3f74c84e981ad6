using System.Collections.Concurrent;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Jobs.Operations.Dispatch;

namespace Portal.Jobs.Operations;

/// <summary>A job to run every <see cref="Interval"/>, registered with <c>AddRecurringJob&lt;T&gt;()</c>.</summary>
public sealed record RecurringJobRegistration(string Name, Type JobType, TimeSpan Interval);

/// <summary>
/// Owns Hangfire for the portal: its storage, its client and two servers — one whose workers run operations, one for
/// the periodic work, so that long operations never starve the reconcile. Started when the host starts (after the
/// database was migrated), stopped when it stops: running steps are signalled to pause and continue at the next start.
/// The Operation rows stay the record of truth: a job carries only an operation id, and the executor reads and
/// records everything else. At start-up and periodically a sweep enqueues unfinished operations that nobody runs.
/// </summary>
public sealed class OperationsEngine(IServiceProvider services, OperationsOptions options, HangfireStorage hangfire, IEnumerable<RecurringJobRegistration> recurringJobs,
    IDbContextFactory<PortalDbContext> dbFactory, OperationRunLocks runLocks, ILoggerFactory loggers, TimeProvider clock) : IHostedService, IAsyncDisposable
{
    /// <summary>Hangfire's queue for operation runs.</summary>
    public const string OperationsQueue = "operations";

    /// <summary>Hangfire's queue for the periodic work.</summary>
    public const string PeriodicQueue = "periodic";

    private readonly ILogger _logger = loggers.CreateLogger<OperationsEngine>();
    // Runs in this process now. Usually one per operation; a second delivery waits for the first under the run lock.
    private readonly ConcurrentDictionary<RunRegistration, byte> _running = new();
    // Operations this process handed to Hangfire and has not finished running: the sweep leaves them alone.
    private readonly ConcurrentDictionary<Guid, byte> _dispatched = new();
    // Jobs to create, taken by the dispatch threads (see DispatchAsync). Null while the engine is not running.
    private BlockingCollection<PendingDispatch>? _outbox;
    private Thread[] _dispatchThreads = [];
    private int _pendingDispatches;
    private BackgroundJobClient? _client;
    private BackgroundJobServer? _operationsServer;
    private BackgroundJobServer? _periodicServer;
    private CancellationTokenSource? _stopping;
    private Task? _cancelWatcher;
    private Task? _recurringSchedule;
    private volatile bool _started;
    private volatile bool _abandoned;
    private readonly Lock _lifecycle = new();
    private Task? _stop;

    public bool IsRunning => _started;

    /// <summary>Hangfire's storage (the dashboard reads it).</summary>
    public JobStorage Storage => hangfire.Storage;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = hangfire.Storage;
        var filters = JobFilterProviders.Providers;
        var activator = new AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>());
        var machine = $"{Environment.MachineName}:{Environment.ProcessId}";
        _client = new BackgroundJobClient(storage, filters);
        _operationsServer = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            ServerName = $"{machine}:operations",
            Queues = [OperationsQueue],
            WorkerCount = options.MaxConcurrency,
            // Steps are told to pause at once; the executor leaves the operation Running and the next start resumes it.
            StopTimeout = TimeSpan.Zero,
            ShutdownTimeout = options.ShutdownTimeout - TimeSpan.FromSeconds(1),
            SchedulePollingInterval = TimeSpan.FromSeconds(1),
            CancellationCheckInterval = TimeSpan.FromSeconds(1),
            FilterProvider = filters,
            Activator = activator,
        }, storage, []);
        _periodicServer = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            ServerName = $"{machine}:periodic",
            Queues = [PeriodicQueue],
            WorkerCount = options.PeriodicWorkers,
            StopTimeout = TimeSpan.Zero,
            ShutdownTimeout = options.ShutdownTimeout - TimeSpan.FromSeconds(1),
            SchedulePollingInterval = TimeSpan.FromSeconds(1),
            FilterProvider = filters,
            Activator = activator,
        }, storage, []);
        _stopping = new CancellationTokenSource();
        _outbox = new BlockingCollection<PendingDispatch>();
        _dispatchThreads = Enumerable.Range(1, OperationsOptions.DispatchThreads).Select(n =>
        {
            var (client, outbox) = (_client, _outbox);
            var thread = new Thread(() => DispatchLoop(client, outbox)) { IsBackground = true, Name = $"Operations dispatch #{n}" };
            thread.Start();
            return thread;
        }).ToArray();
        _started = true;
        _recurringSchedule = ScheduleRecurringJobsAsync(storage, filters, _stopping.Token);
        _cancelWatcher = WatchCancelRequestsAsync(_stopping.Token);
        // Everything unfinished that no replica holds: on PostgreSQL an operation whose job still waits in Hangfire's queue
        // gets a second delivery, which finds it finished or waits for the first under the run lock.
        var swept = await SweepAsync(TimeSpan.Zero, cancellationToken);
        _logger.LogInformation("Operations engine started on {Storage}: up to {MaxConcurrency} operations at once in this process; {Swept} unfinished operations enqueued",
            options.UsesPostgreSql ? "PostgreSQL (shared by every replica)" : "memory (the Operation rows are the durable queue)", options.MaxConcurrency, swept);
    }

    /// <summary>Stops taking new work, tells running steps to pause, and waits for them (bounded by the host's shutdown timeout).</summary>
    /// <remarks>
    /// The host may call this twice at once (a test server stops the host while the app's own run loop does too): both
    /// calls wait for the same stop, so nothing is disposed while Hangfire's servers are still shutting down.
    /// </remarks>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Task stop;
        lock (_lifecycle)
            stop = _stop ??= StopCoreAsync();
        return stop.WaitAsync(cancellationToken);
    }

    private async Task StopCoreAsync()
    {
        if (!_started) return;
        _started = false;
        _logger.LogInformation("Operations engine stopping; running steps pause and resume at the next start");
        _stopping?.Cancel();
        _operationsServer?.SendStop();
        _periodicServer?.SendStop();
        foreach (var run in _running.Keys)
            run.Cancel();
        // Jobs already handed over are still created (a moment's work), so that other replicas can take them now.
        _outbox?.CompleteAdding();
        await Task.Run(() =>
        {
            foreach (var thread in _dispatchThreads)
                thread.Join(options.ShutdownTimeout);
        });
        var servers = new[] { _operationsServer, _periodicServer }.OfType<BackgroundJobServer>().ToList();
        await Task.WhenAll(servers.Select(server => server.WaitForShutdownAsync(CancellationToken.None)));
        if (_cancelWatcher is not null) await _cancelWatcher;
        if (_recurringSchedule is not null) await _recurringSchedule;
    }

    public async ValueTask DisposeAsync()
    {
        Task? stop;
        lock (_lifecycle)
            stop = _stop;
        if (stop is not null)
        {
            // A stop is under way: let Hangfire's servers finish deregistering before their storage goes.
            await stop.WaitAsync(options.ShutdownTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        else if (_started)
        {
            // The host did not stop us (a test, a failed start): do not wait.
            _started = false;
            _stopping?.Cancel();
            _outbox?.CompleteAdding();
            _operationsServer?.SendStop();
            _periodicServer?.SendStop();
            foreach (var run in _running.Keys)
                run.Cancel();
        }
        Release();
        hangfire.Release();
    }

    /// <summary>
    /// The closest an in-process test gets to kill -9: the servers are abandoned without waiting for anything, and no
    /// running step is told to stop (it never records anything again).
    /// </summary>
    internal void Abandon()
    {
        _abandoned = true;
        _started = false;
        _stopping?.Cancel();
        _outbox?.CompleteAdding();
        _operationsServer?.SendStop();
        _periodicServer?.SendStop();
    }

    /// <summary>
    /// Hands the operation to Hangfire to run now (or at <paramref name="notBefore"/>). Call it after the operation's row
    /// is committed. Safe to call twice: a second run finds the operation finished, and runs of one operation never
    /// overlap. Returns false when the engine is not running; the start-up sweep dispatches it then.
    /// </summary>
    /// <remarks>
    /// On PostgreSQL, returns once the job is handed to one of the engine's dispatch threads, not once Hangfire stored
    /// it (in memory the job is created at once): on PostgreSQL creating a job takes about ten statements, and a caller that waited for them (a request, a command, the
    /// sweep with its backlog) could hand over no more than one job per those round trips. The row is the record of
    /// truth, so a job that is never created (the process died, the database refused) loses nothing: the Queued row is
    /// found by the sweep, as it is when a process dies between its commit and its dispatch.
    /// </remarks>
    public Task<bool> DispatchAsync(Guid operationId, DateTimeOffset? notBefore = null, CancellationToken ct = default)
    {
        if (!_started || _outbox is not { } outbox)
        {
            _logger.LogWarning("Operation {OperationId} is queued but the engine is not running; it is dispatched when the engine starts", operationId);
            return Task.FromResult(false);
        }
        ct.ThrowIfCancellationRequested();
        _dispatched[operationId] = 0;
        if (!options.UsesPostgreSql && _client is { } client)
        {
            // In memory a job costs microseconds: created here, as the caller waits, with no hand-over.
            try
            {
                CreateJob(client, new PendingDispatch(operationId, notBefore));
                return Task.FromResult(true);
            }
            catch
            {
                _dispatched.TryRemove(operationId, out _);
                throw;
            }
        }
        Interlocked.Increment(ref _pendingDispatches);
        try
        {
            outbox.Add(new PendingDispatch(operationId, notBefore), CancellationToken.None);
            return Task.FromResult(true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // The engine stopped meanwhile: the next start's sweep dispatches it.
            Interlocked.Decrement(ref _pendingDispatches);
            _dispatched.TryRemove(operationId, out _);
            return Task.FromResult(false);
        }
    }

    private void CreateJob(BackgroundJobClient client, PendingDispatch pending)
    {
        var operationId = pending.OperationId;
        var job = Job.FromExpression<OperationJob>(j => j.RunAsync(operationId, CancellationToken.None));
        client.Create(job, pending.NotBefore is { } at && at > clock.GetUtcNow() ? new ScheduledState(at.UtcDateTime) : new EnqueuedState(OperationsQueue));
    }

    /// <summary>One dispatch thread: creates the jobs handed over, until the engine stops (then the rest, unless abandoned).</summary>
    private void DispatchLoop(BackgroundJobClient client, BlockingCollection<PendingDispatch> outbox)
    {
        foreach (var pending in outbox.GetConsumingEnumerable())
        {
            try
            {
                if (_abandoned) continue;
                CreateJob(client, pending);
            }
            catch (Exception ex)
            {
                // The row stays as it is: the sweep dispatches it once it has been left alone for its grace period.
                _dispatched.TryRemove(pending.OperationId, out _);
                try
                {
                    _logger.LogError(ex, "Operation {OperationId} could not be handed to Hangfire now; the engine's sweep picks it up", pending.OperationId);
                }
                catch (ObjectDisposedException)
                {
                    // The host's logging went first (a host disposed without being stopped): nothing left to tell.
                }
            }
            finally
            {
                Interlocked.Decrement(ref _pendingDispatches);
            }
        }
    }

    /// <summary>
    /// Creates the job of an operation inside the ambient transaction that commits its row (PostgreSQL, whose job store
    /// enlists in it): the job becomes visible to the workers with the row, and a rollback removes both. Returns false
    /// when there is no such store or the engine is not running (its start-up sweep dispatches the row then).
    /// </summary>
    internal bool CreateJobInTransaction(Guid operationId)
    {
        if (!options.UsesPostgreSql || !_started || _client is not { } client || System.Transactions.Transaction.Current is not { } transaction)
            return false;
        _dispatched[operationId] = 0;
        // Rolled back: there is no row and no job, so nothing is on its way.
        transaction.TransactionCompleted += (sender, completed) =>
        {
            if (completed.Transaction?.TransactionInformation.Status != System.Transactions.TransactionStatus.Committed)
                _dispatched.TryRemove(operationId, out _);
        };
        try
        {
            client.Create(Job.FromExpression<OperationJob>(j => j.RunAsync(operationId, CancellationToken.None)), new EnqueuedState(OperationsQueue));
            return true;
        }
        catch
        {
            _dispatched.TryRemove(operationId, out _);
            throw;
        }
    }

    /// <summary>Cancels the running step's token, if the operation runs in this process (on PostgreSQL other replicas hear of the request through the change feed at once, and by their poll within <see cref="OperationsOptions.CancelPollInterval"/> at the latest).</summary>
    public Task InterruptAsync(Guid operationId, CancellationToken ct = default)
    {
        foreach (var run in _running.Keys.Where(r => r.OperationId == operationId))
            run.Cancel();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Registers a run of the operation in this process; the returned token is cancelled when the engine stops, when
    /// Hangfire aborts the job, or when someone cancels the operation.
    /// </summary>
    internal RunRegistration BeginRun(Guid operationId, CancellationToken jobToken)
    {
        var run = new RunRegistration(this, operationId, CancellationTokenSource.CreateLinkedTokenSource(jobToken));
        _running[run] = 0;
        if (!_started) run.Cancel();
        return run;
    }

    private void EndRun(RunRegistration run)
    {
        _running.TryRemove(run, out _);
        if (!_running.Keys.Any(r => r.OperationId == run.OperationId))
            _dispatched.TryRemove(run.OperationId, out _);
    }

    /// <summary>Operations handed to Hangfire by this process and not yet run to the end, plus those running here and jobs not yet created.</summary>
    internal int InFlightCount => _dispatched.Count + _running.Count + Volatile.Read(ref _pendingDispatches);

    /// <summary>
    /// Enqueues every Queued or Running operation that nobody runs or is about to run (untouched for at least
    /// <paramref name="gracePeriod"/>): after a crash on SQLite, or when a dispatch was lost. Returns how many.
    /// </summary>
    public async Task<int> SweepAsync(TimeSpan gracePeriod, CancellationToken ct = default)
    {
        if (!_started) return 0;
        var before = clock.GetUtcNow() - gracePeriod;
        List<Guid> open;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            open = await db.Operations.AsNoTracking()
                .Where(o => (o.State == OperationState.Queued || o.State == OperationState.Running) && o.UpdatedAt <= before)
                .OrderBy(o => o.CreatedAt)
                .Select(o => o.Id)
                .ToListAsync(ct);
        }
        var running = _running.Keys.Select(r => r.OperationId).ToHashSet();
        var candidates = open.Where(id => !_dispatched.ContainsKey(id) && !running.Contains(id)).ToList();
        // One probe for the whole backlog (a few round trips), not one per operation.
        var heldElsewhere = await runLocks.HeldElsewhereAsync(candidates, ct);
        var dispatched = 0;
        foreach (var id in candidates)
        {
            if (heldElsewhere.Contains(id) || _dispatched.ContainsKey(id) || _running.Keys.Any(r => r.OperationId == id)) continue;
            if (await DispatchAsync(id, ct: ct)) dispatched++;
        }
        if (dispatched > 0 && gracePeriod > TimeSpan.Zero)
            _logger.LogWarning("Enqueued {Count} unfinished operations that nobody was running", dispatched);
        return dispatched;
    }

    /// <summary>Operations running in this process now.</summary>
    public Task<int> ExecutingCountAsync(CancellationToken ct = default) => Task.FromResult(_running.Count);

    /// <summary>
    /// A cancel requested through another replica changes only the row; the run here learns of it by asking. One small
    /// query per interval, and only while something runs.
    /// </summary>
    private async Task WatchCancelRequestsAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.CancelPollInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var ids = _running.Keys.Select(r => r.OperationId).Distinct().ToList();
                if (ids.Count == 0) continue;
                try
                {
                    await using var db = await dbFactory.CreateDbContextAsync(stopping);
                    var cancelled = await db.Operations.AsNoTracking().Where(o => ids.Contains(o.Id) && o.CancelRequested).Select(o => o.Id).ToListAsync(stopping);
                    foreach (var run in _running.Keys.Where(r => cancelled.Contains(r.OperationId)))
                        run.Cancel();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogWarning(ex, "Could not check running operations for cancel requests; trying again shortly");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>
    /// Registers the recurring jobs, in the background and until it succeeds. Hangfire takes a distributed lock per
    /// recurring job to register it, and on PostgreSQL a lock a killed replica held stays taken until
    /// <see cref="OperationsOptions.DistributedLockTimeout"/> ends — longer than Hangfire waits for it. A replica restarted
    /// within that window must still start (the jobs registered before keep running meanwhile), so a timed-out lock is
    /// logged and tried again rather than failing the start.
    /// </summary>
    private async Task ScheduleRecurringJobsAsync(JobStorage storage, Hangfire.Common.IJobFilterProvider filters, CancellationToken stopping)
    {
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Run(() => ScheduleRecurringJobs(storage, filters), stopping);
                if (attempt > 1) _logger.LogInformation("Recurring jobs registered after {Attempts} attempts", attempt);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is DistributedLockTimeoutException or Hangfire.PostgreSql.PostgreSqlDistributedLockException)
            {
                if (attempt == 1)
                    _logger.LogWarning("Recurring jobs not registered yet: a lock is still held (by a replica that stopped abruptly?); trying again every {Interval}",
                        options.RecurringJobRetryInterval);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Recurring jobs could not be registered; trying again every {Interval}", options.RecurringJobRetryInterval);
            }
            try
            {
                await Task.Delay(options.RecurringJobRetryInterval, clock, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void ScheduleRecurringJobs(JobStorage storage, Hangfire.Common.IJobFilterProvider filters)
    {
        var manager = new RecurringJobManager(storage, filters);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var registration in recurringJobs)
        {
            wanted.Add(registration.Name);
            var name = registration.Name;
            manager.AddOrUpdate(name, Job.FromExpression<RecurringJobRunner>(r => r.RunAsync(name, CancellationToken.None)),
                CronInterval.For(registration.Interval), new RecurringJobOptions { MisfireHandling = MisfireHandlingMode.Ignorable, TimeZone = TimeZoneInfo.Utc });
        }
        // A recurring job that is no longer registered (removed in this release) stops.
        using var connection = storage.GetConnection();
        foreach (var stale in connection.GetRecurringJobs().Select(r => r.Id).Where(id => !wanted.Contains(id)))
        {
            _logger.LogInformation("Removing recurring job {Job}: no longer registered", stale);
            manager.RemoveIfExists(stale);
        }
    }

    private void Release()
    {
        // An abandoned server still has a worker stuck in a step that never returns: disposing would wait for it.
        if (!_abandoned)
        {
            _operationsServer?.Dispose();
            _periodicServer?.Dispose();
        }
        _operationsServer = null;
        _periodicServer = null;
        // Not disposed: a dispatch thread may still be finishing its last job (it ends by itself, the outbox is complete).
        _outbox = null;
        _stopping?.Dispose();
        _stopping = null;
    }

    private sealed record PendingDispatch(Guid OperationId, DateTimeOffset? NotBefore);

    /// <summary>One run of an operation in this process; dispose it when the run ends.</summary>
    internal sealed class RunRegistration(OperationsEngine engine, Guid operationId, CancellationTokenSource source) : IDisposable
    {
        private int _ended;

        public Guid OperationId => operationId;

        public CancellationToken Token { get; } = source.Token;

        public void Cancel()
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the run just ended
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1) return;
            engine.EndRun(this);
            source.Dispose();
        }
    }
}
