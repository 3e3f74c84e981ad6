using Microsoft.EntityFrameworkCore;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>Tenant isolation and roles, enforced by the server for every read and every action.</summary>
public sealed class ClusterAccessTests
{
    [Fact]
    public async Task OtherTenantsMember_CanNeitherSeeNorActOnTheCluster()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();
        var operation = (await s.HistoryAsync(cluster.Id))[0];

        Assert.Empty((await s.Clusters.ListAsync(s.Outsider, new ClusterFilter(), new PageRequest())).Items);
        Assert.Empty((await s.Clusters.ListAsync(s.Outsider, new ClusterFilter(TenantId: s.TenantId), new PageRequest())).Items);
        (await s.Clusters.GetAsync(s.Outsider, cluster.Id)).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.HistoryAsync(s.Outsider, cluster.Id, null, new PageRequest())).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.ScalePoolAsync(s.Outsider, pool.Id, pool.Version, 3)).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.ScaleControlPlaneAsync(s.Outsider, cluster.Id, cluster.Version, 3)).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.UpgradeControlPlaneAsync(s.Outsider, cluster.Id, cluster.Version, "1.33.1-1")).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.DeleteAsync(s.Outsider, cluster.Id, cluster.Name)).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.RetryAsync(s.Outsider, operation.Id)).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.CancelAsync(s.Outsider, operation.Id)).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Commands.KubeconfigAsync(s.Outsider, cluster.Id)).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.PlacementsAsync(s.Outsider, s.ProjectId)).ShouldBeRefused(RefusalKind.NotFound);

        var request = await s.RequestAsync("sneaky");
        (await s.Commands.CreateAsync(s.Outsider, request)).ShouldBeRefused(RefusalKind.Invalid, Fields.Project);
        var after = await s.FindAsync(cluster.Id);
        Assert.Equal(cluster.Version, after!.Version);
        Assert.Equal(2, after.Pools.Single().NodeCount);
    }

    [Fact]
    public async Task TenantViewer_ReadsButCannotChangeOrDownloadTheKubeconfig()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();

        var detail = (await s.Clusters.GetAsync(s.TenantViewer, cluster.Id)).ShouldSucceed();
        Assert.False(detail.CanOperate);
        Assert.False(detail.CanDownloadKubeconfig);
        Assert.Single((await s.Clusters.ListAsync(s.TenantViewer, new ClusterFilter(), new PageRequest())).Items);
        (await s.Clusters.ScalePoolAsync(s.TenantViewer, pool.Id, pool.Version, 3)).ShouldBeRefused(RefusalKind.Forbidden);
        (await s.Commands.KubeconfigAsync(s.TenantViewer, cluster.Id)).ShouldBeRefused(RefusalKind.Forbidden);
        Assert.Empty(await s.Clusters.ProjectsForCreateAsync(s.TenantViewer));
    }

    [Fact]
    public async Task PlatformAdmin_SeesEveryTenantsClustersButCannotOperateOrReadTheirKubeconfig()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        var row = Assert.Single((await s.Clusters.ListAsync(s.Host.Admin, new ClusterFilter(), new PageRequest())).Items);
        Assert.Equal("Acme", row.TenantName);
        Assert.False((await s.Clusters.GetAsync(s.Host.Admin, cluster.Id)).ShouldSucceed().CanOperate);
        (await s.Commands.KubeconfigAsync(s.Host.Admin, cluster.Id)).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task KubeconfigAsync_MemberOfTheTenant_GetsTheClustersKubeconfigAndTheDownloadIsAudited()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        var kubeconfig = (await s.Commands.KubeconfigAsync(s.Member, cluster.Id)).ShouldSucceed();

        Assert.Contains("apiVersion: v1", kubeconfig, StringComparison.Ordinal);
        Assert.Contains("web-prod", kubeconfig, StringComparison.Ordinal);
        await using var db = s.Host.NewContext();
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "mks-cluster.kubeconfig-download");
        Assert.Equal(s.Member.UserId, audit.ActorId);
        Assert.Equal("web-prod", audit.TargetName);
        Assert.DoesNotContain("token", audit.Parameters, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task KubeconfigAsync_BeforeTheClusterIsActive_IsRefused()
    {
        await using var s = await ClusterScenario.CreateAsync(Portal.DemoCloud.Kubernetes.DemoControllerDelays.Instant with { InfrastructureProvisioning = TimeSpan.FromMinutes(10) });
        var id = await s.CreateAsync(await s.RequestAsync());

        Assert.Contains("available once it is active", (await s.Commands.KubeconfigAsync(s.Member, id)).ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardSummary_CountsOnlyTheTenantsClustersAndThoseNeedingAttention()
    {
        await using var s = await ClusterScenario.CreateAsync();
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "InstanceStateError", "No valid host was found.");
        var id = await s.CreateAsync(await s.RequestAsync());
        await s.WaitForAsync(id, c => c!.State == ClusterState.Error);
        var dashboard = new Portal.Domain.Dashboard.DashboardService(
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Domain.Data.PortalDbContext>>(s.Host.Services));

        var member = await dashboard.SummaryAsync(s.Member);
        var outsider = await dashboard.SummaryAsync(s.Outsider);

        Assert.Equal((1, 1), (member.Clusters, member.ClustersNeedingAttention));
        Assert.Equal((0, 0), (outsider.Clusters, outsider.ClustersNeedingAttention));
    }
}
