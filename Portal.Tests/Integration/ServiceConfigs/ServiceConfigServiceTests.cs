using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.ServiceConfigs;

/// <summary>Service Configs on a registered demo infrastructure: naming, offering to tenants, deletion, permissions.</summary>
public sealed class ServiceConfigServiceTests : IAsyncLifetime
{
    private ServiceConfigTestHost _host = null!;
    private Guid _infrastructureId;

    public async Task InitializeAsync()
    {
        _host = await ServiceConfigTestHost.CreateAsync();
        _infrastructureId = await _host.RegisterDemoAsync("Demo");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ServiceConfigService Configs => _host.Configs;
    private Actor Admin => _host.Admin;

    [Fact]
    public async Task CreateAsync_ValidName_SavesItOfferedToAllTenantsAndAudits()
    {
        var id = (await Configs.CreateAsync(Admin, _infrastructureId, "  Standard  ", "General purpose", true, [])).ShouldSucceed();

        var row = await _host.ConfigAsync(_infrastructureId, id);
        Assert.Equal("Standard", row.Name);
        Assert.Equal("General purpose", row.Description);
        Assert.True(row.OfferedToAllTenants);
        Assert.Empty(row.OfferedTenantIds);
        Assert.Empty(row.Platforms);
        var audit = Assert.Single(await _host.AuditEntriesAsync(), a => a.Action == "service-config.create");
        Assert.Equal(AuditOutcome.Succeeded, audit.Outcome);
        Assert.Equal(id.ToString(), audit.TargetId);
    }

    [Fact]
    public async Task CreateAsync_UnknownInfrastructure_IsNotFound()
    {
        (await Configs.CreateAsync(Admin, Guid.NewGuid(), "Standard", null, true, [])).ShouldBeRefused(RefusalKind.NotFound);
        Assert.Equal(0, await _host.CountAsync<ServiceConfig>());
    }

    [Theory]
    [InlineData("Standard", "STANDARD")]
    [InlineData("Standard", " standard ")]
    [InlineData("München", "MÜNCHEN")]
    [InlineData("Ελληνικά", "ΕΛΛΗΝΙΚΆ")]
    public async Task CreateAsync_NameTakenInSameInfrastructureIgnoringCase_IsConflictOnName(string first, string second)
    {
        await _host.CreateConfigAsync(_infrastructureId, first);

        var refusal = (await Configs.CreateAsync(Admin, _infrastructureId, second, null, true, [])).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Contains("Demo", refusal.Message);
        Assert.Equal(1, await _host.CountAsync<ServiceConfig>());
    }

    [Fact]
    public async Task CreateAsync_SameNameOnAnotherInfrastructure_IsAllowed()
    {
        var other = await _host.RegisterDemoAsync("Other");
        await _host.CreateConfigAsync(_infrastructureId, "München");

        (await Configs.CreateAsync(Admin, other, "MÜNCHEN", null, true, [])).ShouldSucceed();

        Assert.Equal(2, await _host.CountAsync<ServiceConfig>());
    }

    [Fact]
    public async Task CreateAsync_EmptyName_IsInvalidOnName()
    {
        (await Configs.CreateAsync(Admin, _infrastructureId, "   ", null, true, [])).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
        Assert.Equal(0, await _host.CountAsync<ServiceConfig>());
    }

    [Fact]
    public async Task UpdateAsync_NewNameAndDescription_RenamesAndBumpsVersion()
    {
        var id = await _host.CreateConfigAsync(_infrastructureId, "Standard");
        var before = await _host.ConfigAsync(_infrastructureId, id);

        (await Configs.UpdateAsync(Admin, id, before.Version, "Premium", "Fast disks", true, [])).ShouldSucceed();

        var after = await _host.ConfigAsync(_infrastructureId, id);
        Assert.Equal("Premium", after.Name);
        Assert.Equal("Fast disks", after.Description);
        Assert.True(after.Version > before.Version);
    }

    [Fact]
    public async Task UpdateAsync_OnlyChangingCaseOfOwnName_IsAllowed()
    {
        var id = await _host.CreateConfigAsync(_infrastructureId, "standard");
        var before = await _host.ConfigAsync(_infrastructureId, id);

        (await Configs.UpdateAsync(Admin, id, before.Version, "Standard", null, true, [])).ShouldSucceed();

        Assert.Equal("Standard", (await _host.ConfigAsync(_infrastructureId, id)).Name);
    }

    [Fact]
    public async Task UpdateAsync_NameOfAnotherConfigIgnoringCase_IsConflictAndKeepsName()
    {
        await _host.CreateConfigAsync(_infrastructureId, "Ångström");
        var id = await _host.CreateConfigAsync(_infrastructureId, "Premium");
        var before = await _host.ConfigAsync(_infrastructureId, id);

        (await Configs.UpdateAsync(Admin, id, before.Version, "ÅNGSTRÖM", null, true, []))
            .ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal("Premium", (await _host.ConfigAsync(_infrastructureId, id)).Name);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_IsConcurrencyAndChangesNothing()
    {
        var id = await _host.CreateConfigAsync(_infrastructureId, "Standard");
        var loaded = await _host.ConfigAsync(_infrastructureId, id);
        (await Configs.UpdateAsync(Admin, id, loaded.Version, "Renamed", null, true, [])).ShouldSucceed();

        (await Configs.UpdateAsync(Admin, id, loaded.Version, "Stale", null, true, [])).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("Renamed", (await _host.ConfigAsync(_infrastructureId, id)).Name);
    }

    [Fact]
    public async Task CreateAsync_OfferedToSelectedTenants_StoresExactlyThose()
    {
        var acme = await _host.SeedTenantAsync("Acme");
        var globex = await _host.SeedTenantAsync("Globex");
        await _host.SeedTenantAsync("Initech");

        var id = (await Configs.CreateAsync(Admin, _infrastructureId, "Standard", null, false, [acme, globex])).ShouldSucceed();

        var row = await _host.ConfigAsync(_infrastructureId, id);
        Assert.False(row.OfferedToAllTenants);
        Assert.Equal(new[] { acme, globex }.Order(), row.OfferedTenantIds.Order());
        Assert.Equal(["Acme", "Globex"], row.OfferedTenantNames);
    }

    [Fact]
    public async Task CreateAsync_SelectedTenantsButNoneChosen_IsInvalidOnTenantsAndSavesNothing()
    {
        (await Configs.CreateAsync(Admin, _infrastructureId, "Standard", null, false, [])).ShouldBeRefused(RefusalKind.Invalid, Fields.Tenants);
        Assert.Equal(0, await _host.CountAsync<ServiceConfig>());
    }

    [Fact]
    public async Task CreateAsync_UnknownTenant_IsInvalidOnTenantsAndSavesNothing()
    {
        var acme = await _host.SeedTenantAsync("Acme");

        (await Configs.CreateAsync(Admin, _infrastructureId, "Standard", null, false, [acme, Guid.NewGuid()])).ShouldBeRefused(RefusalKind.Invalid, Fields.Tenants);

        Assert.Equal(0, await _host.CountAsync<ServiceConfig>());
        Assert.Equal(0, await _host.CountAsync<ServiceConfigOffer>());
    }

    [Fact]
    public async Task UpdateAsync_FromSelectedTenantsToAll_RemovesTheOffers()
    {
        var acme = await _host.SeedTenantAsync("Acme");
        var id = (await Configs.CreateAsync(Admin, _infrastructureId, "Standard", null, false, [acme])).ShouldSucceed();
        var row = await _host.ConfigAsync(_infrastructureId, id);

        (await Configs.UpdateAsync(Admin, id, row.Version, "Standard", null, true, [acme])).ShouldSucceed();

        var after = await _host.ConfigAsync(_infrastructureId, id);
        Assert.True(after.OfferedToAllTenants);
        Assert.Empty(after.OfferedTenantIds);
        Assert.Equal(0, await _host.CountAsync<ServiceConfigOffer>());
    }

    [Fact]
    public async Task UpdateAsync_ChangedTenantSelection_ReplacesTheOffers()
    {
        var acme = await _host.SeedTenantAsync("Acme");
        var globex = await _host.SeedTenantAsync("Globex");
        var id = (await Configs.CreateAsync(Admin, _infrastructureId, "Standard", null, false, [acme])).ShouldSucceed();
        var row = await _host.ConfigAsync(_infrastructureId, id);

        (await Configs.UpdateAsync(Admin, id, row.Version, "Standard", null, false, [globex])).ShouldSucceed();

        Assert.Equal([globex], (await _host.ConfigAsync(_infrastructureId, id)).OfferedTenantIds);
    }

    [Fact]
    public async Task UpdateAsync_TwoTenantSelectionsFromTheSameVersion_SecondIsConcurrency()
    {
        var acme = await _host.SeedTenantAsync("Acme");
        var globex = await _host.SeedTenantAsync("Globex");
        var initech = await _host.SeedTenantAsync("Initech");
        var id = (await Configs.CreateAsync(Admin, _infrastructureId, "Standard", null, false, [acme])).ShouldSucceed();
        var loaded = await _host.ConfigAsync(_infrastructureId, id);
        (await Configs.UpdateAsync(Admin, id, loaded.Version, "Standard", null, false, [globex])).ShouldSucceed();

        // A second admin who loaded the same version changes only the tenants too: they must not silently overwrite.
        (await Configs.UpdateAsync(_host.Viewer with { PlatformRole = Portal.Domain.Tenancy.PlatformRole.Admin }, id, loaded.Version, "Standard", null, false, [initech]))
            .ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal([globex], (await _host.ConfigAsync(_infrastructureId, id)).OfferedTenantIds);
    }

    [Fact]
    public async Task UpdateAsync_SelectedTenantsButNoneChosen_IsInvalidAndKeepsOffers()
    {
        var acme = await _host.SeedTenantAsync("Acme");
        var id = (await Configs.CreateAsync(Admin, _infrastructureId, "Standard", null, false, [acme])).ShouldSucceed();
        var row = await _host.ConfigAsync(_infrastructureId, id);

        (await Configs.UpdateAsync(Admin, id, row.Version, "Standard", null, false, [])).ShouldBeRefused(RefusalKind.Invalid, Fields.Tenants);

        Assert.Equal([acme], (await _host.ConfigAsync(_infrastructureId, id)).OfferedTenantIds);
    }

    [Fact]
    public async Task DeleteAsync_EmptyConfig_DeletesItAndItsOffers()
    {
        var acme = await _host.SeedTenantAsync("Acme");
        var id = (await Configs.CreateAsync(Admin, _infrastructureId, "Standard", null, false, [acme])).ShouldSucceed();

        (await Configs.DeleteAsync(Admin, id)).ShouldSucceed();

        Assert.Equal(0, await _host.CountAsync<ServiceConfig>());
        Assert.Equal(0, await _host.CountAsync<ServiceConfigOffer>());
    }

    [Fact]
    public async Task DeleteAsync_WithPlatforms_IsConflictNamingThem()
    {
        var id = await _host.CreateConfigAsync(_infrastructureId, "Standard");
        await _host.AddMksAsync(_infrastructureId, id);

        var refusal = (await Configs.DeleteAsync(Admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("MKS network platform", refusal.Message);
        Assert.Contains("Standard", refusal.Message);
        Assert.Equal(1, await _host.CountAsync<ServiceConfig>());
    }

    [Fact]
    public async Task InfrastructureDeleteAsync_WithServiceConfigs_IsConflictNamingThem()
    {
        await _host.CreateConfigAsync(_infrastructureId, "Standard");
        await _host.CreateConfigAsync(_infrastructureId, "Premium");

        var refusal = (await _host.Infrastructures.DeleteAsync(Admin, _infrastructureId)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("Standard", refusal.Message);
        Assert.Contains("Premium", refusal.Message);
        await using var db = _host.NewContext();
        Assert.True(await db.Infrastructures.AnyAsync(i => i.Id == _infrastructureId));
    }

    [Fact]
    public async Task InfrastructureDeleteAsync_AfterItsServiceConfigsAreDeleted_Succeeds()
    {
        var id = await _host.CreateConfigAsync(_infrastructureId, "Standard");
        (await Configs.DeleteAsync(Admin, id)).ShouldSucceed();

        (await _host.Infrastructures.DeleteAsync(Admin, _infrastructureId)).ShouldSucceed();
    }

    [Fact]
    public async Task Mutations_ByViewer_AreForbiddenAndChangeNothing()
    {
        var id = await _host.CreateConfigAsync(_infrastructureId, "Standard");
        var row = await _host.ConfigAsync(_infrastructureId, id);
        var viewer = _host.Viewer;
        var nobody = await _host.AddUserAsync("member@portal.test", Portal.Domain.Tenancy.PlatformRole.None);

        (await Configs.CreateAsync(viewer, _infrastructureId, "Other", null, true, [])).ShouldBeRefused(RefusalKind.Forbidden);
        (await Configs.UpdateAsync(viewer, id, row.Version, "Renamed", null, true, [])).ShouldBeRefused(RefusalKind.Forbidden);
        (await Configs.DeleteAsync(viewer, id)).ShouldBeRefused(RefusalKind.Forbidden);
        (await Configs.ListAsync(nobody, _infrastructureId)).ShouldBeRefused(RefusalKind.Forbidden);
        (await _host.Platforms.CreateMksAsync(viewer, id, await _host.ExternalNetworkAsync(_infrastructureId))).ShouldBeRefused(RefusalKind.Forbidden);
        (await _host.Platforms.CreatePostgresAsync(viewer, id, PostgresMode.External, null, Portal.DemoCloud.Kubernetes.DemoKubernetesApi.Kubeconfig))
            .ShouldBeRefused(RefusalKind.Forbidden);

        var after = await _host.ConfigAsync(_infrastructureId, id);
        Assert.Equal("Standard", after.Name);
        Assert.Empty(after.Platforms);
        Assert.Equal(1, await _host.CountAsync<ServiceConfig>());
    }

    [Fact]
    public async Task ListAsync_ByViewer_ListsConfigsWithPlatformsOrderedByName()
    {
        await _host.CreateConfigAsync(_infrastructureId, "zeta");
        var alpha = await _host.CreateConfigAsync(_infrastructureId, "Alpha");
        await _host.AddMksAsync(_infrastructureId, alpha);

        var rows = (await Configs.ListAsync(_host.Viewer, _infrastructureId)).ShouldSucceed();

        Assert.Equal(["Alpha", "zeta"], rows.Select(r => r.Name));
        var mks = Assert.Single(rows[0].Platforms);
        Assert.Equal(PlatformKind.Mks, mks.Kind);
        Assert.Equal("public", mks.ExternalNetworkName);
    }
}
