using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.OpenStack;
using Portal.Jobs.Operations;

namespace Portal.DemoCloud;

public static class DemoCloudServiceCollectionExtensions
{
    /// <summary>
    /// Wires the demo cloud into a host: its OpenStack stand-in (served in process to the OpenStack clients), its
    /// management cluster (served in process to the Kubernetes clients, with its simulated controllers), the cloud
    /// provider for infrastructures of kind Demo, the fault injection of its admin tab, and the saving of its state when
    /// the options name a folder. Call it before <c>AddPortalJobs</c>: hosted services start in registration order, and
    /// the demo's saved state must be loaded before the operations engine runs anything against it.
    /// </summary>
    public static IServiceCollection AddDemoCloud(this IServiceCollection services, DemoCloudOptions? cloud = null, DemoKubernetesOptions? kubernetes = null)
    {
        if (services.Any(d => d.ServiceType == typeof(OperationsEngine)))
            throw new InvalidOperationException("Call AddDemoCloud before AddPortalJobs: the demo's saved state must load before the operations engine starts.");
        services.AddDemoCloudState();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(cloud ?? new DemoCloudOptions());
        services.TryAddSingleton<DemoCloudService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInProcessOpenStack, DemoOpenStackEndpoint>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICloudProvider, DemoCloudProvider>());
        services.AddDemoKubernetes(kubernetes);
        services.TryAddSingleton<DemoFaultCommands>();
        return services;
    }
}
