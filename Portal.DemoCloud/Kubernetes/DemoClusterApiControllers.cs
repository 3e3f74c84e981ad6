using System.Text;
using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>Names shared by the simulated Cluster API controllers.</summary>
internal static class DemoCapi
{
    public const string ClusterApiVersion = "cluster.x-k8s.io/v1beta1";
    public const string InfrastructureApiVersion = "infrastructure.cluster.x-k8s.io/v1beta1";
    public const string ControlPlaneApiVersion = "controlplane.cluster.x-k8s.io/v1beta1";
    public const string ClusterNameLabel = "cluster.x-k8s.io/cluster-name";
    public const string ClusterFinalizer = "cluster.cluster.x-k8s.io";
    public const string MinSizeAnnotation = "cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size";

    /// <summary>The host of the demo workload cluster a Cluster API cluster gets once its control plane is initialized.</summary>
    public static string WorkloadHost(string ns, string name) => $"{name}.{ns}.{DemoKubernetesApi.Host}";

    /// <summary>The Cluster API Cluster an object belongs to: by spec.clusterName, the cluster-name label, or a reference to it.</summary>
    public static JsonObject? OwningCluster(DemoControllerContext context, JsonObject resource, string refField)
    {
        var ns = DemoStatus.Namespace(resource);
        var clusterName = DemoKubeJson.Text(resource["spec"]?["clusterName"]) ?? DemoKubeJson.Text(resource["metadata"]?["labels"]?[ClusterNameLabel]);
        if (clusterName is not null)
            return context.Get(ClusterApiVersion, "Cluster", ns, clusterName);
        var name = DemoStatus.Name(resource);
        var kind = DemoKubeJson.Text(resource["kind"]);
        return context.List(ClusterApiVersion, "Cluster").FirstOrDefault(c =>
            DemoStatus.Namespace(c) == ns && DemoKubeJson.Text(c["spec"]?[refField]?["name"]) == name && DemoKubeJson.Text(c["spec"]?[refField]?["kind"]) == kind);
    }

    /// <summary>Copies another object's condition (status, reason, message, severity) onto a status under a new type.</summary>
    public static void Mirror(JsonObject status, string type, JsonObject? source, string sourceType, string waitingReason, string waitingMessage, DateTimeOffset now)
    {
        var condition = source?["status"]?["conditions"] is JsonArray conditions
            ? conditions.OfType<JsonObject>().FirstOrDefault(c => DemoKubeJson.Text(c["type"]) == sourceType)
            : null;
        if (condition is null)
        {
            DemoStatus.SetCondition(status, type, false, waitingReason, waitingMessage, now, "Info");
            return;
        }
        var isTrue = DemoKubeJson.Text(condition["status"]) == "True";
        DemoStatus.SetCondition(status, type, isTrue,
            isTrue ? null : DemoKubeJson.Text(condition["reason"]) ?? waitingReason,
            isTrue ? null : DemoKubeJson.Text(condition["message"]) ?? waitingMessage,
            now, isTrue ? null : DemoKubeJson.Text(condition["severity"]) ?? "Info");
    }
}

