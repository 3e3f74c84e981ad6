using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>The cluster list: server-side filter, search, order and paging.</summary>
public sealed class ClusterListTests
{
    [Fact]
    public async Task ListAsync_SortedByName_PagesInThatOrderBothWays()
    {
        await using var s = await ClusterScenario.CreateAsync(dispatch: false);
        foreach (var name in new[] { "bravo", "alpha", "delta", "charlie" })
            await RecordAsync(s, name);

        var ascending = await s.Clusters.ListAsync(s.Member, new ClusterFilter(), new PageRequest(0, 3), ClusterSort.Name, descending: false);
        var next = await s.Clusters.ListAsync(s.Member, new ClusterFilter(), new PageRequest(3, 3), ClusterSort.Name, descending: false);
        var descending = await s.Clusters.ListAsync(s.Member, new ClusterFilter(), new PageRequest(0, 2), ClusterSort.Name, descending: true);

        Assert.Equal(["alpha", "bravo", "charlie"], ascending.Items.Select(r => r.Name).ToList());
        Assert.Equal(["delta"], next.Items.Select(r => r.Name).ToList());
        Assert.Equal(4, ascending.Total);
        Assert.Equal(["delta", "charlie"], descending.Items.Select(r => r.Name).ToList());
    }

    [Fact]
    public async Task ListAsync_SearchAndFilters_NarrowOnTheServer()
    {
        await using var s = await ClusterScenario.CreateAsync(dispatch: false);
        await RecordAsync(s, "web-prod");
        await RecordAsync(s, "web-test");
        await RecordAsync(s, "batch");

        var search = await s.Clusters.ListAsync(s.Member, new ClusterFilter(), new PageRequest(0, 20, "web-"));
        var pending = await s.Clusters.ListAsync(s.Member, new ClusterFilter(State: ClusterState.Pending), new PageRequest());
        var active = await s.Clusters.ListAsync(s.Member, new ClusterFilter(State: ClusterState.Active), new PageRequest());
        var otherProject = await s.Clusters.ListAsync(s.Member, new ClusterFilter(ProjectId: s.OtherProjectId), new PageRequest());
        var wildcard = await s.Clusters.ListAsync(s.Member, new ClusterFilter(), new PageRequest(0, 20, "%"));

        Assert.Equal(["web-test", "web-prod"], search.Items.Select(r => r.Name).ToList());
        Assert.Equal(3, pending.Total);
        Assert.Equal(0, active.Total);
        Assert.Equal(0, otherProject.Total);
        Assert.Equal(0, wildcard.Total);
    }

    /// <summary>Records a cluster; the scenario does not dispatch (see <see cref="ClusterScenario.CreateAsync"/>), so it stays Pending.</summary>
    private static async Task RecordAsync(ClusterScenario s, string name) =>
        (await s.Clusters.CreateAsync(s.Member, await s.RequestAsync(name))).ShouldSucceed();
}
