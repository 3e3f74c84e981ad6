using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Domain.Clusters;

namespace Portal.Jobs.Clusters;

/// <summary>
/// The Cluster API objects of a managed Kubernetes cluster, as pure functions of its <see cref="ClusterManifestSpec"/>:
/// one namespace per cluster on the management cluster holding the CAPO credentials Secret, <c>OpenStackCluster</c>,
/// the control plane (<c>KubeadmControlPlane</c> on VMs for Standalone, <c>KamajiControlPlane</c> for Hosted), the
/// <c>Cluster</c>, one <c>OpenStackMachineTemplate</c> + <c>MachineDeployment</c> per node pool, and the built-in
/// add-ons. Names derive from the cluster id and names only, so applying again finds the same objects.
/// </summary>
/// <remarks>
/// Shapes follow Cluster API v1beta1 (cluster, bootstrap, control plane and addons groups), CAPO
/// infrastructure.cluster.x-k8s.io/v1beta1 and Kamaji's controlplane.cluster.x-k8s.io/v1alpha1.
/// </remarks>
public static partial class ClusterManifests
{
    public const string ClusterApiVersion = "cluster.x-k8s.io/v1beta1";
    public const string InfrastructureApiVersion = "infrastructure.cluster.x-k8s.io/v1beta1";
    public const string KubeadmControlPlaneApiVersion = "controlplane.cluster.x-k8s.io/v1beta1";
    public const string KamajiControlPlaneApiVersion = "controlplane.cluster.x-k8s.io/v1alpha1";
    public const string BootstrapApiVersion = "bootstrap.cluster.x-k8s.io/v1beta1";
    public const string AddonsApiVersion = "addons.cluster.x-k8s.io/v1beta1";

    public const string ClusterNameLabel = "cluster.x-k8s.io/cluster-name";
    public const string ClusterIdLabel = "portal.io/cluster-id";
    public const string NodePoolIdLabel = "portal.io/node-pool-id";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string AutoscalerMinAnnotation = "cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size";
    public const string AutoscalerMaxAnnotation = "cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size";
    public const string CapacityCpuAnnotation = "capacity.cluster-autoscaler.kubernetes.io/cpu";
    public const string CapacityMemoryAnnotation = "capacity.cluster-autoscaler.kubernetes.io/memory";

    /// <summary>The cloud name inside clouds.yaml that identityRef and the add-ons select.</summary>
    public const string CloudName = "openstack";

    /// <summary>The Secret in the workload cluster's kube-system that the cloud controller manager and Cinder CSI mount.</summary>
    public const string WorkloadCloudConfigName = "cloud-config";

    // ---- Names ----------------------------------------------------------------------------------------------------

    /// <summary>The cluster's namespace on the management cluster: <c>mks-</c> and the first 12 hex digits of its id.</summary>
    public static string NamespaceFor(Guid clusterId) => "mks-" + clusterId.ToString("N")[..12];

    public static string ControlPlaneName(ClusterManifestSpec spec) => $"{ClusterName(spec)}-control-plane";

    public static string MachineDeploymentName(ClusterManifestSpec spec, NodePoolManifestSpec pool) => $"{ClusterName(spec)}-{PoolName(pool)}";

    /// <summary>
    /// The pool's machine template: machine templates are immutable in Cluster API, so the name carries a hash of what
    /// the machines are made of (flavor and image). A flavor change or an upgrade yields a new template, and pointing
    /// the MachineDeployment at it rolls the machines.
    /// </summary>
    public static string MachineTemplateName(ClusterManifestSpec spec, NodePoolManifestSpec pool) =>
        $"{MachineDeploymentName(spec, pool)}-{ShortHash(pool.Flavor, pool.Image)}";

    /// <summary>The control plane's machine template (Standalone only), named like a pool's for the same reason.</summary>
    public static string ControlPlaneTemplateName(ClusterManifestSpec spec) =>
        $"{ControlPlaneName(spec)}-{ShortHash(spec.ControlPlaneFlavor ?? string.Empty, spec.ControlPlaneImage)}";

    /// <summary>The CAPO credentials Secret of the cluster (identityRef).</summary>
    public static string CloudCredentialsSecretName(ClusterManifestSpec spec) => $"{ClusterName(spec)}-cloud-config";

    public static string WorkerConfigTemplateName(ClusterManifestSpec spec) => $"{ClusterName(spec)}-workers";

