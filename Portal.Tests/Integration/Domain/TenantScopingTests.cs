using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>Tenant members see and touch only their own tenant; platform readers see every tenant.</summary>
public sealed class TenantScopingTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Guid _acme;
    private Guid _globex;
    private Guid _acmeShop;
    private Guid _globexShop;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _acme = await _db.SeedTenantAsync("Acme", "acme");
        _globex = await _db.SeedTenantAsync("Globex", "globex");
        _acmeShop = await _db.SeedProjectAsync(_acme, "acme shop");
        await _db.SeedProjectAsync(_acme, "acme billing");
        _globexShop = await _db.SeedProjectAsync(_globex, "globex shop");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    // ---- tenants ----

    [Theory]
    [InlineData(TenantRole.Viewer)]
    [InlineData(TenantRole.Member)]
    [InlineData(TenantRole.Admin)]
    public async Task ListTenantsAsync_TenantMember_SeesOnlyTheirTenantWithTheirRole(TenantRole role)
    {
        var user = await _db.AddTenantUserAsync("dev@acme.test", _acme, role);

        var page = await _db.Tenancy.ListTenantsAsync(user, new PageRequest());

        Assert.Equal(1, page.Total);
        var row = Assert.Single(page.Items);
        Assert.Equal(_acme, row.Id);
        Assert.Equal(role, row.MyRole);
        Assert.Equal(2, row.ProjectCount);
        Assert.Equal(1, row.MemberCount);
    }

    [Fact]
    public async Task ListTenantsAsync_UserWithoutMembershipsOrPlatformRole_SeesNothing()
    {
        var nobody = await _db.AddUserAsync("nobody@portal.test");

        var page = await _db.Tenancy.ListTenantsAsync(nobody, new PageRequest());

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task ListTenantsAsync_SearchForAnotherTenantsName_FindsNothing()
    {
        var user = await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Admin);

        var page = await _db.Tenancy.ListTenantsAsync(user, new PageRequest(Search: "Globex"));

        Assert.Equal(0, page.Total);
    }

    [Theory]
    [InlineData(PlatformRole.Viewer)]
    [InlineData(PlatformRole.Admin)]
    public async Task ListTenantsAsync_PlatformReader_SeesEveryTenantWithoutARole(PlatformRole role)
    {
        var reader = await _db.AddUserAsync("reader@portal.test", role);

        var page = await _db.Tenancy.ListTenantsAsync(reader, new PageRequest());

        Assert.Equal(2, page.Total);
        Assert.Equal(["Acme", "Globex"], page.Items.Select(t => t.Name));
        Assert.All(page.Items, t => Assert.Null(t.MyRole));
    }

    [Fact]
    public async Task ListTenantsAsync_SearchAndPage_MatchNameOrSlugAndCountAllMatches()
    {
        await _db.SeedTenantAsync("Initech", "ini");
        var reader = await _db.AddUserAsync("reader@portal.test", PlatformRole.Viewer);

        var bySlug = await _db.Tenancy.ListTenantsAsync(reader, new PageRequest(Search: "glob"));
        var secondOfAll = await _db.Tenancy.ListTenantsAsync(reader, new PageRequest(Skip: 1, Take: 1));

        Assert.Equal(["Globex"], bySlug.Items.Select(t => t.Name));
        Assert.Equal(3, secondOfAll.Total);
        Assert.Equal(["Globex"], secondOfAll.Items.Select(t => t.Name));
    }

    [Fact]
    public async Task GetTenantAsync_OwnTenant_ReturnsItWithTheMembersAccess()
    {
        var user = await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Member);

        var tenant = (await _db.Tenancy.GetTenantAsync(user, "acme")).ShouldSucceed();

        Assert.Equal(_acme, tenant.Id);
        Assert.Equal("Acme", tenant.Name);
        Assert.Equal(TenantRole.Member, tenant.Access.Role);
        Assert.True(tenant.Access.CanRead);
        Assert.False(tenant.Access.CanManage);
    }

    [Fact]
    public async Task GetTenantAsync_AnotherTenant_IsNotFoundLikeATenantThatDoesNotExist()
    {
        var user = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);

        var hidden = (await _db.Tenancy.GetTenantAsync(user, "globex")).ShouldBeRefused(RefusalKind.NotFound);
        var missing = (await _db.Tenancy.GetTenantAsync(user, "no-such-tenant")).ShouldBeRefused(RefusalKind.NotFound);

        Assert.Equal(missing.Message.Replace("no-such-tenant", "globex"), hidden.Message);
    }

    [Theory]
    [InlineData(PlatformRole.Viewer, false)]
    [InlineData(PlatformRole.Admin, true)]
    public async Task GetTenantAsync_PlatformReaderWithoutMembership_ReadsAnyTenant(PlatformRole role, bool canManage)
    {
        var reader = await _db.AddUserAsync("reader@portal.test", role);

        var tenant = (await _db.Tenancy.GetTenantAsync(reader, "globex")).ShouldSucceed();

        Assert.Equal(_globex, tenant.Id);
        Assert.Null(tenant.Access.Role);
        Assert.Equal(canManage, tenant.Access.CanManage);
    }

    [Fact]
    public async Task ManageableTenantsAsync_TenantAdminOfOneAndMemberOfAnother_OffersOnlyTheAdministeredTenant()
    {
        var user = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        await _db.SeedMembershipAsync(_globex, user, TenantRole.Member);

        var tenants = await _db.Tenancy.ManageableTenantsAsync(user);

        Assert.Equal([_acme], tenants.Select(t => t.Id));
    }

    [Theory]
    [InlineData(PlatformRole.Admin, 2)]
    [InlineData(PlatformRole.Viewer, 0)]
    public async Task ManageableTenantsAsync_PlatformRole_OffersAllTenantsOnlyToPlatformAdmins(PlatformRole role, int expected)
    {
        var user = await _db.AddUserAsync("platform@portal.test", role);

        Assert.Equal(expected, (await _db.Tenancy.ManageableTenantsAsync(user)).Count);
    }

    // ---- projects ----

    [Fact]
    public async Task ListProjectsAsync_TenantMember_SeesOnlyTheirTenantsProjects()
    {
        var user = await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Member);

        var page = await _db.Tenancy.ListProjectsAsync(user, null, new PageRequest());

        Assert.Equal(2, page.Total);
        Assert.Equal(["acme billing", "acme shop"], page.Items.Select(p => p.Name));
        Assert.All(page.Items, p => Assert.Equal(_acme, p.TenantId));
        Assert.All(page.Items, p => Assert.False(p.CanManage));
    }

    [Fact]
    public async Task ListProjectsAsync_TenantMemberAskingForAnotherTenant_GetsNothing()
    {
        var user = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);

        var page = await _db.Tenancy.ListProjectsAsync(user, _globex, new PageRequest());

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task ListProjectsAsync_SearchForAnotherTenantsProject_FindsNothing()
    {
        var user = await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Member);

        var page = await _db.Tenancy.ListProjectsAsync(user, null, new PageRequest(Search: "globex"));

        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task ListProjectsAsync_TenantAdmin_CanManageOnlyTheirTenantsProjects()
    {
        var user = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        await _db.SeedMembershipAsync(_globex, user, TenantRole.Viewer);

        var page = await _db.Tenancy.ListProjectsAsync(user, null, new PageRequest());

        Assert.Equal(3, page.Total);
        Assert.All(page.Items, p => Assert.Equal(p.TenantId == _acme, p.CanManage));
    }

    [Theory]
    [InlineData(PlatformRole.Viewer, false)]
    [InlineData(PlatformRole.Admin, true)]
    public async Task ListProjectsAsync_PlatformReader_SeesEveryProjectAndManagesOnlyAsAdmin(PlatformRole role, bool canManage)
    {
        var reader = await _db.AddUserAsync("reader@portal.test", role);

        var page = await _db.Tenancy.ListProjectsAsync(reader, null, new PageRequest());

        Assert.Equal(3, page.Total);
        Assert.Equal(["Acme", "Acme", "Globex"], page.Items.Select(p => p.TenantName));
        Assert.All(page.Items, p => Assert.Equal(canManage, p.CanManage));
    }

    [Fact]
    public async Task ListProjectsAsync_FilteredToOneTenant_ListsOnlyItsProjects()
    {
        var reader = await _db.AddUserAsync("reader@portal.test", PlatformRole.Viewer);

        var page = await _db.Tenancy.ListProjectsAsync(reader, _globex, new PageRequest());

        Assert.Equal([_globexShop], page.Items.Select(p => p.Id));
        Assert.Equal("globex", page.Items[0].TenantSlug);
    }

    // ---- crossing tenants ----

    [Fact]
    public async Task DeleteProjectAsync_TenantAdminOfAnotherTenant_IsNotFoundAndKeepsTheProject()
    {
        var acmeAdmin = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);

        (await _db.Tenancy.DeleteProjectAsync(acmeAdmin, _globexShop)).ShouldBeRefused(RefusalKind.NotFound);

        Assert.Equal(3, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task AddMemberAsync_TenantAdminOfAnotherTenant_IsNotFoundAndAddsNothing()
    {
        var acmeAdmin = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        await _db.AddUserAsync("friend@portal.test");

        (await _db.Tenancy.AddMemberAsync(acmeAdmin, _globex, "friend@portal.test", TenantRole.Admin)).ShouldBeRefused(RefusalKind.NotFound);
        // Not even themselves.
        (await _db.Tenancy.AddMemberAsync(acmeAdmin, _globex, "boss@acme.test", TenantRole.Admin)).ShouldBeRefused(RefusalKind.NotFound);

        Assert.Equal(1, await _db.CountAsync<TenantMembership>());
    }

    [Fact]
    public async Task ListMembersAsync_AnotherTenant_IsNotFound()
    {
        var acmeAdmin = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);

        (await _db.Tenancy.ListMembersAsync(acmeAdmin, _globex)).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_MembershipInAnotherTenant_IsNotFound()
    {
        var acmeAdmin = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        var globexUser = await _db.AddUserAsync("dev@globex.test");
        var membership = await _db.SeedMembershipAsync(_globex, globexUser, TenantRole.Member);

        (await _db.Tenancy.ChangeMemberRoleAsync(acmeAdmin, membership, 0, TenantRole.Viewer)).ShouldBeRefused(RefusalKind.NotFound);
        (await _db.Tenancy.RemoveMemberAsync(acmeAdmin, membership)).ShouldBeRefused(RefusalKind.NotFound);

        Assert.Equal(2, await _db.CountAsync<TenantMembership>());
    }

    [Fact]
    public async Task Access_IsReadFromTheDatabaseOnEveryCall_SoARemovedMemberLosesItAtOnce()
    {
        var admin = await _db.AddPlatformAdminAsync();
        var user = await _db.AddUserAsync("dev@acme.test");
        var membership = await _db.SeedMembershipAsync(_acme, user, TenantRole.Member);
        (await _db.Tenancy.GetTenantAsync(user, "acme")).ShouldSucceed();

        (await _db.Tenancy.RemoveMemberAsync(admin, membership)).ShouldSucceed();

        (await _db.Tenancy.GetTenantAsync(user, "acme")).ShouldBeRefused(RefusalKind.NotFound);
        Assert.Equal(0, (await _db.Tenancy.ListProjectsAsync(user, null, new PageRequest())).Total);
    }
}
