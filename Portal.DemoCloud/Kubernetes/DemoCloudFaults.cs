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

/// <summary>A fault armed on the demo cloud that has not yet hit a machine (or a new cluster's infrastructure).</summary>
/// <param name="ClusterName">The cluster it waits for; null: the next cluster (or, for machine faults, the next pool) that asks.</param>
/// <param name="PoolName">The node pool it waits for; null: the control plane (machine faults) or the whole cluster (credentials).</param>
public sealed record DemoArmedFault(Guid Id, DemoCloudFault Fault, string? ClusterName, string? PoolName, DateTimeOffset ArmedAt)
{
    /// <summary>Where the fault will strike, in words.</summary>
    public string Where => (Fault, ClusterName, PoolName) switch
    {
        (DemoCloudFault.InvalidCredentials, null, _) => "the next cluster created",
        (DemoCloudFault.InvalidCredentials, { } cluster, _) => $"cluster {cluster}: its next machines or infrastructure",
        (_, null, _) => "the next node pool machines created, any cluster",
        (_, { } cluster, null) => $"cluster {cluster}: its next control plane machines",
        (_, { } cluster, { } pool) => $"cluster {cluster}, node pool {pool}: its next machines",
    };
}

/// <summary>
/// Infrastructure faults for managed clusters on the demo Kubernetes API, worded the way OpenStack (Nova, Glance,
/// Keystone) and CAPO report them. A fault is armed, not applied: nothing that runs already is touched. It strikes the
/// next time the cloud is asked for something it covers — a machine fault when its pool's MachineDeployment (or, with no
/// pool named, the cluster's KubeadmControlPlane; with no cluster named, any MachineDeployment) creates a machine, for a
/// scale-up, a new pool, a rollout or a new cluster; bad credentials when the cluster's infrastructure is provisioned or
/// any of its machines is created. The object that asked then shows Ready=False with severity Error and the provider's
/// message, until healed, cleared or given a new spec. A Hosted control plane has no machines: name a pool for machine
/// faults on a Hosted cluster. Armed faults are listed (<see cref="DemoKubernetesApi.ArmedFaults"/>) and can be disarmed.
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
    /// Arms <paramref name="fault"/> for the next machines of a pool (<paramref name="poolName"/>) or the control plane of
    /// <paramref name="clusterName"/>, or, without a cluster, for the next ones created anywhere; returns the armed fault.
    /// </summary>
    public static DemoArmedFault InjectFault(this DemoKubernetesApi api, DemoCloudFault fault, string? clusterName = null, string? poolName = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (!Enum.IsDefined(fault)) throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown fault.");
        return api.Arm(fault, clusterName, fault == DemoCloudFault.InvalidCredentials ? null : poolName);
    }

    /// <summary>Disarms the faults with the same target and lets the objects they failed recover on the next tick.</summary>
    public static void HealFault(this DemoKubernetesApi api, DemoCloudFault fault, string? clusterName = null, string? poolName = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.DisarmWhere(a => a.Fault == fault && a.ClusterName == clusterName && (fault == DemoCloudFault.InvalidCredentials || a.PoolName == poolName));
        var (kind, name) = Target(fault, clusterName, poolName);
        api.Heal(kind, name);
        if (fault == DemoCloudFault.InvalidCredentials && clusterName is not null)
        {
            // Bad credentials may have struck any object of the cluster that asked the cloud for something.
            api.Heal("KubeadmControlPlane", $"{clusterName}-control-plane");
            foreach (var md in api.List("cluster.x-k8s.io/v1beta1", "MachineDeployment").Where(m => DemoKubeJson.Text(m["spec"]?["clusterName"]) == clusterName))
                api.Heal("MachineDeployment", DemoStatus.Name(md));
        }
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

    /// <summary>The image id in the machine template <paramref name="owner"/> (a MachineDeployment or KubeadmControlPlane) uses, so the message names it.</summary>
    internal static string? ImageOf(DemoKubernetesApi api, DemoKubeCluster cluster, JsonObject owner)
    {
        var templatePath = DemoKubeJson.Text(owner["kind"]) == "MachineDeployment"
            ? new[] { "spec", "template", "spec", "infrastructureRef" }
            : ["spec", "machineTemplate", "infrastructureRef"];
        JsonNode? reference = owner;
        foreach (var step in templatePath)
            reference = reference?[step];
        var templateName = DemoKubeJson.Text(reference?["name"]);
        if (templateName is null)
            return null;
        var template = cluster.Get("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackMachineTemplate", DemoStatus.Namespace(owner), templateName);
        var image = template?["spec"]?["template"]?["spec"]?["image"];
        return DemoKubeJson.Text(image?["id"]) ?? DemoKubeJson.Text(image?["filter"]?["name"]);
    }
}

