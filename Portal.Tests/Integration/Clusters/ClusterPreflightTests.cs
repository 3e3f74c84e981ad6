using Portal.Jobs;
using System.Net;
using Portal.Jobs.Clusters;
using Portal.DemoCloud;
using Portal.Jobs.OpenStack;
using Portal.Tests.Unit.OpenStack;

namespace Portal.Tests.Integration.Clusters;

/// <summary>Pre-flight checks for a new cluster, run with the real OpenStack client against the in-process demo cloud.</summary>
public sealed class ClusterPreflightTests : IDisposable
{
    private readonly DemoCloudService _demo = new(TimeProvider.System);
    private readonly OpenStackClientFactory _factory;
    private readonly ClusterPreflight _preflight;

    public ClusterPreflightTests()
    {
        _factory = new OpenStackClientFactory(TimeProvider.System, new CapturingLoggerFactory(), [new DemoOpenStackEndpoint(_demo)], TestClients.FastOptions);
        _preflight = new ClusterPreflight(_factory);
    }

    public void Dispose() => _factory.Dispose();

    private OsFlavor Flavor(string name) => _demo.Flavors.Single(f => f.Name == name);

    private OsImage KubeImage => _demo.Images.Single(i => i.KubernetesVersion == "1.32.3-5");

    private OsNetwork Public => _demo.ExternalNetworks.Single(n => n.Name == "public");

    private PreflightMachines Machines(string flavor, int count)
    {
        var f = Flavor(flavor);
        return new PreflightMachines(f.Id, f.Name, f.Vcpus, f.RamMb, count);
    }

    /// <summary>3 control plane VMs and 4 workers of m1.medium (2 vCPUs, 4 GiB): 7 VMs, 14 vCPUs, 28 GiB.</summary>
    private PreflightRequest Request(params PreflightMachines[] machines) =>
        new(Guid.NewGuid(), machines.Length == 0 ? [Machines("m1.medium", 3), Machines("m1.medium", 4)] : machines,
            KubeImage.Id, KubeImage.Name, Public.Id, Public.Name);

    private Task<IReadOnlyList<PreflightCheck>> RunAsync(PreflightRequest? request = null, OpenStackConnection? connection = null) =>
        _preflight.RunAsync(connection ?? DemoCloudService.Connection, request ?? Request());

    private static PreflightCheck Check(IReadOnlyList<PreflightCheck> checks, string name) => Assert.Single(checks, c => c.Name == name);

    private void SetFree(int instances, int cores, int ramMb) =>
        _demo.ComputeLimits = new ComputeLimits(MaxInstances: 3 + instances, MaxCores: 12 + cores, MaxRamMb: 24_576 + ramMb, UsedInstances: 3, UsedCores: 12, UsedRamMb: 24_576);

    [Fact]
    public async Task RunAsync_EnoughQuotaAndEverythingPresent_AllPassWithExactNumbers()
    {
        SetFree(instances: 12, cores: 40, ramMb: 100 * 1024);

        var checks = await RunAsync();

        Assert.All(checks, c => Assert.Equal(PreflightStatus.Passed, c.Status));
        Assert.Equal([ClusterPreflight.QuotaCheck, "Flavor m1.medium", ClusterPreflight.ImageCheck, ClusterPreflight.NetworkCheck], checks.Select(c => c.Name));
        Assert.Equal("Needs 7 VMs, 14 vCPUs, 28 GiB; 12 VMs, 40 vCPUs, 100 GiB free.", Check(checks, ClusterPreflight.QuotaCheck).Message);
        Assert.Contains("ubuntu-2404-kube-v1.32.3-5", Check(checks, ClusterPreflight.ImageCheck).Message);
    }

    [Fact]
    public async Task RunAsync_TooFewInstancesLeft_FailsTheQuotaCheckSayingByHowMuch()
    {
        SetFree(instances: 5, cores: 40, ramMb: 100 * 1024);

        var quota = Check(await RunAsync(), ClusterPreflight.QuotaCheck);

        Assert.Equal(PreflightStatus.Failed, quota.Status);
        Assert.StartsWith("Not enough quota: needs 7 VMs, 14 vCPUs, 28 GiB; 5 VMs, 40 vCPUs, 100 GiB free (short by 2 VMs).", quota.Message);
    }

    [Fact]
    public async Task RunAsync_TooLittleCpuAndRam_NamesBothShortfalls()
    {
        SetFree(instances: 20, cores: 10, ramMb: 20 * 1024);

        var quota = Check(await RunAsync(), ClusterPreflight.QuotaCheck);

        Assert.Equal(PreflightStatus.Failed, quota.Status);
        Assert.Contains("(short by 4 vCPUs, 8 GiB)", quota.Message);
    }

    [Fact]
    public async Task RunAsync_UnlimitedQuota_Passes()
    {
        _demo.ComputeLimits = new ComputeLimits(-1, -1, -1, 3, 12, 24_576);

        var quota = Check(await RunAsync(), ClusterPreflight.QuotaCheck);

        Assert.Equal(PreflightStatus.Passed, quota.Status);
        Assert.Equal("Needs 7 VMs, 14 vCPUs, 28 GiB; unlimited VMs, unlimited vCPUs, unlimited GiB free.", quota.Message);
    }

