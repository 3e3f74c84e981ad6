using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Tests.Integration.Clusters;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// The deletion-order and "at least one" rules of placement, platforms and clusters under two requests at the same
/// moment (see <see cref="Race"/>): a parent's delete racing the creation of a child, in both orders, and the last two
/// node pools removed together. Exactly one request succeeds, the other is refused with the rule's own reason, and the
/// rule holds in the database afterwards.
/// </summary>
public sealed class PlacementInvariantRaceTests
{
    [Fact]
    public async Task DeleteMksPlatform_ClusterCreatedAtTheSameMoment_NeverLeavesAClusterWithoutItsPlatform()
    {
        await using var s = await ClusterScenario.CreateAsync(dispatch: false);
        var otherConfig = await s.Host.CreateConfigAsync(s.InfrastructureId, "Other");
        var otherMks = await s.Host.AddMksAsync(s.InfrastructureId, otherConfig);

        // The cluster first: the platform's delete sees it.
        var (created, deleted) = await Race.OverlapAsync(s.Host.Hook,
            async () => await s.Clusters.CreateAsync(s.Member, await s.RequestAsync("first")),
            () => s.Host.Configs.DeletePlatformAsync(s.Host.Admin, s.MksId));
        created.ShouldSucceed();
        Assert.StartsWith("Managed Kubernetes clusters attach to the external network of this MKS network platform: first.",
            deleted.ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);

        // The delete first: the cluster's checks see the platform gone.
        var request = await s.RequestAsync("second") with { ServiceConfigId = otherConfig };
        var (deletedFirst, refused) = await Race.OverlapAsync(s.Host.Hook,
            () => s.Host.Configs.DeletePlatformAsync(s.Host.Admin, otherMks),
            () => s.Clusters.CreateAsync(s.Member, request));
        deletedFirst.ShouldSucceed();
        Assert.Equal("Service Config Other has no MKS network platform, so it cannot place clusters.",
            refused.ShouldBeRefused(RefusalKind.Invalid, Fields.ServiceConfig).Message);

        await using var db = s.Host.NewContext();
        var orphans = await db.Clusters.Where(c => !db.ServicePlatforms.Any(p => p.ServiceConfigId == c.ServiceConfigId && p.Kind == PlatformKind.Mks))
            .Select(c => c.Name).ToListAsync();
        Assert.Empty(orphans);
    }

    [Fact]
    public async Task DeleteProject_ClusterCreatedAtTheSameMoment_RefusesOneWithItsReason()
    {
        await using var s = await ClusterScenario.CreateAsync(dispatch: false);
        var otherProject = await SeedProjectAsync(s, "api");

        var (created, deleted) = await Race.OverlapAsync(s.Host.Hook,
            async () => await s.Clusters.CreateAsync(s.Member, await s.RequestAsync("first")),
            () => Tenancy(s).DeleteProjectAsync(s.Host.Admin, s.ProjectId));
        created.ShouldSucceed();
        Assert.Equal("Project 'web' still has clusters: first. Delete them first.", deleted.ShouldBeRefused(RefusalKind.Conflict).Message);

        var request = await s.RequestAsync("second") with { ProjectId = otherProject };
        var (deletedFirst, refused) = await Race.OverlapAsync(s.Host.Hook,
            () => Tenancy(s).DeleteProjectAsync(s.Host.Admin, otherProject),
            () => s.Clusters.CreateAsync(s.Member, request));
        deletedFirst.ShouldSucceed();
        Assert.Equal("That project was not found. It may have been deleted.", refused.ShouldBeRefused(RefusalKind.Invalid, Fields.Project).Message);

        await using var db = s.Host.NewContext();
        Assert.Equal(["first"], await db.Clusters.Select(c => c.Name).ToListAsync());
        Assert.True(await db.Projects.AnyAsync(p => p.Id == s.ProjectId));
    }

    [Fact]
    public async Task DeleteServiceConfig_PlatformCreatedAtTheSameMoment_RefusesOneWithItsReason()
    {
        await using var s = await ClusterScenario.CreateAsync(dispatch: false);
        var network = await s.Host.ExternalNetworkAsync(s.InfrastructureId);
        var (first, second) = (await s.Host.CreateConfigAsync(s.InfrastructureId, "First"), await s.Host.CreateConfigAsync(s.InfrastructureId, "Second"));

        var (created, deleted) = await Race.OverlapAsync(s.Host.Hook,
            () => s.Host.Configs.CreateMksPlatformAsync(s.Host.Admin, first, network, "public"),
            () => s.Host.Configs.DeleteAsync(s.Host.Admin, first));
        created.ShouldSucceed();
        Assert.StartsWith("Service Config 'First' still has platforms:", deleted.ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);

        var (deletedFirst, refused) = await Race.OverlapAsync(s.Host.Hook,
            () => s.Host.Configs.DeleteAsync(s.Host.Admin, second),
            () => s.Host.Configs.CreateMksPlatformAsync(s.Host.Admin, second, network, "public"));
        deletedFirst.ShouldSucceed();
        refused.ShouldBeRefused(RefusalKind.NotFound);

        await using var db = s.Host.NewContext();
        Assert.Single(await db.ServicePlatforms.Where(p => p.ServiceConfigId == first).ToListAsync());
        Assert.False(await db.ServiceConfigs.AnyAsync(c => c.Id == second));
    }