    public static string AddonResourceSetName(ClusterManifestSpec spec) => $"{ClusterName(spec)}-addons";

    public static string AutoscalerName(ClusterManifestSpec spec) => $"{ClusterName(spec)}-cluster-autoscaler";

    /// <summary>The Secret Cluster API writes with the workload cluster's admin kubeconfig (key <c>value</c>).</summary>
    public static string KubeconfigSecretName(ClusterManifestSpec spec) => $"{ClusterName(spec)}-kubeconfig";

    /// <summary>"1.32.3-5" (catalog form) → "v1.32.3" (what Cluster API and kubeadm expect).</summary>
    public static string ToCapiVersion(string catalogVersion)
    {
        var (major, minor, patch) = ParseVersion(catalogVersion);
        return $"v{major}.{minor}.{patch}";
    }

    /// <summary>"1.32.3-5" → "1.32".</summary>
    public static string MinorLine(string catalogVersion)
    {
        var (major, minor, _) = ParseVersion(catalogVersion);
        return $"{major}.{minor}";
    }

    // ---- Everything ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Every management-cluster object of the cluster, in apply order: namespace, credentials, add-ons, infrastructure,
    /// control plane, the Cluster, worker bootstrap config, node pools, and the autoscaler when a pool uses it.
    /// </summary>
    public static IReadOnlyList<JsonObject> All(ClusterManifestSpec spec, CloudCredentials credentials)
    {
        var objects = new List<JsonObject> { Namespace(spec), CloudCredentialsSecret(spec, credentials) };
        objects.AddRange(AddonObjects(spec));
        objects.Add(OpenStackCluster(spec));
        objects.AddRange(ControlPlaneObjects(spec));
        objects.Add(Cluster(spec));
        objects.Add(WorkerConfigTemplate(spec));
        foreach (var pool in spec.Pools)
            objects.AddRange(PoolObjects(spec, pool));
        objects.AddRange(AutoscalerObjects(spec));
        return objects;
    }

    /// <summary>A pool's objects, for adding, scaling, re-flavoring or upgrading it: its machine template, then its MachineDeployment.</summary>
    public static IReadOnlyList<JsonObject> PoolObjects(ClusterManifestSpec spec, NodePoolManifestSpec pool) =>
        [PoolMachineTemplate(spec, pool), MachineDeployment(spec, pool)];

    /// <summary>
    /// The control plane, for scaling or upgrading it: Standalone → its machine template, then the KubeadmControlPlane;
    /// Hosted → the KamajiControlPlane alone (nothing runs in the cloud).
    /// </summary>
    public static IReadOnlyList<JsonObject> ControlPlaneObjects(ClusterManifestSpec spec) => spec.ControlPlane switch
    {
        ControlPlaneType.Standalone => [ControlPlaneMachineTemplate(spec), KubeadmControlPlane(spec)],
        ControlPlaneType.Hosted => [KamajiControlPlane(spec)],
    };

    // ---- Namespace and credentials --------------------------------------------------------------------------------

