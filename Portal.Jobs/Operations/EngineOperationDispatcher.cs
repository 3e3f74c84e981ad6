using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Operations;

namespace Portal.Jobs.Operations;

/// <summary>
/// The domain's hand-over to the engine (see <see cref="IOperationDispatcher"/>): after a command committed, each
/// operation it queued is announced to live views and dispatched; each it asked to cancel is announced and its run
/// dropped or interrupted. Failures are logged, not thrown: the command has committed, and the engine's sweep finds
/// queued operations it was not told about.
/// </summary>
public sealed class EngineOperationDispatcher(IServiceProvider services, ILogger<EngineOperationDispatcher> logger) : IOperationDispatcher
{
    // Looked up when used rather than injected: the operations service needs the handlers, the handlers the domain
    // services, and those the command runner that calls this dispatcher.
    private OperationService Operations => services.GetRequiredService<OperationService>();

    private OperationsEngine Engine => services.GetRequiredService<OperationsEngine>();

    public bool EnqueuesInTransaction => services.GetRequiredService<OperationsOptions>().UsesPostgreSql;

    public Task EnqueueInTransactionAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct)
    {
        // Thrown, not logged: the job store failing inside the transaction rolls the command back, and the person sees it.
        foreach (var id in operationIds)
        {
            ct.ThrowIfCancellationRequested();
            if (!Engine.CreateJobInTransaction(id))
                logger.LogWarning("Operation {OperationId} is recorded while the engine is not running; it is dispatched when the engine starts", id);
        }
        return Task.CompletedTask;
    }

    public async Task DispatchAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct)
    {
        foreach (var id in operationIds)
        {
            try
            {
                await Operations.AnnounceAsync(id, ct);
                // On PostgreSQL its job committed with it.
                if (!EnqueuesInTransaction) await Operations.DispatchAsync(id, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Operation {OperationId} is committed but could not be handed to the engine now; its sweep picks it up", id);
            }
        }
    }

    public async Task SignalCancelAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct)
    {
        foreach (var id in operationIds)
        {
            try
            {
                if (await Operations.AnnounceAsync(id, ct) is { } state)
                    await Operations.SignalCancelAsync(id, state, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The cancellation of operation {OperationId} is recorded but could not be signalled; its run sees it before its next step", id);
            }
        }
    }
}
