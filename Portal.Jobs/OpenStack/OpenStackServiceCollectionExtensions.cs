using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Jobs.Infrastructures;

namespace Portal.Jobs.OpenStack;

public static class OpenStackServiceCollectionExtensions
{
    /// <summary>
    /// Registers the OpenStack client factory (<see cref="IOpenStackClientFactory"/>), the cloud providers by kind (<see cref="CloudProviders"/>, with
    /// the OpenStack one) and their options as singletons. In-process clouds (<see cref="IInProcessOpenStack"/>) and other
    /// providers come from whoever registers them (the demo cloud: AddDemoCloud). Needs logging (ILoggerFactory) and uses the registered TimeProvider (System if none).
    /// </summary>
    public static IServiceCollection AddOpenStackClients(
        this IServiceCollection services,
        OpenStackClientOptions? clientOptions = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(clientOptions ?? new OpenStackClientOptions());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICloudProvider, OpenStackCloudProvider>());
        services.TryAddSingleton<CloudProviders>();
        services.TryAddSingleton<OpenStackClientFactory>();
        services.TryAddSingleton<IOpenStackClientFactory>(static sp => sp.GetRequiredService<OpenStackClientFactory>());
        return services;
    }
}