    public static JsonObject Namespace(ClusterManifestSpec spec) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = NamespaceFor(spec.ClusterId), ["labels"] = Labels(spec) },
    };

    /// <summary>
    /// The cluster's <c>{name}-cloud-config</c> Secret: <c>clouds.yaml</c> (cloud <see cref="CloudName"/>) and, with a
    /// private CA, <c>cacert</c> — the layout CAPO's identityRef reads. Kept in the cluster's own namespace, so only this
    /// cluster's objects can refer to it.
    /// </summary>
    public static JsonObject CloudCredentialsSecret(ClusterManifestSpec spec, CloudCredentials credentials)
    {
        var data = new JsonObject { ["clouds.yaml"] = Base64(CloudsYaml(credentials, caFile: null)) };
        if (!string.IsNullOrWhiteSpace(credentials.CaBundlePem))
            data["cacert"] = Base64(credentials.CaBundlePem);
        var labels = Labels(spec);
        // Moves with the cluster when the management cluster is moved (clusterctl move).
        labels["clusterctl.cluster.x-k8s.io/move"] = "true";
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = CloudCredentialsSecretName(spec), ["namespace"] = NamespaceFor(spec.ClusterId), ["labels"] = labels },
            ["type"] = "Opaque",
            ["data"] = data,
        };
    }

    /// <summary>
    /// The <c>kube-system/cloud-config</c> Secret for the WORKLOAD cluster (apply it with the cluster's kubeconfig once
    /// the control plane answers): the cloud controller manager and the Cinder CSI driver mount it. It is not part of
    /// <see cref="All"/>, so that on the management cluster the credentials live only in <see cref="CloudCredentialsSecret"/>.
    /// </summary>
    public static JsonObject WorkloadCloudConfigSecret(ClusterManifestSpec spec, CloudCredentials credentials)
    {
        var hasCa = !string.IsNullOrWhiteSpace(credentials.CaBundlePem);
        var cloudConf = new StringBuilder()
            .Append("[Global]\n")
            .Append("use-clouds = true\n")
            .Append("clouds-file = /etc/config/clouds.yaml\n")
            .Append(CultureInfo.InvariantCulture, $"cloud = {CloudName}\n");
        if (hasCa)
            cloudConf.Append("ca-file = /etc/config/cacert\n");
        cloudConf.Append('\n')
            .Append("[LoadBalancer]\n")
            .Append(CultureInfo.InvariantCulture, $"floating-network-id = {spec.ExternalNetworkId}\n")
            .Append('\n')
            .Append("[BlockStorage]\n")
            .Append("ignore-volume-az = true\n");
        var data = new JsonObject
        {
            ["clouds.yaml"] = Base64(CloudsYaml(credentials, hasCa ? "/etc/config/cacert" : null)),
            ["cloud.conf"] = Base64(cloudConf.ToString()),
        };
        if (hasCa)
            data["cacert"] = Base64(credentials.CaBundlePem!);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = WorkloadCloudConfigName, ["namespace"] = "kube-system", ["labels"] = Labels(spec) },
            ["type"] = "Opaque",
            ["data"] = data,
        };
    }

    // ---- Infrastructure and Cluster -------------------------------------------------------------------------------

    /// <summary>
    /// CAPO's OpenStackCluster: a managed subnet and router on the external network, managed security groups and, for
    /// Standalone, an API server load balancer. A hosted control plane is reached through Kamaji's own service on the
    /// management cluster, so no load balancer or API floating IP is created in the cloud then.
    /// </summary>
    public static JsonObject OpenStackCluster(ClusterManifestSpec spec)
    {
        var hosted = spec.ControlPlane == ControlPlaneType.Hosted;
        var specNode = new JsonObject
        {
            ["identityRef"] = new JsonObject { ["name"] = CloudCredentialsSecretName(spec), ["cloudName"] = CloudName },
            ["externalNetwork"] = new JsonObject { ["id"] = spec.ExternalNetworkId },
            ["managedSubnets"] = new JsonArray(new JsonObject { ["cidr"] = spec.NodeCidr }),
            ["managedSecurityGroups"] = new JsonObject { ["allowAllInClusterTraffic"] = true },
            ["apiServerLoadBalancer"] = new JsonObject { ["enabled"] = !hosted },
        };
        if (hosted)
            specNode["disableAPIServerFloatingIP"] = true;
        return new JsonObject
        {
            ["apiVersion"] = InfrastructureApiVersion,
            ["kind"] = "OpenStackCluster",
            ["metadata"] = Metadata(spec, ClusterName(spec)),
            ["spec"] = specNode,
        };
    }

    public static JsonObject Cluster(ClusterManifestSpec spec) => new()
    {
        ["apiVersion"] = ClusterApiVersion,
        ["kind"] = "Cluster",
        ["metadata"] = Metadata(spec, ClusterName(spec)),
        ["spec"] = new JsonObject
        {
            ["clusterNetwork"] = new JsonObject
            {
                ["pods"] = new JsonObject { ["cidrBlocks"] = new JsonArray(spec.PodCidr) },
                ["services"] = new JsonObject { ["cidrBlocks"] = new JsonArray(spec.ServiceCidr) },
                ["serviceDomain"] = "cluster.local",
            },
            ["infrastructureRef"] = Ref(InfrastructureApiVersion, "OpenStackCluster", ClusterName(spec)),
            ["controlPlaneRef"] = spec.ControlPlane switch
            {
                ControlPlaneType.Standalone => Ref(KubeadmControlPlaneApiVersion, "KubeadmControlPlane", ControlPlaneName(spec)),
                ControlPlaneType.Hosted => Ref(KamajiControlPlaneApiVersion, "KamajiControlPlane", ControlPlaneName(spec)),
            },
        },
    };

    // ---- Control plane --------------------------------------------------------------------------------------------

    public static JsonObject ControlPlaneMachineTemplate(ClusterManifestSpec spec)
    {
        RequireStandalone(spec);
        return MachineTemplate(spec, null, ControlPlaneTemplateName(spec), spec.ControlPlaneFlavor!, spec.ControlPlaneImage);
    }

    /// <summary>KubeadmControlPlane (Standalone): replicas, version and its machine template; nodes use the external cloud provider.</summary>
    public static JsonObject KubeadmControlPlane(ClusterManifestSpec spec)
    {
        RequireStandalone(spec);
        return new JsonObject
        {
            ["apiVersion"] = KubeadmControlPlaneApiVersion,
            ["kind"] = "KubeadmControlPlane",
            ["metadata"] = Metadata(spec, ControlPlaneName(spec)),
            ["spec"] = new JsonObject
            {
                ["replicas"] = spec.ControlPlaneReplicas,
                ["version"] = ToCapiVersion(spec.KubernetesVersion),
                ["machineTemplate"] = new JsonObject
                {
                    ["infrastructureRef"] = Ref(InfrastructureApiVersion, "OpenStackMachineTemplate", ControlPlaneTemplateName(spec)),
                },
                ["kubeadmConfigSpec"] = new JsonObject
                {
                    ["clusterConfiguration"] = new JsonObject
                    {
                        ["controllerManager"] = new JsonObject { ["extraArgs"] = new JsonObject { ["cloud-provider"] = "external" } },
                    },
                    ["initConfiguration"] = new JsonObject { ["nodeRegistration"] = NodeRegistration() },
                    ["joinConfiguration"] = new JsonObject { ["nodeRegistration"] = NodeRegistration() },
                },
                ["rolloutStrategy"] = new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 1 },
                },
            },
        };
    }

    /// <summary>
    /// KamajiControlPlane (Hosted): the API server, controller manager and scheduler run as pods on the management
    /// cluster, three replicas, exposed through a LoadBalancer service; Kamaji installs CoreDNS, kube-proxy and
    /// konnectivity in the workload cluster. No machine template, nothing in the tenant's cloud.
    /// </summary>
    public static JsonObject KamajiControlPlane(ClusterManifestSpec spec)
    {
        if (spec.ControlPlane != ControlPlaneType.Hosted)
            throw new ArgumentException("Only a Hosted cluster has a KamajiControlPlane.", nameof(spec));
        return new JsonObject
        {
            ["apiVersion"] = KamajiControlPlaneApiVersion,
            ["kind"] = "KamajiControlPlane",
            ["metadata"] = Metadata(spec, ControlPlaneName(spec)),
            ["spec"] = new JsonObject
            {
                ["replicas"] = Portal.Domain.Common.Limits.HostedControlPlaneReplicas,
                ["version"] = ToCapiVersion(spec.KubernetesVersion),
                ["dataStoreName"] = "default",
                ["addons"] = new JsonObject
                {
                    ["coreDNS"] = new JsonObject(),
                    ["kubeProxy"] = new JsonObject(),
                    ["konnectivity"] = new JsonObject(),
                },
                ["controllerManager"] = new JsonObject { ["extraArgs"] = new JsonArray("--cloud-provider=external") },
                ["kubelet"] = new JsonObject
                {
                    ["cgroupfs"] = "systemd",
                    ["preferredAddressTypes"] = new JsonArray("InternalIP", "ExternalIP", "Hostname"),
                },
                ["network"] = new JsonObject { ["serviceType"] = "LoadBalancer" },
            },
        };
    }

    // ---- Workers --------------------------------------------------------------------------------------------------

    /// <summary>The kubeadm join configuration every pool's machines use (one per cluster; it holds nothing pool-specific).</summary>
    public static JsonObject WorkerConfigTemplate(ClusterManifestSpec spec) => new()
    {
        ["apiVersion"] = BootstrapApiVersion,
        ["kind"] = "KubeadmConfigTemplate",
        ["metadata"] = Metadata(spec, WorkerConfigTemplateName(spec)),
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["joinConfiguration"] = new JsonObject { ["nodeRegistration"] = NodeRegistration() },
                },
            },
        },
    };

    public static JsonObject PoolMachineTemplate(ClusterManifestSpec spec, NodePoolManifestSpec pool) =>
        MachineTemplate(spec, pool, MachineTemplateName(spec, pool), pool.Flavor, pool.Image);

    /// <summary>
    /// The pool's MachineDeployment. With the autoscaler on, spec.replicas is left out on purpose: the autoscaler owns
    /// the count between the min/max annotations, and a server-side apply that named replicas would fight it.
    /// </summary>
    public static JsonObject MachineDeployment(ClusterManifestSpec spec, NodePoolManifestSpec pool)
    {
        var name = MachineDeploymentName(spec, pool);
        var metadata = Metadata(spec, name, pool);
        var specNode = new JsonObject { ["clusterName"] = ClusterName(spec) };
        if (pool.AutoscalerEnabled)
        {
            var annotations = new JsonObject
            {
                [AutoscalerMinAnnotation] = pool.AutoscalerMin!.Value.ToString(CultureInfo.InvariantCulture),
                [AutoscalerMaxAnnotation] = pool.AutoscalerMax!.Value.ToString(CultureInfo.InvariantCulture),
            };
            if (pool.VCpus is { } cpus)
                annotations[CapacityCpuAnnotation] = cpus.ToString(CultureInfo.InvariantCulture);
            if (pool.RamMb is { } ram)
                annotations[CapacityMemoryAnnotation] = ram.ToString(CultureInfo.InvariantCulture) + "Mi";
            metadata["annotations"] = annotations;
        }
        else
        {
            specNode["replicas"] = pool.NodeCount;
        }
        specNode["selector"] = new JsonObject { ["matchLabels"] = SelectorLabels(spec, pool) };
        specNode["strategy"] = new JsonObject
        {
            ["type"] = "RollingUpdate",
            ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 1, ["maxUnavailable"] = 0 },
        };
        specNode["template"] = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = SelectorLabels(spec, pool) },
            ["spec"] = new JsonObject
            {
                ["clusterName"] = ClusterName(spec),
                ["version"] = ToCapiVersion(pool.KubernetesVersion),
                ["bootstrap"] = new JsonObject
                {
                    ["configRef"] = Ref(BootstrapApiVersion, "KubeadmConfigTemplate", WorkerConfigTemplateName(spec)),
                },
                ["infrastructureRef"] = Ref(InfrastructureApiVersion, "OpenStackMachineTemplate", MachineTemplateName(spec, pool)),
            },
        };
        return new JsonObject
        {
            ["apiVersion"] = ClusterApiVersion,
            ["kind"] = "MachineDeployment",
            ["metadata"] = metadata,
            ["spec"] = specNode,
        };
    }

    // ---- Helpers --------------------------------------------------------------------------------------------------

    /// <summary>The cluster's Kubernetes object name: its name, which the domain keeps a DNS label.</summary>
    internal static string ClusterName(ClusterManifestSpec spec) =>
        DnsLabel().IsMatch(spec.Name) ? spec.Name : throw new ArgumentException($"Cluster name '{spec.Name}' is not a DNS label.", nameof(spec));

    private static string PoolName(NodePoolManifestSpec pool) =>
        DnsLabel().IsMatch(pool.Name) ? pool.Name : throw new ArgumentException($"Node pool name '{pool.Name}' is not a DNS label.", nameof(pool));

    private static void RequireStandalone(ClusterManifestSpec spec)
    {
        if (spec.ControlPlane != ControlPlaneType.Standalone)
            throw new ArgumentException("A Hosted control plane has no machines.", nameof(spec));
        if (string.IsNullOrWhiteSpace(spec.ControlPlaneFlavor))
            throw new ArgumentException("A Standalone control plane needs a flavor.", nameof(spec));
    }

    private static JsonObject MachineTemplate(ClusterManifestSpec spec, NodePoolManifestSpec? pool, string name, string flavor, string image) => new()
    {
        ["apiVersion"] = InfrastructureApiVersion,
        ["kind"] = "OpenStackMachineTemplate",
        ["metadata"] = Metadata(spec, name, pool),
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["flavor"] = flavor,
                    ["image"] = new JsonObject { ["id"] = image },
                },
            },
        },
    };

    /// <summary>Kubelets of an external-cloud-provider cluster: named after the instance, provider id from the instance id.</summary>
    private static JsonObject NodeRegistration() => new()
    {
        ["name"] = "{{ local_hostname }}",
        ["kubeletExtraArgs"] = new JsonObject
        {
            ["cloud-provider"] = "external",
            ["provider-id"] = "openstack:///{{ instance_id }}",
        },
    };

    internal static JsonObject Metadata(ClusterManifestSpec spec, string name, NodePoolManifestSpec? pool = null) => new()
    {
        ["name"] = name,
        ["namespace"] = NamespaceFor(spec.ClusterId),
        ["labels"] = Labels(spec, pool),
    };

    /// <summary>The labels every object carries; pool objects also name their pool.</summary>
    public static JsonObject Labels(ClusterManifestSpec spec, NodePoolManifestSpec? pool = null)
    {
        var labels = new JsonObject
        {
            [ClusterNameLabel] = ClusterName(spec),
            [ClusterIdLabel] = spec.ClusterId.ToString("N"),
            [ManagedByLabel] = "portal",
        };
        if (pool is not null)
            labels[NodePoolIdLabel] = pool.PoolId.ToString("N");
        return labels;
    }

    private static JsonObject SelectorLabels(ClusterManifestSpec spec, NodePoolManifestSpec pool) => new()
    {
        [ClusterNameLabel] = ClusterName(spec),
        [NodePoolIdLabel] = pool.PoolId.ToString("N"),
    };

    internal static JsonObject Ref(string apiVersion, string kind, string name) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = name,
    };

    private static string ShortHash(string flavor, string image) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{flavor}\n{image}")))[..8];

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>clouds.yaml with one cloud; every value is a double-quoted scalar (JSON string escaping is valid YAML).</summary>
    private static string CloudsYaml(CloudCredentials credentials, string? caFile)
    {
        static string Q(string value) => JsonSerializer.Serialize(value, IndentedJson);
        var yaml = new StringBuilder()
            .Append("clouds:\n")
            .Append(CultureInfo.InvariantCulture, $"  {CloudName}:\n")
            .Append("    auth:\n")
            .Append(CultureInfo.InvariantCulture, $"      auth_url: {Q(credentials.AuthUrl)}\n");
        if (credentials.IsApplicationCredential)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"      application_credential_id: {Q(credentials.ApplicationCredentialId ?? string.Empty)}\n")
                .Append(CultureInfo.InvariantCulture, $"      application_credential_secret: {Q(credentials.Secret)}\n");
        }
        else
        {
            yaml.Append(CultureInfo.InvariantCulture, $"      username: {Q(credentials.UserName ?? string.Empty)}\n")
                .Append(CultureInfo.InvariantCulture, $"      password: {Q(credentials.Secret)}\n")
                .Append(CultureInfo.InvariantCulture, $"      user_domain_name: {Q(credentials.UserDomain ?? "Default")}\n")
                .Append(CultureInfo.InvariantCulture, $"      project_name: {Q(credentials.ProjectName ?? string.Empty)}\n")
                .Append(CultureInfo.InvariantCulture, $"      project_domain_name: {Q(credentials.ProjectDomain ?? "Default")}\n");
        }
        if (!string.IsNullOrWhiteSpace(credentials.RegionName))
            yaml.Append(CultureInfo.InvariantCulture, $"    region_name: {Q(credentials.RegionName)}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"    interface: {Q(credentials.Interface)}\n")
            .Append("    identity_api_version: 3\n")
            .Append(CultureInfo.InvariantCulture, $"    auth_type: {Q(credentials.IsApplicationCredential ? "v3applicationcredential" : "password")}\n");
        if (caFile is not null)
            yaml.Append(CultureInfo.InvariantCulture, $"    cacert: {Q(caFile)}\n");
        return yaml.ToString();
    }

    private static (int Major, int Minor, int Patch) ParseVersion(string catalogVersion)
    {
        var match = VersionShape().Match(catalogVersion?.Trim() ?? string.Empty);
        if (!match.Success)
            throw new FormatException($"'{catalogVersion}' is not a Kubernetes version such as 1.32.3-5.");
        static int Part(Group group) => group.Success ? int.Parse(group.Value, CultureInfo.InvariantCulture) : 0;
        return (Part(match.Groups[1]), Part(match.Groups[2]), Part(match.Groups[3]));
    }

    [GeneratedRegex(@"^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?:[-+][0-9A-Za-z.]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionShape();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();
}
