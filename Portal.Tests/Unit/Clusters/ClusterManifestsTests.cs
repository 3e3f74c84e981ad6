using System.Text;
using System.Text.Json.Nodes;
using Portal.Domain.Clusters;
using Portal.Jobs.Clusters;

namespace Portal.Tests.Unit.Clusters;

/// <summary>The Cluster API objects of a managed cluster: golden files for whole clusters, focused rules on top.</summary>
public sealed class ClusterManifestsTests
{
    private static readonly Guid ClusterId = Guid.Parse("7d1e4c2a-93b5-4f60-8a1d-2c3b4a5f6e70");
    private static readonly Guid WorkersId = Guid.Parse("11111111-2222-4333-8444-555555555555");
    private static readonly Guid BurstId = Guid.Parse("66666666-7777-4888-9999-aaaaaaaaaaaa");
    private const string Image132 = "0b6c7a52-3f1e-5d4a-9c8b-7e6f5a4b3c2d";
    private const string Image133 = "5a2d9e10-7c4b-5e3f-8a1d-2b3c4d5e6f70";
    private const string ExternalNetwork = "9f8e7d6c-5b4a-5392-8170-6f5e4d3c2b1a";
    private const string AppCredentialSecret = "s3cr3t-App-Cred-Value_9f2";
    private const string Password = "Pa55word-Not-To-Leak!";

    private static NodePoolManifestSpec Workers(string flavor = "m1.large", string image = Image132, string version = "1.32.3-5", int nodes = 3) =>
        new(WorkersId, "workers", flavor, image, version, nodes, null, null);

    private static NodePoolManifestSpec Burst() =>
        new(BurstId, "burst", "c2.xlarge", Image132, "1.32.3-5", 2, 1, 5) { VCpus = 8, RamMb = 8192 };

    private static ClusterManifestSpec Standalone(params NodePoolManifestSpec[] pools) =>
        new(ClusterId, "shop-prod", "1.32.3-5", ControlPlaneType.Standalone, 3, "m1.xlarge", Image132, ExternalNetwork,
            pools.Length == 0 ? [Workers(), Burst()] : pools);

    private static ClusterManifestSpec Hosted() =>
        new(ClusterId, "shop-dev", "1.32.3-5", ControlPlaneType.Hosted, 3, null, Image132, ExternalNetwork, [Workers(nodes: 2)]);

    private static CloudCredentials ApplicationCredential(string? ca = null) =>
        new("https://keystone.example.net:5000/v3", "RegionOne", "public", true, "4b7c1e0f9a2d4c3b8e6f", null, null, null, null, AppCredentialSecret, ca);

    private static CloudCredentials PasswordLogin(string? ca = null) =>
        new("https://keystone.example.net:5000/v3", null, "internal", false, null, "portal-svc", "Default", "tenant-a", "Default", Password, ca);

    private const string CaPem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZm9yLXRlc3RzLW9ubHk=\n-----END CERTIFICATE-----\n";

    private static string? Text(JsonNode? node) => node?.GetValue<string>();

    private static string Kind(JsonObject o) => Text(o["kind"])!;

    private static string Name(JsonObject o) => Text(o["metadata"]?["name"])!;

    private static string Decode(JsonNode? node) => Encoding.UTF8.GetString(Convert.FromBase64String(Text(node)!));

    // ---- Golden files ----------------------------------------------------------------------------------------------

    [Fact]
    public void All_StandaloneThreeReplicasTwoPools_MatchesGoldenFile() =>
        GoldenFiles.AssertMatches("standalone-3-replicas-two-pools.json", ClusterManifests.All(Standalone(), ApplicationCredential()));

    [Fact]
    public void All_HostedOnePool_MatchesGoldenFile() =>
        GoldenFiles.AssertMatches("hosted-one-pool.json", ClusterManifests.All(Hosted(), PasswordLogin()));

