using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// Two people edit the same record from the same loaded version: the first save wins, the second is refused
/// as a concurrency conflict and overwrites nothing, whether the service notices the newer version when it
/// loads the row or only the database notices when it saves.
/// </summary>
public sealed class OptimisticConcurrencyTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddPlatformAdminAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<T> LoadAsync<T>(Guid id) where T : class
    {
        await using var db = _db.NewContext();
        return await db.Set<T>().AsNoTracking().SingleAsync(e => EF.Property<Guid>(e, "Id") == id);
    }

    // ---- the version loaded is already stale when the second request arrives ----

    [Fact]
    public async Task UpdateRegionAsync_TwoEditorsWithTheSameVersion_FirstWinsAndSecondIsRefusedAsConcurrency()
    {
        var id = await _db.SeedRegionAsync("Frankfurt", "original");

        (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "Frankfurt by Alice", "alice")).ShouldSucceed();
        var refusal = (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "Frankfurt by Bob", "bob")).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Contains("changed by someone else", refusal.Message);
        var region = await LoadAsync<Region>(id);
        Assert.Equal("Frankfurt by Alice", region.Name);
        Assert.Equal("alice", region.Description);
        Assert.Equal(1, region.Version);
    }

    [Fact]
    public async Task UpdateRegionAsync_EachSuccessfulUpdate_IncrementsTheVersionByOne()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");

        for (var version = 0; version < 3; version++)
            (await _db.Regions.UpdateRegionAsync(_admin, id, version, $"Frankfurt {version}", null)).ShouldSucceed();

        Assert.Equal(3, (await LoadAsync<Region>(id)).Version);
    }

    [Fact]
    public async Task UpdateRegionAsync_FutureVersion_IsRefusedAsConcurrency()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");

        (await _db.Regions.UpdateRegionAsync(_admin, id, 5, "Berlin", null)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("Frankfurt", (await LoadAsync<Region>(id)).Name);
    }

    [Fact]
    public async Task UpdateZoneAsync_TwoEditorsWithTheSameVersion_FirstWinsAndSecondIsRefusedAsConcurrency()
    {
        var region = await _db.SeedRegionAsync("Frankfurt");
        var id = await _db.SeedZoneAsync(region, "fra-a");

        (await _db.Regions.UpdateZoneAsync(_admin, id, 0, "fra-alice", null)).ShouldSucceed();
        (await _db.Regions.UpdateZoneAsync(_admin, id, 0, "fra-bob", null)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("fra-alice", (await LoadAsync<Zone>(id)).Name);
    }

    [Fact]
    public async Task UpdateTenantAsync_TwoEditorsWithTheSameVersion_FirstWinsAndSecondIsRefusedAsConcurrency()
    {
        var id = await _db.SeedTenantAsync("Acme");

        (await _db.Tenancy.UpdateTenantAsync(_admin, id, 0, "Acme by Alice", null)).ShouldSucceed();
        (await _db.Tenancy.UpdateTenantAsync(_admin, id, 0, "Acme by Bob", null)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("Acme by Alice", (await LoadAsync<Tenant>(id)).Name);
    }

    [Fact]
    public async Task UpdateProjectAsync_TwoEditorsWithTheSameVersion_FirstWinsAndSecondIsRefusedAsConcurrency()
    {
        var tenant = await _db.SeedTenantAsync("Acme");
        var id = await _db.SeedProjectAsync(tenant, "web");

        (await _db.Tenancy.UpdateProjectAsync(_admin, id, 0, "web by Alice", null)).ShouldSucceed();
        (await _db.Tenancy.UpdateProjectAsync(_admin, id, 0, "web by Bob", null)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("web by Alice", (await LoadAsync<Project>(id)).Name);
    }

    // ---- the row changes between the service's load and its save: only the database can tell ----

    [Fact]
    public async Task UpdateRegionAsync_RowChangedBetweenLoadAndSave_IsRefusedByTheDatabaseAndTheFirstWriterWins()
    {
        var id = await _db.SeedRegionAsync("Frankfurt", "original");
        // Alice's save lands after Bob's service call loaded version 0 and checked it, just before Bob saves.
        _db.Hook.BeforeNextSave(async () =>
            (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "Frankfurt by Alice", "alice")).ShouldSucceed());

        var refusal = (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "Frankfurt by Bob", "bob")).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.False(_db.Hook.IsArmed, "The simulated concurrent writer did not run.");
        Assert.Contains("region", refusal.Message);
        var region = await LoadAsync<Region>(id);
        Assert.Equal("Frankfurt by Alice", region.Name);
        Assert.Equal("alice", region.Description);
        Assert.Equal(1, region.Version);
        var entries = await _db.AuditEntriesAsync();
        Assert.Equal(1, entries.Count(e => e.Outcome == AuditOutcome.Succeeded));
        Assert.Equal(1, entries.Count(e => e.Outcome == AuditOutcome.Refused && e.Reason == refusal.Message));
    }

    [Fact]
    public async Task UpdateTenantAsync_RowChangedBetweenLoadAndSave_IsRefusedByTheDatabase()
    {
        var id = await _db.SeedTenantAsync("Acme");
        _db.Hook.BeforeNextSave(async () =>
            (await _db.Tenancy.UpdateTenantAsync(_admin, id, 0, "Acme by Alice", null)).ShouldSucceed());

        (await _db.Tenancy.UpdateTenantAsync(_admin, id, 0, "Acme by Bob", null)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("Acme by Alice", (await LoadAsync<Tenant>(id)).Name);
    }

    [Fact]
    public async Task UpdateProjectAsync_RowChangedBetweenLoadAndSave_IsRefusedByTheDatabase()
    {
        var tenant = await _db.SeedTenantAsync("Acme");
        var id = await _db.SeedProjectAsync(tenant, "web");
        _db.Hook.BeforeNextSave(async () =>
            (await _db.Tenancy.UpdateProjectAsync(_admin, id, 0, "web by Alice", null)).ShouldSucceed());

        (await _db.Tenancy.UpdateProjectAsync(_admin, id, 0, "web by Bob", null)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("web by Alice", (await LoadAsync<Project>(id)).Name);
    }

    [Fact]
    public async Task UpdateZoneAsync_RowChangedBetweenLoadAndSave_IsRefusedByTheDatabase()
    {
        var region = await _db.SeedRegionAsync("Frankfurt");
        var id = await _db.SeedZoneAsync(region, "fra-a");
        _db.Hook.BeforeNextSave(async () =>
            (await _db.Regions.UpdateZoneAsync(_admin, id, 0, "fra-alice", null)).ShouldSucceed());

        (await _db.Regions.UpdateZoneAsync(_admin, id, 0, "fra-bob", null)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("fra-alice", (await LoadAsync<Zone>(id)).Name);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_SecondWriterWithTheSameVersionAtTheSameMoment_IsRefusedAsConcurrency()
    {
        var tenant = await _db.SeedTenantAsync("Acme");
        var dev = await _db.AddUserAsync("dev@acme.test");
        var membership = await _db.SeedMembershipAsync(tenant, dev, TenantRole.Member);
        // Role changes are serialized: a second writer that loaded the same version waits for the first to
        // commit, then finds the version moved on and is told, instead of overwriting.
        Task<Result>? second = null;
        _db.Hook.BeforeNextSave(() =>
        {
            second = Task.Run(() => _db.Tenancy.ChangeMemberRoleAsync(_admin, membership, 0, TenantRole.Viewer));
            return Task.CompletedTask;
        });

        (await _db.Tenancy.ChangeMemberRoleAsync(_admin, membership, 0, TenantRole.Admin)).ShouldSucceed();

        Assert.NotNull(second);
        (await second).ShouldBeRefused(RefusalKind.Concurrency);
        Assert.Equal(TenantRole.Admin, (await LoadAsync<TenantMembership>(membership)).Role);
    }

    [Fact]
    public async Task DeleteRegionAsync_SameRegionDeletedAtTheSameMoment_DeletesOnceAndRefusesTheOther()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");

        var (first, second) = await Race.OverlapAsync(_db.Hook,
            () => _db.Regions.DeleteRegionAsync(_admin, id),
            () => _db.Regions.DeleteRegionAsync(_admin, id));

        first.ShouldSucceed();
        Assert.Contains(second.Refusal?.Kind, new RefusalKind?[] { RefusalKind.NotFound, RefusalKind.Concurrency });
        Assert.Equal(0, await _db.CountAsync<Region>());
    }
}
