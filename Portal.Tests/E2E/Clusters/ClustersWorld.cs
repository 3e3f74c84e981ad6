using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Catalog;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Jobs.Clusters;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.E2E.Clusters;

/// <summary>A tenant with one project and a member, on a demo cloud whose Service Config (with an MKS platform) is offered to it.</summary>
public sealed record ClusterTenant(Guid TenantId, string TenantName, Guid ProjectId, string ProjectName, string MemberEmail, Actor Member,
    Guid InfrastructureId, string InfrastructureName, Guid? ServiceConfigId, string ServiceConfigName);

/// <summary>
/// Seeds what the cluster scenarios start from through the domain services of the portal under test (the same database
/// the browser's host uses): a demo cloud with Kubernetes images and flavors in its catalog, a Service Config offered
/// to one tenant only (so tests do not see each other's), its MKS network platform, the tenant, a project and members.
/// </summary>
public sealed class ClustersWorld(PortalWebFactory app)
{
    public const string SmallFlavor = "m1.small";
    public const string MediumFlavor = "m1.medium";
    public const string OldVersion = "1.32.3-5";
    public const string NewVersion = "1.33.1-1";

    private T Service<T>() where T : notnull => app.Services.GetRequiredService<T>();

    /// <summary>
    /// A tenant (named after <paramref name="key"/>) with project "web" and a member, and — unless
    /// <paramref name="offerServiceConfig"/> is false — a demo cloud and a Service Config offered to it.
    /// </summary>
    public async Task<ClusterTenant> TenantAsync(string key, bool offerServiceConfig = true)
    {
        var admin = await app.AdminActorAsync();
        var tenancy = Service<TenancyService>();
        var tenantName = $"Team {key}";
        var tenantId = (await tenancy.CreateTenantAsync(admin, tenantName, $"team-{key}", null)).ShouldSucceed();
        var projectId = (await tenancy.CreateProjectAsync(admin, tenantId, "web", "The shop's web tier")).ShouldSucceed();
        var email = $"member-{key}@portal.test";
        var userId = await app.CreateUserAsync(email, displayName: $"Member {key}");
        (await tenancy.AddMemberAsync(admin, tenantId, email, TenantRole.Member)).ShouldSucceed();
        var member = new Actor(userId, $"Member {key}", PlatformRole.None);

        var infrastructureName = $"Demo cloud {key}";
        var infrastructureId = (await Service<InfrastructureService>().RegisterAsync(admin, new RegistrationRequest(infrastructureName, null, InfrastructureProvider.Demo,
            Placement.NewRegionAndZone($"Region {key}", $"zone-{key}"), null, null, new ConnectionCheck(true, "Demo cloud."), [], []))).ShouldSucceed();
        if (!offerServiceConfig)
            return new ClusterTenant(tenantId, tenantName, projectId, "web", email, member, infrastructureId, infrastructureName, null, "");

        var listing = (await Service<CloudCatalogReader>().ReadAsync(admin, infrastructureId)).ShouldSucceed();
        (await Service<CatalogService>().ImportAsync(admin, infrastructureId,
            listing.Flavors.Where(f => f.Name is SmallFlavor or MediumFlavor or "m1.large").ToList(),
            listing.Images.Where(i => i.KubernetesVersion is OldVersion or NewVersion).ToList())).ShouldSucceed();
        var configName = $"standard-{key}";
        var configId = (await Service<ServiceConfigService>().CreateAsync(admin, infrastructureId, configName, null, false, [tenantId])).ShouldSucceed();
        (await Service<PlatformCommands>().CreateMksAsync(admin, configId, listing.ExternalNetworks[0].Id)).ShouldSucceed();
        return new ClusterTenant(tenantId, tenantName, projectId, "web", email, member, infrastructureId, infrastructureName, configId, configName);
    }

    /// <summary>Adds another person to the tenant with <paramref name="role"/>; returns their email.</summary>
    public async Task<string> AddPersonAsync(ClusterTenant tenant, string name, TenantRole role)
    {
        var email = $"{name}@portal.test";
        await app.CreateUserAsync(email, displayName: name);
        (await Service<TenancyService>().AddMemberAsync(await app.AdminActorAsync(), tenant.TenantId, email, role)).ShouldSucceed();
        return email;
    }

    /// <summary>Creates a cluster as the tenant's member, straight through the commands (as the wizard's last step does).</summary>
    public async Task<Guid> CreateClusterAsync(ClusterTenant tenant, string name, ControlPlaneType controlPlane = ControlPlaneType.Standalone,
        string version = OldVersion, params (string Name, int Nodes)[] pools)
    {
        var placement = Assert.Single((await Service<ClusterService>().PlacementsAsync(tenant.Member, tenant.ProjectId)).ShouldSucceed());
        var small = placement.Flavors.Single(f => f.Name == SmallFlavor).Id;
        var request = new CreateClusterRequest(tenant.ProjectId, placement.ServiceConfigId, name, version, controlPlane,
            controlPlane == ControlPlaneType.Hosted ? Limits.HostedControlPlaneReplicas : 1,
            controlPlane == ControlPlaneType.Hosted ? null : small,
            (pools.Length == 0 ? [("workers", 1)] : pools).Select(p => new NodePoolRequest(p.Name, small, p.Nodes)).ToList());
        return (await Service<ClusterCommands>().CreateAsync(tenant.Member, request)).ShouldSucceed();
    }
}