    [Fact]
    public async Task DeleteInfrastructure_ServiceConfigCreatedAtTheSameMoment_RefusesOneWithItsReason()
    {
        await using var s = await ClusterScenario.CreateAsync(dispatch: false);
        var (first, second) = (await s.Host.RegisterDemoAsync("First"), await s.Host.RegisterDemoAsync("Second"));

        var (created, deleted) = await Race.OverlapAsync(s.Host.Hook,
            () => s.Host.Configs.CreateAsync(s.Host.Admin, first, "Standard", null, true, []),
            () => s.Host.Infrastructures.DeleteAsync(s.Host.Admin, first));
        created.ShouldSucceed();
        Assert.Equal("'First' still has Service Configs: Standard. Delete them first.", deleted.ShouldBeRefused(RefusalKind.Conflict).Message);

        var (deletedFirst, refused) = await Race.OverlapAsync(s.Host.Hook,
            () => s.Host.Infrastructures.DeleteAsync(s.Host.Admin, second),
            () => s.Host.Configs.CreateAsync(s.Host.Admin, second, "Standard", null, true, []));
        deletedFirst.ShouldSucceed();
        refused.ShouldBeRefused(RefusalKind.NotFound);

        await using var db = s.Host.NewContext();
        Assert.Equal(1, await db.ServiceConfigs.CountAsync(c => c.InfrastructureId == first));
        Assert.False(await db.ServiceConfigs.AnyAsync(c => c.InfrastructureId == second));
    }

    [Fact]
    public async Task DeleteZone_InfrastructureMovedIntoItAtTheSameMoment_RefusesOneWithItsReason()
    {
        await using var s = await ClusterScenario.CreateAsync(dispatch: false);
        var regions = s.Host.Services.GetRequiredService<RegionService>();
        var regionId = (await regions.CreateRegionAsync(s.Host.Admin, "Europe", null)).ShouldSucceed();
        var (first, second) = ((await regions.CreateZoneAsync(s.Host.Admin, regionId, "eu-1", null)).ShouldSucceed(),
            (await regions.CreateZoneAsync(s.Host.Admin, regionId, "eu-2", null)).ShouldSucceed());
        var infrastructureId = await s.Host.RegisterDemoAsync("Moving");

        var (moved, deleted) = await Race.OverlapAsync(s.Host.Hook,
            async () => await s.Host.Infrastructures.UpdateDetailsAsync(s.Host.Admin, infrastructureId, await VersionAsync(s, infrastructureId), "Moving", null, first),
            () => regions.DeleteZoneAsync(s.Host.Admin, first));
        moved.ShouldSucceed();
        Assert.Equal("Zone 'eu-1' still holds infrastructures: Moving. Move or delete them first.", deleted.ShouldBeRefused(RefusalKind.Conflict).Message);

        var version = await VersionAsync(s, infrastructureId);
        var (deletedFirst, refused) = await Race.OverlapAsync(s.Host.Hook,
            () => regions.DeleteZoneAsync(s.Host.Admin, second),
            () => s.Host.Infrastructures.UpdateDetailsAsync(s.Host.Admin, infrastructureId, version, "Moving", null, second));
        deletedFirst.ShouldSucceed();
        Assert.Equal("Choose a zone.", refused.ShouldBeRefused(RefusalKind.Invalid, Fields.Zone).Message);

        await using var db = s.Host.NewContext();
        Assert.Equal(first, await db.Infrastructures.Where(i => i.Id == infrastructureId).Select(i => i.ZoneId).SingleAsync());
        Assert.False(await db.Zones.AnyAsync(z => z.Id == second));
    }

    [Fact]
    public async Task RemovePool_TheLastTwoPoolsRemovedAtTheSameMoment_KeepsOnePoolAndSaysWhy()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var medium = await s.FlavorAsync("m1.medium");
        var cluster = await s.CreateActiveAsync(await s.RequestAsync(pools: [new NodePoolRequest("workers", medium, 1), new NodePoolRequest("batch", medium, 1)]));
        var (workers, batch) = (cluster.Pools.Single(p => p.Name == "workers"), cluster.Pools.Single(p => p.Name == "batch"));

        var (removed, refused) = await Race.OverlapAsync(s.Host.Hook,
            () => s.Clusters.RemovePoolAsync(s.Member, workers.Id, workers.Version),
            () => s.Clusters.RemovePoolAsync(s.Member, batch.Id, batch.Version));

        removed.ShouldSucceed();
        Assert.Equal("A cluster needs at least one node pool; this is its last. Add another pool first, or delete the cluster.",
            refused.ShouldBeRefused(RefusalKind.Conflict).Message);
        await using var db = s.Host.NewContext();
        Assert.Equal(["batch"], await db.NodePools.Where(p => p.ClusterId == cluster.Id && p.State != ClusterState.Deleting).Select(p => p.Name).ToListAsync());
        await s.WaitForOperationAsync(removed.Value!.OperationId, o => o.IsFinished);
    }

    private static TenancyService Tenancy(ClusterScenario s) => s.Host.Services.GetRequiredService<TenancyService>();

    private static async Task<Guid> SeedProjectAsync(ClusterScenario s, string name)
    {
        await using var db = s.Host.NewContext();
        var project = Project.Create(s.TenantId, name, null, DateTimeOffset.UtcNow).ShouldSucceed();
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        return project.Id;
    }

    private static async Task<int> VersionAsync(ClusterScenario s, Guid infrastructureId)
    {
        await using var db = s.Host.NewContext();
        return await db.Infrastructures.Where(i => i.Id == infrastructureId).Select(i => i.Version).SingleAsync();
    }
}