    [Fact]
    public void CloudCredentialsSecret_ApplicationCredential_MatchesGoldenFile() =>
        GoldenFiles.AssertMatches("cloud-credentials-application-credential.json", WithDecodedData(ClusterManifests.CloudCredentialsSecret(Standalone(), ApplicationCredential())));

    [Fact]
    public void CloudCredentialsSecret_PasswordWithCaBundle_MatchesGoldenFile() =>
        GoldenFiles.AssertMatches("cloud-credentials-password.json", WithDecodedData(ClusterManifests.CloudCredentialsSecret(Standalone(), PasswordLogin(CaPem))));

    [Fact]
    public void PoolObjects_FlavorChanged_MatchesGoldenFileWithANewTemplate() =>
        GoldenFiles.AssertMatches("pool-flavor-change.json", ClusterManifests.PoolObjects(Standalone(), Workers(flavor: "r2.xlarge")));

    /// <summary>The golden form of a Secret shows its decoded data next to the encoded one, so a reviewer can read it.</summary>
    private static JsonObject WithDecodedData(JsonObject secret)
    {
        var copy = (JsonObject)secret.DeepClone();
        var decoded = new JsonObject();
        foreach (var (key, value) in (JsonObject)secret["data"]!)
            decoded[key] = Decode(value);
        copy["decodedForReview"] = decoded;
        return copy;
    }

    [Fact]
    public void GoldenDiff_OneChangedLine_ShowsItWithContext()
    {
        var diff = GoldenFiles.Diff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nX\ne\nf\ng\n");

        Assert.Contains("-     4 | d", diff);
        Assert.Contains("+     4 | X", diff);
        Assert.Contains("      3 | c", diff);
        Assert.DoesNotContain("| a", diff);
    }

    // ---- Names and versions ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("1.32.3-5", "v1.32.3")]
    [InlineData("1.33.1-1", "v1.33.1")]
    [InlineData("v1.31.6", "v1.31.6")]
    [InlineData("1.30", "v1.30.0")]
    public void ToCapiVersion_CatalogForm_DropsTheBuildSuffix(string catalog, string expected) =>
        Assert.Equal(expected, ClusterManifests.ToCapiVersion(catalog));