/// <summary>
/// Cluster API's Cluster: adds its finalizer, derives infrastructureReady / controlPlaneReady, the phase (Pending,
/// Provisioning, Provisioned, Failed, Deleting) and the InfrastructureReady, ControlPlaneInitialized,
/// ControlPlaneReady and Ready conditions from the referenced OpenStackCluster and control plane. Once the control
/// plane is initialized it writes the <c>{name}-kubeconfig</c> Secret, whose kubeconfig reaches a new demo workload
/// cluster. Deletion tears down the cluster's objects and workload cluster, then removes the finalizer.
/// </summary>
internal sealed class DemoCapiClusterController : IDemoController
{
    public void Reconcile(DemoControllerContext context)
    {
        foreach (var cluster in context.List(DemoCapi.ClusterApiVersion, "Cluster"))
        {
            var name = DemoStatus.Name(cluster);
            var ns = DemoStatus.Namespace(cluster) ?? "default";
            if (DemoKubeJson.IsDeleting(cluster))
            {
                Delete(context, cluster, name, ns);
                continue;
            }
            context.Cluster.AddFinalizer(cluster, DemoCapi.ClusterFinalizer);

            var failure = context.Failure(cluster);
            var infraRef = cluster["spec"]?["infrastructureRef"] as JsonObject;
            var infra = infraRef is null ? null : context.Get(DemoKubeJson.Text(infraRef["apiVersion"]), DemoKubeJson.Text(infraRef["kind"]), ns, DemoKubeJson.Text(infraRef["name"]));
            var infraReady = infraRef is null
                ? context.Elapsed(cluster, "infrastructure") >= context.Delays.InfrastructureProvisioning
                : DemoStatus.Flag(infra?["status"] as JsonObject, "ready");
            var cpRef = cluster["spec"]?["controlPlaneRef"] as JsonObject;
            var controlPlane = cpRef is null ? null : context.Get(DemoKubeJson.Text(cpRef["apiVersion"]), DemoKubeJson.Text(cpRef["kind"]), ns, DemoKubeJson.Text(cpRef["name"]));
            var cpStatus = controlPlane?["status"] as JsonObject;
            var standaloneCp = cpRef is null && infraReady && context.Elapsed(cluster, "controlplane") >= context.Delays.ControlPlaneMachine;
            var cpInitialized = cpRef is null ? standaloneCp : DemoStatus.Flag(cpStatus, "initialized");
            var cpReady = cpRef is null ? standaloneCp : DemoStatus.Flag(cpStatus, "ready");
            if (cpRef is null && !infraReady)
                context.Restart(cluster, "controlplane");

            var phase = failure is not null ? "Failed" : infraRef is not null && infra is null ? "Pending" : infraReady ? "Provisioned" : "Provisioning";
            context.Cluster.UpdateStatus(cluster, status =>
            {
                status["phase"] = phase;
                status["infrastructureReady"] = infraReady;
                status["controlPlaneReady"] = cpReady;
                status["observedGeneration"] = DemoStatus.Generation(cluster);
                if (failure is not null)
                {
                    status["failureReason"] = "CreateError";
                    status["failureMessage"] = failure.Message;
                }
                else
                {
                    status.Remove("failureReason");
                    status.Remove("failureMessage");
                }

                if (infraRef is null)
                    DemoStatus.SetCondition(status, "InfrastructureReady", infraReady, infraReady ? null : "WaitingForInfrastructure", infraReady ? null : "Waiting for the cluster infrastructure", context.Now, "Info");
                else
                    DemoCapi.Mirror(status, "InfrastructureReady", infra, "Ready", "WaitingForInfrastructure", $"Waiting for {DemoKubeJson.Text(infraRef["kind"])} {DemoKubeJson.Text(infraRef["name"])}", context.Now);
                DemoStatus.SetCondition(status, "ControlPlaneInitialized", cpInitialized,
                    cpInitialized ? null : "WaitingForControlPlaneProviderInitialized", cpInitialized ? null : "Waiting for control plane provider to indicate the control plane has been initialized",
                    context.Now, "Info");
                if (cpRef is null)
                    DemoStatus.SetCondition(status, "ControlPlaneReady", cpReady, cpReady ? null : "WaitingForControlPlane", cpReady ? null : "Waiting for the control plane", context.Now, "Info");
                else
                    DemoCapi.Mirror(status, "ControlPlaneReady", controlPlane, "Ready", "WaitingForControlPlane", $"Waiting for {DemoKubeJson.Text(cpRef["kind"])} {DemoKubeJson.Text(cpRef["name"])}", context.Now);

                if (failure is not null)
                {
                    DemoStatus.SetCondition(status, "Ready", false, failure.Reason, failure.Message, context.Now, "Error");
                }
                else
                {
                    // Ready summarises the others: the first one that is not True decides the reason.
                    var blocking = ((JsonArray)status["conditions"]!).OfType<JsonObject>()
                        .FirstOrDefault(c => DemoKubeJson.Text(c["type"]) is "InfrastructureReady" or "ControlPlaneReady" && DemoKubeJson.Text(c["status"]) != "True");
                    DemoStatus.SetCondition(status, "Ready", blocking is null,
                        DemoKubeJson.Text(blocking?["reason"]), DemoKubeJson.Text(blocking?["message"]), context.Now, DemoKubeJson.Text(blocking?["severity"]) ?? "Info");
                }
            });

            if (cpInitialized && failure is null)
                EnsureKubeconfig(context, cluster, name, ns);
        }
    }

