using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Domain.Clusters;

namespace Portal.Jobs.Clusters;

/// <summary>
/// The built-in add-ons. Their manifests are YAML templates shipped in <c>Clusters/Addons</c> (see
/// <see cref="ManifestTemplates"/>), filled with the cluster's values from <see cref="AddonTemplateValues"/> and the
/// images of <see cref="AddonImages"/>.
/// CNI (Flannel), the OpenStack cloud controller manager and the Cinder CSI driver go into the workload cluster through
/// a ClusterResourceSet: each is a ConfigMap in the cluster's namespace whose one key holds a JSON list of manifests (a
/// form the ClusterResourceSet controller accepts besides YAML), and the set selects only this cluster by its id label.
/// Its Reconcile strategy re-applies a ConfigMap whose contents change, so an upgrade that bumps an add-on's image
/// reaches the cluster.
/// The cluster autoscaler is different: it runs on the management cluster, in the cluster's namespace, talking to
/// Cluster API there with its own service account and to the workload cluster through the kubeconfig Secret. Running
/// it inside the workload cluster would mean handing the tenant a credential for the management cluster.
/// </summary>
public static partial class ClusterManifests
{
    private const string FlannelTemplate = "flannel.yaml";
    private const string CloudControllerManagerRbacTemplate = "openstack-ccm-rbac.yaml";
    private const string CloudControllerManagerDaemonSetTemplate = "openstack-ccm-daemonset.yaml";
    private const string CloudControllerManagerDeploymentTemplate = "openstack-ccm-deployment.yaml";
    private const string CinderCsiTemplate = "cinder-csi.yaml";
    private const string AutoscalerTemplate = "cluster-autoscaler.yaml";

    public static string AddonConfigMapName(ClusterManifestSpec spec, string addon) => $"{ClusterName(spec)}-addon-{addon}";

    /// <summary>The add-on ConfigMaps (flannel, openstack-ccm, cinder-csi), then the ClusterResourceSet that applies them.</summary>
    public static IReadOnlyList<JsonObject> AddonObjects(ClusterManifestSpec spec)
    {
        var values = AddonTemplateValues(spec);
        // The cloud controller manager runs on the control plane nodes of a Standalone cluster; a Hosted cluster has
        // none, so there it is a single-replica Deployment on the workers.
        var cloudControllerManagerWorkload = spec.ControlPlane switch
        {
            ControlPlaneType.Standalone => CloudControllerManagerDaemonSetTemplate,
            ControlPlaneType.Hosted => CloudControllerManagerDeploymentTemplate,
        };
        (string Addon, IReadOnlyList<JsonObject> Manifests)[] addons =
        [
            ("flannel", ManifestTemplates.Render(FlannelTemplate, values)),
            ("openstack-ccm", [.. ManifestTemplates.Render(CloudControllerManagerRbacTemplate, values), .. ManifestTemplates.Render(cloudControllerManagerWorkload, values)]),
            ("cinder-csi", ManifestTemplates.Render(CinderCsiTemplate, values)),
        ];
        var objects = new List<JsonObject>();
        foreach (var (addon, manifests) in addons)
        {
            objects.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = Metadata(spec, AddonConfigMapName(spec, addon)),
                ["data"] = new JsonObject { [$"{addon}.json"] = new JsonArray([.. manifests]).ToJsonString(IndentedJson) },
            });
        }
        objects.Add(new JsonObject
        {
            ["apiVersion"] = AddonsApiVersion,
            ["kind"] = "ClusterResourceSet",
            ["metadata"] = Metadata(spec, AddonResourceSetName(spec)),
            ["spec"] = new JsonObject
            {
                ["strategy"] = "Reconcile",
                ["clusterSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { [ClusterIdLabel] = spec.ClusterId.ToString("N") } },
                ["resources"] = new JsonArray([.. addons.Select(a => (JsonNode)new JsonObject { ["name"] = AddonConfigMapName(spec, a.Addon), ["kind"] = "ConfigMap" })]),
            },
        });
        return objects;
    }

    /// <summary>
    /// The cluster autoscaler on the management cluster (ServiceAccount, Role, RoleBinding, Deployment), or nothing when
    /// no pool enables it. Apply it when a pool turns the autoscaler on; delete <see cref="AutoscalerName"/> objects
    /// when the last one turns it off.
    /// </summary>
    public static IReadOnlyList<JsonObject> AutoscalerObjects(ClusterManifestSpec spec)
    {
        if (!spec.UsesAutoscaler)
            return [];
        var objects = ManifestTemplates.Render(AutoscalerTemplate, AddonTemplateValues(spec));
        foreach (var manifest in objects)
        {
            // The template names each object; namespace and labels come from Metadata, like every other object of the
            // cluster on the management cluster, so that rule stays in one place.
            if (manifest["metadata"] is not JsonObject { Count: 1 } metadata || metadata["name"] is not JsonValue name)
                throw new ManifestTemplateException($"{AutoscalerTemplate}: each object's metadata holds its name only.");
            manifest["metadata"] = Metadata(spec, name.GetValue<string>());
        }
        return objects;
    }

    /// <summary>
    /// What the add-on templates are filled with for this cluster: one set for all of them (each uses what it needs).
    /// </summary>
    internal static IReadOnlyDictionary<string, string> AddonTemplateValues(ClusterManifestSpec spec) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["clusterName"] = ClusterName(spec),
        ["namespace"] = NamespaceFor(spec.ClusterId),
        ["podCidr"] = spec.PodCidr,
        ["cloudConfigSecretName"] = WorkloadCloudConfigName,
        ["kubeconfigSecretName"] = KubeconfigSecretName(spec),
        ["autoscalerName"] = AutoscalerName(spec),
        ["flannelImage"] = AddonImages.Flannel,
        ["flannelCniPluginImage"] = AddonImages.FlannelCniPlugin,
        ["cloudControllerManagerImage"] = AddonImages.CloudControllerManager(spec.KubernetesVersion),
        ["cinderCsiPluginImage"] = AddonImages.CinderCsiPlugin(spec.KubernetesVersion),
        ["csiAttacherImage"] = AddonImages.CsiAttacher,
        ["csiProvisionerImage"] = AddonImages.CsiProvisioner,
        ["csiResizerImage"] = AddonImages.CsiResizer,
        ["csiNodeDriverRegistrarImage"] = AddonImages.CsiNodeDriverRegistrar,
        ["autoscalerImage"] = AddonImages.ClusterAutoscaler(spec.KubernetesVersion),
    };

    // Relaxed escaping: these strings are manifests, never HTML, and stay readable (no \u002B for "+").
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
