using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Portal.Domain.Data;
using Portal.Domain.Operations;

namespace Portal.Jobs.Operations;

/// <summary>
/// Runs one operation from its first unfinished step to the end, persisting each step's state before and after it
/// runs, so that a crash, a retry or a second delivery continues where the log says instead of starting over.
/// Cancellation is cooperative: checked between steps, and passed to the running step as its token. The change that
/// ends the operation (Succeeded, Failed, Cancelled) also carries its outcome for the resource, applied by the kind's
/// handler in the same SaveChanges (<see cref="IOperationHandler.ApplyOutcomeAsync"/>).
/// </summary>
public sealed class OperationExecutor(IDbContextFactory<PortalDbContext> dbFactory, OperationHandlers handlers, OperationNotifier notifier,
    OperationsOptions options, TimeProvider clock, ILogger<OperationExecutor> logger)
{
    private const int MaxRounds = 10_000;
    private static readonly ResiliencePropertyKey<StepRun> StepRunKey = new("portal.operations.step");

    private readonly ResiliencePipeline<StepOutcome> _transientRetry = BuildRetryPipeline(options, clock);

    /// <summary>
    /// Runs the operation. Returns normally when the operation finished, was found finished (a repeated delivery),
    /// or was left for the next start because the engine is stopping. Throws only when progress could not be
    /// recorded (the database failed); the job then arranges a redelivery.
    /// </summary>
    public async Task RunAsync(Guid operationId, IServiceProvider services, CancellationToken ct)
    {
        // Progress is written with no token: a cancel must still be able to record that it cancelled.
        await using var session = new OperationSession(await dbFactory.CreateDbContextAsync(CancellationToken.None), operationId, handlers, notifier);
        if (!await session.LoadAsync())
        {
            logger.LogWarning("Operation {OperationId} was scheduled but no longer exists; nothing to run", operationId);
            return;
        }
        if (session.Operation.IsFinished)
        {
            logger.LogDebug("Operation {OperationId} is already {State}; ignoring a repeated delivery", operationId, session.Operation.State);
            return;
        }

        var handler = handlers.Find(session.Operation.Kind);
        var unrunnable = Unrunnable(handler, session.Operation);
        var pickedUp = false;
        int? interruptedStep = null;
        // The step this run marked Running and must run next. Bookkeeping is saved together where it can be (start
        // the operation and its first step; record a step and start the next), so a step's Running state is always
        // persisted before it runs and its outcome right after, in as few writes as that takes.
        int? next = null;
        for (var rounds = 0; ; rounds++)
        {
            // Every round saves a change or ends the run; a run that goes round this often without ending is a bug.
            if (rounds > MaxRounds)
                throw new InvalidOperationException($"Operation {operationId} made no progress after {MaxRounds} rounds; its state is {session.Operation.State}.");
            var operation = session.Operation;
            if (operation.IsFinished)
            {
                logger.LogInformation("Operation {OperationId} ({Kind}) on {TargetType} {TargetName} {State}", operation.Id, operation.Kind,
                    operation.TargetType, operation.TargetName, operation.State);
                return;
            }

            if (operation.CancelRequested)
            {
                next = null;
                await session.ChangeAsync(o => !o.IsFinished && o.CancelRequested && Apply(() => o.Cancel(clock.GetUtcNow())));
                continue;
            }

            if (operation.State == OperationState.Queued)
            {
                pickedUp |= await session.ChangeAsync(o =>
                {
                    next = null;
                    if (o.State != OperationState.Queued || o.CancelRequested) return false;
                    var now = clock.GetUtcNow();
                    o.Start(now);
                    if (unrunnable is null)
                        next = StartNextStep(o, now);
                    return true;
                });
                continue;
            }

            if (!pickedUp)
            {
                // Running before we picked it up: the process stopped mid-run (crash, or a stop that did not wait).
                interruptedStep = operation.Steps.FirstOrDefault(s => s.State == StepState.Running)?.Index;
                logger.LogWarning("Resuming operation {OperationId} ({Kind}) from step {Step} after the portal stopped while it ran",
                    operation.Id, operation.Kind, interruptedStep ?? operation.FirstUnfinishedStepIndex);
                pickedUp = true;
                await session.ChangeAsync(o => o.State == OperationState.Running && Apply(() => o.Resume(clock.GetUtcNow())));
                continue;
            }

            if (unrunnable is not null)
            {
                logger.LogError("Operation {OperationId} cannot run: {Reason}", operation.Id, unrunnable);
                await session.ChangeAsync(o => o.State == OperationState.Running && !o.CancelRequested && Apply(() => o.Fail(unrunnable, clock.GetUtcNow())));
                continue;
            }

            if (next is not { } index)
            {
                if (operation.FirstUnfinishedStepIndex is null)
                {
                    await session.ChangeAsync(o => o.State == OperationState.Running && !o.CancelRequested && o.FirstUnfinishedStepIndex is null
                        && Apply(() => o.Succeed(clock.GetUtcNow())));
                    continue;
                }
                if (ct.IsCancellationRequested)
                {
                    if (await StoppingAsync(session)) return;
                    continue;
                }
                await session.ChangeAsync(o =>
                {
                    next = o.State == OperationState.Running && !o.CancelRequested ? StartNextStep(o, clock.GetUtcNow()) : null;
                    return next is not null;
                });
                continue;
            }

            // Cancelled before the step began: a person's cancel (handled at the top), or the engine stopping.
            var outcome = ct.IsCancellationRequested ? null : await RunStepAsync(session, handler!.Steps[index], index, interruptedStep == index, services, ct);
            if (outcome is null)
            {
                next = null;
                if (await StoppingAsync(session)) return;
                continue;
            }

            await session.ChangeAsync(o =>
            {
                next = null;
                if (o.State != OperationState.Running || o.Steps[index].State != StepState.Running) return false;
                var now = clock.GetUtcNow();
                Record(o, index, outcome, now);
                if (o.State == OperationState.Running && !o.CancelRequested)
                {
                    if (o.FirstUnfinishedStepIndex is null)
                        o.Succeed(now);
                    else if (!ct.IsCancellationRequested)
                        next = StartNextStep(o, now);
                }
                return true;
            });
        }
    }

    /// <summary>
    /// After the run's token was cancelled: true when the engine is stopping, false when a person cancelled (their
    /// request changes the row before it cancels the token; the session now holds the fresh row). When stopping, the
    /// operation stays Running and continues at the next start.
    /// </summary>
    private async Task<bool> StoppingAsync(OperationSession session)
    {
        if (!await session.LoadAsync()) return true;
        if (session.Operation.CancelRequested) return false;
        logger.LogInformation("Operation {OperationId} paused: the engine is stopping; it continues at the next start", session.Operation.Id);
        return true;
    }

    /// <summary>Marks the first unfinished step Running, if it is Pending; returns its index.</summary>
    private static int? StartNextStep(Operation operation, DateTimeOffset now)
    {
        if (operation.FirstUnfinishedStepIndex is not { } index || operation.Steps[index].State != StepState.Pending) return null;
        operation.StepStarted(index, now);
        return index;
    }

    /// <summary>
    /// Fails an operation the engine cannot carry on with (its progress could not be recorded), so that it does not
    /// stay Running forever and a person can retry it. Returns false when even that could not be saved.
    /// </summary>
    public async Task<bool> TryAbandonAsync(Guid operationId, string reason)
    {
        try
        {
            await using var session = new OperationSession(await dbFactory.CreateDbContextAsync(), operationId, handlers, notifier);
            if (!await session.LoadAsync()) return true;
            await session.ChangeAsync(o =>
            {
                if (o.IsFinished) return false;
                var now = clock.GetUtcNow();
                if (o.State == OperationState.Queued) o.Start(now);
                if (o.Steps.FirstOrDefault(s => s.State == StepState.Running) is { } running) o.StepFailed(running.Index, reason, now);
                o.Fail(reason, now);
                return true;
            });
            return true;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not record the failure of operation {OperationId}", operationId);
            return false;
        }
    }

    private static void Record(Operation operation, int index, StepOutcome outcome, DateTimeOffset now)
    {
        switch (outcome.Kind)
        {
            case StepOutcomeKind.Succeeded:
                operation.StepSucceeded(index, outcome.Message, now);
                break;
            case StepOutcomeKind.Skipped:
                operation.StepSkipped(index, outcome.Message ?? "Nothing to do.", now);
                break;
            case StepOutcomeKind.Failed:
            case StepOutcomeKind.Transient:
                var message = string.IsNullOrWhiteSpace(outcome.Message) ? $"Step '{operation.Steps[index].Name}' failed without saying why." : outcome.Message;
                operation.StepFailed(index, message, now);
                // Someone asked to stop while the step was failing: honour the request rather than offer a retry.
                if (operation.CancelRequested)
                    operation.Cancel(now);
                else
                    operation.Fail(message, now);
                break;
        }
    }

    /// <summary>Why the installed code cannot run this operation, or null when it can.</summary>
    private static string? Unrunnable(IOperationHandler? handler, Operation operation)
    {
        if (handler is null)
            return $"This version of the portal has no handler for operations of kind '{operation.Kind}'. Install a version that has one, or start the action again.";
        var recorded = operation.Steps.Select(s => s.Name).ToList();
        var declared = handler.Steps.Select(s => s.Name).ToList();
        return recorded.SequenceEqual(declared, StringComparer.Ordinal)
            ? null
            : $"The steps of '{operation.Kind}' changed since this operation was queued (recorded: {string.Join(", ", recorded)}; now: {string.Join(", ", declared)}). It cannot continue safely; start the action again.";
    }

    /// <summary>Runs one step with bounded retries of transient faults. Null means the token was cancelled.</summary>
    private async Task<StepOutcome?> RunStepAsync(OperationSession session, OperationStepDefinition definition, int index, bool resumed,
        IServiceProvider services, CancellationToken ct)
    {
        var context = new StepContext(session.Operation, index, resumed, services, (message, _) =>
            session.ChangeAsync(o => o.State == OperationState.Running && o.Steps[index].State == StepState.Running
                && Apply(() => o.StepProgress(index, message, clock.GetUtcNow()))));
        var run = new StepRun(definition, context, session, index);
        var resilience = ResilienceContextPool.Shared.Get(ct);
        resilience.Properties.Set(StepRunKey, run);
        try
        {
            var outcome = await _transientRetry.ExecuteAsync(static async (rc, step) =>
            {
                step.Context.Try++;
                return await step.Definition.Run(step.Context, rc.CancellationToken)
                    ?? throw new InvalidOperationException($"Step '{step.Definition.Name}' returned no outcome.");
            }, resilience, run);
            return outcome.Kind == StepOutcomeKind.Transient ? StepOutcome.Failed(GaveUp(outcome.Message, context.Try)) : outcome;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (IsTransient(ex, ct))
        {
            logger.LogWarning(ex, "Step {Step} of operation {OperationId} gave up after {Tries} tries", definition.Name, context.OperationId, context.Try);
            return StepOutcome.Failed(GaveUp(ex.Message, context.Try));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Step {Step} of operation {OperationId} ({Kind}) failed with an exception", definition.Name, context.OperationId, context.Kind);
            return StepOutcome.Failed(ex.Message);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(resilience);
        }
    }

    private static string GaveUp(string? message, int tries) =>
        $"{(string.IsNullOrWhiteSpace(message) ? "A transient fault" : message.TrimEnd('.'))}. Gave up after {tries} {(tries == 1 ? "try" : "tries")}; retry the operation when the cause is fixed.";

    /// <summary>
    /// A fault that may pass: timeouts, unreachable or overloaded services. A 4xx other than 408/429 is not: asking
    /// again gets the same answer.
    /// </summary>
    internal static bool IsTransient(Exception exception, CancellationToken ct) => exception switch
    {
        TransientStepException => true,
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        TimeoutException => true,
        // HttpClient's own timeout surfaces as a cancellation nobody asked for.
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };

    private static ResiliencePipeline<StepOutcome> BuildRetryPipeline(OperationsOptions options, TimeProvider clock)
    {
        var builder = new ResiliencePipelineBuilder<StepOutcome> { TimeProvider = clock };
        if (options.TransientRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<StepOutcome>
            {
                MaxRetryAttempts = options.TransientRetries,
                Delay = options.TransientRetryDelay,
                MaxDelay = options.MaxTransientRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: { } exception } => IsTransient(exception, args.Context.CancellationToken),
                    { Result.Kind: StepOutcomeKind.Transient } => true,
                    _ => false,
                }),
                OnRetry = async args =>
                {
                    if (!args.Context.Properties.TryGetValue(StepRunKey, out var run)) return;
                    var reason = args.Outcome.Exception?.Message ?? args.Outcome.Result?.Message ?? "a transient fault";
                    var message = $"Try {args.AttemptNumber + 1} of {options.TransientRetries + 1} hit a transient fault: {reason.TrimEnd('.')}. " +
                        $"Trying again in {args.RetryDelay.TotalSeconds:0.#} s.";
                    await run.Session.ChangeAsync(o => o.State == OperationState.Running && o.Steps[run.Index].State == StepState.Running
                        && Apply(() => o.StepProgress(run.Index, message, clock.GetUtcNow())));
                },
            });
        }
        return builder.Build();
    }

    private static bool Apply(Action change)
    {
        change();
        return true;
    }

    private sealed record StepRun(OperationStepDefinition Definition, StepContext Context, OperationSession Session, int Index);

    /// <summary>
    /// The operation row the run works on, in one context for the whole run. Every change is checked against the
    /// current state, saved with the version check, and announced; when someone else changed the row meanwhile (a
    /// cancel request), the row is reloaded and the change decided again on the fresh state. A change that ends the
    /// operation is saved with its outcome for the resource; a conflict on either row reloads both and decides again.
    /// </summary>
    private sealed class OperationSession(PortalDbContext db, Guid operationId, OperationHandlers handlers, OperationNotifier notifier) : IAsyncDisposable
    {
        private const int MaxConflicts = 20;
        private readonly SemaphoreSlim _gate = new(1, 1);

        public Operation Operation { get; private set; } = null!;

        public async Task<bool> LoadAsync()
        {
            db.ChangeTracker.Clear();
            var operation = await db.Operations.Include(o => o.Steps).SingleOrDefaultAsync(o => o.Id == operationId);
            if (operation is null) return false;
            Operation = operation;
            return true;
        }

        /// <summary>
        /// Applies <paramref name="change"/> if it still applies (it returns false otherwise, having changed nothing),
        /// saves and publishes. Returns whether a change was saved.
        /// </summary>
        public async Task<bool> ChangeAsync(Func<Operation, bool> change)
        {
            await _gate.WaitAsync();
            try
            {
                for (var conflicts = 0; ; conflicts++)
                {
                    var wasFinished = Operation.IsFinished;
                    if (!change(Operation)) return false;
                    // Loaded into this context by the handler, so the resource's outcome commits with the operation's end. Without
                    // a handler (a kind this version does not run) there is nobody to apply it: the resource keeps its state.
                    if (!wasFinished && Operation.IsFinished && handlers.Find(Operation.Kind) is { } handler)
                        await handler.ApplyOutcomeAsync(db, Operation, CancellationToken.None);
                    try
                    {
                        await db.SaveChangesAsync();
                        notifier.Publish(OperationChanged.Of(Operation));
                        return true;
                    }
                    catch (DbUpdateConcurrencyException) when (conflicts < MaxConflicts)
                    {
                        // Clears the resource the outcome loaded too: both are read again and the change decided on what they are now.
                        if (!await LoadAsync())
                            throw new InvalidOperationException($"Operation {operationId} was deleted while it ran.");
                    }
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await db.DisposeAsync();
            _gate.Dispose();
        }
    }

    /// <summary>
    /// The database could not take the write now but may later: SQLite busy or locked; on PostgreSQL a fault Npgsql calls
    /// transient (a dropped connection, a failover, a deadlock or serialization failure).
    /// </summary>
    internal static bool IsBusy(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 } or Npgsql.NpgsqlException { IsTransient: true }
        || exception.InnerException is { } inner && IsBusy(inner);
}
