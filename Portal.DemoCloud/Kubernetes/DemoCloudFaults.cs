using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>A refusal the demo cloud can make while Cluster API provisions a managed cluster.</summary>
public enum DemoCloudFault
{
    /// <summary>Nova refuses new servers: the project's cores quota is used up.</summary>
    QuotaExceeded,
    /// <summary>Nova's scheduler finds no hypervisor with room for the flavor.</summary>
    NoValidHost,
    /// <summary>The machine template's image is gone from Glance.</summary>
    ImageNotFound,
    /// <summary>Keystone rejects the cluster's cloud credentials (401).</summary>
    InvalidCredentials,
}

/// <summary>
/// Infrastructure faults for managed clusters on the demo Kubernetes API, worded the way OpenStack (Nova, Glance,
/// Keystone) and CAPO report them, built on <see cref="DemoKubernetesApi.FailNext"/> / <see cref="DemoKubernetesApi.Heal"/>.
/// Machine faults fail a node pool's MachineDeployment (<c>{cluster}-{pool}</c>), or the KubeadmControlPlane
/// (<c>{cluster}-control-plane</c>) when no pool is named; bad credentials fail the OpenStackCluster (<c>{cluster}</c>).
/// Failed objects show Ready=False with severity Error and the provider's message until healed or given a new spec.
/// A Hosted control plane has no machines: name a pool for machine faults on a Hosted cluster.
/// </summary>
public static class DemoCloudFaults
{
    /// <summary>Reason CAPO gives when Nova refuses to create the server.</summary>
    public const string InstanceCreateFailed = "InstanceCreateFailed";

    /// <summary>Reason CAPO gives when the server went to ERROR after scheduling.</summary>
    public const string InstanceStateError = "InstanceStateError";

    /// <summary>Reason for an OpenStackCluster whose credentials Keystone rejected.</summary>
    public const string AuthenticationFailed = "OpenStackAuthenticationFailed";

    /// <summary>
    /// Makes the next matching object fail with <paramref name="fault"/>: a pool's MachineDeployment when
    /// <paramref name="poolName"/> is given, else the cluster's control plane (machine faults) or OpenStackCluster
    /// (credentials). Without a cluster name the next object of that kind created from now on fails, whatever its cluster.
    /// </summary>
    public static void InjectFault(this DemoKubernetesApi api, DemoCloudFault fault, string? clusterName = null, string? poolName = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var (kind, name) = Target(fault, clusterName, poolName);
        var (reason, message) = Describe(api, fault, kind, name);
        // Without a cluster it is the next cluster (or pool) to be created that is refused, not one that runs already.
        api.FailNext(kind, name, reason, message, onlyNewObjects: clusterName is null);
    }

    /// <summary>Lets the objects failed by <see cref="InjectFault"/> with the same target recover on the next tick.</summary>
    public static void HealFault(this DemoKubernetesApi api, DemoCloudFault fault, string? clusterName = null, string? poolName = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var (kind, name) = Target(fault, clusterName, poolName);
        api.Heal(kind, name);
    }

    /// <summary>The reason and provider-worded message a fault shows (Nova's and Keystone's own texts).</summary>
    public static (string Reason, string Message) Describe(DemoCloudFault fault, string? imageId = null) => fault switch
    {
        DemoCloudFault.QuotaExceeded => (InstanceCreateFailed, "Quota exceeded for cores: Requested 8, but already used 60 of 64 cores"),
        DemoCloudFault.NoValidHost => (InstanceStateError, "No valid host was found. There are not enough hosts available."),
        DemoCloudFault.ImageNotFound => (InstanceCreateFailed, imageId is null ? "Image not found." : $"Image {imageId} could not be found."),
        DemoCloudFault.InvalidCredentials => (AuthenticationFailed,
            "The request you have made requires authentication. (HTTP 401) (Request-ID: req-5f0c8a3e-9d2b-4c71-b6e4-2a9f7d1c3e58)"),
    };

    private static (string Kind, string? Name) Target(DemoCloudFault fault, string? clusterName, string? poolName)
    {
        if (fault == DemoCloudFault.InvalidCredentials)
            return ("OpenStackCluster.infrastructure.cluster.x-k8s.io", clusterName);
        if (poolName is not null)
            return ("MachineDeployment.cluster.x-k8s.io", clusterName is null ? null : $"{clusterName}-{poolName}");
        return clusterName is null
            ? ("MachineDeployment.cluster.x-k8s.io", null)
            : ("KubeadmControlPlane.controlplane.cluster.x-k8s.io", $"{clusterName}-control-plane");
    }

    private static (string Reason, string Message) Describe(DemoKubernetesApi api, DemoCloudFault fault, string kind, string? name) =>
        fault == DemoCloudFault.ImageNotFound ? Describe(fault, name is null ? null : ImageOf(api, kind.Split('.')[0], name)) : Describe(fault);

    /// <summary>The image id in the machine template the object uses, so that the message names the missing image.</summary>
    private static string? ImageOf(DemoKubernetesApi api, string kind, string name)
    {
        var (apiVersion, templatePath) = kind == "MachineDeployment"
            ? ("cluster.x-k8s.io/v1beta1", new[] { "spec", "template", "spec", "infrastructureRef" })
            : ("controlplane.cluster.x-k8s.io/v1beta1", new[] { "spec", "machineTemplate", "infrastructureRef" });
        foreach (var owner in api.List(apiVersion, kind).Where(o => DemoStatus.Name(o) == name))
        {
            JsonNode? reference = owner;
            foreach (var step in templatePath)
                reference = reference?[step];
            var templateName = DemoKubeJson.Text(reference?["name"]);
            if (templateName is null)
                continue;
            var template = api.Get("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackMachineTemplate", DemoStatus.Namespace(owner), templateName);
            var image = template?["spec"]?["template"]?["spec"]?["image"];
            if (DemoKubeJson.Text(image?["id"]) is { } id)
                return id;
            if (DemoKubeJson.Text(image?["filter"]?["name"]) is { } imageName)
                return imageName;
        }
        return null;
    }
}
