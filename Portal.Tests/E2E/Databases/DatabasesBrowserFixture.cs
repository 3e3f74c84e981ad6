using Portal.DemoCloud.Kubernetes;
using Portal.Tests.E2E.Clusters;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.E2E.Databases;

/// <summary>
/// The portal for the database journeys: like <see cref="ClustersBrowserFixture"/> (one demo Kubernetes API shared by
/// both hosts, reachable as <see cref="Kube"/> for faults), with CloudNativePG steps that take a few hundred
/// milliseconds each: long enough to see Creating, Scaling or Upgrading on the page, short enough for the journeys to
/// stay quick.
/// </summary>
public sealed class DatabasesBrowserFixture : PortalBrowserFixture
{
    public static readonly DemoControllerDelays Delays = ClustersBrowserFixture.Delays with
    {
        PostgresPrimary = TimeSpan.FromMilliseconds(800),
        PostgresReplica = TimeSpan.FromMilliseconds(500),
        PostgresRecovery = TimeSpan.FromMilliseconds(800),
        PostgresInstanceRestart = TimeSpan.FromMilliseconds(300),
        PostgresMajorUpgrade = TimeSpan.FromMilliseconds(800),
        PostgresSwitchover = TimeSpan.FromMilliseconds(300),
        PostgresStorageResize = TimeSpan.FromMilliseconds(500),
        PostgresHibernation = TimeSpan.FromMilliseconds(500),
        PostgresBackup = TimeSpan.FromMilliseconds(600),
    };

    public DemoKubernetesApi Kube { get; } = new(TimeProvider.System, new DemoKubernetesOptions { Tick = TimeSpan.FromMilliseconds(100), Delays = Delays });

    protected override int ViewportHeight => 1000;

    protected override Task<PortalKestrelFactory> CreateAppAsync() => Task.FromResult<PortalKestrelFactory>(new ClustersPortalFactory(Kube));
}

/// <summary><see cref="BrowserTest"/> on <see cref="DatabasesBrowserFixture"/>.</summary>
public abstract class DatabasesBrowserTest(DatabasesBrowserFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : BrowserTest<DatabasesBrowserFixture>(fixture, output)
{
    /// <summary>Signs in a user the test created (they all share the test password).</summary>
    protected Task SignInAsync(string email) => SignInAsync(email, PortalWebFactory.DefaultUserPassword);
}
