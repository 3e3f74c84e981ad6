using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Domain.Clusters;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Clusters;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Managed Kubernetes: the domain service, the commands that need the outside world, pre-flight checks, management
    /// clusters, the operation handlers (one per kind the domain declares), the watches of the management clusters and the
    /// periodic reconcile behind them.
    /// </summary>
    public static IServiceCollection AddManagedKubernetes(this IServiceCollection services, ClusterOperationOptions? options = null)
    {
        options ??= new ClusterOperationOptions();
        services.TryAddSingleton(options);
        services.TryAddSingleton<ClusterService>();
        services.AddSingleton<ManagementClusters>();
        services.AddSingleton<ClusterPreflight>();
        services.AddSingleton<ClusterCommands>();
        services.AddOperationHandler<CreateClusterHandler>();
        services.AddOperationHandler<ScaleControlPlaneHandler>();
        services.AddOperationHandler<UpgradeControlPlaneHandler>();
        services.AddOperationHandler<DeleteClusterHandler>();
        services.AddOperationHandler<ResyncClusterHandler>();
        services.AddOperationHandler<AddNodePoolHandler>();
        services.AddOperationHandler<ScaleNodePoolHandler>();
        services.AddOperationHandler<UpdateNodePoolHandler>();
        services.AddOperationHandler<UpgradeNodePoolHandler>();
        services.AddOperationHandler<RemoveNodePoolHandler>();
        services.AddSingleton<ClusterReconciler>();
        services.AddRecurringJob<ClusterReconcileJob>("clusters.reconcile", options.ReconcileInterval);
        services.AddHostedService<ClusterWatcher>();
        return services;
    }
}
