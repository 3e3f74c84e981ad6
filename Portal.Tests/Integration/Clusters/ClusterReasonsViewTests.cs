using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>The cluster page's disabled actions carry the very refusal the server gives when the action is tried anyway.</summary>
public sealed class ClusterReasonsViewTests
{
    [Fact]
    public async Task GetAsync_ActiveClusterWithOnePool_CarriesTheRefusalsOfUpgradeAndRemove()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        var detail = (await s.Clusters.GetAsync(s.Member, cluster.Id)).ShouldSucceed();
        var pool = detail.Pools.Single();

        Assert.Null(pool.WhyNotChange);
        Assert.Null(pool.WhyNotScale);
        Assert.Null(detail.WhyNotAddPool);
        Assert.Null(detail.WhyNotResync);
        Assert.Null(detail.WhyNotScaleControlPlane);
        Assert.NotNull(pool.WhyNotUpgrade);
        Assert.Equal(pool.WhyNotUpgrade, (await s.Clusters.UpgradePoolAsync(s.Member, pool.Id, pool.Version)).ShouldBeRefused(RefusalKind.Conflict).Message);
        Assert.NotNull(pool.WhyNotRemove);
        Assert.Equal(pool.WhyNotRemove, (await s.Clusters.RemovePoolAsync(s.Member, pool.Id, pool.Version)).ShouldBeRefused(RefusalKind.Conflict).Message);
    }
}