    [Theory]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("1")]
    public void ToCapiVersion_NotAVersion_Throws(string text) =>
        Assert.Throws<FormatException>(() => ClusterManifests.ToCapiVersion(text));

    [Fact]
    public void NamespaceFor_ClusterId_IsMksAndTwelveHexDigits()
    {
        Assert.Equal("mks-7d1e4c2a93b5", ClusterManifests.NamespaceFor(ClusterId));
        Assert.Equal("mks-7d1e4c2a93b5", Text(ClusterManifests.Namespace(Standalone())["metadata"]?["name"]));
    }

    [Fact]
    public void Names_StandaloneCluster_FollowTheClusterAndPoolNames()
    {
        var spec = Standalone();

        Assert.Equal("shop-prod-control-plane", ClusterManifests.ControlPlaneName(spec));
        Assert.Equal("shop-prod-workers", ClusterManifests.MachineDeploymentName(spec, Workers()));
        Assert.Matches("^shop-prod-workers-[0-9a-f]{8}$", ClusterManifests.MachineTemplateName(spec, Workers()));
    }

    [Fact]
    public void All_NameThatIsNotADnsLabel_IsRefused()
    {
        var spec = Standalone() with { Name = "Shop_Prod" };

        Assert.Throws<ArgumentException>(() => ClusterManifests.All(spec, ApplicationCredential()));
    }

    // ---- Labels and namespaces ------------------------------------------------------------------------------------

    [Fact]
    public void All_EveryObject_CarriesTheClusterLabelsAndLivesInTheClusterNamespace()
    {
        var objects = ClusterManifests.All(Standalone(), ApplicationCredential());

        Assert.All(objects, o =>
        {
            var labels = o["metadata"]!["labels"]!;
            Assert.Equal("shop-prod", Text(labels["cluster.x-k8s.io/cluster-name"]));
            Assert.Equal(ClusterId.ToString("N"), Text(labels["portal.io/cluster-id"]));
            Assert.Equal("portal", Text(labels["app.kubernetes.io/managed-by"]));
            if (Kind(o) != "Namespace")
                Assert.Equal("mks-7d1e4c2a93b5", Text(o["metadata"]?["namespace"]));
        });
        Assert.Equal("Namespace", Kind(objects[0]));
        Assert.Equal(objects.Count, objects.Select(o => $"{Kind(o)}/{Name(o)}").Distinct().Count());
    }

    [Fact]
    public void PoolObjects_EachPool_CarryItsPoolId()
    {
        var spec = Standalone();

        foreach (var pool in spec.Pools)
        {
            Assert.All(ClusterManifests.PoolObjects(spec, pool),
                o => Assert.Equal(pool.PoolId.ToString("N"), Text(o["metadata"]?["labels"]?["portal.io/node-pool-id"])));
        }
    }

    // ---- Credentials ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void All_CloudSecret_AppearsOnlyInTheCredentialsSecret(bool applicationCredential)
    {
        var secret = applicationCredential ? AppCredentialSecret : Password;
        var spec = Standalone();
        var objects = ClusterManifests.All(spec, applicationCredential ? ApplicationCredential(CaPem) : PasswordLogin(CaPem));

        var credentials = Assert.Single(objects, o => Kind(o) == "Secret");
        Assert.Equal(ClusterManifests.CloudCredentialsSecretName(spec), Name(credentials));
        Assert.Contains(secret, Decode(credentials["data"]!["clouds.yaml"]));
        foreach (var other in objects.Where(o => !ReferenceEquals(o, credentials)))
        {
            var json = other.ToJsonString();
            Assert.DoesNotContain(secret, json);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), json);
        }
        Assert.DoesNotContain(secret, (applicationCredential ? ApplicationCredential() : PasswordLogin()).ToString());
    }

    [Fact]
    public void CloudCredentialsSecret_IsWhatIdentityRefNames_WithTheCloudCapoSelects()
    {
        var spec = Standalone();
        var secret = ClusterManifests.CloudCredentialsSecret(spec, ApplicationCredential(CaPem));
        var osc = ClusterManifests.OpenStackCluster(spec);

        Assert.Equal(Name(secret), Text(osc["spec"]?["identityRef"]?["name"]));
        Assert.Equal("openstack", Text(osc["spec"]?["identityRef"]?["cloudName"]));
        Assert.Contains("  openstack:\n", Decode(secret["data"]!["clouds.yaml"]));
        Assert.Equal(CaPem, Decode(secret["data"]!["cacert"]));
        Assert.Null(ClusterManifests.CloudCredentialsSecret(spec, ApplicationCredential())["data"]!["cacert"]);
    }

    [Fact]
    public void WorkloadCloudConfigSecret_ForCcmAndCsi_UsesCloudsYamlAndTheExternalNetwork()
    {
        var secret = ClusterManifests.WorkloadCloudConfigSecret(Standalone(), PasswordLogin(CaPem));

        Assert.Equal("kube-system", Text(secret["metadata"]?["namespace"]));
        Assert.Equal("cloud-config", Name(secret));
        var conf = Decode(secret["data"]!["cloud.conf"]);
        Assert.Contains("use-clouds = true", conf);
        Assert.Contains($"floating-network-id = {ExternalNetwork}", conf);
        Assert.Contains("ca-file = /etc/config/cacert", conf);
        Assert.Contains("cacert: \"/etc/config/cacert\"", Decode(secret["data"]!["clouds.yaml"]));
    }

    // ---- Control plane --------------------------------------------------------------------------------------------

    [Fact]
    public void ControlPlaneObjects_Standalone_AreAMachineTemplateAndAKubeadmControlPlane()
    {
        var spec = Standalone();
        var objects = ClusterManifests.ControlPlaneObjects(spec);

        Assert.Equal(["OpenStackMachineTemplate", "KubeadmControlPlane"], objects.Select(Kind));
        var kcp = objects[1];
        Assert.Equal(3, kcp["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("v1.32.3", Text(kcp["spec"]?["version"]));
        Assert.Equal(Name(objects[0]), Text(kcp["spec"]?["machineTemplate"]?["infrastructureRef"]?["name"]));
        Assert.Equal("m1.xlarge", Text(objects[0]["spec"]?["template"]?["spec"]?["flavor"]));
        Assert.Equal(Image132, Text(objects[0]["spec"]?["template"]?["spec"]?["image"]?["id"]));
        Assert.Equal("KubeadmControlPlane", Text(ClusterManifests.Cluster(spec)["spec"]?["controlPlaneRef"]?["kind"]));
    }

    [Fact]
    public void All_Hosted_HasAKamajiControlPlaneAndNoControlPlaneMachines()
    {
        var spec = Hosted();
        var objects = ClusterManifests.All(spec, PasswordLogin());

        Assert.DoesNotContain(objects, o => Kind(o) == "KubeadmControlPlane");
        var templates = objects.Where(o => Kind(o) == "OpenStackMachineTemplate").ToList();
        Assert.Equal([ClusterManifests.MachineTemplateName(spec, spec.Pools[0])], templates.Select(Name));
        var kamaji = Assert.Single(objects, o => Kind(o) == "KamajiControlPlane");
        Assert.Equal("controlplane.cluster.x-k8s.io/v1alpha1", Text(kamaji["apiVersion"]));
        Assert.Equal(3, kamaji["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("v1.32.3", Text(kamaji["spec"]?["version"]));
        Assert.Null(kamaji["spec"]?["machineTemplate"]);
        var cluster = Assert.Single(objects, o => Kind(o) == "Cluster");
        Assert.Equal("KamajiControlPlane", Text(cluster["spec"]?["controlPlaneRef"]?["kind"]));
        Assert.Equal("controlplane.cluster.x-k8s.io/v1alpha1", Text(cluster["spec"]?["controlPlaneRef"]?["apiVersion"]));
        var osc = Assert.Single(objects, o => Kind(o) == "OpenStackCluster");
        Assert.False(osc["spec"]!["apiServerLoadBalancer"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void KubeadmControlPlane_HostedSpec_IsRefused() =>
        Assert.Throws<ArgumentException>(() => ClusterManifests.KubeadmControlPlane(Hosted()));

    [Fact]
    public void Cluster_Always_ReferencesItsInfrastructureAndNetworks()
    {
        var spec = Standalone();
        var cluster = ClusterManifests.Cluster(spec);

        Assert.Equal(Name(ClusterManifests.OpenStackCluster(spec)), Text(cluster["spec"]?["infrastructureRef"]?["name"]));
        Assert.Equal("10.244.0.0/16", Text(cluster["spec"]?["clusterNetwork"]?["pods"]?["cidrBlocks"]?[0]));
        Assert.Equal("10.96.0.0/12", Text(cluster["spec"]?["clusterNetwork"]?["services"]?["cidrBlocks"]?[0]));
        Assert.Equal(ExternalNetwork, Text(ClusterManifests.OpenStackCluster(spec)["spec"]?["externalNetwork"]?["id"]));
    }

    // ---- Pools and autoscaler -------------------------------------------------------------------------------------

    [Fact]
    public void MachineDeployment_AutoscalerOn_HasMinMaxAnnotationsAndNoReplicas()
    {
        var md = ClusterManifests.MachineDeployment(Standalone(), Burst());

        Assert.Null(md["spec"]!["replicas"]);
        var annotations = md["metadata"]!["annotations"]!;
        Assert.Equal("1", Text(annotations["cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size"]));
        Assert.Equal("5", Text(annotations["cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size"]));
        Assert.Equal("8", Text(annotations["capacity.cluster-autoscaler.kubernetes.io/cpu"]));
        Assert.Equal("8192Mi", Text(annotations["capacity.cluster-autoscaler.kubernetes.io/memory"]));
    }

    [Fact]
    public void MachineDeployment_AutoscalerOff_SetsReplicasAndNoAnnotations()
    {
        var md = ClusterManifests.MachineDeployment(Standalone(), Workers(nodes: 0));

        Assert.Equal(0, md["spec"]!["replicas"]!.GetValue<int>());
        Assert.Null(md["metadata"]!["annotations"]);
    }

    [Fact]
    public void MachineDeployment_Always_ReferencesItsTemplatesAndSelectsItsOwnMachines()
    {
        var spec = Standalone();
        var (template, md) = (ClusterManifests.PoolObjects(spec, Workers())[0], ClusterManifests.PoolObjects(spec, Workers())[1]);

        Assert.Equal("shop-prod", Text(md["spec"]?["clusterName"]));
        Assert.Equal("v1.32.3", Text(md["spec"]?["template"]?["spec"]?["version"]));
        Assert.Equal(Name(template), Text(md["spec"]?["template"]?["spec"]?["infrastructureRef"]?["name"]));
        Assert.Equal(ClusterManifests.WorkerConfigTemplateName(spec), Text(md["spec"]?["template"]?["spec"]?["bootstrap"]?["configRef"]?["name"]));
        Assert.True(JsonNode.DeepEquals(md["spec"]?["selector"]?["matchLabels"], md["spec"]?["template"]?["metadata"]?["labels"]));
        Assert.Equal("m1.large", Text(template["spec"]?["template"]?["spec"]?["flavor"]));
    }

    [Fact]
    public void MachineTemplateName_FlavorOrImageChange_IsNewAndTheSameInputIsStable()
    {
        var spec = Standalone();
        var before = ClusterManifests.MachineTemplateName(spec, Workers());

        Assert.Equal(before, ClusterManifests.MachineTemplateName(spec, Workers()));
        Assert.Equal(before, ClusterManifests.MachineTemplateName(spec, Workers(nodes: 7)));
        var reflavored = ClusterManifests.PoolObjects(spec, Workers(flavor: "r2.xlarge"));
        Assert.NotEqual(before, Name(reflavored[0]));
        Assert.Equal(Name(reflavored[0]), Text(reflavored[1]["spec"]?["template"]?["spec"]?["infrastructureRef"]?["name"]));
        Assert.Equal(ClusterManifests.MachineDeploymentName(spec, Workers()), Name(reflavored[1]));

        var upgraded = ClusterManifests.PoolObjects(spec, Workers(image: Image133, version: "1.33.1-1"));
        Assert.NotEqual(before, Name(upgraded[0]));
        Assert.Equal("v1.33.1", Text(upgraded[1]["spec"]?["template"]?["spec"]?["version"]));
    }

    [Fact]
    public void ControlPlaneTemplateName_Upgrade_IsNew()
    {
        var spec = Standalone();
        var upgraded = spec with { KubernetesVersion = "1.33.1-1", ControlPlaneImage = Image133 };

        Assert.NotEqual(ClusterManifests.ControlPlaneTemplateName(spec), ClusterManifests.ControlPlaneTemplateName(upgraded));
        Assert.Equal("v1.33.1", Text(ClusterManifests.KubeadmControlPlane(upgraded)["spec"]?["version"]));
    }

    [Fact]
    public void AutoscalerObjects_NoPoolUsesIt_AreEmpty()
    {
        var spec = Standalone(Workers());

        Assert.Empty(ClusterManifests.AutoscalerObjects(spec));
        Assert.DoesNotContain(ClusterManifests.All(spec, ApplicationCredential()), o => Name(o).Contains("autoscaler", StringComparison.Ordinal));
    }

    [Fact]
    public void AutoscalerObjects_APoolUsesIt_RunOnTheManagementClusterWithTheMatchingMinor()
    {
        var spec = Standalone() with { KubernetesVersion = "1.33.1-1" };
        var objects = ClusterManifests.AutoscalerObjects(spec);

        Assert.Equal(["ServiceAccount", "Role", "RoleBinding", "Deployment"], objects.Select(Kind));
        var container = objects[3]["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0", Text(container["image"]));
        var args = container["args"]!.AsArray().Select(a => Text(a)).ToList();
        Assert.Contains("--cloud-provider=clusterapi", args);
        Assert.Contains("--node-group-auto-discovery=clusterapi:namespace=mks-7d1e4c2a93b5,clusterName=shop-prod", args);
        Assert.Equal("shop-prod-kubeconfig", Text(objects[3]["spec"]?["template"]?["spec"]?["volumes"]?[0]?["secret"]?["secretName"]));
    }

    // ---- Add-ons --------------------------------------------------------------------------------------------------

    [Fact]
    public void AddonObjects_ResourceSet_SelectsThisClusterAndListsEveryAddonConfigMap()
    {
        var spec = Standalone();
        var objects = ClusterManifests.AddonObjects(spec);

        var set = Assert.Single(objects, o => Kind(o) == "ClusterResourceSet");
        Assert.Equal("addons.cluster.x-k8s.io/v1beta1", Text(set["apiVersion"]));
        Assert.Equal(ClusterId.ToString("N"), Text(set["spec"]?["clusterSelector"]?["matchLabels"]?["portal.io/cluster-id"]));
        var configMaps = objects.Where(o => Kind(o) == "ConfigMap").Select(Name).ToList();
        Assert.Equal(["shop-prod-addon-flannel", "shop-prod-addon-openstack-ccm", "shop-prod-addon-cinder-csi"], configMaps);
        Assert.Equal(configMaps, set["spec"]!["resources"]!.AsArray().Select(r => Text(r!["name"])));
        // The Cluster carries the label the set selects.
        Assert.Equal(ClusterId.ToString("N"), Text(ClusterManifests.Cluster(spec)["metadata"]?["labels"]?["portal.io/cluster-id"]));
    }

    [Fact]
    public void AddonObjects_ConfigMapData_IsAJsonListOfManifestsWithImagesOfTheClusterMinor()
    {
        var spec = Standalone() with { KubernetesVersion = "1.33.1-1" };
        var manifests = ClusterManifests.AddonObjects(spec)
            .Where(o => Kind(o) == "ConfigMap")
            .SelectMany(cm => ((JsonObject)cm["data"]!).Select(kv => JsonNode.Parse(Text(kv.Value)!)!.AsArray()))
            .SelectMany(list => list.Select(n => n!.AsObject()))
            .ToList();

        Assert.All(manifests, m => Assert.False(string.IsNullOrEmpty(Text(m["apiVersion"])) || string.IsNullOrEmpty(Text(m["kind"]))));
        var images = manifests.SelectMany(m => m.ToJsonString().Split('"')).Where(s => s.StartsWith("registry.k8s.io/provider-os/", StringComparison.Ordinal)).Distinct().Order().ToList();
        Assert.Equal(["registry.k8s.io/provider-os/cinder-csi-plugin:v1.33.0", "registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.33.0"], images);
        Assert.Contains(manifests, m => Kind(m) == "DaemonSet" && Name(m) == "kube-flannel-ds");
        Assert.Contains(manifests, m => Kind(m) == "StorageClass");
        var flannelConfig = manifests.Single(m => Name(m) == "kube-flannel-cfg");
        Assert.Contains("10.244.0.0/16", Text(flannelConfig["data"]?["net-conf.json"]));
    }

    [Fact]
    public void AddonObjects_HostedCluster_RunsTheCloudControllerManagerOnWorkers()
    {
        var ccm = ClusterManifests.AddonObjects(Hosted())
            .Single(o => Name(o).EndsWith("openstack-ccm", StringComparison.Ordinal));
        var list = JsonNode.Parse(Text(ccm["data"]!["openstack-ccm.json"])!)!.AsArray();

        var workload = list.Single(m => Text(m!["metadata"]?["name"]) == "openstack-cloud-controller-manager")!;
        Assert.Equal("Deployment", Text(workload["kind"]));
        Assert.Null(workload["spec"]?["template"]?["spec"]?["nodeSelector"]);
    }
}
