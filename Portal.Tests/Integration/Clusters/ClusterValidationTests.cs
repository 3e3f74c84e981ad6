using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Catalog;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>The creation rules that need the database: catalog, Service Config, platform and project, checked on the server.</summary>
public sealed class ClusterValidationTests
{
    [Fact]
    public async Task CreateAsync_DisabledFlavor_IsRefusedAndSavesNothing()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var medium = await s.FlavorAsync("m1.medium");
        (await s.Host.Services.GetRequiredService<CatalogService>().SetEnabledAsync(s.Host.Admin, CatalogKind.Flavor, [medium], false)).ShouldSucceed();

        var refusal = (await s.Commands.CreateAsync(s.Member, await s.RequestAsync())).ShouldBeRefused(RefusalKind.Invalid, Fields.ControlPlaneFlavor);

        Assert.Contains("not enabled", refusal.Message, StringComparison.Ordinal);
        await AssertNothingSavedAsync(s);
    }

    [Fact]
    public async Task CreateAsync_DisabledPoolFlavor_IsRefusedOnThatPool()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var large = await s.FlavorAsync("m1.large");
        (await s.Host.Services.GetRequiredService<CatalogService>().SetEnabledAsync(s.Host.Admin, CatalogKind.Flavor, [large], false)).ShouldSucceed();

        (await s.Commands.CreateAsync(s.Member, await s.RequestAsync(pools: [new NodePoolRequest("workers", await s.FlavorAsync("m1.medium"), 1), new NodePoolRequest("big", large, 1)])))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Pool(1).Flavor);
        await AssertNothingSavedAsync(s);
    }

    [Fact]
    public async Task CreateAsync_VersionWhoseImageIsDisabled_IsNotOffered()
    {
        await using var s = await ClusterScenario.CreateAsync();
        (await s.Host.Services.GetRequiredService<CatalogService>().SetEnabledAsync(s.Host.Admin, CatalogKind.Image, [await s.ImageAsync("1.33.1-1")], false)).ShouldSucceed();

        var refusal = (await s.Commands.CreateAsync(s.Member, await s.RequestAsync(version: "1.33.1-1"))).ShouldBeRefused(RefusalKind.Invalid, Fields.Version);
        var placement = Assert.Single((await s.Clusters.PlacementsAsync(s.Member, s.ProjectId)).ShouldSucceed());

        Assert.Contains("not offered", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(["1.32.3-5", "1.31.6-2"], placement.Versions.Select(v => v.Version).ToList());
    }

    [Fact]
    public async Task CreateAsync_DisabledMksPlatform_BlocksCreationAndHidesTheServiceConfig()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var platform = await s.Host.PlatformAsync(s.MksId);
        (await s.Host.Configs.SetEnabledAsync(s.Host.Admin, s.MksId, platform.Version, false)).ShouldSucceed();

        var refusal = (await s.Commands.CreateAsync(s.Member, await s.RequestAsync())).ShouldBeRefused(RefusalKind.Invalid, Fields.ServiceConfig);

        Assert.Contains("disabled", refusal.Message, StringComparison.Ordinal);
        Assert.Empty((await s.Clusters.PlacementsAsync(s.Member, s.ProjectId)).ShouldSucceed());
        await AssertNothingSavedAsync(s);
    }

    [Fact]
    public async Task CreateAsync_ServiceConfigNotOfferedToTheTenant_IsRefused()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var row = await s.Host.ConfigAsync(s.InfrastructureId, s.ConfigId);
        var globex = await s.Host.SeedTenantAsync("Initech");
        (await s.Host.Configs.UpdateAsync(s.Host.Admin, s.ConfigId, row.Version, row.Name, row.Description, false, [globex])).ShouldSucceed();

        (await s.Commands.CreateAsync(s.Member, await s.RequestAsync())).ShouldBeRefused(RefusalKind.Invalid, Fields.ServiceConfig);
        Assert.Empty((await s.Clusters.PlacementsAsync(s.Member, s.ProjectId)).ShouldSucceed());
    }

    [Fact]
    public async Task CreateAsync_HostedWithAFlavor_IsRefusedBecauseItRunsNoMachines()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var request = await s.RequestAsync(type: ControlPlaneType.Hosted) with { ControlPlaneFlavorId = await s.FlavorAsync("m1.medium") };

        (await s.Commands.CreateAsync(s.Member, request)).ShouldBeRefused(RefusalKind.Invalid, Fields.ControlPlaneFlavor);
    }

    [Fact]
    public async Task CreateAsync_NameTakenInTheProject_IsRefusedOnTheName()
    {
        await using var s = await ClusterScenario.CreateAsync();
        await s.CreateAsync(await s.RequestAsync());

        (await s.Commands.CreateAsync(s.Member, await s.RequestAsync())).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(-1)]
    public async Task CreateAsync_PoolSizeOutsideTheLimits_IsRefused(int nodes)
    {
        await using var s = await ClusterScenario.CreateAsync();
        (await s.Commands.CreateAsync(s.Member, await s.RequestAsync(pools: [new NodePoolRequest("workers", await s.FlavorAsync("m1.medium"), nodes)])))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Pool(0).NodeCount);
        await AssertNothingSavedAsync(s);
    }

    [Fact]
    public async Task ValidateAsync_StepByStep_ChecksOnlyUpToThatStep()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var partial = new CreateClusterRequest(s.ProjectId, null, "web-prod", null, ControlPlaneType.Standalone, 1, null, []);

        (await s.Clusters.ValidateAsync(s.Member, partial, ClusterWizardStep.Project)).ShouldSucceed();
        (await s.Clusters.ValidateAsync(s.Member, partial, ClusterWizardStep.Placement)).ShouldBeRefused(RefusalKind.Invalid, Fields.ServiceConfig);
        (await s.Clusters.ValidateAsync(s.Member, partial with { ServiceConfigId = s.ConfigId, Version = "1.32.3-5" }, ClusterWizardStep.ControlPlane))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.ControlPlaneFlavor);
        (await s.Clusters.ValidateAsync(s.Member, partial with { ServiceConfigId = s.ConfigId, Version = "1.32.3-5", ControlPlane = ControlPlaneType.Hosted, Replicas = 3 },
            ClusterWizardStep.NodePools)).ShouldBeRefused(RefusalKind.Invalid, Fields.Pools);
    }

    [Fact]
    public async Task PreflightAsync_DemoCloudWithRoom_PassesEveryCheck()
    {
        await using var s = await ClusterScenario.CreateAsync();

        var checks = (await s.Commands.PreflightAsync(s.Member, await s.RequestAsync())).ShouldSucceed();

        Assert.Contains(checks, c => c.Name == "Compute quota");
        Assert.All(checks, c => Assert.Equal(Portal.Jobs.Clusters.PreflightStatus.Passed, c.Status));
    }

    [Fact]
    public async Task PreflightAsync_MoreNodesThanTheQuota_FailsTheQuotaCheckWithNumbers()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var xlarge = await s.FlavorAsync("m1.xlarge");
        var request = await s.RequestAsync(replicas: 3, pools:
            [new NodePoolRequest("a", xlarge, 20), new NodePoolRequest("b", xlarge, 20), new NodePoolRequest("c", xlarge, 20)]);

        var checks = (await s.Commands.PreflightAsync(s.Member, request)).ShouldSucceed();

        var quota = Assert.Single(checks, c => c.Name == "Compute quota");
        Assert.Equal(Portal.Jobs.Clusters.PreflightStatus.Failed, quota.Status);
        Assert.Contains("63 VMs", quota.Message, StringComparison.Ordinal);

        // Creation is refused on the server as well, with the check's reason, and saves nothing.
        var refusal = (await s.Commands.CreateAsync(s.Member, request)).ShouldBeRefused(RefusalKind.Invalid, Fields.Preflight);
        Assert.StartsWith("Compute quota: ", refusal.Message, StringComparison.Ordinal);
        await AssertNothingSavedAsync(s);
    }

    private static async Task AssertNothingSavedAsync(ClusterScenario s)
    {
        await using var db = s.Host.NewContext();
        Assert.Equal(0, await db.Clusters.CountAsync());
        Assert.Equal(0, await db.NodePools.CountAsync());
        Assert.Equal(0, await db.Operations.CountAsync(o => o.Kind.StartsWith("mks-")));
    }
}
