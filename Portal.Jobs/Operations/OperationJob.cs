using Microsoft.Extensions.Logging;
using Quartz;

namespace Portal.Jobs.Operations;

/// <summary>
/// The Quartz job of one operation (job key = operation id). Thin: the executor does the work and records it.
/// Never runs twice at once for the same operation (see <see cref="OperationGate"/>, which stands in for Quartz's
/// <c>[DisallowConcurrentExecution]</c>). When progress could not be recorded, the operation is not left hanging: a
/// busy database gets a redelivery shortly; anything else fails the operation with the reason.
/// </summary>
public sealed class OperationJob(OperationExecutor executor, OperationGate gate, OperationsEngine engine, IServiceProvider services,
    OperationsOptions options, TimeProvider clock, ILogger<OperationJob> logger) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        if (!Guid.TryParse(context.JobDetail.Key.Name, out var operationId))
        {
            logger.LogError("Quartz job {JobKey} is not keyed by an operation id; removing it", context.JobDetail.Key);
            await context.Scheduler.DeleteJob(context.JobDetail.Key);
            return;
        }
        if (context.Recovering)
            logger.LogWarning("Recovering operation {OperationId}: the portal stopped while it ran", operationId);

        IDisposable turn;
        try
        {
            turn = await gate.EnterAsync(operationId, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            return; // stopping (or cancelled) while another run of it was still going: that run records the outcome
        }

        using (turn)
        {
            try
            {
                await executor.RunAsync(operationId, services, context.CancellationToken);
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

/// <summary>Periodically re-dispatches unfinished operations that lost their job (see <see cref="OperationsEngine.SweepAsync"/>).</summary>
[DisallowConcurrentExecution]
public sealed class OperationSweepJob(OperationsEngine engine, OperationsOptions options) : IJob
{
    public Task Execute(IJobExecutionContext context) => engine.SweepAsync(options.SweepGracePeriod, context.CancellationToken);
}
