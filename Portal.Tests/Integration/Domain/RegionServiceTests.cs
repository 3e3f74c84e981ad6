using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

public sealed class RegionServiceTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddPlatformAdminAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<Region> LoadRegionAsync(Guid id)
    {
        await using var db = _db.NewContext();
        return await db.Regions.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    private async Task<Zone> LoadZoneAsync(Guid id)
    {
        await using var db = _db.NewContext();
        return await db.Zones.AsNoTracking().SingleAsync(z => z.Id == id);
    }

    // ---- create region ----

    [Fact]
    public async Task CreateRegionAsync_ValidInput_StoresTheTrimmedRegion()
    {
        var id = (await _db.Regions.CreateRegionAsync(_admin, "  Frankfurt ", " Main site ")).ShouldSucceed();

        var region = await LoadRegionAsync(id);
        Assert.Equal("Frankfurt", region.Name);
        Assert.Equal("Main site", region.Description);
        Assert.Equal(_db.Clock.GetUtcNow(), region.CreatedAt);
        Assert.Equal(0, region.Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task CreateRegionAsync_EmptyName_IsInvalidOnNameAndSavesNothing(string? name)
    {
        (await _db.Regions.CreateRegionAsync(_admin, name, null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal(0, await _db.CountAsync<Region>());
    }

    [Fact]
    public async Task CreateRegionAsync_NameTooLong_IsInvalidWithTheLengthInTheMessage()
    {
        var refusal = (await _db.Regions.CreateRegionAsync(_admin, new string('r', Limits.NameMaxLength + 1), null))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Contains($"{Limits.NameMaxLength + 1}", refusal.Message);
        Assert.Equal(0, await _db.CountAsync<Region>());
    }

    [Theory]
    [InlineData("Frank\tfurt")]
    [InlineData("Frank\nfurt")]
    [InlineData("Frankfurt\u0007")]
    public async Task CreateRegionAsync_NameWithControlCharacter_IsInvalidOnName(string name)
    {
        (await _db.Regions.CreateRegionAsync(_admin, name, null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal(0, await _db.CountAsync<Region>());
    }

    [Fact]
    public async Task CreateRegionAsync_DescriptionWithControlCharacter_IsInvalidOnDescription()
    {
        (await _db.Regions.CreateRegionAsync(_admin, "Frankfurt", "bell\u0007")).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);

        Assert.Equal(0, await _db.CountAsync<Region>());
    }

    [Theory]
    [InlineData("Frankfurt")]
    [InlineData("FRANKFURT")]
    [InlineData("frankfurt")]
    [InlineData("  Frankfurt  ")]
    public async Task CreateRegionAsync_DuplicateNameInAnyCase_IsRefusedWithConflictOnName(string duplicate)
    {
        await _db.SeedRegionAsync("Frankfurt");

        var refusal = (await _db.Regions.CreateRegionAsync(_admin, duplicate, null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Contains("already exists", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Region>());
    }

    [Fact]
    public async Task CreateRegionAsync_DuplicateNameDifferingOnlyInTheCaseOfANonAsciiLetter_IsRefusedWithConflictOnName()
    {
        await _db.SeedRegionAsync("München");

        (await _db.Regions.CreateRegionAsync(_admin, "MÜNCHEN", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal(1, await _db.CountAsync<Region>());
    }

    [Theory]
    [InlineData(PlatformRole.None)]
    [InlineData(PlatformRole.Viewer)]
    public async Task CreateRegionAsync_ByNonPlatformAdmin_IsForbiddenAndSavesNothing(PlatformRole role)
    {
        var actor = await _db.AddUserAsync("someone@portal.test", role);

        (await _db.Regions.CreateRegionAsync(actor, "Frankfurt", null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(0, await _db.CountAsync<Region>());
    }

    [Fact]
    public async Task CreateRegionAsync_ByTenantAdmin_IsForbidden()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        var tenantAdmin = await _db.AddTenantUserAsync("boss@acme.test", tenantId, TenantRole.Admin);

        (await _db.Regions.CreateRegionAsync(tenantAdmin, "Frankfurt", null)).ShouldBeRefused(RefusalKind.Forbidden);
    }

    // ---- update region ----

    [Fact]
    public async Task UpdateRegionAsync_ValidInput_RenamesAndBumpsTheVersion()
    {
        var id = await _db.SeedRegionAsync("Frankfurt", "old");

        (await _db.Regions.UpdateRegionAsync(_admin, id, 0, " Frankfurt Main ", "new")).ShouldSucceed();

        var region = await LoadRegionAsync(id);
        Assert.Equal("Frankfurt Main", region.Name);
        Assert.Equal("new", region.Description);
        Assert.Equal(1, region.Version);
    }

    [Fact]
    public async Task UpdateRegionAsync_OwnNameInAnotherCase_IsAllowed()
    {
        var id = await _db.SeedRegionAsync("frankfurt");

        (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "Frankfurt", null)).ShouldSucceed();

        Assert.Equal("Frankfurt", (await LoadRegionAsync(id)).Name);
    }

    [Fact]
    public async Task UpdateRegionAsync_IntoAnExistingNameInAnotherCase_IsRefusedAndKeepsTheOldName()
    {
        await _db.SeedRegionAsync("Berlin");
        var id = await _db.SeedRegionAsync("Frankfurt", "keep me");

        (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "BERLIN", "changed")).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        var region = await LoadRegionAsync(id);
        Assert.Equal("Frankfurt", region.Name);
        Assert.Equal("keep me", region.Description);
        Assert.Equal(0, region.Version);
    }

    [Fact]
    public async Task UpdateRegionAsync_InvalidName_IsRefusedAndKeepsTheOldName()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");

        (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "Frank\nfurt", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal("Frankfurt", (await LoadRegionAsync(id)).Name);
    }

    [Fact]
    public async Task UpdateRegionAsync_UnknownRegion_IsNotFound()
    {
        (await _db.Regions.UpdateRegionAsync(_admin, Guid.NewGuid(), 0, "Frankfurt", null)).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task UpdateRegionAsync_ByPlatformViewer_IsForbiddenAndChangesNothing()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _db.Regions.UpdateRegionAsync(viewer, id, 0, "Berlin", null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal("Frankfurt", (await LoadRegionAsync(id)).Name);
    }

    // ---- delete region ----

    [Fact]
    public async Task DeleteRegionAsync_WithZones_IsRefusedNamingTheZones()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");
        await _db.SeedZoneAsync(id, "fra-b");
        await _db.SeedZoneAsync(id, "fra-a");

        var refusal = (await _db.Regions.DeleteRegionAsync(_admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("Frankfurt", refusal.Message);
        Assert.Contains("fra-a, fra-b", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Region>());
        Assert.Equal(2, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task DeleteRegionAsync_WithManyZones_NamesFiveAndCountsTheRest()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");
        foreach (var name in new[] { "z1", "z2", "z3", "z4", "z5", "z6", "z7" })
            await _db.SeedZoneAsync(id, name);

        var refusal = (await _db.Regions.DeleteRegionAsync(_admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("z1, z2, z3, z4, z5 and 2 more", refusal.Message);
    }

    [Fact]
    public async Task DeleteRegionAsync_AfterItsZonesAreDeleted_Succeeds()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");
        var zoneId = await _db.SeedZoneAsync(id, "fra-a");
        (await _db.Regions.DeleteRegionAsync(_admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        (await _db.Regions.DeleteZoneAsync(_admin, zoneId)).ShouldSucceed();
        (await _db.Regions.DeleteRegionAsync(_admin, id)).ShouldSucceed();

        Assert.Equal(0, await _db.CountAsync<Region>());
        Assert.Equal(0, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task DeleteRegionAsync_Twice_SecondIsNotFound()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");
        (await _db.Regions.DeleteRegionAsync(_admin, id)).ShouldSucceed();

        (await _db.Regions.DeleteRegionAsync(_admin, id)).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task DeleteRegionAsync_ByPlatformViewer_IsForbiddenAndKeepsTheRegion()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _db.Regions.DeleteRegionAsync(viewer, id)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(1, await _db.CountAsync<Region>());
    }

    // ---- zones ----

    [Fact]
    public async Task CreateZoneAsync_ValidInput_StoresTheZoneInItsRegion()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");

        var id = (await _db.Regions.CreateZoneAsync(_admin, regionId, " fra-a ", " rack row A ")).ShouldSucceed();

        var zone = await LoadZoneAsync(id);
        Assert.Equal(regionId, zone.RegionId);
        Assert.Equal("fra-a", zone.Name);
        Assert.Equal("rack row A", zone.Description);
    }

    [Theory]
    [InlineData("fra-a")]
    [InlineData("FRA-A")]
    [InlineData(" Fra-A ")]
    public async Task CreateZoneAsync_DuplicateNameInTheSameRegionInAnyCase_IsRefusedWithConflictOnName(string duplicate)
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        await _db.SeedZoneAsync(regionId, "fra-a");

        var refusal = (await _db.Regions.CreateZoneAsync(_admin, regionId, duplicate, null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Contains("Frankfurt", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task CreateZoneAsync_SameNameInAnotherRegion_IsAllowed()
    {
        var frankfurt = await _db.SeedRegionAsync("Frankfurt");
        var berlin = await _db.SeedRegionAsync("Berlin");
        await _db.SeedZoneAsync(frankfurt, "zone-a");

        (await _db.Regions.CreateZoneAsync(_admin, berlin, "zone-a", null)).ShouldSucceed();

        Assert.Equal(2, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task CreateZoneAsync_InvalidName_IsInvalidOnNameAndSavesNothing()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");

        (await _db.Regions.CreateZoneAsync(_admin, regionId, "zone\ta", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
        (await _db.Regions.CreateZoneAsync(_admin, regionId, new string('z', Limits.NameMaxLength + 1), null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal(0, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task CreateZoneAsync_UnknownRegion_IsNotFound()
    {
        (await _db.Regions.CreateZoneAsync(_admin, Guid.NewGuid(), "zone-a", null)).ShouldBeRefused(RefusalKind.NotFound);

        Assert.Equal(0, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task CreateZoneAsync_ByPlatformViewer_IsForbidden()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _db.Regions.CreateZoneAsync(viewer, regionId, "zone-a", null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(0, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task UpdateZoneAsync_ValidInput_RenamesAndBumpsTheVersion()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        var id = await _db.SeedZoneAsync(regionId, "fra-a");

        (await _db.Regions.UpdateZoneAsync(_admin, id, 0, "fra-1", "first")).ShouldSucceed();

        var zone = await LoadZoneAsync(id);
        Assert.Equal("fra-1", zone.Name);
        Assert.Equal("first", zone.Description);
        Assert.Equal(1, zone.Version);
    }

    [Fact]
    public async Task UpdateZoneAsync_IntoADuplicateInTheSameRegion_IsRefusedAndKeepsTheOldName()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        await _db.SeedZoneAsync(regionId, "fra-a");
        var id = await _db.SeedZoneAsync(regionId, "fra-b");

        (await _db.Regions.UpdateZoneAsync(_admin, id, 0, "FRA-A", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal("fra-b", (await LoadZoneAsync(id)).Name);
    }

    [Fact]
    public async Task UpdateZoneAsync_ToANameUsedOnlyInAnotherRegion_IsAllowed()
    {
        var frankfurt = await _db.SeedRegionAsync("Frankfurt");
        var berlin = await _db.SeedRegionAsync("Berlin");
        await _db.SeedZoneAsync(berlin, "zone-a");
        var id = await _db.SeedZoneAsync(frankfurt, "fra-a");

        (await _db.Regions.UpdateZoneAsync(_admin, id, 0, "zone-a", null)).ShouldSucceed();

        Assert.Equal("zone-a", (await LoadZoneAsync(id)).Name);
    }

    [Fact]
    public async Task UpdateZoneAsync_UnknownZone_IsNotFound()
    {
        (await _db.Regions.UpdateZoneAsync(_admin, Guid.NewGuid(), 0, "zone-a", null)).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task UpdateZoneAsync_ByPlatformViewer_IsForbidden()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        var id = await _db.SeedZoneAsync(regionId, "fra-a");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _db.Regions.UpdateZoneAsync(viewer, id, 0, "fra-1", null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal("fra-a", (await LoadZoneAsync(id)).Name);
    }

    [Fact]
    public async Task DeleteZoneAsync_ExistingZone_RemovesOnlyThatZone()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        var doomed = await _db.SeedZoneAsync(regionId, "fra-a");
        await _db.SeedZoneAsync(regionId, "fra-b");

        (await _db.Regions.DeleteZoneAsync(_admin, doomed)).ShouldSucceed();

        var remaining = (await _db.Regions.ListZonesAsync(_admin, regionId)).ShouldSucceed();
        Assert.Equal(["fra-b"], remaining.Select(z => z.Name));
    }

    [Fact]
    public async Task DeleteZoneAsync_HoldingInfrastructures_IsRefusedNamingThemAndKeepsTheZone()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        var id = await _db.SeedZoneAsync(regionId, "fra-a");
        await _db.SeedInfrastructureAsync(id, "openstack-two");
        await _db.SeedInfrastructureAsync(id, "openstack-one");

        var refusal = (await _db.Regions.DeleteZoneAsync(_admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("fra-a", refusal.Message);
        Assert.Contains("openstack-one, openstack-two", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task DeleteZoneAsync_InfrastructuresInAnotherZone_DoNotBlockIt()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        var id = await _db.SeedZoneAsync(regionId, "fra-a");
        await _db.SeedInfrastructureAsync(await _db.SeedZoneAsync(regionId, "fra-b"), "openstack-one");

        (await _db.Regions.DeleteZoneAsync(_admin, id)).ShouldSucceed();

        Assert.Equal(1, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task DeleteZoneAsync_UnknownZone_IsNotFound()
    {
        (await _db.Regions.DeleteZoneAsync(_admin, Guid.NewGuid())).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task DeleteZoneAsync_ByPlatformViewer_IsForbiddenAndKeepsTheZone()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        var id = await _db.SeedZoneAsync(regionId, "fra-a");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _db.Regions.DeleteZoneAsync(viewer, id)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(1, await _db.CountAsync<Zone>());
    }

    // ---- lists ----

    [Fact]
    public async Task ListRegionsAsync_ByUserWithoutPlatformRole_IsForbidden()
    {
        await _db.SeedRegionAsync("Frankfurt");
        var nobody = await _db.AddUserAsync("nobody@portal.test");

        (await _db.Regions.ListRegionsAsync(nobody, new PageRequest())).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task ListRegionsAsync_ByPlatformViewer_ListsAllSortedByNameWithZoneCounts()
    {
        var frankfurt = await _db.SeedRegionAsync("Frankfurt");
        await _db.SeedRegionAsync("Berlin");
        await _db.SeedZoneAsync(frankfurt, "fra-a");
        await _db.SeedZoneAsync(frankfurt, "fra-b");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        var page = (await _db.Regions.ListRegionsAsync(viewer, new PageRequest())).ShouldSucceed();

        Assert.Equal(2, page.Total);
        Assert.Equal(["Berlin", "Frankfurt"], page.Items.Select(r => r.Name));
        Assert.Equal([0, 2], page.Items.Select(r => r.ZoneCount));
    }

    [Theory]
    [InlineData("frank", "Frankfurt")]
    [InlineData("FURT", "Frankfurt")]
    [InlineData("münchen", "MÜNCHEN")]
    [InlineData("ÉVRY", "Évry-Courcouronnes")]
    public async Task ListRegionsAsync_SearchInAnotherCase_FindsTheRegionOnEveryDatabase(string search, string expected)
    {
        foreach (var name in new[] { "Frankfurt", "MÜNCHEN", "Évry-Courcouronnes", "Berlin" })
            await _db.SeedRegionAsync(name);

        var page = (await _db.Regions.ListRegionsAsync(_admin, new PageRequest(Search: search))).ShouldSucceed();

        Assert.Equal(expected, Assert.Single(page.Items).Name);
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    public async Task ListRegionsAsync_SearchForALikeWildcard_MatchesItLiterally(string search)
    {
        await _db.SeedRegionAsync("Frankfurt");
        await _db.SeedRegionAsync("eu_100%");

        var page = (await _db.Regions.ListRegionsAsync(_admin, new PageRequest(Search: search))).ShouldSucceed();

        Assert.Equal("eu_100%", Assert.Single(page.Items).Name);
    }

    [Fact]
    public async Task ListRegionsAsync_NamesInMixedCase_AreOrderedIgnoringCase()
    {
        foreach (var name in new[] { "berlin", "Zürich", "amsterdam", "Frankfurt" })
            await _db.SeedRegionAsync(name);

        var page = (await _db.Regions.ListRegionsAsync(_admin, new PageRequest())).ShouldSucceed();

        Assert.Equal(["amsterdam", "berlin", "Frankfurt", "Zürich"], page.Items.Select(r => r.Name));
    }

    [Fact]
    public async Task ListRegionsAsync_SearchAndPage_FilterAndWindowButCountAllMatches()
    {
        foreach (var name in new[] { "eu-central", "eu-north", "eu-west", "us-east" })
            await _db.SeedRegionAsync(name);

        var page = (await _db.Regions.ListRegionsAsync(_admin, new PageRequest(Skip: 1, Take: 1, Search: " EU-"))).ShouldSucceed();

        Assert.Equal(3, page.Total);
        Assert.Equal(["eu-north"], page.Items.Select(r => r.Name));
    }

    [Fact]
    public async Task ListZonesAsync_ByUserWithoutPlatformRole_IsForbidden()
    {
        var regionId = await _db.SeedRegionAsync("Frankfurt");
        var nobody = await _db.AddUserAsync("nobody@portal.test");

        (await _db.Regions.ListZonesAsync(nobody, regionId)).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task ListZonesAsync_ByPlatformViewer_ListsOnlyThatRegionsZonesSorted()
    {
        var frankfurt = await _db.SeedRegionAsync("Frankfurt");
        var berlin = await _db.SeedRegionAsync("Berlin");
        await _db.SeedZoneAsync(frankfurt, "fra-b");
        await _db.SeedZoneAsync(frankfurt, "fra-a");
        await _db.SeedZoneAsync(berlin, "ber-a");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        var zones = (await _db.Regions.ListZonesAsync(viewer, frankfurt)).ShouldSucceed();

        Assert.Equal(["fra-a", "fra-b"], zones.Select(z => z.Name));
        Assert.All(zones, z => Assert.Equal(frankfurt, z.RegionId));
    }
}
