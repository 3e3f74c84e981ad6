using Bunit;
using Portal.Components.Clusters;
using Portal.Domain.Clusters;
using Portal.Tests.Integration.Clusters;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Clusters;

/// <summary>The cluster list follows changes as they are announced, with no timer to catch up on them.</summary>
public sealed class ClustersPageTests : ComponentTest
{
    [Fact]
    public async Task ClustersPage_AClusterIsCreatedAndActivatedElsewhere_ShowsItAndItsStateWithoutAReload()
    {
        await using var s = await ClusterScenario.CreateAsync();
        PortalServicesFixture.Register(this, s.Host.Services, s.TenantViewer);
        RenderProviders();
        var page = Render<ClustersPage>();
        page.WaitForAssertion(() => Assert.Contains("No clusters yet", page.Markup, StringComparison.Ordinal));

        // Another person creates one: the page hears of it from the resource-changed events alone.
        var id = await s.CreateAsync(await s.RequestAsync("announced"));
        await s.WaitForAsync(id, c => c?.State == ClusterState.Active && c.Pools.All(p => p.State == ClusterState.Active));

        page.WaitForAssertion(() =>
        {
            Assert.Contains("announced", page.Markup, StringComparison.Ordinal);
            Assert.Contains("data-cluster-state=\"Active\"", page.Markup, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ClustersPage_TheReconcileReadsAFaultBack_ShowsItWithinSecondsWithoutAnOperation()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        PortalServicesFixture.Register(this, s.Host.Services, s.TenantViewer);
        RenderProviders();
        var page = Render<ClustersPage>();
        page.WaitForAssertion(() => Assert.Contains("web-prod", page.Markup, StringComparison.Ordinal));

        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "QuotaExceeded", "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances");
        await Integration.ServiceConfigs.ServiceConfigTestHost.PollAsync(async () =>
        {
            await s.Reconciler.ReconcileAllAsync(default);
            return (await s.FindAsync(cluster.Id))!;
        }, c => c.Pools.Single().ProviderFault is not null, TimeSpan.FromSeconds(10), c => $"pool fault is '{c.Pools.Single().ProviderFault}'");

        // Well within the ten seconds the list used to poll at: only the reconcile's event can have brought it.
        page.WaitForAssertion(() => Assert.Contains("Quota exceeded for instances", page.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(4));
    }
}
