using System.Text.Json.Nodes;

namespace Portal.Jobs.ServiceConfigs;

/// <summary>
/// The Kubernetes objects behind a PostgreSQL platform, as pure functions of the platform: the CloudNativePG
/// operator (namespace + controller Deployment) and, for Managed mode, the backing cluster as Cluster API objects.
/// Names derive from the platform id so that applying again finds the same objects.
/// </summary>
public static class PlatformManifests
{
    public const string OperatorNamespace = "cnpg-system";
    public const string OperatorDeployment = "cnpg-controller-manager";
    public const string PlatformsNamespace = "portal-platforms";
    public const string PlatformLabel = "portal.io/platform-id";
    public const string BackingClusterKubernetesVersion = "v1.32.3";

    public static string BackingClusterName(Guid platformId) => $"pg-{platformId:N}"[..15];

    public static JsonObject Namespace(string name, Guid platformId) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = Labels(platformId) },
    };

    /// <summary>The operator's controller; its image tag is the operator version.</summary>
    public static JsonObject OperatorDeploymentFor(Guid platformId, string version) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject
        {
            ["name"] = OperatorDeployment,
            ["namespace"] = OperatorNamespace,
            ["labels"] = Labels(platformId, ("app.kubernetes.io/name", "cloudnative-pg"), ("app.kubernetes.io/version", version)),
        },
        ["spec"] = new JsonObject
        {
            ["replicas"] = 1,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = "cloudnative-pg" } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "cloudnative-pg" } },
                ["spec"] = new JsonObject
                {
                    ["serviceAccountName"] = "cnpg-manager",
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "manager",
                        ["image"] = $"ghcr.io/cloudnative-pg/cloudnative-pg:{version}",
                        ["args"] = new JsonArray("controller", "--leader-elect"),
                        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 9443, ["name"] = "webhook-server" }),
                    }),
                },
            },
        },
    };

    /// <summary>The backing cluster of a Managed platform: Cluster, OpenStackCluster and a one-node KubeadmControlPlane.</summary>
    public static IReadOnlyList<JsonObject> BackingCluster(Guid platformId, string externalNetworkId)
    {
        var name = BackingClusterName(platformId);
        return
        [
            Namespace(PlatformsNamespace, platformId),
            new JsonObject
            {
                ["apiVersion"] = "infrastructure.cluster.x-k8s.io/v1beta1",
                ["kind"] = "OpenStackCluster",
                ["metadata"] = Metadata(name, platformId),
                ["spec"] = new JsonObject
                {
                    ["externalNetwork"] = new JsonObject { ["id"] = externalNetworkId },
                    ["managedSecurityGroups"] = new JsonObject { ["allowAllInClusterTraffic"] = true },
                    ["identityRef"] = new JsonObject { ["name"] = $"{name}-cloud-config", ["cloudName"] = "openstack" },
                },
            },
            new JsonObject
            {
                ["apiVersion"] = "controlplane.cluster.x-k8s.io/v1beta1",
                ["kind"] = "KubeadmControlPlane",
                ["metadata"] = Metadata($"{name}-control-plane", platformId),
                ["spec"] = new JsonObject
                {
                    ["replicas"] = 1,
                    ["version"] = BackingClusterKubernetesVersion,
                    ["machineTemplate"] = new JsonObject
                    {
                        ["infrastructureRef"] = new JsonObject
                        {
                            ["apiVersion"] = "infrastructure.cluster.x-k8s.io/v1beta1",
                            ["kind"] = "OpenStackMachineTemplate",
                            ["name"] = $"{name}-control-plane",
                        },
                    },
                    ["kubeadmConfigSpec"] = new JsonObject(),
                },
            },
            new JsonObject
            {
                ["apiVersion"] = "cluster.x-k8s.io/v1beta1",
                ["kind"] = "Cluster",
                ["metadata"] = Metadata(name, platformId),
                ["spec"] = new JsonObject
                {
                    ["clusterNetwork"] = new JsonObject { ["pods"] = new JsonObject { ["cidrBlocks"] = new JsonArray("10.244.0.0/16") } },
                    ["infrastructureRef"] = new JsonObject
                    {
                        ["apiVersion"] = "infrastructure.cluster.x-k8s.io/v1beta1",
                        ["kind"] = "OpenStackCluster",
                        ["name"] = name,
                    },
                    ["controlPlaneRef"] = new JsonObject
                    {
                        ["apiVersion"] = "controlplane.cluster.x-k8s.io/v1beta1",
                        ["kind"] = "KubeadmControlPlane",
                        ["name"] = $"{name}-control-plane",
                    },
                },
            },
        ];
    }

    private static JsonObject Metadata(string name, Guid platformId) => new()
    {
        ["name"] = name,
        ["namespace"] = PlatformsNamespace,
        ["labels"] = Labels(platformId),
    };

    private static JsonObject Labels(Guid platformId, params (string Key, string Value)[] extra)
    {
        var labels = new JsonObject { [PlatformLabel] = platformId.ToString("N"), ["app.kubernetes.io/managed-by"] = "portal" };
        foreach (var (key, value) in extra) labels[key] = value;
        return labels;
    }
}
