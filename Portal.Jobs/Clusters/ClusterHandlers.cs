using Portal.Domain.Clusters;
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
    private IKubernetesClientFactory Kube => kube;

    public override string Kind => ClusterOperations.Create;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new("Prepare the namespace and cloud credentials", PrepareAsync),
        new("Apply the Cluster API objects", ApplyAsync),
        new("Wait for the network, router and API load balancer", WaitForInfrastructureAsync),
        new("Wait for the control plane", WaitForControlPlaneAsync),
        new("Give the cloud add-ons their credentials in the cluster", WorkloadCredentialsAsync),
        new("Wait for the node pools", WaitForPoolsAsync),
        new("Activate the cluster", (context, ct) => FinishAsync(context, "The cluster is active.", ct)),
    ];

    private async Task<StepOutcome> PrepareAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        await Clusters.ApplyAsync(cluster.Id, (c, now) =>
        {
            if (c.CurrentOperationId == context.OperationId && c.State is ClusterState.Pending) c.StartCreating(context.OperationId, now);
            foreach (var pool in c.Pools.Where(p => p.CurrentOperationId == context.OperationId && p.State == ClusterState.Pending))
                pool.StartCreating(context.OperationId, now);
        }, ct);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var credentials = await CredentialsAsync(cluster, ct);
        if (credentials is null) return StepOutcome.Failed("The cluster's infrastructure no longer exists.");
        var spec = SpecOf(cluster);
        return await ApplyAllAsync(client.Value!, [ClusterManifests.Namespace(spec), ClusterManifests.CloudCredentialsSecret(spec, credentials)], ct)
            ?? StepOutcome.Succeeded($"Namespace {ClusterManifests.NamespaceFor(cluster.Id)} and the cloud credentials are in place on {client.Value!.Connection.Server.Host}.");
    }

    private async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var credentials = await CredentialsAsync(cluster, ct);
        if (credentials is null) return StepOutcome.Failed("The cluster's infrastructure no longer exists.");
        var objects = ClusterManifests.All(SpecOf(cluster), credentials);
        return await ApplyAllAsync(client.Value!, objects, ct)
            ?? StepOutcome.Succeeded($"Applied {objects.Count} objects: {string.Join(", ", objects.Select(o => o["kind"]!.GetValue<string>()).Distinct())}.");
    }

    private async Task<StepOutcome> WaitForInfrastructureAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var manifest = ClusterManifests.OpenStackCluster(SpecOf(cluster));
        return await WaitAsync(context, "the cloud infrastructure", async () =>
        {
            var health = await ClusterHealth.ReadAsync(client.Value!, manifest, ct);
            if (!health.Succeeded) return WaitProbe.Pending(health.Error!.Message);
            if (health.Value!.Fault is { } fault)
            {
                await RecordFaultAsync(cluster.Id, null, fault, ct);
                return WaitProbe.Fail(StepOutcome.Failed($"The cloud refused the cluster's infrastructure: {fault}"));
            }
            return health.Value.Ready ? WaitProbe.Done("Network, router, security groups and the API load balancer are ready.") : WaitProbe.Pending(health.Value.Progress);
        }, ct);
    }

    private async Task<StepOutcome> WaitForControlPlaneAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        return await WaitForControlPlaneCoreAsync(context, client.Value!, cluster, cluster.ControlPlaneReplicas, cluster.KubernetesVersion, ct);
    }

    /// <summary>
    /// The cloud controller manager and Cinder CSI read the cloud's credentials from <c>kube-system/cloud-config</c> in the
    /// workload cluster. It is written through the cluster's own kubeconfig, so the credentials never sit in a
    /// management-cluster object a tenant could read.
    /// </summary>
    private async Task<StepOutcome> WorkloadCredentialsAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var management = await ManagementAsync(cluster, ct);
        if (!management.Succeeded) return FromError(management.Error!, "No management cluster");
        var spec = SpecOf(cluster);
        var secret = await management.Value!.GetAsync("v1", "Secret", ClusterManifests.NamespaceFor(cluster.Id), ClusterManifests.KubeconfigSecretName(spec), ct);
        if (secret.IsNotFound) return StepOutcome.Transient("The cluster's kubeconfig is not written yet.");
        if (!secret.Succeeded) return FromError(secret.Error!, "Could not read the cluster's kubeconfig");
        var encoded = secret.Value!["data"]?["value"]?.GetValue<string>();
        if (encoded is null) return StepOutcome.Transient("The cluster's kubeconfig secret is still empty.");
        var workload = Kube.Create(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
        if (!workload.Succeeded) return StepOutcome.Failed($"The cluster's kubeconfig cannot be used: {workload.Error!.Message}");
        var credentials = await CredentialsAsync(cluster, ct);
        if (credentials is null) return StepOutcome.Failed("The cluster's infrastructure no longer exists.");
        return await ApplyAllAsync(workload.Value!, [ClusterManifests.WorkloadCloudConfigSecret(spec, credentials)], ct)
            ?? StepOutcome.Succeeded("kube-system/cloud-config holds the cloud credentials for the cloud controller manager and Cinder CSI.");
    }

}

