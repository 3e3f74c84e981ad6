using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Portal.Jobs.DemoCloud.Kubernetes;

namespace Portal.Jobs.Kubernetes;

public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kubernetes client factory (<see cref="IKubernetesClientFactory"/>, also as
    /// <see cref="KubernetesClientFactory"/>), the demo Kubernetes API (<see cref="DemoKubernetesApi"/>) and their options
    /// as singletons, plus a hosted service that runs the demo's simulated controllers. Needs logging (ILoggerFactory)
    /// and uses the registered TimeProvider (System if none).
    /// </summary>
    public static IServiceCollection AddKubernetesClients(
        this IServiceCollection services,
        DemoKubernetesOptions? demoOptions = null,
        KubernetesClientOptions? clientOptions = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(clientOptions ?? new KubernetesClientOptions());
        services.TryAddSingleton(demoOptions ?? new DemoKubernetesOptions());
        services.TryAddSingleton(static sp => new DemoKubernetesApi(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DemoKubernetesOptions>()));
        services.TryAddSingleton<KubernetesClientFactory>();
        services.TryAddSingleton<IKubernetesClientFactory>(static sp => sp.GetRequiredService<KubernetesClientFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DemoKubernetesControllerHost>());
        return services;
    }
}
