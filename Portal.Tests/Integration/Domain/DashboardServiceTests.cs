using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

public sealed class DashboardServiceTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Guid _acme;
    private Guid _globex;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _acme = await _db.SeedTenantAsync("Acme", "acme");
        _globex = await _db.SeedTenantAsync("Globex", "globex");
        await _db.SeedTenantAsync("Initech", "initech");
        await _db.SeedProjectAsync(_acme, "web");
        await _db.SeedProjectAsync(_acme, "billing");
        await _db.SeedProjectAsync(_globex, "shop");
        var region = await _db.SeedRegionAsync("Frankfurt");
        await _db.SeedZoneAsync(region, "fra-a");
        await _db.SeedZoneAsync(region, "fra-b");
        await _db.SeedRegionAsync("Berlin");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData(PlatformRole.Viewer)]
    [InlineData(PlatformRole.Admin)]
    public async Task SummaryAsync_PlatformReader_CountsEverything(PlatformRole role)
    {
        var reader = await _db.AddUserAsync("reader@portal.test", role);
        await _db.AddUserAsync("other@portal.test");

        var summary = await _db.Dashboard.SummaryAsync(reader);

        Assert.Equal(3, summary.Tenants);
        Assert.Equal(3, summary.Projects);
        Assert.Equal(2, summary.Regions);
        Assert.Equal(2, summary.Zones);
        Assert.Equal(2, summary.Users);
        Assert.Empty(summary.MyTenants);
    }

    [Fact]
    public async Task SummaryAsync_TenantMember_CountsOnlyTheirTenantAndHidesPlatformCounts()
    {
        var member = await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Member);

        var summary = await _db.Dashboard.SummaryAsync(member);

        Assert.Equal(1, summary.Tenants);
        Assert.Equal(2, summary.Projects);
        Assert.Null(summary.Regions);
        Assert.Null(summary.Zones);
        Assert.Null(summary.Users);
    }

    [Fact]
    public async Task SummaryAsync_MemberOfSeveralTenants_ListsThemByNameWithRoleAndProjectCount()
    {
        var user = await _db.AddTenantUserAsync("dev@portal.test", _globex, TenantRole.Viewer);
        await _db.SeedMembershipAsync(_acme, user, TenantRole.Admin);

        var summary = await _db.Dashboard.SummaryAsync(user);

        Assert.Equal(
            [new("Acme", "acme", TenantRole.Admin, 2), new("Globex", "globex", TenantRole.Viewer, 1)],
            summary.MyTenants);
        Assert.Equal(2, summary.Tenants);
        Assert.Equal(3, summary.Projects);
    }

    [Fact]
    public async Task SummaryAsync_UserWithNothing_SeesZerosAndNoPlatformCounts()
    {
        var nobody = await _db.AddUserAsync("nobody@portal.test");

        var summary = await _db.Dashboard.SummaryAsync(nobody);

        Assert.Equal(0, summary.Tenants);
        Assert.Equal(0, summary.Projects);
        Assert.Null(summary.Users);
        Assert.Empty(summary.MyTenants);
    }

    [Fact]
    public async Task SummaryAsync_TenantGrantedLocallyAndByKeycloak_ListsItOnceWithTheHigherRole()
    {
        var user = await _db.AddTenantUserAsync("dev@portal.test", _acme, TenantRole.Viewer);
        await _db.SeedMembershipAsync(_acme, user, TenantRole.Admin, MembershipSource.Directory);

        var summary = await _db.Dashboard.SummaryAsync(user);

        Assert.Equal([new("Acme", "acme", TenantRole.Admin, 2)], summary.MyTenants);
    }

    [Fact]
    public async Task SummaryAsync_UserWithNothing_HasNoAccess()
    {
        var nobody = await _db.AddUserAsync("nobody@portal.test");

        Assert.True((await _db.Dashboard.SummaryAsync(nobody)).NoAccess);
    }

    [Theory]
    [InlineData(PlatformRole.Viewer)]
    [InlineData(PlatformRole.Admin)]
    public async Task SummaryAsync_PlatformReaderWithoutTenants_HasAccess(PlatformRole role)
    {
        var reader = await _db.AddUserAsync("reader@portal.test", role);

        Assert.False((await _db.Dashboard.SummaryAsync(reader)).NoAccess);
    }

    [Fact]
    public async Task SummaryAsync_TenantMember_HasAccess()
    {
        var member = await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Viewer);

        Assert.False((await _db.Dashboard.SummaryAsync(member)).NoAccess);
    }
}
