using Portal.Domain.Infrastructures;
using Portal.DemoCloud;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.OpenStack;

namespace Portal.Tests.Unit.Infrastructures;

/// <summary>Each infrastructure kind reaches its cloud through the provider the composition root registered for it.</summary>
public sealed class CloudProvidersTests
{
    private static readonly ConnectionSettings Password = new("https://keystone.example.com:5000/v3", "RegionTwo", EndpointInterfaceKind.Internal,
        CredentialKind.Password, null, "ops", "Ops", "platform", "Default", null);

    [Fact]
    public void For_KindWithoutARegisteredProvider_NamesTheMissingRegistration()
    {
        var providers = new CloudProviders([new OpenStackCloudProvider()]);

        var error = Assert.Throws<InvalidOperationException>(() => providers.For(InfrastructureProvider.Demo));

        Assert.Contains("no cloud provider for infrastructures of kind Demo", error.Message);
    }

    [Fact]
    public void OpenStackConnection_PasswordSettings_CarryTheRegionInterfaceAndSecret()
    {
        var connection = new CloudProviders([new OpenStackCloudProvider(), new DemoCloudProvider()])
            .For(InfrastructureProvider.OpenStack).Connection(Password, "Sekr1t");

        Assert.Equal(new Uri("https://keystone.example.com:5000/v3"), connection.AuthUrl);
        Assert.Equal("RegionTwo", connection.RegionName);
        Assert.Equal(EndpointInterface.Internal, connection.Interface);
        var credential = Assert.IsType<PasswordCredential>(connection.Credential);
        Assert.Equal(("ops", "Ops", "Sekr1t", "platform"), (credential.UserName, credential.UserDomain, credential.Password, credential.ProjectName));
    }

    [Fact]
    public void OpenStackClusterCredentials_PasswordSettings_AreWhatTheClusterProvidersNeedAndHideTheSecret()
    {
        var credentials = new OpenStackCloudProvider().ClusterCredentials(Password, "Sekr1t");

        Assert.Equal(("https://keystone.example.com:5000/v3", "RegionTwo", "internal", false, "Sekr1t"),
            (credentials.AuthUrl, credentials.RegionName, credentials.Interface, credentials.IsApplicationCredential, credentials.Secret));
        Assert.DoesNotContain("Sekr1t", credentials.ToString());
    }

    [Fact]
    public void DemoProvider_AnyStoredValues_UsesTheBuiltInCloudAndManagementCluster()
    {
        var demo = new DemoCloudProvider();

        Assert.True(DemoCloudService.IsDemo(demo.Connection(null, null)));
        Assert.Equal(DemoCloudService.ApplicationCredentialId, demo.ClusterCredentials(null, null).ApplicationCredentialId);
        Assert.Equal(Portal.DemoCloud.Kubernetes.DemoKubernetesApi.Kubeconfig, demo.ManagementKubeconfig("ignored"));
    }
}
