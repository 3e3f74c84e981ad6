using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Jobs.Clusters;
using Portal.Tests.Integration.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Infrastructures;

/// <summary>
/// Hostile pasted text (<see cref="HostileText"/>) given where people register an infrastructure (its CA bundle), add a
/// PostgreSQL platform (its kubeconfig) or set a management cluster: each is refused on its field and nothing is saved.
/// </summary>
[Collection(PlatformOperationsCollection.Name)]
public sealed class HostileTextSavesNothingTests
{
    public static TheoryData<string> Cases() => [.. HostileText.Texts.Select(c => c.Name)];

    private static string Text(string name) => HostileText.Texts.Single(c => c.Name == name).Text;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RegisterAsync_HostileCaBundle_IsRefusedOnCaBundleAndSavesNothing(string hostile)
    {
        await using var host = await InfrastructureTestHost.CreateAsync();
        var admin = await host.AddUserAsync("admin@portal.test", PlatformRole.Admin);
        var connection = new ConnectionSettings("https://keystone.example.com:5000/v3", "RegionOne", EndpointInterfaceKind.Public,
            CredentialKind.ApplicationCredential, "app-id", null, null, null, null, "-----BEGIN CERTIFICATE-----\n" + Text(hostile));
        var request = new RegistrationRequest("Hostile", null, InfrastructureProvider.OpenStack, Placement.NewRegionAndZone("Hostile region", "hostile-a"),
            connection, "app-secret", new ConnectionCheck(true, "Authenticated."), [], []);

        (await host.Infrastructures.RegisterAsync(admin, request)).ShouldBeRefused(RefusalKind.Invalid, Fields.CaBundle);

        Assert.Equal(0, await host.CountAsync<Infrastructure>());
        Assert.Equal(0, await host.CountAsync<Region>());
        Assert.Equal(0, await host.CountAsync<Zone>());
    }

    [Fact]
    public async Task CreatePostgresAsync_HostileKubeconfigs_AreRefusedOnKubeconfigAndSaveNothing()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var (infrastructureId, configId, _) = await host.SeedWithMksAsync();

        foreach (var hostile in HostileText.Texts)
        {
            var refusal = (await host.Platforms.CreatePostgresAsync(host.Admin, configId, PostgresMode.External, "1.25.2", hostile.Text))
                .ShouldBeRefused(RefusalKind.Invalid, Fields.Kubeconfig);
            Assert.Contains(hostile.Expected, refusal.Message);
        }

        Assert.Equal(0, await host.CountAsync<Operation>());
        Assert.Equal([PlatformKind.Mks], (await host.ConfigAsync(infrastructureId, configId)).Platforms.Select(p => p.Kind));
    }

    [Fact]
    public async Task SetManagementClusterAsync_HostileKubeconfigs_AreRefusedAndLeaveTheInfrastructureAsItWas()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var infrastructureId = await host.RegisterDemoAsync();
        var commands = host.Services.GetRequiredService<ClusterCommands>();
        var before = await LoadAsync(host, infrastructureId);

        foreach (var hostile in HostileText.Texts)
        {
            var refusal = (await commands.SetManagementClusterAsync(host.Admin, infrastructureId, before.Version, hostile.Text))
                .ShouldBeRefused(RefusalKind.Invalid, Fields.Kubeconfig);
            Assert.Contains(hostile.Expected, refusal.Message);
        }

        var after = await LoadAsync(host, infrastructureId);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.ProtectedManagementKubeconfig, after.ProtectedManagementKubeconfig);
        Assert.Equal(before.ManagementClusterServer, after.ManagementClusterServer);
    }

    private static async Task<Infrastructure> LoadAsync(ServiceConfigTestHost host, Guid id)
    {
        await using var db = host.NewContext();
        return await db.Infrastructures.AsNoTracking().SingleAsync(i => i.Id == id);
    }
}
