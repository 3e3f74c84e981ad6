using Portal.Domain.Infrastructures;
using Portal.Jobs.Clusters;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.OpenStack;

namespace Portal.DemoCloud;

/// <summary>
/// The demo cloud as a cloud provider: its infrastructures need no settings or secret; they reach the in-process
/// OpenStack stand-in with its built-in application credential and its in-process management cluster.
/// </summary>
public sealed class DemoCloudProvider : ICloudProvider
{
    public InfrastructureProvider Kind => InfrastructureProvider.Demo;

    public OpenStackConnection Connection(ConnectionSettings? settings, string? secret) => DemoCloudService.Connection;

    public CloudCredentials ClusterCredentials(ConnectionSettings? settings, string? secret) =>
        new(DemoCloudService.AuthUrl.ToString(), DemoCloudService.Region, "public", true, DemoCloudService.ApplicationCredentialId,
            null, null, null, null, DemoCloudService.ApplicationCredentialSecret, null);

    public string? ManagementKubeconfig(string? stored) => DemoKubernetesApi.Kubeconfig;
}

/// <summary>Serves connections addressed to the demo cloud from its in-process handler.</summary>
public sealed class DemoOpenStackEndpoint(DemoCloudService demo) : IInProcessOpenStack
{
    public HttpMessageHandler? HandlerFor(OpenStackConnection connection) => DemoCloudService.IsDemo(connection) ? demo.Handler : null;
}
