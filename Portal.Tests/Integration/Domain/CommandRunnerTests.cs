using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// A command's change and its audit entry commit together; a refusal (from the rules or from a constraint the
/// database caught in a race) saves nothing but its own audit entry.
/// </summary>
public sealed class CommandRunnerTests : IAsyncLifetime
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
    public async Task RunAsync_ChangeThatTouchedTheContextThenRefused_SavesNothingButTheRefusalEntry()
    {
        var subject = new AuditSubject("test.refuse", "Region", null, "Frankfurt");

        var result = await _db.Commands.RunAsync<Guid>(_admin, subject, db =>
        {
            var region = Region.Create("Frankfurt", null, _db.Clock.GetUtcNow()).Value!;
            db.Regions.Add(region);
            return Task.FromResult<Result<Guid>>(Refusal.Conflict("Changed my mind."));
        });

        result.ShouldBeRefused(RefusalKind.Conflict);
        Assert.Equal(0, await _db.CountAsync<Region>());
        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.Equal("Changed my mind.", entry.Reason);
        Assert.Equal("test.refuse", entry.Action);
    }

    [Fact]
    public async Task RunAsync_Success_UsesTheDescribedSubjectForTheAuditEntry()
    {
        var id = Guid.NewGuid();

        var result = await _db.Commands.RunAsync(_admin, new AuditSubject("test.ok", "Thing", null, "draft"),
            _ => Task.FromResult<Result<Guid>>(id), value => new AuditSubject("test.ok", "Thing", value.ToString(), "final"));

        Assert.Equal(id, result.ShouldSucceed());
        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal(id.ToString(), entry.TargetId);
        Assert.Equal("final", entry.TargetName);
    }

    [Fact]
    public async Task CreateRegionAsync_SameNameSavedByAnotherWriterMeanwhile_IsConflictOnNameAndOnlyOneRegionExists()
    {
        // The other writer commits after this request checked the name and before it saves: the unique index decides.
        _db.Hook.BeforeNextSave(() => _db.SeedRegionAsync("FRANKFURT"));

        var refusal = (await _db.Regions.CreateRegionAsync(_admin, "Frankfurt", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.False(_db.Hook.IsArmed, "The simulated concurrent writer did not run.");
        Assert.Contains("same moment", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Region>());
        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.Equal("region.create", entry.Action);
    }

    [Fact]
    public async Task CreateZoneAsync_SameNameSavedInTheRegionMeanwhile_IsConflictOnName()
    {
        var region = await _db.SeedRegionAsync("Frankfurt");
        _db.Hook.BeforeNextSave(() => _db.SeedZoneAsync(region, "fra-a"));

        (await _db.Regions.CreateZoneAsync(_admin, region, "Fra-A", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal(1, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task CreateProjectAsync_SameNameSavedInTheTenantMeanwhile_IsConflictOnName()
    {
        var tenant = await _db.SeedTenantAsync("Acme");
        _db.Hook.BeforeNextSave(() => _db.SeedProjectAsync(tenant, "web"));

        (await _db.Tenancy.CreateProjectAsync(_admin, tenant, "WEB", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal(1, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task CreateTenantAsync_SameSlugSavedByAnotherWriterMeanwhile_IsConflictOnSlug()
    {
        // A different name, the same slug: the refusal must point at the slug, not the name.
        _db.Hook.BeforeNextSave(() => _db.SeedTenantAsync("Acme Holdings", "acme"));

        (await _db.Tenancy.CreateTenantAsync(_admin, "Acme", "acme", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Slug);

        Assert.Equal(1, await _db.CountAsync<Tenant>());
    }

    [Fact]
    public async Task AddMemberAsync_SameMembershipSavedMeanwhile_IsConflictAndAddsOneMembership()
    {
        var tenant = await _db.SeedTenantAsync("Acme");
        var dev = await _db.AddUserAsync("dev@acme.test");
        _db.Hook.BeforeNextSave(() => _db.SeedMembershipAsync(tenant, dev, TenantRole.Viewer));

        (await _db.Tenancy.AddMemberAsync(_admin, tenant, "dev@acme.test", TenantRole.Admin)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(1, await _db.CountAsync<TenantMembership>());
    }

    [Fact]
    public async Task CreateZoneAsync_RegionDeletedMeanwhile_IsConflictAndSavesNoZone()
    {
        var region = await _db.SeedRegionAsync("Frankfurt");
        _db.Hook.BeforeNextSave(async () => (await _db.Regions.DeleteRegionAsync(_admin, region)).ShouldSucceed());

        (await _db.Regions.CreateZoneAsync(_admin, region, "fra-a", null)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(0, await _db.CountAsync<Zone>());
        Assert.Equal(0, await _db.CountAsync<Region>());
    }

    [Fact]
    public async Task CreateProjectAsync_TenantDeletedMeanwhile_IsConflictAndSavesNoProject()
    {
        var tenant = await _db.SeedTenantAsync("Acme");
        _db.Hook.BeforeNextSave(async () => (await _db.Tenancy.DeleteTenantAsync(_admin, tenant)).ShouldSucceed());

        (await _db.Tenancy.CreateProjectAsync(_admin, tenant, "web", null)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(0, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task DeleteRegionAsync_ZoneAddedMeanwhile_IsConflictAndKeepsRegionAndZone()
    {
        var region = await _db.SeedRegionAsync("Frankfurt");
        _db.Hook.BeforeNextSave(() => _db.SeedZoneAsync(region, "fra-a"));

        var refusal = (await _db.Regions.DeleteRegionAsync(_admin, region)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("Reload", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Region>());
        Assert.Equal(1, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task DeleteTenantAsync_ProjectAddedMeanwhile_IsConflictAndKeepsTenantAndMemberships()
    {
        var tenant = await _db.SeedTenantAsync("Acme");
        await _db.AddTenantUserAsync("boss@acme.test", tenant, TenantRole.Admin);
        _db.Hook.BeforeNextSave(() => _db.SeedProjectAsync(tenant, "web"));

        (await _db.Tenancy.DeleteTenantAsync(_admin, tenant)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(1, await _db.CountAsync<Tenant>());
        Assert.Equal(1, await _db.CountAsync<Project>());
        Assert.Equal(1, await _db.CountAsync<TenantMembership>());
    }
}