/// <summary>Scales a Standalone control plane between 1 and 3 replicas.</summary>
public sealed class ScaleControlPlaneHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.ScaleControlPlane;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new("Apply the control plane's replica count", ApplyAsync),
        new("Wait for the control plane replicas", WaitAsync),
        new("Finish", (context, ct) => FinishAsync(context, "The control plane is scaled.", ct)),
    ];

    private async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var replicas = context.Parameters<ScaleControlPlaneParameters>().Replicas;
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var spec = SpecOf(cluster) with { ControlPlaneReplicas = replicas };
        if (await ApplyAllAsync(client.Value!, ClusterManifests.ControlPlaneObjects(spec), ct) is { } failed) return failed;
        await Clusters.ApplyAsync(cluster.Id, (c, now) => c.ApplyControlPlaneReplicas(replicas, now), ct);
        return StepOutcome.Succeeded($"Asked for {replicas} control plane {(replicas == 1 ? "replica" : "replicas")}.");
    }

    private async Task<StepOutcome> WaitAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        return await WaitForControlPlaneCoreAsync(context, client.Value!, cluster, context.Parameters<ScaleControlPlaneParameters>().Replicas, cluster.KubernetesVersion, ct);
    }
}

/// <summary>Upgrades the control plane to the next patch or minor version; the pools follow with their own upgrades.</summary>
public sealed class UpgradeControlPlaneHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.UpgradeControlPlane;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new("Apply the new version to the control plane", ApplyAsync),
        new("Wait for the control plane to roll out", WaitAsync),
        new("Update the built-in add-ons", AddonsAsync),
        new("Finish", (context, ct) => FinishAsync(context, "The control plane runs the new version. Upgrade the node pools next.", ct)),
    ];

    private async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var upgrade = context.Parameters<UpgradeParameters>();
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var spec = SpecOf(cluster) with { KubernetesVersion = upgrade.Version, ControlPlaneImage = upgrade.Image.ProviderId };
        if (await ApplyAllAsync(client.Value!, ClusterManifests.ControlPlaneObjects(spec), ct) is { } failed) return failed;
        await Clusters.ApplyAsync(cluster.Id, (c, now) => c.ApplyVersion(upgrade.Image, now), ct);
        return StepOutcome.Succeeded($"The control plane is moving from {upgrade.From} to {upgrade.Version} (image {upgrade.Image.Name}).");
    }

    private async Task<StepOutcome> WaitAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        return await WaitForControlPlaneCoreAsync(context, client.Value!, cluster, cluster.ControlPlaneReplicas, context.Parameters<UpgradeParameters>().Version, ct);
    }

    private async Task<StepOutcome> AddonsAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var spec = SpecOf(cluster);
        var objects = ClusterManifests.AddonObjects(spec).Concat(ClusterManifests.AutoscalerObjects(spec)).ToList();
        return await ApplyAllAsync(client.Value!, objects, ct)
            ?? StepOutcome.Succeeded($"Cloud controller manager, Cinder CSI{(spec.UsesAutoscaler ? " and the autoscaler" : "")} now match {ClusterManifests.MinorLine(spec.KubernetesVersion)}.");
    }
}

