using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.Operations;

namespace Portal.Jobs.ServiceConfigs;

/// <summary>
/// Keeps a platform's state in step with its operations: a failed or cancelled operation leaves the platform
/// Failed with the reason (a cancelled upgrade returns it to Active on its old version), and a retried one
/// resumes the state it was in.
/// </summary>
public sealed class PlatformOperationObserver(OperationNotifier notifier, IDbContextFactory<PortalDbContext> dbFactory, ServiceConfigService configs,
    ILogger<PlatformOperationObserver> logger) : IHostedService
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
        if (change.TargetType != ServiceConfigService.PlatformTargetType || !Guid.TryParse(change.TargetId, out var platformId))
            return;
        try
        {
            switch (change.State)
            {
                case OperationState.Failed:
                    var error = await ErrorOfAsync(change.OperationId);
                    await configs.ApplyOutcomeAsync(platformId, p => { if (p.State != PlatformState.Active) p.MarkFailed(error); });
                    break;
                case OperationState.Cancelled:
                    var applied = change.Kind == UpgradePostgresPlatformHandler.OperationKind && await UpgradeAppliedAsync(change.OperationId);
                    await configs.ApplyOutcomeAsync(platformId, p => Cancelled(p, change.Kind, applied));
                    break;
                case OperationState.Queued or OperationState.Running:
                    await configs.ApplyOutcomeAsync(platformId, p => { if (p.State == PlatformState.Failed) p.Resume(Resumed(change.Kind)); });
                    break;
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not bring platform {PlatformId} in step with operation {OperationId} ({State})", platformId, change.OperationId, change.State);
        }
    }

    private static void Cancelled(ServicePlatform platform, string kind, bool upgradeApplied)
    {
        if (kind == UpgradePostgresPlatformHandler.OperationKind)
        {
            // Once the new operator was applied the cluster may run it: do not claim the old version.
            if (upgradeApplied)
                platform.MarkFailed($"The upgrade to {platform.TargetOperatorVersion} was cancelled after the new operator was applied; the cluster may run either version. Upgrade again to finish.");
            else
                platform.AbandonUpgrade();
        }
        else if (platform.State != PlatformState.Active)
            platform.MarkFailed(kind == DeletePostgresPlatformHandler.OperationKind
                ? "Deletion was cancelled part-way. Delete the platform again to finish."
                : "Setting up was cancelled. Delete the platform, then add it again.");
    }

    private static PlatformState Resumed(string kind) => kind switch
    {
        UpgradePostgresPlatformHandler.OperationKind => PlatformState.Upgrading,
        DeletePostgresPlatformHandler.OperationKind => PlatformState.Deleting,
        _ => PlatformState.Provisioning,
    };

    private async Task<bool> UpgradeAppliedAsync(Guid operationId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.OperationSteps.AnyAsync(s => s.OperationId == operationId && s.Name == UpgradePostgresPlatformHandler.ApplyStep
            && s.State == StepState.Succeeded);
    }

    private async Task<string> ErrorOfAsync(Guid operationId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var error = await db.Operations.AsNoTracking().Where(o => o.Id == operationId).Select(o => o.Error).SingleOrDefaultAsync();
        return error ?? "The platform's last operation failed.";
    }
}
