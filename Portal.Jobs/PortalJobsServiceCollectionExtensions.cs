using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Domain.Operations;
using Portal.Jobs.Clusters;
using Portal.Jobs.Databases;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.OpenStack;
using Portal.Jobs.Operations;
using Portal.Jobs.ServiceConfigs;

namespace Portal.Jobs;

/// <summary>How the outside-world half of the portal is tuned; production leaves everything at its defaults.</summary>
public sealed record PortalJobsOptions
{
    public OpenStackClientOptions? OpenStack { get; init; }
    public KubernetesClientOptions? Kubernetes { get; init; }
    public Action<OperationsOptions>? Operations { get; init; }
    public ClusterOperationOptions? Clusters { get; init; }
    public DatabaseOperationOptions? Databases { get; init; }
}

public static class PortalJobsServiceCollectionExtensions
{
    /// <summary>
    /// Everything that talks to the outside world or runs in the background: the OpenStack and Kubernetes clients, the connection probe, the operations engine with the domain's hand-over to it and
    /// the "resource changed" events, the platform operations and managed Kubernetes. Needs <c>AddPortalDomain</c> first
    /// (and, for demo infrastructures, the demo cloud's <c>AddDemoCloud</c> before it).
    /// </summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, PortalJobsOptions? options = null)
    {
        options ??= new PortalJobsOptions();
        services.AddOpenStackClients(options.OpenStack);
        services.AddSingleton<ConnectionProbe>();
        services.AddSingleton<CloudCatalogReader>();
        services.AddKubernetesClients(options.Kubernetes);
        // Before the engine: hosted services start in order, and the engine's start already runs operations.
        services.AddHostedService<OperationHandlersCheck>();
        services.AddOperationsEngine(options.Operations);
        services.AddSingleton<IResourceNotifier, ResourceNotifier>();
        services.AddSingleton<PlatformClusters>();
        services.AddSingleton<PlatformCommands>();
        services.AddOperationHandler<CreatePostgresPlatformHandler>();
        services.AddOperationHandler<UpgradePostgresPlatformHandler>();
        services.AddOperationHandler<DeletePostgresPlatformHandler>();
        services.AddManagedKubernetes(options.Clusters);
        services.AddManagedDatabases(options.Databases);
        return services;
    }
}
