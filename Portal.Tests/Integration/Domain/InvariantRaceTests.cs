using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// The "at least one" and deletion-order rules of tenancy and placement, under two requests at the same moment (see
/// <see cref="Race"/>): each pair runs in both orders, exactly one request succeeds, the other is refused with the rule's
/// own reason, and the rule holds in the database afterwards.
/// </summary>
public sealed class InvariantRaceTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddPlatformAdminAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task DeleteTenant_ProjectCreatedAtTheSameMoment_RefusesTheDeleteWithItsReason()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");

        var (created, deleted) = await Race.OverlapAsync(_db.Hook,
            () => _db.Tenancy.CreateProjectAsync(_admin, tenantId, "web", null),
            () => _db.Tenancy.DeleteTenantAsync(_admin, tenantId));

        created.ShouldSucceed();
        Assert.Equal("Tenant 'Acme' still has projects: web. Delete those projects first.", deleted.ShouldBeRefused(RefusalKind.Conflict).Message);
        await using var db = _db.NewContext();
        Assert.True(await db.Tenants.AnyAsync(t => t.Id == tenantId));
        Assert.Equal(1, await db.Projects.CountAsync(p => p.TenantId == tenantId));
    }

    [Fact]
    public async Task CreateProject_TenantDeletedAtTheSameMoment_RefusesTheProjectAndLeavesNoOrphan()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");

        var (deleted, created) = await Race.OverlapAsync(_db.Hook,
            () => _db.Tenancy.DeleteTenantAsync(_admin, tenantId),
            () => _db.Tenancy.CreateProjectAsync(_admin, tenantId, "web", null));

        deleted.ShouldSucceed();
        Assert.Equal("Choose a tenant.", created.ShouldBeRefused(RefusalKind.Invalid, Fields.Tenant).Message);
        Assert.Equal(0, await _db.CountAsync<Project>());
        Assert.Equal(0, await _db.CountAsync<Tenant>());
    }

    [Fact]
    public async Task RemoveMember_TheOtherOfTwoAdminsRemovedAtTheSameMoment_KeepsOneAdminAndSaysWhy()
    {
        for (var round = 0; round < 2; round++)
        {
            var tenantId = await _db.SeedTenantAsync($"Acme {round}");
            var ann = await _db.AddTenantUserAsync($"ann{round}@acme.test", tenantId, TenantRole.Admin);
            var bob = await _db.AddTenantUserAsync($"bob{round}@acme.test", tenantId, TenantRole.Admin);
            var (annMembership, bobMembership) = (await MembershipAsync(tenantId, ann), await MembershipAsync(tenantId, bob));
            // Each round the other one goes first.
            var (first, second) = round == 0 ? (annMembership, bobMembership) : (bobMembership, annMembership);

            var (removed, refused) = await Race.OverlapAsync(_db.Hook,
                () => _db.Tenancy.RemoveMemberAsync(_admin, first),
                () => _db.Tenancy.RemoveMemberAsync(_admin, second));

            removed.ShouldSucceed();
            Assert.Contains("is the last tenant admin", refused.ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);
            Assert.Equal(1, await LocalAdminsAsync(tenantId));
        }
    }

    [Fact]
    public async Task ChangeMemberRole_BothAdminsDemotedAtTheSameMoment_KeepsOneAdminAndSaysWhy()
    {
        for (var round = 0; round < 2; round++)
        {
            var tenantId = await _db.SeedTenantAsync($"Acme {round}");
            var ann = await _db.AddTenantUserAsync($"ann{round}@acme.test", tenantId, TenantRole.Admin);
            var bob = await _db.AddTenantUserAsync($"bob{round}@acme.test", tenantId, TenantRole.Admin);
            var (annMembership, bobMembership) = (await MembershipAsync(tenantId, ann), await MembershipAsync(tenantId, bob));
            var (first, second) = round == 0 ? (annMembership, bobMembership) : (bobMembership, annMembership);

            var (demoted, refused) = await Race.OverlapAsync(_db.Hook,
                async () => await _db.Tenancy.ChangeMemberRoleAsync(_admin, first, await VersionAsync(first), TenantRole.Member),
                async () => await _db.Tenancy.ChangeMemberRoleAsync(_admin, second, await VersionAsync(second), TenantRole.Member));

            demoted.ShouldSucceed();
            Assert.Contains("is the last tenant admin", refused.ShouldBeRefused(RefusalKind.Conflict).Message, StringComparison.Ordinal);
            Assert.Equal(1, await LocalAdminsAsync(tenantId));
        }
    }

    [Fact]
    public async Task DeleteRegion_ZoneCreatedAtTheSameMoment_RefusesTheDeleteWithItsReason()
    {
        var regionId = await _db.SeedRegionAsync("Europe");

        var (created, deleted) = await Race.OverlapAsync(_db.Hook,
            () => _db.Regions.CreateZoneAsync(_admin, regionId, "eu-1", null),
            () => _db.Regions.DeleteRegionAsync(_admin, regionId));

        created.ShouldSucceed();
        Assert.Equal("Region 'Europe' still has zones: eu-1. Delete those zones first.", deleted.ShouldBeRefused(RefusalKind.Conflict).Message);
        await using var db = _db.NewContext();
        Assert.Equal(1, await db.Zones.CountAsync(z => z.RegionId == regionId));
    }

    [Fact]
    public async Task CreateZone_RegionDeletedAtTheSameMoment_RefusesTheZoneAndLeavesNoOrphan()
    {
        var regionId = await _db.SeedRegionAsync("Europe");

        var (deleted, created) = await Race.OverlapAsync(_db.Hook,
            () => _db.Regions.DeleteRegionAsync(_admin, regionId),
            () => _db.Regions.CreateZoneAsync(_admin, regionId, "eu-1", null));

        deleted.ShouldSucceed();
        created.ShouldBeRefused(RefusalKind.NotFound);
        Assert.Equal(0, await _db.CountAsync<Portal.Domain.Regions.Zone>());
    }

    private async Task<Guid> MembershipAsync(Guid tenantId, Actor user)
    {
        await using var db = _db.NewContext();
        return await db.Memberships.Where(m => m.TenantId == tenantId && m.UserId == user.UserId).Select(m => m.Id).SingleAsync();
    }

    private async Task<int> VersionAsync(Guid membershipId)
    {
        await using var db = _db.NewContext();
        return await db.Memberships.Where(m => m.Id == membershipId).Select(m => m.Version).SingleAsync();
    }

    private async Task<int> LocalAdminsAsync(Guid tenantId)
    {
        await using var db = _db.NewContext();
        return await db.Memberships.CountAsync(m => m.TenantId == tenantId && m.Role == TenantRole.Admin && m.Source == MembershipSource.Local);
    }
}
