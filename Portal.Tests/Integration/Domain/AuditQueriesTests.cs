using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

public sealed class AuditQueriesTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddUserAsync("admin@portal.test", PlatformRole.Admin, displayName: "Ada Admin");
        // Three entries a second apart: a success, a refusal, a success.
        (await _db.Regions.CreateRegionAsync(_admin, "Frankfurt", null)).ShouldSucceed();
        _db.Clock.Advance(TimeSpan.FromSeconds(1));
        (await _db.Regions.CreateRegionAsync(_admin, "frankfurt", null)).ShouldBeRefused(RefusalKind.Conflict);
        _db.Clock.Advance(TimeSpan.FromSeconds(1));
        (await _db.Tenancy.CreateTenantAsync(_admin, "Acme", null, null)).ShouldSucceed();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task ListAsync_ByUserWithoutPlatformRole_IsForbidden()
    {
        var tenantId = await _db.SeedTenantAsync("Globex");
        var tenantAdmin = await _db.AddTenantUserAsync("boss@globex.test", tenantId, TenantRole.Admin);

        (await _db.AuditQueries.ListAsync(tenantAdmin, new PageRequest())).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task ListAsync_ByPlatformViewer_ListsEveryEntryNewestFirst()
    {
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        var page = (await _db.AuditQueries.ListAsync(viewer, new PageRequest())).ShouldSucceed();

        Assert.Equal(3, page.Total);
        Assert.Equal(["tenant.create", "region.create", "region.create"], page.Items.Select(a => a.Action));
        Assert.Equal([AuditOutcome.Succeeded, AuditOutcome.Refused, AuditOutcome.Succeeded], page.Items.Select(a => a.Outcome));
        Assert.True(page.Items[0].At > page.Items[1].At && page.Items[1].At > page.Items[2].At);
        Assert.All(page.Items, a => Assert.Equal("Ada Admin", a.ActorName));
    }

    [Theory]
    [InlineData(AuditOutcome.Refused, 1)]
    [InlineData(AuditOutcome.Succeeded, 2)]
    public async Task ListAsync_OutcomeFilter_ListsOnlyThatOutcome(AuditOutcome outcome, int expected)
    {
        var page = (await _db.AuditQueries.ListAsync(_admin, new PageRequest(), outcome)).ShouldSucceed();

        Assert.Equal(expected, page.Total);
        Assert.All(page.Items, a => Assert.Equal(outcome, a.Outcome));
    }

    [Fact]
    public async Task ListAsync_RefusedEntry_CarriesItsReason()
    {
        var page = (await _db.AuditQueries.ListAsync(_admin, new PageRequest(), AuditOutcome.Refused)).ShouldSucceed();

        Assert.Contains("already exists", Assert.Single(page.Items).Reason);
    }

    [Theory]
    [InlineData("tenant.", 1)]
    [InlineData("FRANKFURT", 2)]
    [InlineData("ada", 3)]
    [InlineData("nothing-like-this", 0)]
    public async Task ListAsync_Search_MatchesActionTargetOrActor(string search, int expected)
    {
        var page = (await _db.AuditQueries.ListAsync(_admin, new PageRequest(Search: search))).ShouldSucceed();

        Assert.Equal(expected, page.Total);
    }

    [Fact]
    public async Task ListAsync_Paging_ReturnsTheWindowAndTheFullTotal()
    {
        var page = (await _db.AuditQueries.ListAsync(_admin, new PageRequest(Skip: 1, Take: 1))).ShouldSucceed();

        Assert.Equal(3, page.Total);
        Assert.Equal(AuditOutcome.Refused, Assert.Single(page.Items).Outcome);
    }
}