    private static void EnsureKubeconfig(DemoControllerContext context, JsonObject cluster, string name, string ns)
    {
        var host = DemoCapi.WorkloadHost(ns, name);
        context.Api.AddCluster(host, name);
        if (context.Get("v1", "Secret", ns, $"{name}-kubeconfig") is not null)
            return;
        context.Cluster.Apply(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{name}-kubeconfig",
                ["namespace"] = ns,
                ["labels"] = new JsonObject { [DemoCapi.ClusterNameLabel] = name },
                ["ownerReferences"] = new JsonArray(DemoStatus.OwnerReference(cluster)),
            },
            ["type"] = "cluster.x-k8s.io/secret",
            ["data"] = new JsonObject { ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(DemoKubernetesApi.KubeconfigFor(host, name))) },
        });
    }

    private static void Delete(DemoControllerContext context, JsonObject cluster, string name, string ns)
    {
        var done = context.Elapsed(cluster, "deleting") >= context.Delays.ClusterDeletion;
        context.Cluster.UpdateStatus(cluster, status =>
        {
            status["phase"] = "Deleting";
            DemoStatus.SetCondition(status, "Ready", false, "Deleting", "Deleting the cluster's machines and infrastructure", context.Now, "Info");
        });
        if (!done)
            return;

        foreach (var md in context.List(DemoCapi.ClusterApiVersion, "MachineDeployment"))
        {
            if (DemoStatus.Namespace(md) == ns && DemoKubeJson.Text(md["spec"]?["clusterName"]) == name)
                context.Cluster.Delete(md);
        }
        foreach (var field in (ReadOnlySpan<string>)["controlPlaneRef", "infrastructureRef"])
        {
            if (cluster["spec"]?[field] is JsonObject reference
                && context.Get(DemoKubeJson.Text(reference["apiVersion"]), DemoKubeJson.Text(reference["kind"]), ns, DemoKubeJson.Text(reference["name"])) is { } target)
            {
                context.Cluster.Delete(target);
            }
        }
        // Templates and other objects labelled with the cluster's name go too.
        foreach (var kind in context.Cluster.Kinds.Where(k => k.Namespaced && k.Group.EndsWith("cluster.x-k8s.io", StringComparison.Ordinal)))
        {
            foreach (var labelled in context.Cluster.List(kind.ApiVersion, kind.Kind, ns, $"{DemoCapi.ClusterNameLabel}={name}"))
            {
                if (!(kind.Kind == "Cluster" && kind.Group == "cluster.x-k8s.io"))
                    context.Cluster.Delete(labelled);
            }
        }
        context.Cluster.Delete("v1", "Secret", ns, $"{name}-kubeconfig");
        context.Api.RemoveCluster(DemoCapi.WorkloadHost(ns, name));
        context.Cluster.RemoveFinalizer(cluster, DemoCapi.ClusterFinalizer);
    }
}

/// <summary>
/// CAPO's OpenStackCluster: after the infrastructure delay, status.ready with the network, router and API load
/// balancer, and the Ready, NetworkReady, SecurityGroupsReady and APIEndpointReady conditions. An injected failure
/// sets failureReason/failureMessage and Ready=False.
/// </summary>
internal sealed class DemoOpenStackClusterController : IDemoController
{
    public void Reconcile(DemoControllerContext context)
    {
        foreach (var osc in context.List(DemoCapi.InfrastructureApiVersion, "OpenStackCluster"))
        {
            if (DemoKubeJson.IsDeleting(osc))
                continue;
            var name = DemoStatus.Name(osc);
            var ns = DemoStatus.Namespace(osc) ?? "default";
            var clusterName = DemoKubeJson.Text(osc["metadata"]?["labels"]?[DemoCapi.ClusterNameLabel]) ?? name;
            var failure = context.Failure(osc);
            // Provisioning asks the cloud with the cluster's credentials: an armed credentials fault strikes here.
            if (failure is null && !DemoStatus.Flag(osc["status"] as JsonObject, "ready"))
                failure = context.Api.Strike(context.Cluster, osc, clusterName, null, machine: false);
            var ready = failure is null && context.Elapsed(osc, "provisioning") >= context.Delays.InfrastructureProvisioning;
            context.Cluster.UpdateStatus(osc, status =>
            {
                status["ready"] = ready;
                if (failure is not null)
                {
                    status["failureReason"] = "CreateError";
                    status["failureMessage"] = failure.Message;
                    DemoStatus.SetCondition(status, "Ready", false, failure.Reason, failure.Message, context.Now, "Error");
                    return;
                }
                status.Remove("failureReason");
                status.Remove("failureMessage");
                if (!ready)
                {
                    DemoStatus.SetCondition(status, "Ready", false, "NetworkReconcileInProgress", "Creating the network, router, security groups and API load balancer", context.Now, "Info");
                    DemoStatus.SetCondition(status, "NetworkReady", false, "NetworkReconcileInProgress", "Creating the cluster network", context.Now, "Info");
                    return;
                }
                var hash = DemoStatus.Hash($"{ns}/{name}", 8);
                var networkName = $"k8s-clusterapi-cluster-{ns}-{clusterName}";
                status["network"] = new JsonObject { ["id"] = DemoId($"network/{ns}/{name}"), ["name"] = networkName };
                status["router"] = new JsonObject { ["id"] = DemoId($"router/{ns}/{name}"), ["name"] = networkName };
                status["apiServerLoadBalancer"] = new JsonObject
                {
                    ["id"] = DemoId($"lb/{ns}/{name}"),
                    ["name"] = $"k8s-clusterapi-cluster-{ns}-{clusterName}-kubeapi",
                    ["ip"] = $"203.0.113.{10 + Convert.ToInt32(hash[..2], 16) % 240}",
                    ["internalIP"] = $"10.6.0.{10 + Convert.ToInt32(hash[2..4], 16) % 240}",
                };
                DemoStatus.SetCondition(status, "Ready", true, null, null, context.Now);
                DemoStatus.SetCondition(status, "NetworkReady", true, null, null, context.Now);
                DemoStatus.SetCondition(status, "SecurityGroupsReady", true, null, null, context.Now);
                DemoStatus.SetCondition(status, "APIEndpointReady", true, null, null, context.Now);
            });
        }
    }

