using System.Net;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.Tenancy;
using Portal.DemoCloud;
using Portal.Jobs.Infrastructures;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Infrastructures;

/// <summary>The registration probe and the catalog reader, through the real OpenStack client, against the in-process demo cloud.</summary>
public sealed class ConnectionProbeTests : IAsyncLifetime
{
    private static readonly string[] CheckOrder =
        [ConnectionProbe.Authenticate, ConnectionProbe.Catalog, ConnectionProbe.Flavors, ConnectionProbe.Images, ConnectionProbe.Networks];

    private InfrastructureTestHost _host = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await InfrastructureTestHost.CreateAsync();
        _admin = await _host.AddUserAsync("admin@portal.test", PlatformRole.Admin);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>OpenStack settings that point at the demo cloud's Keystone with its password login.</summary>
    private static ConnectionSettings DemoPasswordSettings() =>
        new(DemoCloudService.AuthUrl.ToString(), DemoCloudService.Region, EndpointInterfaceKind.Public, CredentialKind.Password, null,
            DemoCloudService.UserName, "Default", DemoCloudService.ProjectName, "Default", null);

    [Fact]
    public async Task ProbeAsync_DemoCloud_PassesEveryCheckWithCounts()
    {
        var report = await _host.Probe.ProbeAsync(InfrastructureProvider.Demo, null, null);

        Assert.True(report.Succeeded, report.Summary);
        Assert.Equal(CheckOrder, report.Checks.Select(c => c.Name));
        Assert.All(report.Checks, c => Assert.Equal(ProbeStatus.Passed, c.Status));
        Assert.Equal("12 flavors.", report.Checks.Single(c => c.Name == ConnectionProbe.Flavors).Detail);
        Assert.Equal("7 images.", report.Checks.Single(c => c.Name == ConnectionProbe.Images).Detail);
        Assert.Equal("2 external networks.", report.Checks.Single(c => c.Name == ConnectionProbe.Networks).Detail);
        Assert.Contains("project demo", report.Checks[0].Detail);
        Assert.Equal(12, report.Flavors.Count);
        Assert.Equal(7, report.Images.Count);
        Assert.Equal(2, report.ExternalNetworks.Count);
        Assert.Equal("Authenticated; 12 flavors, 7 images, 2 external networks.", report.Summary);
        Assert.Equal(new ConnectionCheck(true, report.Summary), report.ToCheck());
    }

    [Fact]
    public async Task ProbeAsync_OpenStackPasswordAgainstDemoKeystone_Passes()
    {
        var report = await _host.Probe.ProbeAsync(InfrastructureProvider.OpenStack, DemoPasswordSettings(), DemoCloudService.Password);

        Assert.True(report.Succeeded, report.Summary);
        Assert.Equal(12, report.Flavors.Count);
    }

    [Fact]
    public async Task ProbeAsync_KeystoneAnswersUnauthorized_FailsAuthenticationAndSkipsTheRest()
    {
        _host.DemoCloud.FailNext(HttpStatusCode.Unauthorized, "identity");

        var report = await _host.Probe.ProbeAsync(InfrastructureProvider.Demo, null, null);

        Assert.False(report.Succeeded);
        Assert.Equal(CheckOrder, report.Checks.Select(c => c.Name));
        var auth = report.Checks[0];
        Assert.Equal(ProbeStatus.Failed, auth.Status);
        Assert.Contains("401", auth.Detail);
        Assert.All(report.Checks.Skip(1), c => Assert.Equal(ProbeStatus.Skipped, c.Status));
        Assert.Empty(report.Flavors);
        Assert.StartsWith(ConnectionProbe.Authenticate + ": ", report.Summary);
        Assert.False(report.ToCheck().Succeeded);
    }

    [Fact]
    public async Task ProbeAsync_WrongPassword_FailsAuthenticationWithoutLeakingThePassword()
    {
        const string wrong = "Wrong-Password-123";

        var report = await _host.Probe.ProbeAsync(InfrastructureProvider.OpenStack, DemoPasswordSettings(), wrong);

        Assert.False(report.Succeeded);
        Assert.Equal(ProbeStatus.Failed, report.Checks[0].Status);
        Assert.All(report.Checks.Skip(1), c => Assert.Equal(ProbeStatus.Skipped, c.Status));
        Assert.DoesNotContain(wrong, report.Summary);
    }

