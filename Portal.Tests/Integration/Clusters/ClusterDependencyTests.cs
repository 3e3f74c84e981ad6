using Microsoft.EntityFrameworkCore;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>What clusters hold on to: their MKS platform, their project; and who drives their operations.</summary>
public sealed class ClusterDependencyTests
{
    [Fact]
    public async Task DeleteMksPlatform_WhileClustersUseIt_IsRefusedNamingThem()
    {
        await using var s = await ClusterScenario.CreateAsync();
        await s.CreateActiveAsync();

        var refusal = (await s.Host.Configs.DeletePlatformAsync(s.Host.Admin, s.MksId)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("web-prod", refusal.Message, StringComparison.Ordinal);
        Assert.NotNull(await s.Host.FindPlatformRowAsync(s.MksId));
    }

    [Fact]
    public async Task DeleteProject_WithClusters_IsRefusedNamingThem()
    {
        await using var s = await ClusterScenario.CreateAsync();
        await s.CreateActiveAsync();
        var tenancy = new TenancyService(s.Host.Services.GetRequiredService<IDbContextFactory<Portal.Domain.Data.PortalDbContext>>(),
            s.Host.Services.GetRequiredService<CommandRunner>(), TimeProvider.System);

        var refusal = (await tenancy.DeleteProjectAsync(s.Host.Admin, s.ProjectId)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("still has clusters: web-prod", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListProjects_ProjectWithClusters_GivesTheDeleteRefusalAsItsDisabledReason()
    {
        await using var s = await ClusterScenario.CreateAsync();
        await s.CreateActiveAsync();
        var tenancy = new TenancyService(s.Host.Services.GetRequiredService<IDbContextFactory<Portal.Domain.Data.PortalDbContext>>(),
            s.Host.Services.GetRequiredService<CommandRunner>(), TimeProvider.System);

        var row = Assert.Single((await tenancy.ListProjectsAsync(s.Host.Admin, null, new PageRequest())).Items, p => p.Id == s.ProjectId);
        var refusal = (await tenancy.DeleteProjectAsync(s.Host.Admin, s.ProjectId)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(refusal.Message, row.WhyNotDelete);
    }

    [Fact]
    public async Task OperationsPageRetry_OfAClusterAction_IsRefusedInFavourOfTheClusterPage()
    {
        await using var s = await ClusterScenario.CreateAsync();
        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "NoValidHost", "No valid host was found.");
        var id = await s.CreateAsync(await s.RequestAsync());
        await s.WaitForAsync(id, c => c!.State == ClusterState.Error);
        var create = await s.LatestAsync(id, ClusterOperations.Create);

        var refusal = (await s.Host.Operations.RetryAsync(s.Host.Admin, create.Id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("from the cluster's page", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(Portal.Domain.Operations.OperationState.Failed, (await s.Host.LoadOperationAsync(create.Id)).State);
    }
}
