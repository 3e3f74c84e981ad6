using System.Text;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.Clusters;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.ServiceConfigs;

/// <summary>Finds the Kubernetes clusters a platform's operations talk to.</summary>
public sealed class PlatformClusters(ServiceConfigService configs, ManagementClusters management, IKubernetesClientFactory kube)
{
    /// <summary>The management cluster that runs Cluster API for an infrastructure (see <see cref="ManagementClusters"/>).</summary>
    public Task<RemoteResult<IKubernetesClient>> ManagementClusterAsync(Guid infrastructureId, CancellationToken ct) =>
        management.ForInfrastructureAsync(infrastructureId, ct);

    /// <summary>The cluster the platform's operator runs on: the kubeconfig given (Managed tools, External) or the backing cluster's.</summary>
    public async Task<RemoteResult<IKubernetesClient>> WorkloadClusterAsync(PlatformDetail platform, CancellationToken ct)
    {
        if (platform.PostgresMode != PostgresMode.Managed)
        {
            var kubeconfig = await configs.GetKubeconfigAsync(platform.Id, ct);
            return kubeconfig is null
                ? new RemoteError(RemoteErrorKind.InvalidConfiguration, "The platform has no kubeconfig stored. Delete the platform and add it again with the cluster's kubeconfig.")
                : kube.Create(kubeconfig);
        }

        var management = await ManagementClusterAsync(platform.InfrastructureId, ct);
        if (!management.Succeeded) return management.Error!;
        var name = PlatformManifests.BackingClusterName(platform.Id);
        var secret = await management.Value!.GetAsync("v1", "Secret", PlatformManifests.PlatformsNamespace, $"{name}-kubeconfig", ct);
        if (!secret.Succeeded)
            return secret.IsNotFound
                ? new RemoteError(RemoteErrorKind.NotFound, $"The backing cluster {name} has no kubeconfig yet; its control plane is not up.")
                : secret.Error!;
        var encoded = secret.Value!["data"]?["value"]?.GetValue<string>();
        if (encoded is null)
            return new RemoteError(RemoteErrorKind.Malformed, $"The kubeconfig secret of the backing cluster {name} holds no kubeconfig.");
        return kube.Create(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
    }
}
