namespace Portal.Jobs.Clusters;

/// <summary>
/// Every image the built-in add-ons run, and so every add-on version, in one place. The templates under
/// <c>Clusters/Addons</c> name no version: they receive these through their placeholders. Raising a version here reaches
/// existing clusters too, because the ClusterResourceSet re-applies an add-on whose contents change.
/// </summary>
public static class AddonImages
{
    public const string Flannel = "docker.io/flannel/flannel:v0.26.4";
    public const string FlannelCniPlugin = "docker.io/flannel/flannel-cni-plugin:v1.6.2-flannel1";

    // The Kubernetes CSI sidecars of the Cinder CSI controller and node plugin.
    public const string CsiAttacher = "registry.k8s.io/sig-storage/csi-attacher:v4.7.0";
    public const string CsiProvisioner = "registry.k8s.io/sig-storage/csi-provisioner:v5.1.0";
    public const string CsiResizer = "registry.k8s.io/sig-storage/csi-resizer:v1.12.0";
    public const string CsiNodeDriverRegistrar = "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.12.0";

    /// <summary>
    /// The OpenStack cloud controller manager's image. cloud-provider-openstack cuts one release line per Kubernetes
    /// minor, and its <c>.0</c> release supports that whole minor.
    /// </summary>
    public static string CloudControllerManager(string catalogVersion) =>
        $"registry.k8s.io/provider-os/openstack-cloud-controller-manager:v{ClusterManifests.MinorLine(catalogVersion)}.0";

    /// <summary>The Cinder CSI plugin's image, released alongside the cloud controller manager.</summary>
    public static string CinderCsiPlugin(string catalogVersion) =>
        $"registry.k8s.io/provider-os/cinder-csi-plugin:v{ClusterManifests.MinorLine(catalogVersion)}.0";

    /// <summary>The cluster autoscaler's image: its minor must match the cluster's (the autoscaler embeds the scheduler).</summary>
    public static string ClusterAutoscaler(string catalogVersion) =>
        $"registry.k8s.io/autoscaling/cluster-autoscaler:v{ClusterManifests.MinorLine(catalogVersion)}.0";
}