    [Fact]
    public async Task ProbeAsync_ComputeFailsAfterAuthentication_FailsOnlyTheFlavorCheck()
    {
        _host.DemoCloud.FailNext(HttpStatusCode.Forbidden, "compute");

        var report = await _host.Probe.ProbeAsync(InfrastructureProvider.Demo, null, null);

        Assert.False(report.Succeeded);
        Assert.Equal(ProbeStatus.Passed, report.Checks.Single(c => c.Name == ConnectionProbe.Authenticate).Status);
        Assert.Equal(ProbeStatus.Failed, report.Checks.Single(c => c.Name == ConnectionProbe.Flavors).Status);
        Assert.Equal(ProbeStatus.Passed, report.Checks.Single(c => c.Name == ConnectionProbe.Images).Status);
        Assert.StartsWith(ConnectionProbe.Flavors, report.Summary);
    }

    [Fact]
    public async Task ProbeAsync_SettingsTheClientRejects_FailsAuthenticationWithoutCallingTheCloud()
    {
        var before = _host.DemoCloud.RequestCount;
        var settings = DemoPasswordSettings() with { UserName = "" };

        var report = await _host.Probe.ProbeAsync(InfrastructureProvider.OpenStack, settings, "");

        Assert.False(report.Succeeded);
        Assert.Equal(ProbeStatus.Failed, report.Checks[0].Status);
        Assert.Equal(before, _host.DemoCloud.RequestCount);
    }

    // ---- catalog reader ----

    [Fact]
    public async Task ReadAsync_RegisteredDemoCloud_ReturnsItsFlavorsAndImagesAsSpecs()
    {
        var id = await _host.RegisterDemoAsync(_admin);

        var listing = (await _host.Reader.ReadAsync(_admin, id)).ShouldSucceed();

        Assert.Equal(_host.DemoCloud.Flavors.Select(f => f.Id), listing.Flavors.Select(f => f.ProviderId));
        Assert.Equal(_host.DemoCloud.Images.Select(i => i.Id), listing.Images.Select(i => i.ProviderId));
        Assert.Equal(2, listing.ExternalNetworks.Count);
        var large = listing.Flavors.Single(f => f.Name == "m1.large");
        Assert.Equal((4, 8192, 80), (large.Vcpus, large.RamMb, large.DiskGb));
        var kube = listing.Images.Single(i => i.Name == "ubuntu-2404-kube-v1.32.3-5");
        Assert.Equal("1.32.3-5", kube.KubernetesVersion);
        Assert.Equal("ubuntu", kube.OsDistro);
        Assert.Equal(2048, kube.MinRamMb);
        Assert.Null(listing.Images.Single(i => i.Name == "debian-12").KubernetesVersion);
    }

    [Fact]
    public async Task ReadAsync_ThenImport_PutsTheWholeCloudInTheCatalog()
    {
        var id = await _host.RegisterDemoAsync(_admin);
        var listing = (await _host.Reader.ReadAsync(_admin, id)).ShouldSucceed();

        (await _host.Catalog.ImportAsync(_admin, id, listing.Flavors, listing.Images)).ShouldSucceed();

        var flavors = (await _host.Catalog.ListFlavorsAsync(_admin, id, new Portal.Domain.Catalog.CatalogQuery(Take: 50))).ShouldSucceed();
        Assert.Equal(12, flavors.Total);
        // Importing the same listing again is refused whole.
        (await _host.Catalog.ImportAsync(_admin, id, listing.Flavors, listing.Images)).ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public async Task ReadAsync_RegisteredOpenStackWithStoredPassword_UsesTheDecryptedSecret()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        var id = (await _host.Infrastructures.RegisterAsync(_admin, new RegistrationRequest("Demo via Keystone", null, InfrastructureProvider.OpenStack,
            Placement.Existing(zoneId), DemoPasswordSettings(), DemoCloudService.Password, new ConnectionCheck(true, "ok"), [], []))).ShouldSucceed();

        var listing = (await _host.Reader.ReadAsync(_admin, id)).ShouldSucceed();

        Assert.Equal(12, listing.Flavors.Count);
        Assert.Equal(7, listing.Images.Count);
    }

    [Fact]
    public async Task ReadAsync_CloudFails_IsConflictWithTheCloudsReason()
    {
        var id = await _host.RegisterDemoAsync(_admin);
        _host.DemoCloud.FailNext(HttpStatusCode.Unauthorized, "identity");

        var refusal = (await _host.Reader.ReadAsync(_admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.StartsWith("The cloud could not be read: ", refusal.Message);
    }

    [Fact]
    public async Task ReadAsync_ViewerOrUnknownInfrastructure_IsRefused()
    {
        var id = await _host.RegisterDemoAsync(_admin);
        var viewer = await _host.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _host.Reader.ReadAsync(viewer, id)).ShouldBeRefused(RefusalKind.Forbidden);
        (await _host.Reader.ReadAsync(_admin, Guid.NewGuid())).ShouldBeRefused(RefusalKind.NotFound);
    }
}
