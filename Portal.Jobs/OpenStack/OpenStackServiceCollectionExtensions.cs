using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Jobs.DemoCloud;
using Portal.Jobs.Infrastructures;

namespace Portal.Jobs.OpenStack;

public static class OpenStackServiceCollectionExtensions
{
    /// <summary>
    /// Registers the OpenStack client factory (<see cref="IOpenStackClientFactory"/>), the demo cloud and their
    /// options as singletons. Needs logging (ILoggerFactory) and uses the registered TimeProvider (System if none).
    /// </summary>
    public static IServiceCollection AddOpenStackClients(
        this IServiceCollection services,
        OpenStackClientOptions? clientOptions = null,
        DemoCloudOptions? demoOptions = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(clientOptions ?? new OpenStackClientOptions());
        services.TryAddSingleton(demoOptions ?? new DemoCloudOptions());
        services.TryAddSingleton<DemoCloudService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInProcessOpenStack, DemoOpenStackEndpoint>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICloudProvider, OpenStackCloudProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICloudProvider, DemoCloudProvider>());
        services.TryAddSingleton<CloudProviders>();
        services.TryAddSingleton<OpenStackClientFactory>();
        services.TryAddSingleton<IOpenStackClientFactory>(static sp => sp.GetRequiredService<OpenStackClientFactory>());
        return services;
    }
}
