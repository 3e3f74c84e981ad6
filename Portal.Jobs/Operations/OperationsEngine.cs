using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Jobs.Operations.Scheduling;
using Quartz;
using Quartz.Impl;
using Quartz.Impl.Matchers;

namespace Portal.Jobs.Operations;

/// <summary>A job to run every <see cref="Interval"/>, registered with <c>AddRecurringJob&lt;T&gt;()</c>.</summary>
public sealed record RecurringJobRegistration(string Name, Type JobType, TimeSpan Interval);

/// <summary>
/// Owns the Quartz scheduler: starts it when the host starts (after the database was migrated), stops it when the
/// host stops, waiting for running steps. Operations are Quartz jobs keyed by the operation id; each carries
/// <c>RequestRecovery</c>, so after a crash Quartz runs the interrupted ones again. At start-up (and periodically)
/// a sweep also re-dispatches unfinished operations that have no job, for example when the process died between
/// committing an operation and scheduling it.
/// </summary>
public sealed class OperationsEngine(IServiceProvider services, OperationsOptions options, IEnumerable<RecurringJobRegistration> recurringJobs,
    IDbContextFactory<PortalDbContext> dbFactory, ILoggerFactory loggers, TimeProvider clock) : IHostedService, IAsyncDisposable
{
    public const string OperationGroup = "operations";
    public const string RecurringGroup = "recurring";

    private readonly ILogger _logger = loggers.CreateLogger<OperationsEngine>();
    private IScheduler? _scheduler;

    /// <summary>The running scheduler; null before start.</summary>
    public IScheduler? Scheduler => _scheduler;

    public bool IsRunning => _scheduler is { IsStarted: true, IsShutdown: false, InStandbyMode: false };

    public static JobKey JobKeyFor(Guid operationId) => new(operationId.ToString(), OperationGroup);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        QuartzLogging.RouteTo(loggers);
        var factory = new StdSchedulerFactory(QuartzProperties.For(options));
        // Quartz keeps one scheduler per name per process, and the name follows the database file.
        var scheduler = await factory.GetScheduler(cancellationToken);
        if (scheduler.IsStarted)
            _logger.LogWarning("Scheduler {SchedulerName} already runs in this process: another host uses the same database file. " +
                "This host takes over running its jobs; one scheduler per database file still holds.", scheduler.SchedulerName);
        scheduler.JobFactory = ActivatorUtilities.CreateInstance<ScopedJobFactory>(services);
        // Quartz recovers the jobs this instance had in flight (RequestRecovery) as part of Start.
        await scheduler.Start(cancellationToken);
        _scheduler = scheduler;
        await ScheduleRecurringJobsAsync(scheduler, cancellationToken);
        var swept = await SweepAsync(TimeSpan.Zero, cancellationToken);
        _logger.LogInformation("Operations engine started: scheduler {SchedulerName}, instance {InstanceId}, up to {MaxConcurrency} at once; {Swept} unfinished operations re-dispatched",
            scheduler.SchedulerName, scheduler.SchedulerInstanceId, options.MaxConcurrency, swept);
    }

    /// <summary>Stops taking new work and waits for running steps (bounded by the host's shutdown timeout).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is not { IsShutdown: false } scheduler) return;
        _logger.LogInformation("Operations engine stopping; interrupting running steps (they resume at the next start)");
        // Steps may wait a long time (a cluster coming up). Signal their tokens so they stop now: the executor leaves
        // such an operation Running with the step unfinished, and the next start resumes it from that step.
        foreach (var running in await scheduler.GetCurrentlyExecutingJobs(cancellationToken))
            await scheduler.Interrupt(running.JobDetail.Key, cancellationToken);
        await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Only when the host did not stop us (a test, a failed start): do not wait.
        if (_scheduler is { IsShutdown: false } scheduler)
            await scheduler.Shutdown(waitForJobsToComplete: false);
    }

    /// <summary>
    /// Schedules the operation's job to fire now (or at <paramref name="notBefore"/>). Call it only after the
    /// operation's row is committed. Safe to call twice: a second trigger finds the operation finished, and the job
    /// never runs twice at once. Returns false when the scheduler is not running; the start-up sweep dispatches it then.
    /// </summary>
    public async Task<bool> DispatchAsync(Guid operationId, DateTimeOffset? notBefore = null, CancellationToken ct = default)
    {
        if (!IsRunning)
        {
            _logger.LogWarning("Operation {OperationId} is queued but the scheduler is not running; it is dispatched when the engine starts", operationId);
            return false;
        }
        var job = JobBuilder.Create<OperationJob>()
            .WithIdentity(JobKeyFor(operationId))
            .RequestRecovery()
            .Build();
        // A fresh trigger name per dispatch: a retry can be scheduled while the previous run's trigger is still completing.
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"{operationId}/{Guid.NewGuid():N}", OperationGroup)
            .ForJob(job)
            .StartAt(notBefore ?? clock.GetUtcNow())
            // Ignore misfires: a trigger queued longer than Quartz's misfire threshold (60 s) is otherwise skipped by
            // acquisition until the misfire scan (every 60 s) re-arms it, and a backlog leaves the engine idle meanwhile.
            .WithSimpleSchedule(s => s.WithMisfireHandlingInstructionIgnoreMisfires())
            .Build();
        await _scheduler!.ScheduleJob(job, [trigger], replace: true, ct);
        return true;
    }

    /// <summary>Cancels the running step's token, if the operation is running in this process.</summary>
    public async Task InterruptAsync(Guid operationId, CancellationToken ct = default)
    {
        if (IsRunning)
            await _scheduler!.Interrupt(JobKeyFor(operationId), ct);
    }

    /// <summary>Removes the operation's pending job (a cancelled queued operation).</summary>
    public async Task RemoveAsync(Guid operationId, CancellationToken ct = default)
    {
        if (IsRunning)
            await _scheduler!.DeleteJob(JobKeyFor(operationId), ct);
    }

    /// <summary>
    /// Dispatches every Queued or Running operation that has no job (untouched for at least
    /// <paramref name="gracePeriod"/>). Returns how many were dispatched.
    /// </summary>
    public async Task<int> SweepAsync(TimeSpan gracePeriod, CancellationToken ct = default)
    {
        if (!IsRunning) return 0;
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
        var dispatched = 0;
        foreach (var id in open)
        {
            if (await _scheduler!.CheckExists(JobKeyFor(id), ct)) continue;
            await DispatchAsync(id, ct: ct);
            dispatched++;
        }
        if (dispatched > 0)
            _logger.LogWarning("Re-dispatched {Count} unfinished operations that had no scheduled job", dispatched);
        return dispatched;
    }

    /// <summary>Jobs currently executing in this process.</summary>
    public async Task<int> ExecutingCountAsync(CancellationToken ct = default) =>
        IsRunning ? (await _scheduler!.GetCurrentlyExecutingJobs(ct)).Count : 0;

    private async Task ScheduleRecurringJobsAsync(IScheduler scheduler, CancellationToken ct)
    {
        var wanted = new HashSet<JobKey>();
        foreach (var registration in recurringJobs)
        {
            var key = new JobKey(registration.Name, RecurringGroup);
            wanted.Add(key);
            var job = JobBuilder.Create(registration.JobType).WithIdentity(key).StoreDurably().Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(registration.Name, RecurringGroup)
                .ForJob(key)
                .StartAt(clock.GetUtcNow() + registration.Interval)
                .WithSimpleSchedule(s => s.WithInterval(registration.Interval).RepeatForever().WithMisfireHandlingInstructionNextWithRemainingCount())
                .Build();
            await scheduler.ScheduleJob(job, [trigger], replace: true, ct);
        }
        // A recurring job that is no longer registered (removed in this release) stops.
        foreach (var stale in (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(RecurringGroup), ct)).Where(k => !wanted.Contains(k)))
        {
            _logger.LogInformation("Removing recurring job {Job}: no longer registered", stale.Name);
            await scheduler.DeleteJob(stale, ct);
        }
    }
}