/// <summary>Deletes the cluster: Cluster API removes machines and network, then the namespace and the portal's record go.</summary>
public sealed class DeleteClusterHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.Delete;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new("Delete the Cluster API cluster", DeleteAsync),
        new("Wait for the machines and network to be removed", WaitGoneAsync),
        new("Remove the cluster's namespace", NamespaceAsync),
        new("Remove the cluster from the portal", RemoveAsync),
    ];

    private async Task<StepOutcome> DeleteAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return StepOutcome.Skipped("The cluster is already gone.");
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var manifest = ClusterManifests.Cluster(SpecOf(cluster));
        var deleted = await client.Value!.DeleteAsync(ClusterManifests.ClusterApiVersion, "Cluster", ClusterManifests.NamespaceFor(cluster.Id), manifest["metadata"]!["name"]!.GetValue<string>(), ct);
        if (deleted.IsNotFound) return StepOutcome.Skipped("The Cluster API cluster was not there (never created, or already removed).");
        return deleted.Succeeded ? StepOutcome.Succeeded("Cluster API is removing the machines, the network and the load balancer.") : FromError(deleted.Error!, "Could not delete the cluster");
    }

    private async Task<StepOutcome> WaitGoneAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return StepOutcome.Skipped("The cluster is already gone.");
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var manifest = ClusterManifests.Cluster(SpecOf(cluster));
        return await WaitAsync(context, "the cluster's removal", async () =>
        {
            var health = await ClusterHealth.ReadAsync(client.Value!, manifest, ct);
            if (!health.Succeeded) return WaitProbe.Pending(health.Error!.Message);
            return health.Value!.Exists ? WaitProbe.Pending("Cluster API is deleting the machines and the network…") : WaitProbe.Done("The machines, network and load balancer are gone.");
        }, ct);
    }

    private async Task<StepOutcome> NamespaceAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return StepOutcome.Skipped("The cluster is already gone.");
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var deleted = await client.Value!.DeleteAsync("v1", "Namespace", null, ClusterManifests.NamespaceFor(cluster.Id), ct);
        if (deleted.IsNotFound) return StepOutcome.Skipped("The namespace was already gone.");
        return deleted.Succeeded ? StepOutcome.Succeeded($"Namespace {ClusterManifests.NamespaceFor(cluster.Id)} is being removed with the credentials.") : FromError(deleted.Error!, "Could not delete the namespace");
    }

    private async Task<StepOutcome> RemoveAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return StepOutcome.Skipped("The cluster was already removed.");
        await Clusters.RemoveClusterAsync(cluster.Id, ct);
        return StepOutcome.Succeeded($"Cluster {cluster.Name} is deleted.");
    }
}

/// <summary>
/// Resync: applies the cluster's whole spec again (server-side apply is idempotent) and waits for the infrastructure,
/// the control plane and every pool, bringing a Degraded or drifted cluster back to Active.
/// </summary>
public sealed class ResyncClusterHandler(ClusterService clusters, ManagementClusters management, InfrastructureService infrastructures,
    ClusterOperationOptions options, TimeProvider clock) : ClusterHandlerBase(clusters, management, infrastructures, options, clock)
{
    public override string Kind => ClusterOperations.Resync;

    public override IReadOnlyList<OperationStepDefinition> Steps =>
    [
        new("Apply the cluster's Cluster API objects again", ApplyAsync),
        new("Wait for the control plane", WaitForControlPlaneAsync),
        new("Wait for the node pools", WaitForPoolsAsync),
        new("Finish", (context, ct) => FinishAsync(context, "The cluster is in sync with its spec.", ct)),
    ];

    private async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        var credentials = await CredentialsAsync(cluster, ct);
        if (credentials is null) return StepOutcome.Failed("The cluster's infrastructure no longer exists.");
        var spec = SpecOf(cluster);
        var objects = ClusterManifests.All(spec, credentials);
        if (await ApplyAllAsync(client.Value!, objects, ct) is { } failed) return failed;
        return await ReconcileAutoscalerAsync(client.Value!, spec, ct)
            ?? StepOutcome.Succeeded($"Applied {objects.Count} objects again.");
    }

    private async Task<StepOutcome> WaitForControlPlaneAsync(StepContext context, CancellationToken ct)
    {
        var (cluster, _) = await LoadAsync(context, ct);
        if (cluster is null) return Gone(context);
        var client = await ManagementAsync(cluster, ct);
        if (!client.Succeeded) return FromError(client.Error!, "No management cluster");
        return await WaitForControlPlaneCoreAsync(context, client.Value!, cluster, cluster.ControlPlaneReplicas, cluster.KubernetesVersion, ct);
    }
}
