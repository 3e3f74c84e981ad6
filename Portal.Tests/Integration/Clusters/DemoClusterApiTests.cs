using System.Text.Json.Nodes;
using Portal.Domain.Clusters;
using Portal.Jobs.Clusters;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;
using Portal.Tests.Support;
using Portal.Tests.Unit.Kubernetes;

namespace Portal.Tests.Integration.Clusters;

/// <summary>
/// The managed cluster manifests applied with the real client to the demo Kubernetes API, whose simulated Cluster API,
/// CAPO and Kamaji controllers move them along on a manual clock; and the demo cloud's infrastructure faults.
/// </summary>
public sealed class DemoClusterApiTests : IDisposable
{
    private static readonly Guid ClusterId = Guid.Parse("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    private const string Image = "0b6c7a52-3f1e-5d4a-9c8b-7e6f5a4b3c2d";

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly DemoKubernetesApi _api;
    private readonly KubernetesClientFactory _factory;
    private readonly IKubernetesClient _client;

    public DemoClusterApiTests()
    {
        _api = new DemoKubernetesApi(_clock, new DemoKubernetesOptions());
        _factory = new KubernetesClientFactory(_clock, new KubeLogCapture(), new DemoKubernetesServers(_api), KubeTestClients.FastOptions);
        _client = _factory.Create(DemoKubernetesApi.Kubeconfig).Value!;
    }

    public void Dispose() => _factory.Dispose();

    private static NodePoolManifestSpec Pool(string name, int nodes, int? min = null, int? max = null) =>
        new(Guid.NewGuid(), name, "m1.large", Image, "1.32.3-5", nodes, min, max);

    private static ClusterManifestSpec Standalone(int replicas = 3) =>
        new(ClusterId, "prod", "1.32.3-5", ControlPlaneType.Standalone, replicas, "m1.xlarge", Image, "net-1",
            [Pool("workers", 2), Pool("burst", 0, 2, 5)]);

    private static ClusterManifestSpec Hosted() =>
        new(ClusterId, "dev", "1.32.3-5", ControlPlaneType.Hosted, 3, null, Image, "net-1", [Pool("workers", 2)]);

    private static CloudCredentials Credentials() =>
        new("https://demo-cloud.portal.invalid:5000/v3", "demo-1", "public", true, "demo-cloud-portal", null, null, null, null, "demo-cloud-credential", null);

    private static string Ns => ClusterManifests.NamespaceFor(ClusterId);

    private async Task ApplyAllAsync(ClusterManifestSpec spec)
    {
        foreach (var manifest in ClusterManifests.All(spec, Credentials()))
        {
            var result = await _client.ApplyAsync(manifest);
            Assert.True(result.Succeeded, $"{manifest["kind"]} {manifest["metadata"]?["name"]}: {result}");
        }
    }

    private async Task<KubeResourceStatus> StatusAsync(string apiVersion, string kind, string name)
    {
        var result = await _client.GetStatusAsync(apiVersion, kind, Ns, name);
        Assert.True(result.Succeeded, result.ToString());
        return result.Value;
    }

    private Task<KubeResourceStatus> ClusterAsync(string name) => StatusAsync(ClusterManifests.ClusterApiVersion, "Cluster", name);

    private Task<KubeResourceStatus> MachineDeploymentAsync(string name) => StatusAsync(ClusterManifests.ClusterApiVersion, "MachineDeployment", name);

    private Task<KubeResourceStatus> KamajiAsync(string name) => StatusAsync(ClusterManifests.KamajiControlPlaneApiVersion, "KamajiControlPlane", name);

    /// <summary>Moves the clock in one-second steps, ticking the controllers after each, until <paramref name="done"/> or the limit.</summary>
    private async Task<int> RunUntilAsync(Func<Task<bool>> done, int maxSeconds = 180)
    {
        for (var second = 0; second <= maxSeconds; second++)
        {
            _api.Tick();
            if (await done())
                return second;
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException($"The condition did not hold within {maxSeconds} simulated seconds.");
    }

    private async Task RunAsync(int seconds)
    {
        for (var second = 0; second < seconds; second++)
        {
            _api.Tick();
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        _api.Tick();
    }

    // ---- Provisioning -------------------------------------------------------------------------------------------

    [Fact]
    public async Task All_StandaloneCluster_ReachesReadyWithEveryPoolRunning()
    {
        await ApplyAllAsync(Standalone());

        await RunUntilAsync(async () =>
            (await ClusterAsync("prod")).Condition("Ready")?.IsTrue == true
            && (await MachineDeploymentAsync("prod-workers")).Phase == "Running"
            && (await MachineDeploymentAsync("prod-burst")).Phase == "Running");

        var kcp = await StatusAsync(ClusterManifests.KubeadmControlPlaneApiVersion, "KubeadmControlPlane", "prod-control-plane");
        Assert.Equal(3, (long?)kcp.Status["readyReplicas"]);
        Assert.Equal("v1.32.3", (string?)kcp.Status["version"]);
        // The autoscaled pool starts at its minimum: the manifest leaves replicas to the autoscaler.
        Assert.Equal(2, (long?)(await MachineDeploymentAsync("prod-burst")).Status["readyReplicas"]);
        Assert.NotNull(_api.Get("v1", "Secret", Ns, "prod-kubeconfig"));
        Assert.NotNull(_api.Get(ClusterManifests.AddonsApiVersion, "ClusterResourceSet", Ns, "prod-addons"));
        var autoscaler = await StatusAsync("apps/v1", "Deployment", "prod-cluster-autoscaler");
        Assert.True(autoscaler.Condition("Available")?.IsTrue);
    }

    [Fact]
    public async Task All_HostedCluster_KamajiControlPlaneBecomesReadyWithoutMachines()
    {
        await ApplyAllAsync(Hosted());
        _api.Tick();
        var starting = await KamajiAsync("dev-control-plane");

        var readyAt = await RunUntilAsync(async () =>
            (await ClusterAsync("dev")).Condition("Ready")?.IsTrue == true && (await MachineDeploymentAsync("dev-workers")).Phase == "Running");

        Assert.False(starting.Condition("Ready")?.IsTrue);
        var kamaji = await KamajiAsync("dev-control-plane");
        Assert.True((bool)kamaji.Status["ready"]!);
        Assert.True((bool)kamaji.Status["initialized"]!);
        Assert.True((bool)kamaji.Status["externalManagedControlPlane"]!);
        Assert.Equal(3, (long?)kamaji.Status["replicas"]);
        Assert.Equal(3, (long?)kamaji.Status["readyReplicas"]);
        Assert.Equal("v1.32.3", (string?)kamaji.Status["version"]);
        Assert.True(kamaji.Condition("Ready")?.IsTrue);
        Assert.True(kamaji.Condition("KamajiControlPlaneIsReady")?.IsTrue);
        var cluster = await ClusterAsync("dev");
        Assert.True(cluster.Condition("ControlPlaneReady")?.IsTrue);
        Assert.True((bool)cluster.Status["controlPlaneReady"]!);
        Assert.Empty(_api.List(ClusterManifests.KubeadmControlPlaneApiVersion, "KubeadmControlPlane", Ns));
        Assert.NotNull(_api.FindCluster(DemoCapiHost("dev")));
        // Faster than a Standalone control plane: pods on the management cluster, no VMs.
        Assert.InRange(readyAt, 6, 40);
    }

    [Fact]
    public async Task KamajiControlPlane_VersionChange_RollsThenReportsTheNewVersion()
    {
        await ApplyAllAsync(Hosted());
        await RunUntilAsync(async () => (await KamajiAsync("dev-control-plane")).Condition("Ready")?.IsTrue == true);

        var upgrade = ClusterManifests.KamajiControlPlane(Hosted() with { KubernetesVersion = "1.33.1-1" });
        Assert.True((await _client.ApplyAsync(upgrade)).Succeeded);
        _api.Tick();
        _clock.Advance(TimeSpan.FromSeconds(1));
        _api.Tick();
        var rolling = await KamajiAsync("dev-control-plane");
        await RunUntilAsync(async () => (string?)(await KamajiAsync("dev-control-plane")).Status["version"] == "v1.33.1");

        Assert.Equal("RollingUpdateInProgress", rolling.Condition("Ready")?.Reason);
        Assert.Equal("v1.32.3", (string?)rolling.Status["version"]);
        Assert.True((await KamajiAsync("dev-control-plane")).Condition("Ready")?.IsTrue);
    }

    [Fact]
    public async Task Cluster_HostedControlPlaneNotReadyYet_MirrorsTheKamajiReason()
    {
        await ApplyAllAsync(Hosted());
        _api.Tick();
        _api.Tick();

        var cluster = await ClusterAsync("dev");

        Assert.False(cluster.Condition("ControlPlaneReady")?.IsTrue);
        Assert.Equal("ScalingUp", cluster.Condition("ControlPlaneReady")?.Reason);
    }

    // ---- Faults ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task InjectFault_QuotaExceededOnAPool_FailsThatPoolWithNovasWordingUntilHealed()
    {
        _api.InjectFault(DemoCloudFault.QuotaExceeded, "prod", "workers");
        await ApplyAllAsync(Standalone());

        await RunUntilAsync(async () =>
            (await MachineDeploymentAsync("prod-burst")).Phase == "Running" && (await ClusterAsync("prod")).Condition("Ready")?.IsTrue == true);
        var failed = await MachineDeploymentAsync("prod-workers");

        Assert.Equal("Failed", failed.Phase);
        var ready = failed.Condition("Ready")!;
        Assert.False(ready.IsTrue);
        Assert.Equal("Error", ready.Severity);
        Assert.Equal(DemoCloudFaults.InstanceCreateFailed, ready.Reason);
        Assert.Equal("Quota exceeded for cores: Requested 8, but already used 60 of 64 cores", ready.Message);

        _api.HealFault(DemoCloudFault.QuotaExceeded, "prod", "workers");
        await RunUntilAsync(async () => (await MachineDeploymentAsync("prod-workers")).Phase == "Running");
    }

    [Fact]
    public async Task InjectFault_NoValidHostOnTheControlPlane_ShowsOnTheKcpAndTheCluster()
    {
        _api.InjectFault(DemoCloudFault.NoValidHost, "prod");
        await ApplyAllAsync(Standalone());

        await RunAsync(20);

        var kcp = await StatusAsync(ClusterManifests.KubeadmControlPlaneApiVersion, "KubeadmControlPlane", "prod-control-plane");
        Assert.Equal("Error", kcp.Condition("Ready")?.Severity);
        Assert.Equal(DemoCloudFaults.InstanceStateError, kcp.Condition("Ready")?.Reason);
        var cluster = await ClusterAsync("prod");
        var controlPlane = cluster.Condition("ControlPlaneReady")!;
        Assert.False(controlPlane.IsTrue);
        Assert.Equal("No valid host was found. There are not enough hosts available.", controlPlane.Message);
        Assert.Equal("Error", controlPlane.Severity);
        Assert.Equal("No valid host was found. There are not enough hosts available.", cluster.Condition("Ready")?.Message);
        Assert.NotEqual("Running", (await MachineDeploymentAsync("prod-workers")).Phase);
    }

    [Fact]
    public async Task InjectFault_ImageNotFound_NamesTheImageOfThePoolsTemplate()
    {
        await ApplyAllAsync(Standalone());
        _api.InjectFault(DemoCloudFault.ImageNotFound, "prod", "workers");

        // An armed fault strikes when the pool creates its first machine, once the control plane is up.
        await RunUntilAsync(async () => (await MachineDeploymentAsync("prod-workers")).Phase == "Failed");

        var ready = (await MachineDeploymentAsync("prod-workers")).Condition("Ready")!;
        Assert.Equal($"Image {Image} could not be found.", ready.Message);
        Assert.Equal("Error", ready.Severity);
    }

    [Fact]
    public async Task InjectFault_InvalidCredentials_FailsTheOpenStackClusterWithKeystonesWording()
    {
        _api.InjectFault(DemoCloudFault.InvalidCredentials, "prod");
        await ApplyAllAsync(Standalone());

        await RunAsync(15);

        var osc = await StatusAsync(ClusterManifests.InfrastructureApiVersion, "OpenStackCluster", "prod");
        Assert.False((bool)osc.Status["ready"]!);
        Assert.Equal(DemoCloudFaults.AuthenticationFailed, osc.Condition("Ready")?.Reason);
        var cluster = await ClusterAsync("prod");
        var infrastructure = cluster.Condition("InfrastructureReady")!;
        Assert.False(infrastructure.IsTrue);
        Assert.Equal("Error", infrastructure.Severity);
        Assert.StartsWith("The request you have made requires authentication. (HTTP 401)", infrastructure.Message);
        Assert.Equal(infrastructure.Message, cluster.Condition("Ready")?.Message);

        _api.HealFault(DemoCloudFault.InvalidCredentials, "prod");
        await RunUntilAsync(async () => (await ClusterAsync("prod")).Condition("InfrastructureReady")?.IsTrue == true);
    }

    [Fact]
    public void DescribeFault_EveryFault_HasAReasonAndAProviderMessage()
    {
        foreach (var fault in Enum.GetValues<DemoCloudFault>())
        {
            var (reason, message) = DemoCloudFaults.Describe(fault, "img-1");
            Assert.False(string.IsNullOrWhiteSpace(reason));
            Assert.False(string.IsNullOrWhiteSpace(message));
        }
    }

    private static string DemoCapiHost(string name) => $"{name}.{Ns}.{DemoKubernetesApi.Host}";
}
