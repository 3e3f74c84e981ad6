using Hangfire;
using Microsoft.Extensions.Logging;
using Portal.Jobs.Operations.Dispatch;

namespace Portal.Jobs.Operations;

/// <summary>
/// The Hangfire job of one operation: its only argument is the operation id. Thin: the executor does the work and
/// records it. Runs of one operation never overlap, in this process or across replicas (<see cref="OperationRunLocks"/>).
/// When progress could not be recorded the operation is not left hanging: a busy database gets a redelivery shortly;
/// anything else fails the operation with the reason. Hangfire never retries it by itself: the executor decides.
/// </summary>
public sealed class OperationJob(OperationExecutor executor, OperationRunLocks runLocks, OperationsEngine engine, IServiceProvider services,
    OperationsOptions options, TimeProvider clock, ILogger<OperationJob> logger)
{
    [Queue(OperationsEngine.OperationsQueue)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Operation {0}")]
    public async Task RunAsync(Guid operationId, CancellationToken cancellationToken)
    {
        using var run = engine.BeginRun(operationId, cancellationToken);
        var turn = await runLocks.TryEnterAsync(operationId, run.Token);
        if (turn is null)
        {
            // Stopping, or another replica has been running it all along: that run records the outcome.
            if (!run.Token.IsCancellationRequested)
                logger.LogInformation("Operation {OperationId} is being run by another portal replica; this delivery leaves it to that run", operationId);
            return;
        }

        await using (turn)
        {
            try
            {
                await executor.RunAsync(operationId, services, run.Token);
                // Stopped by the server (shutdown, or the job was aborted), not by a person: an unfinished operation goes
                // back to Hangfire's queue instead of counting as done, so another replica (or the next start) resumes it.
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (OperationExecutor.IsBusy(ex))
            {
                logger.LogWarning(ex, "The database was busy while operation {OperationId} ran; it continues in {Delay}", operationId, options.RedeliveryDelay);
                await engine.DispatchAsync(operationId, clock.GetUtcNow() + options.RedeliveryDelay, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The engine failed while running operation {OperationId}", operationId);
                if (!await executor.TryAbandonAsync(operationId, $"The portal could not record this operation's progress: {ex.Message} Retry it; if it fails again, check the portal's log."))
                    await engine.DispatchAsync(operationId, clock.GetUtcNow() + options.RedeliveryDelay, CancellationToken.None);
            }
        }
    }
}

/// <summary>Periodically enqueues unfinished operations that nobody runs (see <see cref="OperationsEngine.SweepAsync"/>).</summary>
public sealed class OperationSweepJob(OperationsEngine engine, OperationsOptions options) : IRecurringJob
{
    public Task RunAsync(CancellationToken ct) => engine.SweepAsync(options.SweepGracePeriod, ct);
}