    private static string DemoId(string key)
    {
        var hex = DemoStatus.Hash(key, 32);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}

/// <summary>
/// KubeadmControlPlane: waits for its cluster's infrastructure, then brings up one control plane machine per delay
/// (initialized and ready after the first), reports replicas / readyReplicas / updatedReplicas, version and the
/// Available, CertificatesAvailable, MachinesReady and Ready conditions; a spec.version change rolls the machines one
/// per delay (Ready=False, RollingUpdateInProgress) before status.version follows.
/// </summary>
internal sealed class DemoKubeadmControlPlaneController : IDemoController
{
    public void Reconcile(DemoControllerContext context)
    {
        foreach (var kcp in context.List(DemoCapi.ControlPlaneApiVersion, "KubeadmControlPlane"))
        {
            if (DemoKubeJson.IsDeleting(kcp))
                continue;
            var name = DemoStatus.Name(kcp);
            var desired = DemoKubeJson.Number(kcp["spec"]?["replicas"]) ?? 1;
            var version = DemoKubeJson.Text(kcp["spec"]?["version"]);
            var current = kcp["status"] as JsonObject;
            var ready = DemoStatus.Count(current, "readyReplicas");
            var statusVersion = DemoKubeJson.Text(current?["version"]);
            var cluster = DemoCapi.OwningCluster(context, kcp, "controlPlaneRef");
            var infraReady = cluster is null || DemoStatus.Flag(cluster["status"] as JsonObject, "infrastructureReady");
            var failure = context.Failure(kcp);
            var labelCluster = DemoKubeJson.Text(cluster?["metadata"]?["name"]) ?? name;

            if (!infraReady)
            {
                context.Restart(kcp, "step");
            }
            else if (failure is null)
            {
                var elapsed = context.Elapsed(kcp, "step");
                // A new machine asks the cloud: an armed fault strikes it instead.
                if (ready < desired && elapsed >= context.Delays.ControlPlaneMachine
                    && (failure = context.Api.Strike(context.Cluster, kcp, labelCluster, null, machine: true)) is null)
                {
                    ready++;
                    context.Restart(kcp, "step");
                }
                else if (ready > desired)
                {
                    ready = desired;
                }
                if (ready == desired)
                    context.Restart(kcp, "step");
            }

            long updated;
            var rolling = false;
            if (statusVersion is null)
            {
                updated = ready;
                if (ready >= 1)
                    statusVersion = version;
            }
            else if (version is not null && statusVersion != version && ready >= desired && failure is null
                     && (failure = context.Api.Strike(context.Cluster, kcp, labelCluster, null, machine: true)) is null)
            {
                var delay = context.Delays.ControlPlaneMachine;
                var elapsed = context.Elapsed(kcp, $"upgrade-{version}");
                updated = delay <= TimeSpan.Zero ? desired : Math.Min(desired, (long)(elapsed / delay));
                if (updated >= desired)
                    statusVersion = version;
                else
                    rolling = true;
            }
            else
            {
                updated = statusVersion == version ? ready : 0;
            }

            context.Cluster.UpdateStatus(kcp, status =>
            {
                status["selector"] = $"{DemoCapi.ClusterNameLabel}={labelCluster},cluster.x-k8s.io/control-plane";
                DemoStatus.SetCount(status, "replicas", infraReady ? desired : 0);
                DemoStatus.SetCount(status, "readyReplicas", ready);
                DemoStatus.SetCount(status, "updatedReplicas", updated);
                DemoStatus.SetCount(status, "unavailableReplicas", infraReady ? desired - ready : 0);
                status["initialized"] = ready >= 1;
                status["ready"] = ready >= 1;
                if (statusVersion is not null)
                    status["version"] = statusVersion;
                status["observedGeneration"] = DemoStatus.Generation(kcp);

                DemoStatus.SetCondition(status, "Available", ready >= 1, ready >= 1 ? null : "WaitingForKubeadmInit", ready >= 1 ? null : "Waiting for the first control plane machine", context.Now, "Info");
                DemoStatus.SetCondition(status, "CertificatesAvailable", true, null, null, context.Now);
                DemoStatus.SetCondition(status, "MachinesReady", ready >= desired, ready >= desired ? null : "WaitingForMachines", ready >= desired ? null : $"{desired - ready} of {desired} machines are not ready", context.Now, "Info");
                if (failure is not null)
                    DemoStatus.SetCondition(status, "Ready", false, failure.Reason, failure.Message, context.Now, "Error");
                else if (!infraReady)
                    DemoStatus.SetCondition(status, "Ready", false, "WaitingForInfrastructure", "Waiting for the cluster infrastructure to be ready", context.Now, "Info");
                else if (ready < desired)
                    DemoStatus.SetCondition(status, "Ready", false, "ScalingUp", $"Scaling up control plane to {desired} replicas (actual {ready})", context.Now, "Warning");
                else if (rolling)
                    DemoStatus.SetCondition(status, "Ready", false, "RollingUpdateInProgress", $"Rolling {desired} replicas with outdated spec ({desired - updated} replicas up to date)", context.Now, "Warning");
                else
                    DemoStatus.SetCondition(status, "Ready", true, null, null, context.Now);
            });
        }
    }
}

/// <summary>
/// MachineDeployment: once its cluster's control plane is ready, machines become ready one per worker delay up to
/// spec.replicas (or the autoscaler's min-size annotation when replicas is unset), and go away one per half delay
/// when scaled down; phase ScalingUp / ScalingDown / Running / Failed; Available, MachineSetReady and Ready
/// conditions. A changed machine template rolls the machines one per delay (updatedReplicas).
/// </summary>
internal sealed class DemoMachineDeploymentController : IDemoController
{
    private readonly Dictionary<string, string> _rolledOut = new(StringComparer.Ordinal);

