using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Domain.Clusters;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Clusters;

/// <summary>
/// Keeps clusters and node pools in step with their operations as the engine reports them: a failed operation leaves
/// its resource Degraded (a change to something running) or in Error (a create or delete) with the reason; a cancelled
/// one returns it to Active (or Error for a create or delete). The periodic reconcile repeats this for any event missed
/// while the portal was down.
/// </summary>
public sealed class ClusterOperationObserver(OperationNotifier notifier, ClusterService clusters, IDbContextFactory<PortalDbContext> dbFactory,
    ILogger<ClusterOperationObserver> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.Subscribe(OnChangedAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task OnChangedAsync(OperationChanged change)
    {
        if (!ClusterOperations.IsClusterKind(change.Kind) || change.State is not (OperationState.Failed or OperationState.Cancelled))
            return;
        try
        {
            await SettleAsync(change.OperationId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not bring the cluster of operation {OperationId} in step with its outcome ({State})", change.OperationId, change.State);
        }
    }

    /// <summary>Applies a finished operation's failure or cancellation to the resource it drove (idempotent).</summary>
    public async Task SettleAsync(Guid operationId, CancellationToken ct)
    {
        Operation? operation;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            operation = await db.Operations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == operationId, ct);
        if (operation is null || !ClusterOperations.IsClusterKind(operation.Kind)) return;
        var clusterId = await clusters.ClusterOfAsync(operation.TargetType, operation.TargetId, ct);
        if (clusterId is null) return;
        if (operation.State == OperationState.Failed)
            await clusters.ApplyAsync(clusterId.Value, (cluster, now) => ClusterService.ApplyFailed(cluster, operation.Id, operation.Error ?? "The action failed.", now), ct);
        else if (operation.State == OperationState.Cancelled)
            await clusters.ApplyAsync(clusterId.Value, (cluster, now) => ClusterService.ApplyCancelled(cluster, operation.Id, operation.CancelledByName ?? "someone", now), ct);
    }
}
