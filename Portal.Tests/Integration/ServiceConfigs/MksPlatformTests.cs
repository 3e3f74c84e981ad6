using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.ServiceConfigs;

/// <summary>The MKS network platform: a live check of the external network, data only, one per Service Config, enable/disable.</summary>
public sealed class MksPlatformTests : IAsyncLifetime
{
    private ServiceConfigTestHost _host = null!;
    private Guid _infrastructureId;
    private Guid _configId;

    public async Task InitializeAsync()
    {
        _host = await ServiceConfigTestHost.CreateAsync();
        _infrastructureId = await _host.RegisterDemoAsync();
        _configId = await _host.CreateConfigAsync(_infrastructureId);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateMksAsync_ListedExternalNetwork_IsActiveAtOnceWithNoOperation()
    {
        var networks = (await _host.Cloud.ReadAsync(_host.Admin, _infrastructureId)).ShouldSucceed().ExternalNetworks;
        var network = networks.Single(n => n.Name == "public-v6");

        (await _host.Platforms.CreateMksAsync(_host.Admin, _configId, network.Id)).ShouldSucceed();

        var id = await _host.PlatformIdAsync(_configId, PlatformKind.Mks);
        var detail = await _host.PlatformAsync(id);
        Assert.Equal(PlatformState.Active, detail.State);
        Assert.True(detail.Enabled);
        Assert.Equal(network.Id, detail.ExternalNetworkId);
        Assert.Equal("public-v6", detail.ExternalNetworkName);
        Assert.Equal(network.Id, await _host.Configs.MksNetworkAsync(_configId));
        Assert.Equal(0, await _host.CountAsync<Operation>());
        Assert.Single(await _host.AuditEntriesAsync(), a => a.Action == "mks-platform.create" && a.TargetId == id.ToString());
    }

    [Fact]
    public async Task CreateMksAsync_UnknownNetworkId_IsInvalidOnExternalNetworkAndSavesNothing()
    {
        (await _host.Platforms.CreateMksAsync(_host.Admin, _configId, Guid.NewGuid().ToString()))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.ExternalNetwork);

        Assert.Equal(0, await _host.CountAsync<ServicePlatform>());
        // Refused before the rules ran (the cloud does not list it), and still on the audit trail.
        Assert.Single(await _host.AuditEntriesAsync(), a => a.Action == "mks-platform.create" && a.Outcome == Portal.Domain.Auditing.AuditOutcome.Refused);
    }

    [Fact]
    public async Task CreateMksAsync_NoNetworkChosen_IsInvalidOnExternalNetwork()
    {
        (await _host.Platforms.CreateMksAsync(_host.Admin, _configId, " ")).ShouldBeRefused(RefusalKind.Invalid, Fields.ExternalNetwork);
        Assert.Equal(0, await _host.CountAsync<ServicePlatform>());
    }

    [Fact]
    public async Task CreateMksAsync_UnknownServiceConfig_IsNotFound()
    {
        (await _host.Platforms.CreateMksAsync(_host.Admin, Guid.NewGuid(), await _host.ExternalNetworkAsync(_infrastructureId)))
            .ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task CreateMksAsync_SecondMksPlatform_IsConflictAndKeepsTheFirst()
    {
        var first = await _host.AddMksAsync(_infrastructureId, _configId);
        var other = (await _host.Cloud.ReadAsync(_host.Admin, _infrastructureId)).ShouldSucceed().ExternalNetworks[1].Id;

        var refusal = (await _host.Platforms.CreateMksAsync(_host.Admin, _configId, other)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("one per kind", refusal.Message);
        Assert.Equal(first, await _host.PlatformIdAsync(_configId, PlatformKind.Mks));
        Assert.NotEqual(other, (await _host.PlatformAsync(first)).ExternalNetworkId);
    }

    [Fact]
    public async Task SetEnabledAsync_DisableThenEnable_TogglesWithoutTouchingState()
    {
        var id = await _host.AddMksAsync(_infrastructureId, _configId);
        var loaded = await _host.PlatformAsync(id);

        (await _host.Configs.SetEnabledAsync(_host.Admin, id, loaded.Version, false)).ShouldSucceed();
        var disabled = await _host.PlatformAsync(id);
        Assert.False(disabled.Enabled);
        Assert.Equal(PlatformState.Active, disabled.State);

        (await _host.Configs.SetEnabledAsync(_host.Admin, id, disabled.Version, true)).ShouldSucceed();
        Assert.True((await _host.PlatformAsync(id)).Enabled);
        var audit = await _host.AuditEntriesAsync();
        Assert.Contains(audit, a => a.Action == "platform.disable" && a.TargetId == id.ToString());
        Assert.Contains(audit, a => a.Action == "platform.enable" && a.TargetId == id.ToString());
    }

    [Fact]
    public async Task SetEnabledAsync_StaleVersion_IsConcurrencyAndKeepsTheOtherChange()
    {
        var id = await _host.AddMksAsync(_infrastructureId, _configId);
        var loaded = await _host.PlatformAsync(id);
        (await _host.Configs.SetEnabledAsync(_host.Admin, id, loaded.Version, false)).ShouldSucceed();

        (await _host.Configs.SetEnabledAsync(_host.Admin, id, loaded.Version, true)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.False((await _host.PlatformAsync(id)).Enabled);
    }

    [Fact]
    public async Task SetEnabledAsync_ByViewer_IsForbidden()
    {
        var id = await _host.AddMksAsync(_infrastructureId, _configId);
        var loaded = await _host.PlatformAsync(id);

        (await _host.Configs.SetEnabledAsync(_host.Viewer, id, loaded.Version, false)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.True((await _host.PlatformAsync(id)).Enabled);
    }

    [Fact]
    public async Task DeleteAsync_MksWithoutPostgres_DeletesAtOnceThenConfigCanGo()
    {
        var id = await _host.AddMksAsync(_infrastructureId, _configId);

        (await _host.Configs.DeletePlatformAsync(_host.Admin, id)).ShouldSucceed();

        Assert.Null(await _host.FindPlatformRowAsync(id));
        Assert.Equal(0, await _host.CountAsync<Operation>());
        (await _host.Configs.DeleteAsync(_host.Admin, _configId)).ShouldSucceed();
    }
}
