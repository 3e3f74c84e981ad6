using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.Clusters;

/// <summary>
/// Finds the management cluster that runs Cluster API for an infrastructure: the one its cloud provider names
/// (the cluster whose kubeconfig a platform admin stored on the infrastructure, or the demo cloud's in-process stand-in).
/// </summary>
public sealed class ManagementClusters(InfrastructureService infrastructures, IKubernetesClientFactory kube, CloudProviders cloudProviders)
{
    /// <summary>The cloud providers by kind, for the handlers that need an infrastructure's cluster credentials.</summary>
    public CloudProviders Providers => cloudProviders;

    public async Task<RemoteResult<IKubernetesClient>> ForInfrastructureAsync(Guid infrastructureId, CancellationToken ct)
    {
        var stored = await infrastructures.GetManagementKubeconfigAsync(infrastructureId, ct);
        if (stored is null)
            return new RemoteError(RemoteErrorKind.NotFound, "The infrastructure no longer exists.");
        return cloudProviders.For(stored.Value.Provider).ManagementKubeconfig(stored.Value.Kubeconfig) is { } kubeconfig
            ? kube.Create(kubeconfig)
            : new RemoteError(RemoteErrorKind.InvalidConfiguration,
                "This infrastructure has no management cluster configured. A platform admin sets one (a kubeconfig of a cluster running Cluster API " +
                "with the OpenStack provider) on the infrastructure's Overview tab.");
    }

    /// <summary>
    /// Checks a kubeconfig for a management cluster: it parses, the cluster answers, and it serves Cluster API's
    /// <c>Cluster</c> resource. Returns the server address to show, or the reason it cannot be used.
    /// </summary>
    public async Task<Result<string>> CheckAsync(string? kubeconfig, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(kubeconfig)) return Refusal.Invalid(Fields.Kubeconfig, "Paste the management cluster's kubeconfig.");
        var parsed = Kubeconfig.Validate(kubeconfig);
        if (!parsed.Succeeded) return Refusal.Invalid(Fields.Kubeconfig, parsed.Error!.Message);
        var client = kube.Create(kubeconfig);
        if (!client.Succeeded) return Refusal.Invalid(Fields.Kubeconfig, client.Error!.Message);
        var version = await client.Value!.VersionAsync(ct);
        if (!version.Succeeded) return Refusal.Invalid(Fields.Kubeconfig, $"Could not reach {parsed.Value!.Server}: {version.Error!.Message}");
        var clusters = await client.Value.ListAsync("cluster.x-k8s.io/v1beta1", "Cluster", null, null, ct);
        if (!clusters.Succeeded)
            return Refusal.Invalid(Fields.Kubeconfig, clusters.Error!.Kind == RemoteErrorKind.NotFound
                ? $"{parsed.Value!.Server} answers, but Cluster API is not installed there (no clusters.cluster.x-k8s.io resource)."
                : $"{parsed.Value!.Server} answers, but listing Cluster API clusters failed: {clusters.Error.Message}");
        return parsed.Value!.Server.ToString();
    }
}
