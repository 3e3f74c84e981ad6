namespace Portal.Jobs.Clusters;

/// <summary>
/// Everything the Cluster API objects of one managed cluster are built from. Names (cluster, pools) are DNS labels,
/// as the domain guarantees; flavors are the provider's flavor names and images the provider's image ids.
/// </summary>
/// <param name="KubernetesVersion">The catalog form, e.g. <c>1.32.3-5</c> (the build suffix is the platform's).</param>
/// <param name="ControlPlaneFlavor">The provider flavor name of the control plane machines; null for Hosted.</param>
/// <param name="ControlPlaneImage">The provider image id of the control plane machines (unused for Hosted).</param>
public sealed record ClusterManifestSpec(
    Guid ClusterId,
    string Name,
    string KubernetesVersion,
    Portal.Domain.Clusters.ControlPlaneType ControlPlane,
    int ControlPlaneReplicas,
    string? ControlPlaneFlavor,
    string ControlPlaneImage,
    string ExternalNetworkId,
    IReadOnlyList<NodePoolManifestSpec> Pools)
{
    /// <summary>Pod network of the workload cluster (Flannel's default range).</summary>
    public string PodCidr { get; init; } = "10.244.0.0/16";

    /// <summary>Service network of the workload cluster (kubeadm's default range).</summary>
    public string ServiceCidr { get; init; } = "10.96.0.0/12";

    /// <summary>The subnet CAPO creates for the cluster's machines.</summary>
    public string NodeCidr { get; init; } = "10.6.0.0/24";

    /// <summary>Whether any pool has the cluster autoscaler enabled (then the autoscaler runs for this cluster).</summary>
    public bool UsesAutoscaler => Pools.Any(p => p.AutoscalerEnabled);
}

/// <summary>One node pool: a MachineDeployment and its machine template.</summary>
/// <param name="Flavor">The provider flavor name.</param>
/// <param name="Image">The provider image id (it carries the pool's Kubernetes version).</param>
/// <param name="KubernetesVersion">The catalog form, e.g. <c>1.32.3-5</c>.</param>
/// <param name="NodeCount">Desired nodes (0–20); ignored while the autoscaler is on.</param>
/// <param name="AutoscalerMin">Autoscaler lower bound; the autoscaler is on when both bounds are set.</param>
/// <param name="AutoscalerMax">Autoscaler upper bound.</param>
public sealed record NodePoolManifestSpec(
    Guid PoolId,
    string Name,
    string Flavor,
    string Image,
    string KubernetesVersion,
    int NodeCount,
    int? AutoscalerMin,
    int? AutoscalerMax)
{
    /// <summary>
    /// vCPUs of the flavor, when known. With the autoscaler on, it is published as a capacity annotation so that the
    /// autoscaler can scale the pool up from zero nodes (it has no node to look at then).
    /// </summary>
    public int? VCpus { get; init; }

    /// <summary>RAM (MB) of the flavor, when known; see <see cref="VCpus"/>.</summary>
    public int? RamMb { get; init; }

    public bool AutoscalerEnabled => AutoscalerMin is not null && AutoscalerMax is not null;
}

/// <summary>
/// The infrastructure's OpenStack credentials as the cluster's providers (CAPO, the cloud controller manager and the
/// Cinder CSI driver) need them. <see cref="Secret"/> is the application credential secret or the password.
/// </summary>
public sealed record CloudCredentials(
    string AuthUrl,
    string? RegionName,
    string Interface /* public|internal|admin */,
    bool IsApplicationCredential,
    string? ApplicationCredentialId,
    string? UserName,
    string? UserDomain,
    string? ProjectName,
    string? ProjectDomain,
    string Secret,
    string? CaBundlePem)
{
    /// <summary>Never prints the secret (records print every member by default).</summary>
    public override string ToString() =>
        $"CloudCredentials {{ AuthUrl = {AuthUrl}, RegionName = {RegionName}, Interface = {Interface}, " +
        $"IsApplicationCredential = {IsApplicationCredential}, Secret = *** }}";
}