    [Fact]
    public async Task RunAsync_FlavorGoneFromTheCloud_FailsThatFlavorOnly()
    {
        var gone = new PreflightMachines("00000000-0000-5000-8000-000000000000", "m9.retired", 4, 8192, 2);

        var checks = await RunAsync(Request(Machines("m1.large", 3), gone));

        Assert.Equal(PreflightStatus.Passed, Check(checks, "Flavor m1.large").Status);
        var retired = Check(checks, "Flavor m9.retired");
        Assert.Equal(PreflightStatus.Failed, retired.Status);
        Assert.Equal("Flavor m9.retired (00000000-0000-5000-8000-000000000000) no longer exists in the cloud.", retired.Message);
    }

    [Fact]
    public async Task RunAsync_ImageGoneFromTheCloud_FailsTheImageCheck()
    {
        var request = Request() with { ImageProviderId = "11111111-0000-5000-8000-000000000000", ImageName = "ubuntu-2404-kube-v1.30.0-1" };

        var image = Check(await RunAsync(request), ClusterPreflight.ImageCheck);

        Assert.Equal(PreflightStatus.Failed, image.Status);
        Assert.Contains("ubuntu-2404-kube-v1.30.0-1 (11111111-0000-5000-8000-000000000000) no longer exists", image.Message);
    }

    [Fact]
    public async Task RunAsync_ExternalNetworkGone_FailsTheNetworkCheck()
    {
        var privateNetwork = "22222222-0000-5000-8000-000000000000";
        var request = Request() with { ExternalNetworkId = privateNetwork, ExternalNetworkName = "old-public" };

        var network = Check(await RunAsync(request), ClusterPreflight.NetworkCheck);

        Assert.Equal(PreflightStatus.Failed, network.Status);
        Assert.Contains("old-public", network.Message);
    }

    [Fact]
    public async Task RunAsync_ComputeServiceDown_QuotaAndFlavorsAreWarningsWithTheProvidersMessage()
    {
        _demo.FailNext(HttpStatusCode.ServiceUnavailable, "compute", count: 50);

        var checks = await RunAsync();

        var quota = Check(checks, ClusterPreflight.QuotaCheck);
        Assert.Equal(PreflightStatus.Warning, quota.Status);
        Assert.StartsWith("Could not check the compute quota: ", quota.Message);
        Assert.Equal(PreflightStatus.Warning, Check(checks, "Flavor m1.medium").Status);
        _demo.ClearFailures();
    }

    [Fact]
    public async Task RunAsync_CredentialsRejected_EveryCheckIsAWarningNeverAPass()
    {
        var connection = DemoCloudService.Connection with { Credential = new ApplicationCredential(DemoCloudService.ApplicationCredentialId, "wrong-secret") };

        var checks = await RunAsync(connection: connection);

        Assert.NotEmpty(checks);
        Assert.All(checks, c =>
        {
            Assert.Equal(PreflightStatus.Warning, c.Status);
            Assert.StartsWith("Could not check", c.Message);
        });
        Assert.DoesNotContain(checks, c => c.Message.Contains("wrong-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ImageNotActive_FailsTheImageCheck()
    {
        var image = KubeImage with { Status = "queued" };
        var preflight = new ClusterPreflight(new FixedCloud(_demo, image));

        var check = Check(await preflight.RunAsync(DemoCloudService.Connection, Request()), ClusterPreflight.ImageCheck);

        Assert.Equal(PreflightStatus.Failed, check.Status);
        Assert.Contains("is queued, not active", check.Message);
    }

    /// <summary>A cloud answering from the demo's data, with one image replaced (the demo serves only active images).</summary>
    private sealed class FixedCloud(DemoCloudService demo, OsImage image) : IOpenStackClientFactory, IOpenStackClient
    {
        public IOpenStackClient Create(OpenStackConnection connection) => this;

        public Task<RemoteResult<ServiceCatalogSummary>> AuthenticateAsync(CancellationToken ct = default) =>
            Task.FromResult(RemoteResult<ServiceCatalogSummary>.Failure(RemoteErrorKind.Unexpected, "not used"));

        public Task<RemoteResult<IReadOnlyList<OsFlavor>>> ListFlavorsAsync(CancellationToken ct = default) =>
            Task.FromResult(RemoteResult<IReadOnlyList<OsFlavor>>.Success(demo.Flavors));

        public Task<RemoteResult<IReadOnlyList<OsImage>>> ListImagesAsync(CancellationToken ct = default) =>
            Task.FromResult(RemoteResult<IReadOnlyList<OsImage>>.Success([.. demo.Images.Select(i => i.Id == image.Id ? image : i)]));

        public Task<RemoteResult<IReadOnlyList<OsNetwork>>> ListExternalNetworksAsync(CancellationToken ct = default) =>
            Task.FromResult(RemoteResult<IReadOnlyList<OsNetwork>>.Success(demo.ExternalNetworks));

        public Task<RemoteResult<ComputeLimits>> GetComputeLimitsAsync(CancellationToken ct = default) =>
            Task.FromResult(RemoteResult<ComputeLimits>.Success(demo.ComputeLimits));
    }
}
