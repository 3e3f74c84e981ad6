using Portal.Domain.Clusters;
using ClusterSteps = Portal.Domain.Clusters.ClusterOperations.Steps;
using Portal.Domain.Infrastructures;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Clusters;

/// <summary>
/// Creates a cluster: its namespace and credentials on the management cluster, every Cluster API object, then waits
/// for the cloud infrastructure, the control plane and each node pool before the cluster and its pools are Active.
/// </summary>
public sealed class CreateClusterHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    IKubernetesClientFactory kube, ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.Create;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.PrepareNamespace, PrepareAsync),
        new(ClusterSteps.ApplyClusterObjects, ApplyWholeClusterAsync),
        new(ClusterSteps.WaitForInfrastructure, WaitForInfrastructureAsync),
        new(ClusterSteps.WaitForControlPlane, WaitForStoredControlPlaneAsync),
        new(ClusterSteps.WorkloadCredentials, WorkloadCredentialsAsync),
        new(ClusterSteps.WaitForPools, WaitForPoolsAsync),
        new(ClusterSteps.ActivateCluster, (context, ct) => FinishAsync(context, "The cluster is active.", ct)),
    ];

    private Task<StepOutcome> PrepareAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, _, client) =>
        {
            await Clusters.ApplyAsync(cluster.Id, (c, now) =>
            {
                if (c.CurrentOperationId == context.OperationId && c.State is ClusterState.Pending) c.StartCreating(context.OperationId, now);
                foreach (var pool in c.Pools.Where(p => p.CurrentOperationId == context.OperationId && p.State == ClusterState.Pending))
                    pool.StartCreating(context.OperationId, now);
            }, ct);
            var credentials = await CredentialsAsync(cluster, ct);
            if (credentials is null) return StepOutcome.Failed("The cluster's infrastructure no longer exists.");
            var spec = SpecOf(cluster);
            return await ApplyAllAsync(client, [ClusterManifests.Namespace(spec), ClusterManifests.CloudCredentialsSecret(spec, credentials)], ct)
                ?? StepOutcome.Succeeded($"Namespace {ClusterManifests.NamespaceFor(cluster.Id)} and the cloud credentials are in place on {client.Connection.Server.Host}.");
        });

    private Task<StepOutcome> WaitForInfrastructureAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, (cluster, _, client) =>
        {
            var manifest = ClusterManifests.OpenStackCluster(SpecOf(cluster));
            return WaitAsync(context, "the cloud infrastructure", async () =>
            {
                var health = await ClusterHealth.ReadAsync(client, manifest, ct);
                if (!health.Succeeded) return WaitProbe.Pending(health.Error!.Message);
                if (!health.Value!.Exists) return WaitProbe.Missing(health.Value.Progress);
                if (health.Value.Fault is { } fault)
                {
                    await RecordFaultAsync(cluster.Id, null, fault, ct);
                    return WaitProbe.Fail(StepOutcome.Failed($"The cloud refused the cluster's infrastructure: {fault}"));
                }
                return health.Value.Ready ? WaitProbe.Done("Network, router, security groups and the API load balancer are ready.") : WaitProbe.Pending(health.Value.Progress);
            }, ct, () => ReapplyClusterAsync(cluster, client, ct));
        });

    /// <summary>
    /// The cloud controller manager and Cinder CSI read the cloud's credentials from <c>kube-system/cloud-config</c> in the
    /// workload cluster. It is written through the cluster's own kubeconfig, so the credentials never sit in a
    /// management-cluster object a tenant could read.
    /// </summary>
    private Task<StepOutcome> WorkloadCredentialsAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, _, management) =>
        {
            var spec = SpecOf(cluster);
            var name = ClusterManifests.KubeconfigSecretName(spec);
            string? encoded = null;
            // Cluster API writes the kubeconfig once the control plane is up. When it is missing (the management cluster
            // lost the cluster's objects), the objects are applied again and the kubeconfig awaited like the control plane.
            var written = await WaitAsync(context, "the cluster's kubeconfig", async () =>
            {
                var secret = await management.GetAsync("v1", "Secret", ClusterManifests.NamespaceFor(cluster.Id), name, ct);
                if (secret.IsNotFound)
                {
                    var controlPlane = await ClusterHealth.ReadAsync(management, ClusterManifests.ControlPlaneObjects(spec)[^1], ct);
                    return controlPlane is { Succeeded: true, Value.Exists: false }
                        ? WaitProbe.Missing($"{controlPlane.Value.Progress} The cluster's kubeconfig is not written.")
                        : WaitProbe.Pending("The cluster's kubeconfig is not written yet.");
                }
                if (!secret.Succeeded) return WaitProbe.Pending($"Could not read the cluster's kubeconfig: {secret.Error!.Message}");
                encoded = secret.Value!["data"]?["value"]?.GetValue<string>();
                return encoded is null ? WaitProbe.Pending("The cluster's kubeconfig secret is still empty.") : WaitProbe.Done("The kubeconfig is written.");
            }, ct, () => ReapplyClusterAsync(cluster, management, ct));
            if (written.Kind != StepOutcomeKind.Succeeded || encoded is null) return written;
            var bytes = new byte[encoded.Length];
            if (!Convert.TryFromBase64String(encoded, bytes, out var length))
                return StepOutcome.Failed($"The management cluster's secret {name} does not hold a base64 kubeconfig; Cluster API writes it, so check its controllers.");
            var workload = kube.Create(System.Text.Encoding.UTF8.GetString(bytes, 0, length));
            if (!workload.Succeeded) return StepOutcome.Failed($"The cluster's kubeconfig cannot be used: {workload.Error!.Message}");
            var credentials = await CredentialsAsync(cluster, ct);
            if (credentials is null) return StepOutcome.Failed("The cluster's infrastructure no longer exists.");
            return await ApplyAllAsync(workload.Value!, [ClusterManifests.WorkloadCloudConfigSecret(spec, credentials)], ct)
                ?? StepOutcome.Succeeded("kube-system/cloud-config holds the cloud credentials for the cloud controller manager and Cinder CSI.");
        });
}

