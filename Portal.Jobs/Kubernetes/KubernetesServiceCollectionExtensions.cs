using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Portal.Jobs.Kubernetes;

public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kubernetes client factory (<see cref="IKubernetesClientFactory"/>, also as
    /// <see cref="KubernetesClientFactory"/>) and its options as singletons. Every registered
    /// <see cref="IInProcessKubernetesServers"/> (the demo registers one) is served without sockets. Needs logging
    /// (ILoggerFactory) and uses the registered TimeProvider (System if none).
    /// </summary>
    public static IServiceCollection AddKubernetesClients(this IServiceCollection services, KubernetesClientOptions? clientOptions = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(clientOptions ?? new KubernetesClientOptions());
        services.TryAddSingleton(static sp => new KubernetesClientFactory(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetServices<IInProcessKubernetesServers>(),
            sp.GetRequiredService<KubernetesClientOptions>()));
        services.TryAddSingleton<IKubernetesClientFactory>(static sp => sp.GetRequiredService<KubernetesClientFactory>());
        return services;
    }
}
