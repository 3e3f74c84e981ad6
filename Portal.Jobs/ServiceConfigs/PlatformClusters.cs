using System.Text;
using Portal.Domain.Infrastructures;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.ServiceConfigs;

/// <summary>Finds the Kubernetes clusters a platform's operations talk to.</summary>
public sealed class PlatformClusters(ServiceConfigService configs, InfrastructureService infrastructures, IKubernetesClientFactory kube)
{
    /// <summary>
    /// The management cluster that runs Cluster API for an infrastructure. The demo cloud's is the in-process
    /// stand-in; a real infrastructure's management cluster is configured with managed Kubernetes (not yet).
    /// </summary>
    public async Task<KubeResult<IKubernetesClient>> ManagementClusterAsync(Guid infrastructureId, CancellationToken ct)
    {
        var stored = await infrastructures.GetCredentialsAsync(infrastructureId, ct);
        if (stored is null)
            return new KubeError(KubeErrorKind.NotFound, "The infrastructure no longer exists.");
        return stored.Value.Provider == InfrastructureProvider.Demo
            ? kube.Create(DemoKubernetesApi.Kubeconfig)
            : new KubeError(KubeErrorKind.InvalidConfiguration,
                "This infrastructure has no management cluster configured, and Managed mode provisions its backing cluster through one. " +
                "Use Managed tools with a cluster you bring, or run Managed mode on the demo cloud.");
    }

    /// <summary>The cluster the platform's operator runs on: the kubeconfig given (Managed tools, External) or the backing cluster's.</summary>
    public async Task<KubeResult<IKubernetesClient>> WorkloadClusterAsync(PlatformDetail platform, CancellationToken ct)
    {
        if (platform.PostgresMode != PostgresMode.Managed)
        {
            var kubeconfig = await configs.GetKubeconfigAsync(platform.Id, ct);
            return kubeconfig is null
                ? new KubeError(KubeErrorKind.InvalidConfiguration, "The platform has no kubeconfig stored. Delete the platform and add it again with the cluster's kubeconfig.")
                : kube.Create(kubeconfig);
        }

        var management = await ManagementClusterAsync(platform.InfrastructureId, ct);
        if (!management.Succeeded) return management.Error!;
        var name = PlatformManifests.BackingClusterName(platform.Id);
        var secret = await management.Value!.GetAsync("v1", "Secret", PlatformManifests.PlatformsNamespace, $"{name}-kubeconfig", ct);
        if (!secret.Succeeded)
            return secret.IsNotFound
                ? new KubeError(KubeErrorKind.NotFound, $"The backing cluster {name} has no kubeconfig yet; its control plane is not up.")
                : secret.Error!;
        var encoded = secret.Value!["data"]?["value"]?.GetValue<string>();
        if (encoded is null)
            return new KubeError(KubeErrorKind.Malformed, $"The kubeconfig secret of the backing cluster {name} holds no kubeconfig.");
        return kube.Create(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
    }
}
