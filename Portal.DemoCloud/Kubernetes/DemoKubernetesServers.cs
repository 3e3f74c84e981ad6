using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Portal.Jobs.Kubernetes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>Offers the demo Kubernetes API to the client factory for its management and workload cluster addresses.</summary>
public sealed class DemoKubernetesServers(DemoKubernetesApi api) : IInProcessKubernetesServers
{
    public HttpMessageHandler? HandlerFor(Uri server) => DemoKubernetesApi.IsDemo(server) ? api.Handler : null;
}

public static class DemoKubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the demo Kubernetes API (<see cref="DemoKubernetesApi"/>) and its options as singletons, offers it to
    /// the Kubernetes client factory as an in-process server, and adds the hosted service that runs its simulated
    /// controllers. Uses the registered TimeProvider (System if none).
    /// </summary>
    public static IServiceCollection AddDemoKubernetes(this IServiceCollection services, DemoKubernetesOptions? options = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options ?? new DemoKubernetesOptions());
        services.TryAddSingleton(static sp => new DemoKubernetesApi(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DemoKubernetesOptions>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInProcessKubernetesServers, DemoKubernetesServers>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DemoKubernetesControllerHost>());
        return services;
    }
}