/// <summary>Scales a Standalone control plane between 1 and 3 replicas.</summary>
public sealed class ScaleControlPlaneHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.ScaleControlPlane;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.ApplyControlPlaneReplicas, ApplyAsync),
        new(ClusterSteps.WaitForControlPlaneReplicas, WaitForStoredControlPlaneAsync),
        new(ClusterSteps.Finish, (context, ct) => FinishAsync(context, "The control plane is scaled.", ct)),
    ];

    private Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, _, client) =>
        {
            var replicas = context.Parameters<ScaleControlPlaneParameters>().Replicas;
            var spec = SpecOf(cluster) with { ControlPlaneReplicas = replicas };
            if (await ApplyAllAsync(client, ClusterManifests.ControlPlaneObjects(spec), ct) is { } failed) return failed;
            await Clusters.ApplyAsync(cluster.Id, (c, now) => c.ApplyControlPlaneReplicas(replicas, now), ct);
            return StepOutcome.Succeeded($"Asked for {replicas} control plane {(replicas == 1 ? "replica" : "replicas")}.");
        });
}

/// <summary>Upgrades the control plane to the next patch or minor version; the pools follow with their own upgrades.</summary>
public sealed class UpgradeControlPlaneHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.UpgradeControlPlane;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.ApplyControlPlaneVersion, ApplyAsync),
        new(ClusterSteps.WaitForControlPlaneRollout, WaitForStoredControlPlaneAsync),
        new(ClusterSteps.UpdateAddons, AddonsAsync),
        new(ClusterSteps.Finish, (context, ct) => FinishAsync(context, "The control plane runs the new version. Upgrade the node pools next.", ct)),
    ];

    private Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, _, client) =>
        {
            var upgrade = context.Parameters<UpgradeParameters>();
            var spec = SpecOf(cluster) with { KubernetesVersion = upgrade.Version, ControlPlaneImage = upgrade.Image.ProviderId };
            if (await ApplyAllAsync(client, ClusterManifests.ControlPlaneObjects(spec), ct) is { } failed) return failed;
            await Clusters.ApplyAsync(cluster.Id, (c, now) => c.ApplyVersion(upgrade.Image, now), ct);
            return StepOutcome.Succeeded($"The control plane is moving from {upgrade.From} to {upgrade.Version} (image {upgrade.Image.Name}).");
        });

    private Task<StepOutcome> AddonsAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, _, client) =>
        {
            var spec = SpecOf(cluster);
            if (await ApplyAllAsync(client, ClusterManifests.AddonObjects(spec), ct) is { } failed) return failed;
            return await ReconcileAutoscalerAsync(client, spec, ct)
                ?? StepOutcome.Succeeded($"Cloud controller manager, Cinder CSI{(spec.UsesAutoscaler ? " and the autoscaler" : "")} now match {ClusterManifests.MinorLine(spec.KubernetesVersion)}.");
        });
}

