using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// Kamaji's KamajiControlPlane (controlplane.cluster.x-k8s.io/v1alpha1), a hosted control plane: its API server,
/// controller manager and scheduler are pods of one Deployment on the management cluster, so all replicas come up
/// together after <see cref="DemoControllerDelays.HostedControlPlane"/> — no machines, nothing in the cloud, no wait
/// for the cluster's infrastructure. Reports initialized / ready / version / replicas / readyReplicas /
/// updatedReplicas, <c>externalManagedControlPlane</c> (what tells Cluster API there are no control plane Machines),
/// the Kamaji condition types and a Ready condition that the Cluster mirrors as ControlPlaneReady. A spec.version
/// change rolls the pods (Ready=False, RollingUpdateInProgress) before status.version follows; an injected failure
/// sets failureReason/failureMessage and Ready=False with severity Error.
/// </summary>
internal sealed class DemoKamajiControlPlaneController : IDemoController
{
    public const string ApiVersion = "controlplane.cluster.x-k8s.io/v1alpha1";

    /// <summary>Kamaji's own default when spec.replicas is unset.</summary>
    private const long DefaultReplicas = 2;

    public void Reconcile(DemoControllerContext context)
    {
        foreach (var kcp in context.List(ApiVersion, "KamajiControlPlane"))
        {
            if (DemoKubeJson.IsDeleting(kcp))
                continue;
            var desired = DemoKubeJson.Number(kcp["spec"]?["replicas"]) ?? DefaultReplicas;
            var version = DemoKubeJson.Text(kcp["spec"]?["version"]);
            var current = kcp["status"] as JsonObject;
            var ready = DemoStatus.Count(current, "readyReplicas");
            var statusVersion = DemoKubeJson.Text(current?["version"]);
            var cluster = DemoCapi.OwningCluster(context, kcp, "controlPlaneRef");
            var failure = context.Failure(kcp);
            var delay = context.Delays.HostedControlPlane;

            var rolling = false;
            long updated;
            if (failure is null)
            {
                if (ready != desired && context.Elapsed(kcp, $"scale-{desired}") >= delay)
                    ready = desired;
                if (statusVersion is null)
                {
                    if (ready >= 1)
                        statusVersion = version;
                    updated = ready;
                }
                else if (version is not null && statusVersion != version)
                {
                    // The Deployment rolls its pods one after the other; the version shows once all run it.
                    var perPod = desired <= 0 ? delay : delay / desired;
                    var elapsed = context.Elapsed(kcp, $"upgrade-{version}");
                    updated = perPod <= TimeSpan.Zero ? desired : Math.Min(desired, (long)(elapsed / perPod));
                    if (updated >= desired)
                        statusVersion = version;
                    else
                        rolling = true;
                }
                else
                {
                    updated = ready;
                }
            }
            else
            {
                updated = statusVersion == version ? ready : 0;
            }

            var clusterName = DemoKubeJson.Text(cluster?["metadata"]?["name"]) ?? DemoStatus.Name(kcp);
            context.Cluster.UpdateStatus(kcp, status =>
            {
                status["selector"] = $"{DemoCapi.ClusterNameLabel}={clusterName},kamaji.clastix.io/name={DemoStatus.Name(kcp)}";
                status["replicas"] = desired;
                status["readyReplicas"] = ready;
                status["updatedReplicas"] = updated;
                status["unavailableReplicas"] = Math.Max(0, desired - ready);
                status["initialized"] = ready >= 1;
                status["ready"] = ready >= 1 && failure is null;
                status["externalManagedControlPlane"] = true;
                status["version"] = statusVersion ?? string.Empty;
                status["observedGeneration"] = DemoStatus.Generation(kcp);
                if (failure is not null)
                {
                    status["failureReason"] = failure.Reason;
                    status["failureMessage"] = failure.Message;
                }
                else
                {
                    status.Remove("failureReason");
                    status.Remove("failureMessage");
                }

                DemoStatus.SetCondition(status, "TenantControlPlaneCreated", true, null, null, context.Now);
                DemoStatus.SetCondition(status, "KamajiControlPlaneIsInitialized", ready >= 1,
                    ready >= 1 ? null : "TenantControlPlaneNotReady", ready >= 1 ? null : "Waiting for the tenant control plane pods", context.Now, "Info");
                var podsReady = ready >= desired;
                DemoStatus.SetCondition(status, "KamajiControlPlaneIsReady", podsReady,
                    podsReady ? null : "TenantControlPlaneNotReady", podsReady ? null : $"{ready} of {desired} control plane pods are ready", context.Now, "Info");
                if (failure is not null)
                    DemoStatus.SetCondition(status, "Ready", false, failure.Reason, failure.Message, context.Now, "Error");
                else if (ready < desired)
                    DemoStatus.SetCondition(status, "Ready", false, "ScalingUp", $"Waiting for {desired - ready} of {desired} control plane pods", context.Now, "Info");
                else if (rolling)
                    DemoStatus.SetCondition(status, "Ready", false, "RollingUpdateInProgress", $"Rolling {desired} control plane pods to {version} ({updated} up to date)", context.Now, "Warning");
                else
                    DemoStatus.SetCondition(status, "Ready", true, null, null, context.Now);
            });
        }
    }
}
