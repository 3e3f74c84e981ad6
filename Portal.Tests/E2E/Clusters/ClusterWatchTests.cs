using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Clusters;

/// <summary>
/// A cluster's page follows its management cluster through the watch: a change made straight in the (demo) management
/// cluster shows on the open page without a reload, long before the periodic reconcile (minutes) would run.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClusterWatchTests(ClustersBrowserFixture fixture, ITestOutputHelper output) : ClustersBrowserTest(fixture, output)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToContainTextOptions Soon = new() { Timeout = 20_000 };

    private ClustersWorld World => new(App);

    [Fact]
    public Task A_fault_raised_in_the_management_cluster_shows_on_the_open_page_and_clears_without_a_reload() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("watched");
        var id = await World.CreateClusterAsync(tenant, "watched", pools: ("workers", 1));
        await SignInAsync(tenant.MemberEmail);
        var screen = new ClustersScreen(page);
        await screen.OpenClusterAsync(id);
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        var url = page.Url;

        // Nothing the portal does: the provider reports a fault on the pool's MachineDeployment.
        Fixture.Kube.FailNext("MachineDeployment", "watched-workers", "QuotaExceeded", "Quota exceeded for instances: watched by the page");

        await Expect(screen.PoolRow("workers")).ToContainTextAsync("Quota exceeded for instances: watched by the page", Soon);
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Degraded", Slow);
        await SnapshotAsync("watch-01-fault-from-the-management-cluster");

        Fixture.Kube.Heal("MachineDeployment", "watched-workers");

        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        await Expect(screen.PoolRow("workers")).Not.ToContainTextAsync("Quota exceeded", Soon.Timeout is { } t ? new() { Timeout = t } : null);
        Assert.Equal(url, page.Url);
    });
}
