using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Tests.Integration.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Infrastructures;

/// <summary>Infrastructures registered through the service, for the dialogs to edit.</summary>
internal static class InfrastructureDialogTestData
{
    public static async Task<InfrastructureDetail> DemoAsync(this ServiceConfigTestHost host, string name = "Demo one")
    {
        var id = await host.RegisterDemoAsync(name);
        return (await host.Infrastructures.GetAsync(host.Admin, id)).ShouldSucceed();
    }

    /// <summary>An OpenStack infrastructure with a stored application credential (its connection is never called here).</summary>
    public static async Task<InfrastructureDetail> OpenStackAsync(this ServiceConfigTestHost host, string name = "Cloud one")
    {
        var connection = new ConnectionSettings("https://keystone.example.com:5000/v3", "RegionOne", EndpointInterfaceKind.Public,
            CredentialKind.ApplicationCredential, "app-id-1", null, null, null, null, null);
        var request = new RegistrationRequest(name, null, InfrastructureProvider.OpenStack,
            Placement.NewRegionAndZone("Region " + name, "zone-a"), connection, "app-secret-1",
            new ConnectionCheck(true, "Authenticated; 3 flavors."), [], []);
        var id = (await host.Infrastructures.RegisterAsync(host.Admin, request)).ShouldSucceed();
        return (await host.Infrastructures.GetAsync(host.Admin, id)).ShouldSucceed();
    }
}