/// <summary>Deletes the cluster: Cluster API removes machines and network, then the namespace and the portal's record go.</summary>
public sealed class DeleteClusterHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    private const string AlreadyGone = "The cluster is already gone.";

    public override string Kind => ClusterOperations.Delete;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.DeleteClusterApiCluster, DeleteAsync),
        new(ClusterSteps.WaitForClusterRemoval, WaitGoneAsync),
        new(ClusterSteps.RemoveNamespace, NamespaceAsync),
        new(ClusterSteps.RemoveClusterFromPortal, RemoveAsync),
    ];

    private Task<StepOutcome> DeleteAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, _, client) =>
        {
            var deleted = await DeleteClusterObjectAsync(cluster, client, ct);
            if (!deleted.Succeeded) return FromError(deleted.Error!, "Could not delete the cluster");
            return deleted.Value == KubeDeleteOutcome.AlreadyGone
                ? StepOutcome.Skipped("The Cluster API cluster was not there (never created, or already removed).")
                : StepOutcome.Succeeded("Cluster API is removing the machines, the network and the load balancer.");
        }, AlreadyGone);

    private static Task<RemoteResult<KubeDeleteOutcome>> DeleteClusterObjectAsync(KubernetesCluster cluster, IKubernetesClient client, CancellationToken ct) =>
        client.DeleteAsync(ClusterManifests.ClusterApiVersion, "Cluster", ClusterManifests.NamespaceFor(cluster.Id), ClusterManifests.ClusterName(SpecOf(cluster)), ct);

    private Task<StepOutcome> WaitGoneAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, (cluster, _, client) =>
            WaitForRemovalAsync(context, client, ClusterManifests.Cluster(SpecOf(cluster)), "the cluster's removal",
                "Cluster API is deleting the machines and the network…", "The machines, network and load balancer are gone.",
                async () =>
                {
                    var deleted = await DeleteClusterObjectAsync(cluster, client, ct);
                    return deleted.Succeeded ? null : FromError(deleted.Error!, "Could not delete the cluster");
                }, ct), AlreadyGone);

    private Task<StepOutcome> NamespaceAsync(StepContext context, CancellationToken ct) =>
        OnManagementClusterAsync(context, ct, async (cluster, _, client) =>
        {
            var deleted = await client.DeleteAsync("v1", "Namespace", null, ClusterManifests.NamespaceFor(cluster.Id), ct);
            if (!deleted.Succeeded) return FromError(deleted.Error!, "Could not delete the namespace");
            return deleted.Value == KubeDeleteOutcome.AlreadyGone
                ? StepOutcome.Skipped("The namespace was already gone.")
                : StepOutcome.Succeeded($"Namespace {ClusterManifests.NamespaceFor(cluster.Id)} is being removed with the credentials.");
        }, AlreadyGone);

    private async Task<StepOutcome> RemoveAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return StepOutcome.Skipped("The cluster was already removed.");
        if (context.Resumed)
        {
            // The portal stopped during this step: the management cluster may have lost the namespace's deletion, and
            // once the row is gone nothing would ask again. Deleting is idempotent.
            var client = await ManagementAsync(cluster, ct);
            if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
            var deleted = await client.Value!.DeleteAsync("v1", "Namespace", null, ClusterManifests.NamespaceFor(cluster.Id), ct);
            if (!deleted.Succeeded) return FromError(deleted.Error!, "Could not delete the namespace");
        }
        await Clusters.RemoveClusterAsync(cluster.Id, ct);
        return StepOutcome.Succeeded($"Cluster {cluster.Name} is deleted.");
    }
}

/// <summary>
/// Resync: applies the cluster's whole spec again (server-side apply is idempotent) and waits for the control plane
/// and every pool, bringing a Degraded or drifted cluster back to Active.
/// </summary>
public sealed class ResyncClusterHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.Resync;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new(ClusterSteps.ApplyClusterObjectsAgain, ApplyWholeClusterAsync),
        new(ClusterSteps.WaitForControlPlane, WaitForStoredControlPlaneAsync),
        new(ClusterSteps.WaitForPools, WaitForPoolsAsync),
        new(ClusterSteps.Finish, (context, ct) => FinishAsync(context, "The cluster is in sync with its spec.", ct)),
    ];
}