    /// <summary>The pool a MachineDeployment stands for: its name after the cluster's (<c>{cluster}-{pool}</c>).</summary>
    private static string PoolOf(JsonObject md, string clusterName)
    {
        var name = DemoStatus.Name(md);
        return name.StartsWith(clusterName + "-", StringComparison.Ordinal) ? name[(clusterName.Length + 1)..] : name;
    }

    private static bool IsRollingOut(JsonObject? status) =>
        status?["conditions"] is JsonArray conditions
        && conditions.OfType<JsonObject>().Any(c => DemoKubeJson.Text(c["type"]) == "Ready" && DemoKubeJson.Text(c["reason"]) == "RollingUpdateInProgress");

    public void Reconcile(DemoControllerContext context)
    {
        foreach (var md in context.List(DemoCapi.ClusterApiVersion, "MachineDeployment"))
        {
            if (DemoKubeJson.IsDeleting(md))
                continue;
            var uid = $"{context.Cluster.Host}/{DemoKubeJson.Text(md["metadata"]?["uid"])}";
            var clusterName = DemoKubeJson.Text(md["spec"]?["clusterName"]) ?? string.Empty;
            var desired = DemoKubeJson.Number(md["spec"]?["replicas"])
                          ?? (long.TryParse(DemoKubeJson.Text(md["metadata"]?["annotations"]?[DemoCapi.MinSizeAnnotation]), out var min) ? min : 1);
            var current = md["status"] as JsonObject;
            var ready = DemoStatus.Count(current, "readyReplicas");
            var cluster = DemoCapi.OwningCluster(context, md, "none");
            var controlPlaneReady = cluster is null || DemoStatus.Flag(cluster["status"] as JsonObject, "controlPlaneReady");
            var failure = context.Failure(md);

            if (!controlPlaneReady)
            {
                context.Restart(md, "step");
            }
            else if (failure is null)
            {
                var elapsed = context.Elapsed(md, "step");
                // A new machine asks the cloud: an armed fault strikes it instead.
                if (ready < desired && elapsed >= context.Delays.WorkerMachine
                    && (failure = context.Api.Strike(context.Cluster, md, clusterName, PoolOf(md, clusterName), machine: true)) is null)
                {
                    ready++;
                    context.Restart(md, "step");
                }
                else if (ready > desired && elapsed >= context.Delays.WorkerMachine / 2)
                {
                    ready--;
                    context.Restart(md, "step");
                }
                if (ready == desired)
                    context.Restart(md, "step");
            }

            var template = md["spec"]?["template"]?.ToJsonString() ?? string.Empty;
            var updated = ready;
            var rolling = false;
            lock (_rolledOut)
            {
                if (!_rolledOut.TryGetValue(uid, out var rolledOut))
                {
                    // First sight (also after a restart of the portal, which forgets this table): a rollout the status
                    // shows in progress carries on from its saved timing marker; anything else counts as rolled out.
                    rolledOut = IsRollingOut(current) ? string.Empty : template;
                    _rolledOut[uid] = rolledOut;
                }
                if (ready < desired && rolledOut != template && ready == 0)
                {
                    _rolledOut[uid] = template;
                }
                else if (rolledOut != template && failure is null && ready >= desired
                         && (failure = context.Api.Strike(context.Cluster, md, clusterName, PoolOf(md, clusterName), machine: true)) is null)
                {
                    var delay = context.Delays.WorkerMachine;
                    var elapsed = context.Elapsed(md, $"rollout-{DemoStatus.Hash(template)}");
                    updated = delay <= TimeSpan.Zero ? desired : Math.Min(desired, (long)(elapsed / delay));
                    if (updated >= desired)
                        _rolledOut[uid] = template;
                    else
                        rolling = true;
                }
            }

            var phase = failure is not null ? "Failed" : ready < desired ? "ScalingUp" : ready > desired ? "ScalingDown" : "Running";
            context.Cluster.UpdateStatus(md, status =>
            {
                status["selector"] = $"{DemoCapi.ClusterNameLabel}={clusterName},cluster.x-k8s.io/deployment-name={DemoStatus.Name(md)}";
                DemoStatus.SetCount(status, "replicas", Math.Max(desired, ready));
                DemoStatus.SetCount(status, "readyReplicas", ready);
                DemoStatus.SetCount(status, "availableReplicas", ready);
                DemoStatus.SetCount(status, "updatedReplicas", updated);
                DemoStatus.SetCount(status, "unavailableReplicas", Math.Max(0, desired - ready));
                status["observedGeneration"] = DemoStatus.Generation(md);
                status["phase"] = phase;

                var available = ready >= desired;
                var waiting = $"Minimum availability requires {desired} replicas, current {ready} available";
                DemoStatus.SetCondition(status, "Available", available, available ? null : "WaitingForAvailableMachines", available ? null : waiting, context.Now, "Warning");
                DemoStatus.SetCondition(status, "MachineSetReady", available, available ? null : "WaitingForAvailableMachines", available ? null : waiting, context.Now, "Warning");
                if (failure is not null)
                    DemoStatus.SetCondition(status, "Ready", false, failure.Reason, failure.Message, context.Now, "Error");
                else if (!controlPlaneReady)
                    DemoStatus.SetCondition(status, "Ready", false, "WaitingForControlPlane", "Waiting for the cluster's control plane to be ready", context.Now, "Info");
                else if (!available)
                    DemoStatus.SetCondition(status, "Ready", false, "WaitingForAvailableMachines", waiting, context.Now, "Warning");
                else if (rolling)
                    DemoStatus.SetCondition(status, "Ready", false, "RollingUpdateInProgress", $"Rolling {desired} machines with an outdated template ({updated} up to date)", context.Now, "Warning");
                else
                    DemoStatus.SetCondition(status, "Ready", true, null, null, context.Now);
            });
        }
    }
}
