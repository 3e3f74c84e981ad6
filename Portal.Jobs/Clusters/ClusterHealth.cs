using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.Clusters;

/// <summary>What one Cluster API object says about itself: ready or not, how far along, and the provider's fault.</summary>
public sealed record ObjectHealth(bool Exists, bool Ready, string Progress, string? Fault, KubeResourceStatus? Status)
{
    public static ObjectHealth Missing(string what) => new(false, false, $"{what} does not exist yet.", null, null);
}

/// <summary>
/// Reads Cluster API objects back and judges them the way <c>clusterctl describe</c> would: an object is ready when its
/// controller saw the latest spec and its Ready condition is True (with the replica counts asked for); a False Ready
/// condition of severity Error, or a failureReason/failureMessage, is the provider's fault, worded as the provider said it.
/// </summary>
public static class ClusterHealth
{
    /// <summary>The provider's own reason for a fault, or null.</summary>
    public static string? FaultOf(KubeResourceStatus status)
    {
        // The Ready condition carries the most specific reason (e.g. OpenStackAuthenticationFailed); failureReason is a category.
        var ready = status.Condition("Ready");
        if (ready is { IsFalse: true } && string.Equals(ready.Severity, "Error", StringComparison.OrdinalIgnoreCase))
            return string.IsNullOrWhiteSpace(ready.Message) ? ready.Reason ?? "The provider reports an error." : $"{ready.Reason}: {ready.Message}";
        if (KubeJson.String(status.Status, "failureMessage") is { Length: > 0 } failure)
            return KubeJson.String(status.Status, "failureReason") is { Length: > 0 } reason ? $"{reason}: {failure}" : failure;
        return null;
    }

    public static async Task<RemoteResult<ObjectHealth>> ReadAsync(IKubernetesClient client, JsonObject manifest, CancellationToken ct)
    {
        var apiVersion = manifest["apiVersion"]!.GetValue<string>();
        var kind = manifest["kind"]!.GetValue<string>();
        var name = manifest["metadata"]!["name"]!.GetValue<string>();
        var ns = manifest["metadata"]?["namespace"]?.GetValue<string>();
        var status = await client.GetStatusAsync(apiVersion, kind, ns, name, ct);
        if (status.IsNotFound) return ObjectHealth.Missing($"{kind} {name}");
        if (!status.Succeeded) return status.Error!;
        var s = status.Value!;
        var ready = s.Condition("Ready");
        var progress = ready is { IsTrue: false } && !string.IsNullOrWhiteSpace(ready.Message)
            ? $"{kind} {name}: {ready.Message}"
            : $"{kind} {name} is {(ready?.IsTrue == true ? "ready" : "not ready yet")}.";
        return new ObjectHealth(true, s.IsCurrent && ready?.IsTrue == true && KubeJson.Bool(s.Status, "ready") != false, progress, FaultOf(s), s);
    }

    /// <summary>A control plane (KubeadmControlPlane or KamajiControlPlane) at the replicas and version asked for.</summary>
    public static async Task<RemoteResult<ObjectHealth>> ControlPlaneAsync(IKubernetesClient client, JsonObject manifest, int replicas, string capiVersion, CancellationToken ct)
    {
        var read = await ReadAsync(client, manifest, ct);
        if (!read.Succeeded || !read.Value!.Exists) return read;
        var h = read.Value;
        var readyReplicas = KubeJson.Long(h.Status!.Status, "readyReplicas") ?? 0;
        var updated = KubeJson.Long(h.Status.Status, "updatedReplicas") ?? readyReplicas;
        var version = KubeJson.String(h.Status.Status, "version");
        var done = h.Ready && readyReplicas == replicas && updated >= replicas && (version is null || version == capiVersion);
        var progress = version is not null && version != capiVersion
            ? $"Control plane runs {version}; rolling to {capiVersion} ({updated} of {replicas} replicas updated)."
            : $"Control plane: {readyReplicas} of {replicas} replicas ready.";
        return h with { Ready = done, Progress = h.Fault ?? (h.Ready || readyReplicas != replicas ? progress : h.Progress) };
    }

    /// <summary>A MachineDeployment with every machine ready and on the current template.</summary>
    public static async Task<RemoteResult<ObjectHealth>> PoolAsync(IKubernetesClient client, JsonObject manifest, string poolName, CancellationToken ct)
    {
        var read = await ReadAsync(client, manifest, ct);
        if (!read.Succeeded || !read.Value!.Exists) return read;
        var h = read.Value;
        var desired = KubeJson.Long(manifest["spec"] as JsonObject ?? new JsonObject(), "replicas") ?? KubeJson.Long(h.Status!.Status, "replicas") ?? 0;
        var readyReplicas = KubeJson.Long(h.Status!.Status, "readyReplicas") ?? 0;
        var updated = KubeJson.Long(h.Status.Status, "updatedReplicas") ?? readyReplicas;
        var done = h.Ready && readyReplicas == desired && updated >= desired;
        var progress = updated < desired && readyReplicas >= desired
            ? $"Node pool {poolName}: replacing nodes ({updated} of {desired} on the new template)."
            : $"Node pool {poolName}: {readyReplicas} of {desired} nodes ready.";
        return h with { Ready = done, Progress = h.Fault ?? progress };
    }
}
