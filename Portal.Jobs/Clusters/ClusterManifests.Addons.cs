using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Domain.Clusters;

namespace Portal.Jobs.Clusters;

/// <summary>
/// The built-in add-ons. CNI (Flannel), the OpenStack cloud controller manager and the Cinder CSI driver go into the
/// workload cluster through a ClusterResourceSet: each is a ConfigMap in the cluster's namespace whose one key holds a
/// JSON list of manifests (a form the ClusterResourceSet controller accepts besides YAML), and the set selects only
/// this cluster by its id label. Its Reconcile strategy re-applies a ConfigMap whose contents change, so an upgrade
/// that bumps an add-on's image reaches the cluster.
/// The cluster autoscaler is different: it runs on the management cluster, in the cluster's namespace, talking to
/// Cluster API there with its own service account and to the workload cluster through the kubeconfig Secret. Running
/// it inside the workload cluster would mean handing the tenant a credential for the management cluster.
/// </summary>
public static partial class ClusterManifests
{
    public const string FlannelImage = "docker.io/flannel/flannel:v0.26.4";
    public const string FlannelCniPluginImage = "docker.io/flannel/flannel-cni-plugin:v1.6.2-flannel1";
    public const string CsiAttacherImage = "registry.k8s.io/sig-storage/csi-attacher:v4.7.0";
    public const string CsiProvisionerImage = "registry.k8s.io/sig-storage/csi-provisioner:v5.1.0";
    public const string CsiResizerImage = "registry.k8s.io/sig-storage/csi-resizer:v1.12.0";
    public const string CsiNodeRegistrarImage = "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.12.0";
    public const string CinderCsiDriverName = "cinder.csi.openstack.org";

    /// <summary>
    /// The OpenStack cloud controller manager's image. cloud-provider-openstack cuts one release line per Kubernetes
    /// minor, and its <c>.0</c> release supports that whole minor.
    /// </summary>
    public static string CloudControllerManagerImage(string catalogVersion) =>
        $"registry.k8s.io/provider-os/openstack-cloud-controller-manager:v{MinorLine(catalogVersion)}.0";

    /// <summary>The Cinder CSI plugin's image, released alongside the cloud controller manager.</summary>
    public static string CinderCsiImage(string catalogVersion) =>
        $"registry.k8s.io/provider-os/cinder-csi-plugin:v{MinorLine(catalogVersion)}.0";

    /// <summary>The cluster autoscaler's image: its minor must match the cluster's (the autoscaler embeds the scheduler).</summary>
    public static string AutoscalerImage(string catalogVersion) =>
        $"registry.k8s.io/autoscaling/cluster-autoscaler:v{MinorLine(catalogVersion)}.0";

    public static string AddonConfigMapName(ClusterManifestSpec spec, string addon) => $"{ClusterName(spec)}-addon-{addon}";