/// <summary>The armed cloud faults' bookkeeping.</summary>
public sealed partial class DemoKubernetesApi
{
    private readonly List<DemoArmedFault> _armed = [];

    /// <summary>The faults armed and not yet struck, oldest first.</summary>
    public IReadOnlyList<DemoArmedFault> ArmedFaults
    {
        get
        {
            lock (_failuresLock)
                return [.. _armed];
        }
    }

    internal DemoArmedFault Arm(DemoCloudFault fault, string? clusterName, string? poolName)
    {
        var armed = new DemoArmedFault(Guid.NewGuid(), fault, clusterName, poolName, Clock.GetUtcNow());
        lock (_failuresLock)
            _armed.Add(armed);
        return armed;
    }

    /// <summary>Disarms one armed fault; false when it is not armed (any more).</summary>
    public bool Disarm(Guid id)
    {
        lock (_failuresLock)
            return _armed.RemoveAll(a => a.Id == id) > 0;
    }

    internal void DisarmWhere(Predicate<DemoArmedFault> match)
    {
        lock (_failuresLock)
            _armed.RemoveAll(match);
    }

    private void ClearArmedFaults()
    {
        lock (_failuresLock)
            _armed.Clear();
    }

    /// <summary>
    /// Called by a controller about to ask the cloud for something for <paramref name="resource"/> of cluster
    /// <paramref name="clusterName"/>: a machine (<paramref name="machine"/>; of pool <paramref name="poolName"/>, or the
    /// control plane when null) or the cluster's infrastructure. The first armed fault that covers it strikes: it becomes
    /// the object's failure (until healed, cleared or a new spec) and is returned; null when none covers it.
    /// </summary>
    internal DemoFailure? Strike(DemoKubeCluster cluster, JsonObject resource, string? clusterName, string? poolName, bool machine)
    {
        var metadata = resource["metadata"] as JsonObject;
        if (DemoKubeJson.Text(metadata?["uid"]) is not { } uid || DemoKubeJson.Text(metadata?["name"]) is not { } name || DemoKubeJson.Text(resource["kind"]) is not { } kind)
            return null;
        DemoArmedFault? armed;
        lock (_failuresLock)
        {
            armed = _armed.FirstOrDefault(a => a.Fault == DemoCloudFault.InvalidCredentials
                ? (a.ClusterName is null ? !machine : a.ClusterName == clusterName)
                : machine && (a.ClusterName is null ? poolName is not null : a.ClusterName == clusterName && a.PoolName == poolName));
            if (armed is null)
                return null;
            _armed.Remove(armed);
        }
        var (reason, message) = armed.Fault == DemoCloudFault.ImageNotFound
            ? DemoCloudFaults.Describe(armed.Fault, DemoCloudFaults.ImageOf(this, cluster, resource))
            : DemoCloudFaults.Describe(armed.Fault);
        var failure = new DemoFailure(reason, message);
        lock (_failuresLock)
            _activeFailures[uid] = new ActiveFailure(kind, name, DemoKubeJson.Number(metadata?["generation"]) ?? 0, failure);
        return failure;
    }
}
