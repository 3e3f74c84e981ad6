using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.E2E.Clusters;

/// <summary>
/// The portal for the cluster scenarios: like <see cref="PortalBrowserFixture"/>, but its demo Kubernetes API moves
/// clusters along in about a second per step (instead of the demo's realistic delays) and is one instance shared by
/// both hosts the factory starts, so a test can inject faults into the API the browser's actions run against
/// (<see cref="Kube"/>). Operations run on the Kestrel host (the process-wide scheduler's job factory is the last
/// host's), which is why a per-host instance would not do.
/// </summary>
public sealed class ClustersBrowserFixture : PortalBrowserFixture
{
    /// <summary>Quick but visible: each state (Creating, Scaling, …) lasts long enough to be seen in the browser.</summary>
    public static readonly DemoControllerDelays Delays = DemoControllerDelays.Instant with
    {
        InfrastructureProvisioning = TimeSpan.FromMilliseconds(800),
        ControlPlaneMachine = TimeSpan.FromMilliseconds(800),
        HostedControlPlane = TimeSpan.FromMilliseconds(800),
        WorkerMachine = TimeSpan.FromMilliseconds(500),
        ClusterDeletion = TimeSpan.FromMilliseconds(500),
        NamespaceTermination = TimeSpan.FromMilliseconds(200),
        DeploymentRollout = TimeSpan.FromMilliseconds(300),
    };

    public DemoKubernetesApi Kube { get; } = new(TimeProvider.System, new DemoKubernetesOptions { Tick = TimeSpan.FromMilliseconds(100), Delays = Delays });

    protected override int ViewportHeight => 1000;

    protected override Task<PortalKestrelFactory> CreateAppAsync() => Task.FromResult<PortalKestrelFactory>(new ClustersPortalFactory(Kube));
}

/// <summary>The portal on Kestrel with <paramref name="kube"/> as its demo Kubernetes API (in both of the factory's hosts).</summary>
public sealed class ClustersPortalFactory(DemoKubernetesApi kube) : PortalKestrelFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Registered after the app's own (TryAdd) registrations, so these win.
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(kube.Options);
            services.AddSingleton(kube);
        });
    }
}