    /// <summary>The add-on ConfigMaps (flannel, openstack-ccm, cinder-csi), then the ClusterResourceSet that applies them.</summary>
    public static IReadOnlyList<JsonObject> AddonObjects(ClusterManifestSpec spec)
    {
        (string Addon, IReadOnlyList<JsonObject> Manifests)[] addons =
        [
            ("flannel", FlannelManifests(spec)),
            ("openstack-ccm", CloudControllerManagerManifests(spec)),
            ("cinder-csi", CinderCsiManifests(spec)),
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
        var name = AutoscalerName(spec);
        var ns = NamespaceFor(spec.ClusterId);
        var appLabels = new JsonObject { ["app.kubernetes.io/name"] = "cluster-autoscaler", [ClusterNameLabel] = ClusterName(spec) };
        return
        [
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = Metadata(spec, name) },
            new JsonObject
            {
                ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                ["kind"] = "Role",
                ["metadata"] = Metadata(spec, name),
                ["rules"] = new JsonArray(
                    RbacRule(["cluster.x-k8s.io"], ["machinedeployments", "machinedeployments/scale", "machinesets", "machinesets/scale", "machines", "machinepools", "machinepools/scale"],
                        ["get", "list", "watch", "update", "patch"]),
                    RbacRule(["infrastructure.cluster.x-k8s.io"], ["openstackmachinetemplates"], ["get", "list", "watch"])),
            },
            new JsonObject
            {
                ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                ["kind"] = "RoleBinding",
                ["metadata"] = Metadata(spec, name),
                ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = name },
                ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name, ["namespace"] = ns }),
            },
            new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "Deployment",
                ["metadata"] = Metadata(spec, name),
                ["spec"] = new JsonObject
                {
                    ["replicas"] = 1,
                    ["selector"] = new JsonObject { ["matchLabels"] = appLabels.DeepClone() },
                    ["template"] = new JsonObject
                    {
                        ["metadata"] = new JsonObject { ["labels"] = appLabels.DeepClone() },
                        ["spec"] = new JsonObject
                        {
                            ["serviceAccountName"] = name,
                            ["containers"] = new JsonArray(new JsonObject
                            {
                                ["name"] = "cluster-autoscaler",
                                ["image"] = AutoscalerImage(spec.KubernetesVersion),
                                ["command"] = new JsonArray("/cluster-autoscaler"),
                                ["args"] = new JsonArray(
                                    "--cloud-provider=clusterapi",
                                    // The workload cluster (nodes, pods) through Cluster API's kubeconfig Secret...
                                    "--kubeconfig=/etc/kubernetes/workload/value",
                                    // ...and Cluster API's objects here, through the pod's own service account.
                                    "--clusterapi-cloud-config-authoritative",
                                    $"--node-group-auto-discovery=clusterapi:namespace={ns},clusterName={ClusterName(spec)}",
                                    "--scale-down-unneeded-time=10m",
                                    "--v=2"),
                                ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "workload-kubeconfig", ["mountPath"] = "/etc/kubernetes/workload", ["readOnly"] = true }),
                                ["resources"] = Resources("100m", "300Mi"),
                            }),
                            ["volumes"] = new JsonArray(new JsonObject
                            {
                                ["name"] = "workload-kubeconfig",
                                ["secret"] = new JsonObject { ["secretName"] = KubeconfigSecretName(spec) },
                            }),
                        },
                    },
                },
            },
        ];
    }

    // ---- Workload cluster manifests (inside the add-on ConfigMaps) -----------------------------------------------

    // Relaxed escaping: these strings are manifests, never HTML, and stay readable (no \u002B for "+").
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Flannel with the VXLAN backend on the cluster's pod network, one DaemonSet pod per node.</summary>
    private static IReadOnlyList<JsonObject> FlannelManifests(ClusterManifestSpec spec)
    {
        const string ns = "kube-flannel";
        var netConf = new JsonObject { ["Network"] = spec.PodCidr, ["EnableNFTables"] = false, ["Backend"] = new JsonObject { ["Type"] = "vxlan" } };
        var cniConf = new JsonObject
        {
            ["name"] = "cbr0",
            ["cniVersion"] = "0.3.1",
            ["plugins"] = new JsonArray(
                new JsonObject { ["type"] = "flannel", ["delegate"] = new JsonObject { ["hairpinMode"] = true, ["isDefaultGateway"] = true } },
                new JsonObject { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true } }),
        };
        var app = new JsonObject { ["app"] = "flannel" };
        return
        [
            Object("v1", "Namespace", "kube-flannel", null, extra: new JsonObject { ["pod-security.kubernetes.io/enforce"] = "privileged" }),
            Object("v1", "ServiceAccount", "flannel", ns),
            WithRules(Object("rbac.authorization.k8s.io/v1", "ClusterRole", "flannel", null),
                RbacRule([""], ["pods"], ["get"]),
                RbacRule([""], ["nodes"], ["get", "list", "watch"]),
                RbacRule([""], ["nodes/status"], ["patch"])),
            ClusterRoleBinding("flannel", "flannel", ("flannel", ns)),
            WithData(Object("v1", "ConfigMap", "kube-flannel-cfg", ns), new JsonObject
            {
                ["cni-conf.json"] = cniConf.ToJsonString(IndentedJson),
                ["net-conf.json"] = netConf.ToJsonString(IndentedJson),
            }),
            DaemonSet("kube-flannel-ds", ns, app, new JsonObject
            {
                ["hostNetwork"] = true,
                ["priorityClassName"] = "system-node-critical",
                ["serviceAccountName"] = "flannel",
                ["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists", ["effect"] = "NoSchedule" }),
                ["initContainers"] = new JsonArray(
                    new JsonObject
                    {
                        ["name"] = "install-cni-plugin",
                        ["image"] = FlannelCniPluginImage,
                        ["command"] = new JsonArray("cp"),
                        ["args"] = new JsonArray("-f", "/flannel", "/opt/cni/bin/flannel"),
                        ["volumeMounts"] = Mounts(("cni-plugin", "/opt/cni/bin", false)),
                    },
                    new JsonObject
                    {
                        ["name"] = "install-cni",
                        ["image"] = FlannelImage,
                        ["command"] = new JsonArray("cp"),
                        ["args"] = new JsonArray("-f", "/etc/kube-flannel/cni-conf.json", "/etc/cni/net.d/10-flannel.conflist"),
                        ["volumeMounts"] = Mounts(("cni", "/etc/cni/net.d", false), ("flannel-cfg", "/etc/kube-flannel/", false)),
                    }),
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "kube-flannel",
                    ["image"] = FlannelImage,
                    ["command"] = new JsonArray("/opt/bin/flanneld"),
                    ["args"] = new JsonArray("--ip-masq", "--kube-subnet-mgr"),
                    ["env"] = new JsonArray(FieldEnv("POD_NAME", "metadata.name"), FieldEnv("POD_NAMESPACE", "metadata.namespace")),
                    ["securityContext"] = new JsonObject
                    {
                        ["privileged"] = false,
                        ["capabilities"] = new JsonObject { ["add"] = new JsonArray("NET_ADMIN", "NET_RAW") },
                    },
                    ["resources"] = Resources("100m", "50Mi"),
                    ["volumeMounts"] = Mounts(("run", "/run/flannel", false), ("flannel-cfg", "/etc/kube-flannel/", false), ("xtables-lock", "/run/xtables.lock", false)),
                }),
                ["volumes"] = new JsonArray(
                    HostPath("run", "/run/flannel"),
                    HostPath("cni-plugin", "/opt/cni/bin"),
                    HostPath("cni", "/etc/cni/net.d"),
                    new JsonObject { ["name"] = "flannel-cfg", ["configMap"] = new JsonObject { ["name"] = "kube-flannel-cfg" } },
                    HostPath("xtables-lock", "/run/xtables.lock", "FileOrCreate")),
            }),
        ];
    }

    /// <summary>
    /// The OpenStack cloud controller manager: initializes nodes (clearing the uninitialized taint), serves
    /// LoadBalancer Services through Octavia. On a Standalone cluster it runs on the control plane nodes; a Hosted
    /// cluster has none, so it runs as a single-replica Deployment on the workers.
    /// </summary>
    private static IReadOnlyList<JsonObject> CloudControllerManagerManifests(ClusterManifestSpec spec)
    {
        const string ns = "kube-system";
        const string name = "openstack-cloud-controller-manager";
        var app = new JsonObject { ["k8s-app"] = name };
        var podSpec = new JsonObject
        {
            ["hostNetwork"] = true,
            ["priorityClassName"] = "system-cluster-critical",
            ["serviceAccountName"] = "cloud-controller-manager",
            ["securityContext"] = new JsonObject { ["runAsUser"] = 1001 },
            ["tolerations"] = new JsonArray(
                Toleration("node.cloudprovider.kubernetes.io/uninitialized", "NoSchedule", "true"),
                Toleration("node-role.kubernetes.io/control-plane", "NoSchedule", null)),
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = name,
                ["image"] = CloudControllerManagerImage(spec.KubernetesVersion),
                ["args"] = new JsonArray(
                    "/bin/openstack-cloud-controller-manager",
                    "--v=1",
                    $"--cluster-name={ClusterName(spec)}",
                    "--cloud-config=$(CLOUD_CONFIG)",
                    "--cloud-provider=openstack",
                    "--use-service-account-credentials=false",
                    "--bind-address=127.0.0.1"),
                ["env"] = new JsonArray(new JsonObject { ["name"] = "CLOUD_CONFIG", ["value"] = "/etc/config/cloud.conf" }),
                ["resources"] = Resources("200m", "100Mi"),
                ["volumeMounts"] = Mounts(("cloud-config", "/etc/config", true)),
            }),
            ["volumes"] = new JsonArray(CloudConfigVolume()),
        };
        JsonObject workload;
        if (spec.ControlPlane == ControlPlaneType.Standalone)
        {
            podSpec["nodeSelector"] = new JsonObject { ["node-role.kubernetes.io/control-plane"] = "" };
            workload = DaemonSet(name, ns, app, podSpec);
        }
        else
        {
            workload = Object("apps/v1", "Deployment", name, ns, app);
            workload["spec"] = new JsonObject
            {
                ["replicas"] = 1,
                ["selector"] = new JsonObject { ["matchLabels"] = app.DeepClone() },
                ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = app.DeepClone() }, ["spec"] = podSpec },
            };
        }
        return
        [
            Object("v1", "ServiceAccount", "cloud-controller-manager", ns),
            WithRules(Object("rbac.authorization.k8s.io/v1", "ClusterRole", "system:cloud-controller-manager", null),
                RbacRule(["coordination.k8s.io"], ["leases"], ["get", "create", "update"]),
                RbacRule([""], ["events"], ["create", "patch", "update"]),
                RbacRule([""], ["nodes"], ["*"]),
                RbacRule([""], ["nodes/status"], ["patch"]),
                RbacRule([""], ["services"], ["list", "patch", "update", "watch"]),
                RbacRule([""], ["services/status"], ["patch"]),
                RbacRule([""], ["serviceaccounts", "serviceaccounts/token"], ["create", "get"]),
                RbacRule([""], ["persistentvolumes"], ["*"]),
                RbacRule([""], ["endpoints"], ["create", "get", "list", "watch", "update"]),
                RbacRule([""], ["configmaps", "secrets"], ["get", "list", "watch"])),
            ClusterRoleBinding("system:cloud-controller-manager", "system:cloud-controller-manager", ("cloud-controller-manager", ns)),
            workload,
        ];
    }

    /// <summary>Cinder CSI: the driver object, a controller (attach, provision, resize), a node plugin on every node, a default StorageClass.</summary>
    private static IReadOnlyList<JsonObject> CinderCsiManifests(ClusterManifestSpec spec)
    {
        const string ns = "kube-system";
        var controllerApp = new JsonObject { ["app"] = "csi-cinder-controllerplugin" };
        var nodeApp = new JsonObject { ["app"] = "csi-cinder-nodeplugin" };
        var driverImage = CinderCsiImage(spec.KubernetesVersion);
        var csiAddress = new JsonObject { ["name"] = "ADDRESS", ["value"] = "/var/lib/csi/sockets/pluginproxy/csi.sock" };
        JsonObject Sidecar(string name, string image, params string[] extraArgs) => new()
        {
            ["name"] = name,
            ["image"] = image,
            ["args"] = new JsonArray([.. new[] { "--csi-address=$(ADDRESS)", "--timeout=3m" }.Concat(extraArgs).Select(a => (JsonNode)a)]),
            ["env"] = new JsonArray(csiAddress.DeepClone()),
            ["volumeMounts"] = Mounts(("socket-dir", "/var/lib/csi/sockets/pluginproxy/", false)),
        };
        JsonObject Plugin(string endpoint, params (string Name, string Path, bool ReadOnly)[] mounts) => new()
        {
            ["name"] = "cinder-csi-plugin",
            ["image"] = driverImage,
            ["args"] = new JsonArray("/bin/cinder-csi-plugin", "--endpoint=$(CSI_ENDPOINT)", "--cloud-config=$(CLOUD_CONFIG)", $"--cluster={ClusterName(spec)}", "--v=1"),
            ["env"] = new JsonArray(
                new JsonObject { ["name"] = "CSI_ENDPOINT", ["value"] = endpoint },
                new JsonObject { ["name"] = "CLOUD_CONFIG", ["value"] = "/etc/config/cloud.conf" }),
            ["volumeMounts"] = Mounts([.. mounts, ("cloud-config", "/etc/config", true)]),
        };

        var controller = Object("apps/v1", "Deployment", "csi-cinder-controllerplugin", ns, controllerApp);
        controller["spec"] = new JsonObject
        {
            ["replicas"] = 1,
            ["selector"] = new JsonObject { ["matchLabels"] = controllerApp.DeepClone() },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = controllerApp.DeepClone() },
                ["spec"] = new JsonObject
                {
                    ["serviceAccountName"] = "csi-cinder-controller-sa",
                    ["containers"] = new JsonArray(
                        Sidecar("csi-attacher", CsiAttacherImage, "--leader-election=true"),
                        Sidecar("csi-provisioner", CsiProvisionerImage, "--default-fstype=ext4", "--feature-gates=Topology=true", "--leader-election=true"),
                        Sidecar("csi-resizer", CsiResizerImage, "--handle-volume-inuse-error=false", "--leader-election=true"),
                        Plugin("unix://csi/csi.sock", ("socket-dir", "/csi", false))),
                    ["volumes"] = new JsonArray(new JsonObject { ["name"] = "socket-dir", ["emptyDir"] = new JsonObject() }, CloudConfigVolume()),
                },
            },
        };
        var nodePlugin = Plugin("unix://csi/csi.sock", ("socket-dir", "/csi", false), ("kubelet-dir", "/var/lib/kubelet", false), ("pods-probe-dir", "/dev", false));
        nodePlugin["securityContext"] = new JsonObject
        {
            ["privileged"] = true,
            ["capabilities"] = new JsonObject { ["add"] = new JsonArray("SYS_ADMIN") },
            ["allowPrivilegeEscalation"] = true,
        };
        nodePlugin["volumeMounts"]!.AsArray()[1]!["mountPropagation"] = "Bidirectional";
        nodePlugin["volumeMounts"]!.AsArray()[2]!["mountPropagation"] = "HostToContainer";

        return
        [
            new JsonObject
            {
                ["apiVersion"] = "storage.k8s.io/v1",
                ["kind"] = "CSIDriver",
                ["metadata"] = new JsonObject { ["name"] = CinderCsiDriverName },
                ["spec"] = new JsonObject
                {
                    ["attachRequired"] = true,
                    ["podInfoOnMount"] = true,
                    ["volumeLifecycleModes"] = new JsonArray("Persistent", "Ephemeral"),
                },
            },
            Object("v1", "ServiceAccount", "csi-cinder-controller-sa", ns),
            Object("v1", "ServiceAccount", "csi-cinder-node-sa", ns),
            WithRules(Object("rbac.authorization.k8s.io/v1", "ClusterRole", "csi-cinder-controller", null),
                RbacRule([""], ["persistentvolumes"], ["get", "list", "watch", "create", "delete", "patch"]),
                RbacRule([""], ["persistentvolumeclaims"], ["get", "list", "watch", "update"]),
                RbacRule([""], ["persistentvolumeclaims/status"], ["patch"]),
                RbacRule([""], ["events"], ["list", "watch", "create", "update", "patch"]),
                RbacRule([""], ["nodes"], ["get", "list", "watch"]),
                RbacRule(["storage.k8s.io"], ["storageclasses", "csinodes"], ["get", "list", "watch"]),
                RbacRule(["storage.k8s.io"], ["volumeattachments", "volumeattachments/status"], ["get", "list", "watch", "update", "patch"]),
                RbacRule(["coordination.k8s.io"], ["leases"], ["get", "watch", "list", "delete", "update", "create"])),
            ClusterRoleBinding("csi-cinder-controller", "csi-cinder-controller", ("csi-cinder-controller-sa", ns)),
            controller,
            DaemonSet("csi-cinder-nodeplugin", ns, nodeApp, new JsonObject
            {
                ["hostNetwork"] = true,
                ["serviceAccountName"] = "csi-cinder-node-sa",
                ["priorityClassName"] = "system-node-critical",
                ["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" }),
                ["containers"] = new JsonArray(
                    new JsonObject
                    {
                        ["name"] = "node-driver-registrar",
                        ["image"] = CsiNodeRegistrarImage,
                        ["args"] = new JsonArray("--csi-address=$(ADDRESS)", "--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)"),
                        ["env"] = new JsonArray(
                            new JsonObject { ["name"] = "ADDRESS", ["value"] = "/csi/csi.sock" },
                            new JsonObject { ["name"] = "DRIVER_REG_SOCK_PATH", ["value"] = $"/var/lib/kubelet/plugins/{CinderCsiDriverName}/csi.sock" }),
                        ["volumeMounts"] = Mounts(("socket-dir", "/csi", false), ("registration-dir", "/registration", false)),
                    },
                    nodePlugin),
                ["volumes"] = new JsonArray(
                    HostPath("socket-dir", $"/var/lib/kubelet/plugins/{CinderCsiDriverName}", "DirectoryOrCreate"),
                    HostPath("registration-dir", "/var/lib/kubelet/plugins_registry/", "Directory"),
                    HostPath("kubelet-dir", "/var/lib/kubelet", "Directory"),
                    HostPath("pods-probe-dir", "/dev", "Directory"),
                    CloudConfigVolume()),
            }),
            new JsonObject
            {
                ["apiVersion"] = "storage.k8s.io/v1",
                ["kind"] = "StorageClass",
                ["metadata"] = new JsonObject
                {
                    ["name"] = "csi-cinder-sc-delete",
                    ["annotations"] = new JsonObject { ["storageclass.kubernetes.io/is-default-class"] = "true" },
                },
                ["provisioner"] = CinderCsiDriverName,
                ["reclaimPolicy"] = "Delete",
                ["allowVolumeExpansion"] = true,
                ["volumeBindingMode"] = "WaitForFirstConsumer",
            },
        ];
    }

    // ---- Small builders for the workload manifests ----------------------------------------------------------------

    private static JsonObject Object(string apiVersion, string kind, string name, string? ns, JsonObject? labels = null, JsonObject? extra = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
            metadata["namespace"] = ns;
        var allLabels = new JsonObject { [ManagedByLabel] = "portal" };
        foreach (var (key, value) in labels ?? [])
            allLabels[key] = value?.DeepClone();
        foreach (var (key, value) in extra ?? [])
            allLabels[key] = value?.DeepClone();
        metadata["labels"] = allLabels;
        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
    }

    private static JsonObject WithRules(JsonObject role, params JsonObject[] rules)
    {
        role["rules"] = new JsonArray([.. rules]);
        return role;
    }

    private static JsonObject WithData(JsonObject configMap, JsonObject data)
    {
        configMap["data"] = data;
        return configMap;
    }

    private static JsonObject RbacRule(string[] groups, string[] resources, string[] verbs) => new()
    {
        ["apiGroups"] = new JsonArray([.. groups.Select(g => (JsonNode)g)]),
        ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
        ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)v)]),
    };

    private static JsonObject ClusterRoleBinding(string name, string role, (string Name, string Namespace) serviceAccount)
    {
        var binding = Object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", name, null);
        binding["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role };
        binding["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = serviceAccount.Name, ["namespace"] = serviceAccount.Namespace });
        return binding;
    }

    private static JsonObject DaemonSet(string name, string ns, JsonObject selector, JsonObject podSpec)
    {
        var daemonSet = Object("apps/v1", "DaemonSet", name, ns, selector);
        daemonSet["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = selector.DeepClone() },
            ["updateStrategy"] = new JsonObject { ["type"] = "RollingUpdate" },
            ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = selector.DeepClone() }, ["spec"] = podSpec },
        };
        return daemonSet;
    }

    private static JsonArray Mounts(params (string Name, string Path, bool ReadOnly)[] mounts) =>
        new([.. mounts.Select(m =>
        {
            var mount = new JsonObject { ["name"] = m.Name, ["mountPath"] = m.Path };
            if (m.ReadOnly)
                mount["readOnly"] = true;
            return (JsonNode)mount;
        })]);

    private static JsonObject HostPath(string name, string path, string? type = null)
    {
        var hostPath = new JsonObject { ["path"] = path };
        if (type is not null)
            hostPath["type"] = type;
        return new JsonObject { ["name"] = name, ["hostPath"] = hostPath };
    }

    private static JsonObject CloudConfigVolume() => new()
    {
        ["name"] = "cloud-config",
        ["secret"] = new JsonObject { ["secretName"] = WorkloadCloudConfigName },
    };

    private static JsonObject FieldEnv(string name, string fieldPath) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = fieldPath } },
    };

    private static JsonObject Toleration(string key, string effect, string? value)
    {
        var toleration = new JsonObject { ["key"] = key, ["effect"] = effect };
        if (value is null)
            toleration["operator"] = "Exists";
        else
            toleration["value"] = value;
        return toleration;
    }

    private static JsonObject Resources(string cpu, string memory) => new()
    {
        ["requests"] = new JsonObject { ["cpu"] = cpu, ["memory"] = memory },
    };
}
