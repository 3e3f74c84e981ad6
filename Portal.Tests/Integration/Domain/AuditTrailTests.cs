using System.Text.Json;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>Every mutating request leaves exactly one audit entry: who, when, what, parameters and outcome.</summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddUserAsync("admin@portal.test", PlatformRole.Admin, displayName: "Ada Admin");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task CreateRegionAsync_Succeeded_WritesASucceededEntryWithActorActionAndTarget()
    {
        _db.Clock.Advance(TimeSpan.FromMinutes(3));

        var id = (await _db.Regions.CreateRegionAsync(_admin, " Frankfurt ", "Main site")).ShouldSucceed();

        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Null(entry.Reason);
        Assert.Equal(_admin.UserId, entry.ActorId);
        Assert.Equal("Ada Admin", entry.ActorName);
        Assert.Equal("region.create", entry.Action);
        Assert.Equal("Region", entry.TargetType);
        Assert.Equal(id.ToString(), entry.TargetId);
        Assert.Equal("Frankfurt", entry.TargetName);
        Assert.Equal(_db.Clock.GetUtcNow(), entry.At);
        using var parameters = JsonDocument.Parse(entry.Parameters);
        Assert.Equal(" Frankfurt ", parameters.RootElement.GetProperty("name").GetString());
        Assert.Equal("Main site", parameters.RootElement.GetProperty("description").GetString());
    }

    [Fact]
    public async Task CreateRegionAsync_Refused_WritesARefusedEntryWithTheReasonAndNoTarget()
    {
        await _db.SeedRegionAsync("Frankfurt");

        var refusal = (await _db.Regions.CreateRegionAsync(_admin, "frankfurt", null)).ShouldBeRefused(RefusalKind.Conflict);

        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.Equal(refusal.Message, entry.Reason);
        Assert.Equal("region.create", entry.Action);
        Assert.Equal(_admin.UserId, entry.ActorId);
        Assert.Null(entry.TargetId);
        Assert.Equal("frankfurt", entry.TargetName);
    }

    [Fact]
    public async Task CreateTenantAsync_ForbiddenAttempt_IsAuditedAsRefusedUnderTheActor()
    {
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer, displayName: "Vic Viewer");

        var refusal = (await _db.Tenancy.CreateTenantAsync(viewer, "Acme", null, null)).ShouldBeRefused(RefusalKind.Forbidden);

        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.Equal("tenant.create", entry.Action);
        Assert.Equal(viewer.UserId, entry.ActorId);
        Assert.Equal("Vic Viewer", entry.ActorName);
        Assert.Equal(refusal.Message, entry.Reason);
    }

    [Fact]
    public async Task UpdateRegionAsync_StaleVersion_IsAuditedAsRefused()
    {
        var id = await _db.SeedRegionAsync("Frankfurt");
        (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "Frankfurt 1", null)).ShouldSucceed();

        var refusal = (await _db.Regions.UpdateRegionAsync(_admin, id, 0, "Frankfurt 2", null)).ShouldBeRefused(RefusalKind.Concurrency);

        var entries = await _db.AuditEntriesAsync();
        Assert.Equal([AuditOutcome.Succeeded, AuditOutcome.Refused], entries.Select(e => e.Outcome));
        Assert.Equal(refusal.Message, entries[1].Reason);
        Assert.All(entries, e => Assert.Equal(id.ToString(), e.TargetId));
    }

    [Fact]
    public async Task EveryMutatingCall_WritesExactlyOneEntryNamingItsAction()
    {
        async Task Step(Func<Task<Result>> call)
        {
            _db.Clock.Advance(TimeSpan.FromSeconds(1));
            (await call()).ShouldSucceed();
        }

        Guid region = default, zone = default, tenant = default, project = default, member = default;
        string user = "";
        await Step(async () => { var r = await _db.Regions.CreateRegionAsync(_admin, "Frankfurt", null); region = r.Value; return r; });
        await Step(async () => { var r = await _db.Regions.CreateZoneAsync(_admin, region, "fra-a", null); zone = r.Value; return r; });
        await Step(() => _db.Regions.UpdateZoneAsync(_admin, zone, 0, "fra-1", null));
        await Step(() => _db.Regions.DeleteZoneAsync(_admin, zone));
        await Step(() => _db.Regions.UpdateRegionAsync(_admin, region, 0, "Frankfurt 1", null));
        await Step(() => _db.Regions.DeleteRegionAsync(_admin, region));
        await Step(async () => { var r = await _db.Tenancy.CreateTenantAsync(_admin, "Acme", null, null); tenant = r.Value; return r; });
        await Step(() => _db.Tenancy.UpdateTenantAsync(_admin, tenant, 0, "Acme Corp", null));
        await Step(async () => { var r = await _db.Tenancy.CreateProjectAsync(_admin, tenant, "web", null); project = r.Value; return r; });
        await Step(() => _db.Tenancy.UpdateProjectAsync(_admin, project, 0, "shop", null));
        await Step(() => _db.Tenancy.DeleteProjectAsync(_admin, project));
        await Step(async () => { var r = await _db.Users.CreateUserAsync(_admin, "dev@acme.test", null, TestDatabase.Password, PlatformRole.None); user = r.Value!; return r; });
        await Step(async () => { var r = await _db.Tenancy.AddMemberAsync(_admin, tenant, "dev@acme.test", TenantRole.Member); member = r.Value; return r; });
        await Step(() => _db.Tenancy.ChangeMemberRoleAsync(_admin, member, 0, TenantRole.Viewer));
        await Step(() => _db.Tenancy.RemoveMemberAsync(_admin, member));
        await Step(() => _db.Users.ChangePlatformRoleAsync(_admin, user, PlatformRole.Viewer));
        await Step(() => _db.Users.UnlockAsync(_admin, user));
        await Step(() => _db.Tenancy.DeleteTenantAsync(_admin, tenant));

        var entries = await _db.AuditEntriesAsync();
        Assert.Equal(
        [
            "region.create", "zone.create", "zone.update", "zone.delete", "region.update", "region.delete",
            "tenant.create", "tenant.update", "project.create", "project.update", "project.delete",
            "user.create", "member.add", "member.change-role", "member.remove",
            "user.change-platform-role", "user.unlock", "tenant.delete",
        ], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(AuditOutcome.Succeeded, e.Outcome));
        Assert.All(entries, e => Assert.Equal(_admin.UserId, e.ActorId));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.TargetId), $"{e.Action} has no target id"));
    }

    [Fact]
    public async Task ReadOnlyCalls_WriteNoAuditEntries()
    {
        var tenant = await _db.SeedTenantAsync("Acme", "acme");

        await _db.Regions.ListRegionsAsync(_admin, new PageRequest());
        await _db.Tenancy.ListTenantsAsync(_admin, new PageRequest());
        await _db.Tenancy.GetTenantAsync(_admin, "acme");
        await _db.Tenancy.ListProjectsAsync(_admin, null, new PageRequest());
        await _db.Tenancy.ListMembersAsync(_admin, tenant);
        await _db.Users.ListUsersAsync(_admin, new PageRequest());
        await _db.Dashboard.SummaryAsync(_admin);
        await _db.AuditQueries.ListAsync(_admin, new PageRequest());

        Assert.Empty(await _db.AuditEntriesAsync());
    }
}
