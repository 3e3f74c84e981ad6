using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// A resource type the demo API serves: group ("" for core), version, kind, plural, scope. <see cref="Validate"/> may
/// refuse an object the way the real API (or a CRD's OpenAPI schema) would: it returns "field: problem" texts.
/// </summary>
public sealed partial record DemoResourceKind(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    public string Singular { get; init; } = Kind.ToLowerInvariant();

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Whether the type has a status subresource (apply and updates never change status then).</summary>
    public bool HasStatus { get; init; } = true;

    /// <summary>Schema-like checks: the problems of an object (empty when valid).</summary>
    public Func<JsonObject, IEnumerable<string>>? Validate { get; init; }

    /// <summary>
    /// Checks a validating admission webhook makes: the problems of the new object, given the stored one on an update
    /// (null on a create); empty when allowed. Refusals name the webhook (<see cref="Webhook"/>) as the API server does.
    /// </summary>
    public Func<JsonObject?, JsonObject, IEnumerable<string>>? Admission { get; init; }

    /// <summary>The name of the validating webhook whose refusals <see cref="Admission"/> gives, e.g. <c>vcluster.cnpg.io</c>.</summary>
    public string? Webhook { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>How the API server names the type in messages: <c>clusters.postgresql.cnpg.io</c>, or <c>secrets</c> for core.</summary>
    public string Resource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    internal string Key => $"{Group}/{Version}/{Plural}";

    public const string CoreGroup = "";
    public const string ClusterApiGroup = "cluster.x-k8s.io";
    public const string InfrastructureGroup = "infrastructure.cluster.x-k8s.io";
    public const string ControlPlaneGroup = "controlplane.cluster.x-k8s.io";
    public const string BootstrapGroup = "bootstrap.cluster.x-k8s.io";
    public const string AddonsGroup = "addons.cluster.x-k8s.io";
    public const string CloudNativePgGroup = "postgresql.cnpg.io";

    /// <summary>
    /// What every demo cluster serves: the core and RBAC types an operator install needs, apps/v1, CRDs and webhooks,
    /// Cluster API (core, CAPO infrastructure, kubeadm control plane and bootstrap, Kamaji, ClusterResourceSet add-ons) and CloudNativePG.
    /// </summary>
    public static IReadOnlyList<DemoResourceKind> BuiltIn { get; } =
    [
        new(CoreGroup, "v1", "Namespace", "namespaces", false) { ShortNames = ["ns"] },
        new(CoreGroup, "v1", "Secret", "secrets", true) { HasStatus = false },
        new(CoreGroup, "v1", "ConfigMap", "configmaps", true) { HasStatus = false, ShortNames = ["cm"] },
        new(CoreGroup, "v1", "Service", "services", true) { ShortNames = ["svc"] },
        new(CoreGroup, "v1", "ServiceAccount", "serviceaccounts", true) { HasStatus = false, ShortNames = ["sa"] },
        new(CoreGroup, "v1", "Pod", "pods", true) { ShortNames = ["po"] },
        new(CoreGroup, "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true) { ShortNames = ["pvc"] },
        new(CoreGroup, "v1", "Node", "nodes", false) { ShortNames = ["no"] },
        new("apps", "v1", "Deployment", "deployments", true) { ShortNames = ["deploy"] },
        new("apps", "v1", "StatefulSet", "statefulsets", true) { ShortNames = ["sts"] },
        new("apps", "v1", "DaemonSet", "daemonsets", true) { ShortNames = ["ds"] },
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true) { HasStatus = false },
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true) { HasStatus = false },
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false) { HasStatus = false },
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false) { HasStatus = false },
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false) { ShortNames = ["crd", "crds"] },
        new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false) { HasStatus = false },
        new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false) { HasStatus = false },
        new(ClusterApiGroup, "v1beta1", "Cluster", "clusters", true) { ShortNames = ["cl"] },
        new(ClusterApiGroup, "v1beta1", "MachineDeployment", "machinedeployments", true) { ShortNames = ["md"] },
        new(ClusterApiGroup, "v1beta1", "MachineHealthCheck", "machinehealthchecks", true) { ShortNames = ["mhc"] },
        new(InfrastructureGroup, "v1beta1", "OpenStackCluster", "openstackclusters", true) { ShortNames = ["osc"] },
        new(InfrastructureGroup, "v1beta1", "OpenStackMachineTemplate", "openstackmachinetemplates", true) { HasStatus = false, ShortNames = ["osmt"] },
        new(ControlPlaneGroup, "v1beta1", "KubeadmControlPlane", "kubeadmcontrolplanes", true) { ShortNames = ["kcp"], Validate = ValidateReplicas },
        new(ControlPlaneGroup, "v1alpha1", "KamajiControlPlane", "kamajicontrolplanes", true) { ShortNames = ["ktcp"] },
        new(BootstrapGroup, "v1beta1", "KubeadmConfigTemplate", "kubeadmconfigtemplates", true) { HasStatus = false },
        new(AddonsGroup, "v1beta1", "ClusterResourceSet", "clusterresourcesets", true) { ShortNames = ["crs"] },
        new(CloudNativePgGroup, "v1", "Cluster", "clusters", true) { Validate = ValidatePostgresCluster, Admission = AdmitPostgresCluster, Webhook = "vcluster.cnpg.io" },
        new(CloudNativePgGroup, "v1", "Backup", "backups", true),
        new(CloudNativePgGroup, "v1", "ScheduledBackup", "scheduledbackups", true) { Admission = AdmitScheduledBackup, Webhook = "vscheduledbackup.cnpg.io" },
        new(CloudNativePgGroup, "v1", "Pooler", "poolers", true),
    ];

    private static IEnumerable<string> ValidateReplicas(JsonObject resource)
    {
        if (DemoKubeJson.Number(resource["spec"]?["replicas"]) is { } count && count < 0)
            yield return $"spec.replicas: Invalid value: {count}: spec.replicas in body should be greater than or equal to 0";
    }

    private static IEnumerable<string> ValidatePostgresCluster(JsonObject resource)
    {
        if (DemoKubeJson.Number(resource["spec"]?["instances"]) is { } count && count < 1)
            yield return $"spec.instances: Invalid value: {count}: spec.instances in body should be greater than or equal to 1";
        if (resource["spec"]?["storage"]?["size"] is JsonValue size && size.TryGetValue<string>(out var text) && !StorageSize().IsMatch(text))
            yield return $"spec.storage.size: Invalid value: \"{text}\": spec.storage.size in body should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'";
    }

    /// <summary>
    /// CloudNativePG's webhook refuses a smaller volume (validateStorageConfigurationChange in
    /// internal/webhook/v1/cluster_webhook.go): a PVC can grow but never shrink.
    /// </summary>
    private static IEnumerable<string> AdmitPostgresCluster(JsonObject? old, JsonObject next)
    {
        var before = DemoKubeJson.Text(old?["spec"]?["storage"]?["size"]);
        var after = DemoKubeJson.Text(next["spec"]?["storage"]?["size"]);
        if (DemoQuantity.Bytes(before) is { } oldSize && DemoQuantity.Bytes(after) is { } newSize && newSize < oldSize)
            yield return $"spec.storage: Invalid value: \"{after}\": can't shrink existing storage from {before} to {after}";
    }

    /// <summary>CloudNativePG's webhook refuses a schedule its cron library cannot read (scheduledbackup_webhook.go).</summary>
    private static IEnumerable<string> AdmitScheduledBackup(JsonObject? old, JsonObject next)
    {
        var schedule = DemoKubeJson.Text(next["spec"]?["schedule"]) ?? string.Empty;
        if (DemoCron.TryParse(schedule, out var problem) is null)
            yield return $"spec.schedule: Invalid value: \"{schedule}\": {problem}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$")]
    private static partial System.Text.RegularExpressions.Regex StorageSize();
}
