using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>Adding, re-roling and removing tenant members; a tenant never loses its last tenant admin.</summary>
public sealed class TenantMembersTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Guid _acme;
    private Actor _boss = null!;
    private Guid _bossMembership;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _acme = await _db.SeedTenantAsync("Acme");
        _boss = await _db.AddUserAsync("boss@acme.test", displayName: "Boss");
        _bossMembership = await _db.SeedMembershipAsync(_acme, _boss, TenantRole.Admin);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<TenantMembership?> FindMembershipAsync(Guid id)
    {
        await using var db = _db.NewContext();
        return await db.Memberships.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id);
    }

    // ---- add ----

    [Fact]
    public async Task AddMemberAsync_ByTenantAdmin_AddsTheAccountWithTheRole()
    {
        var dev = await _db.AddUserAsync("dev@acme.test", displayName: "Dev");

        var id = (await _db.Tenancy.AddMemberAsync(_boss, _acme, "dev@acme.test", TenantRole.Member)).ShouldSucceed();

        var membership = await FindMembershipAsync(id);
        Assert.NotNull(membership);
        Assert.Equal(dev.UserId, membership.UserId);
        Assert.Equal(_acme, membership.TenantId);
        Assert.Equal(TenantRole.Member, membership.Role);
    }

    [Fact]
    public async Task AddMemberAsync_EmailInAnotherCaseWithSpaces_FindsTheAccount()
    {
        var dev = await _db.AddUserAsync("dev@acme.test");

        var id = (await _db.Tenancy.AddMemberAsync(_boss, _acme, "  DEV@Acme.TEST ", TenantRole.Viewer)).ShouldSucceed();

        Assert.Equal(dev.UserId, (await FindMembershipAsync(id))!.UserId);
    }

    [Fact]
    public async Task AddMemberAsync_ByPlatformAdminWithoutMembership_Succeeds()
    {
        var admin = await _db.AddPlatformAdminAsync();
        await _db.AddUserAsync("dev@acme.test");

        (await _db.Tenancy.AddMemberAsync(admin, _acme, "dev@acme.test", TenantRole.Admin)).ShouldSucceed();
    }

    [Fact]
    public async Task AddMemberAsync_UnknownEmail_IsInvalidOnEmailAndAddsNothing()
    {
        var refusal = (await _db.Tenancy.AddMemberAsync(_boss, _acme, "ghost@acme.test", TenantRole.Member))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Email);

        Assert.Contains("ghost@acme.test", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<TenantMembership>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task AddMemberAsync_NoEmail_IsInvalidOnEmail(string? email)
    {
        (await _db.Tenancy.AddMemberAsync(_boss, _acme, email, TenantRole.Member)).ShouldBeRefused(RefusalKind.Invalid, Fields.Email);

        Assert.Equal(1, await _db.CountAsync<TenantMembership>());
    }

    [Fact]
    public async Task AddMemberAsync_AlreadyAMember_IsRefusedWithConflictOnEmail()
    {
        await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Viewer);

        var refusal = (await _db.Tenancy.AddMemberAsync(_boss, _acme, "dev@acme.test", TenantRole.Admin))
            .ShouldBeRefused(RefusalKind.Conflict, Fields.Email);

        Assert.Contains("already a member", refusal.Message);
        Assert.Equal(2, await _db.CountAsync<TenantMembership>());
    }

    [Fact]
    public async Task AddMemberAsync_UndefinedRole_IsInvalidOnRole()
    {
        await _db.AddUserAsync("dev@acme.test");

        (await _db.Tenancy.AddMemberAsync(_boss, _acme, "dev@acme.test", (TenantRole)42)).ShouldBeRefused(RefusalKind.Invalid, Fields.Role);

        Assert.Equal(1, await _db.CountAsync<TenantMembership>());
    }

    [Theory]
    [InlineData(TenantRole.Member)]
    [InlineData(TenantRole.Viewer)]
    public async Task AddMemberAsync_ByTenantMemberOrViewer_IsForbidden(TenantRole role)
    {
        var member = await _db.AddTenantUserAsync("dev@acme.test", _acme, role);
        await _db.AddUserAsync("friend@acme.test");

        (await _db.Tenancy.AddMemberAsync(member, _acme, "friend@acme.test", TenantRole.Viewer)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(2, await _db.CountAsync<TenantMembership>());
    }

    [Fact]
    public async Task AddMemberAsync_UnknownTenant_IsNotFound()
    {
        var admin = await _db.AddPlatformAdminAsync();
        await _db.AddUserAsync("dev@acme.test");

        (await _db.Tenancy.AddMemberAsync(admin, Guid.NewGuid(), "dev@acme.test", TenantRole.Member)).ShouldBeRefused(RefusalKind.NotFound);
    }

    // ---- list ----

    [Fact]
    public async Task ListMembersAsync_TenantViewer_SeesEveryMemberWithEmailAndRole()
    {
        var viewer = await _db.AddUserAsync("viewer@acme.test", displayName: "Aaron");
        await _db.SeedMembershipAsync(_acme, viewer, TenantRole.Viewer);

        var members = (await _db.Tenancy.ListMembersAsync(viewer, _acme)).ShouldSucceed();

        Assert.Equal(["Aaron", "Boss"], members.Select(m => m.DisplayName));
        Assert.Equal(["viewer@acme.test", "boss@acme.test"], members.Select(m => m.Email));
        Assert.Equal([TenantRole.Viewer, TenantRole.Admin], members.Select(m => m.Role));
    }

    [Fact]
    public async Task ListMembersAsync_LastTenantAdmin_CarriesTheReasonItCannotBeChangedOrRemoved()
    {
        var dev = await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Member);

        var members = (await _db.Tenancy.ListMembersAsync(_boss, _acme)).ShouldSucceed();

        var boss = members.Single(m => m.UserId == _boss.UserId);
        var refusal = (await _db.Tenancy.RemoveMemberAsync(_boss, _bossMembership)).ShouldBeRefused(RefusalKind.Conflict);
        Assert.Equal(refusal.Message, boss.WhyNotChange);
        Assert.Null(members.Single(m => m.UserId == dev.UserId).WhyNotChange);
    }

    [Fact]
    public async Task ListMembersAsync_WithASecondTenantAdmin_EitherAdminCanBeChanged()
    {
        await _db.AddTenantUserAsync("deputy@acme.test", _acme, TenantRole.Admin);

        var members = (await _db.Tenancy.ListMembersAsync(_boss, _acme)).ShouldSucceed();

        Assert.All(members, m => Assert.Null(m.WhyNotChange));
    }

    [Fact]
    public async Task ListMembersAsync_KeycloakMembership_SaysItIsChangedInKeycloak()
    {
        var alice = await _db.AddUserAsync("alice@acme.test");
        await _db.SeedMembershipAsync(_acme, alice, TenantRole.Admin, MembershipSource.Directory);

        var members = (await _db.Tenancy.ListMembersAsync(_boss, _acme)).ShouldSucceed();

        Assert.Contains("comes from their Keycloak groups", members.Single(m => m.UserId == alice.UserId).WhyNotChange);
        // A Keycloak admin does not keep the tenant manageable: the local admin is still the last one.
        Assert.Contains("last tenant admin", members.Single(m => m.UserId == _boss.UserId).WhyNotChange);
    }

    // ---- change role ----

    [Theory]
    [InlineData(TenantRole.Member)]
    [InlineData(TenantRole.Viewer)]
    public async Task ChangeMemberRoleAsync_DemotingTheLastTenantAdmin_IsRefusedAndKeepsTheRole(TenantRole role)
    {
        var refusal = (await _db.Tenancy.ChangeMemberRoleAsync(_boss, _bossMembership, 0, role)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("last tenant admin", refusal.Message);
        Assert.Equal(TenantRole.Admin, (await FindMembershipAsync(_bossMembership))!.Role);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_LastTenantAdminByPlatformAdmin_IsRefusedToo()
    {
        var admin = await _db.AddPlatformAdminAsync();

        (await _db.Tenancy.ChangeMemberRoleAsync(admin, _bossMembership, 0, TenantRole.Member)).ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public async Task RemoveMemberAsync_BothOfTwoTenantAdminsAtTheSameMoment_RemovesOneAndKeepsTheOther()
    {
        var admin = await _db.AddPlatformAdminAsync();
        var deputy = await _db.AddUserAsync("deputy@acme.test", displayName: "Deputy");
        var deputyMembership = await _db.SeedMembershipAsync(_acme, deputy, TenantRole.Admin);
        Task<Result>? second = null;
        // The first removal has checked "another admin remains" and is about to save; the second one starts now and
        // gets time to check too. Serialized commands make it wait for the first to commit, so it sees one admin left.
        _db.Hook.BeforeNextSave(async () =>
        {
            // On the thread pool: waiting for SQLite's write lock blocks the waiting thread.
            second = Task.Run(() => _db.Tenancy.RemoveMemberAsync(admin, deputyMembership));
            await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(500)));
        });

        var first = await _db.Tenancy.RemoveMemberAsync(admin, _bossMembership);

        first.ShouldSucceed();
        (await second!).ShouldBeRefused(RefusalKind.Conflict);
        Assert.Null(await FindMembershipAsync(_bossMembership));
        Assert.Equal(TenantRole.Admin, (await FindMembershipAsync(deputyMembership))!.Role);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_WithASecondTenantAdmin_DemotionSucceeds()
    {
        await _db.AddTenantUserAsync("deputy@acme.test", _acme, TenantRole.Admin);

        (await _db.Tenancy.ChangeMemberRoleAsync(_boss, _bossMembership, 0, TenantRole.Member)).ShouldSucceed();

        var membership = await FindMembershipAsync(_bossMembership);
        Assert.Equal(TenantRole.Member, membership!.Role);
        Assert.Equal(1, membership.Version);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_AdminOfAnotherTenantDoesNotCount_AsASecondAdmin()
    {
        var globex = await _db.SeedTenantAsync("Globex");
        await _db.AddTenantUserAsync("boss@globex.test", globex, TenantRole.Admin);

        (await _db.Tenancy.ChangeMemberRoleAsync(_boss, _bossMembership, 0, TenantRole.Member)).ShouldBeRefused(RefusalKind.Conflict);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_PromotingAMember_Succeeds()
    {
        var dev = await _db.AddUserAsync("dev@acme.test");
        var membership = await _db.SeedMembershipAsync(_acme, dev, TenantRole.Viewer);

        (await _db.Tenancy.ChangeMemberRoleAsync(_boss, membership, 0, TenantRole.Admin)).ShouldSucceed();

        Assert.Equal(TenantRole.Admin, (await FindMembershipAsync(membership))!.Role);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_ByTenantMember_IsForbidden()
    {
        var dev = await _db.AddUserAsync("dev@acme.test");
        var membership = await _db.SeedMembershipAsync(_acme, dev, TenantRole.Member);

        (await _db.Tenancy.ChangeMemberRoleAsync(dev, membership, 0, TenantRole.Admin)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(TenantRole.Member, (await FindMembershipAsync(membership))!.Role);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_StaleVersion_IsRefusedAsConcurrency()
    {
        var dev = await _db.AddUserAsync("dev@acme.test");
        var membership = await _db.SeedMembershipAsync(_acme, dev, TenantRole.Member);
        (await _db.Tenancy.ChangeMemberRoleAsync(_boss, membership, 0, TenantRole.Viewer)).ShouldSucceed();

        (await _db.Tenancy.ChangeMemberRoleAsync(_boss, membership, 0, TenantRole.Admin)).ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal(TenantRole.Viewer, (await FindMembershipAsync(membership))!.Role);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_UndefinedRole_IsInvalidOnRole()
    {
        (await _db.Tenancy.ChangeMemberRoleAsync(_boss, _bossMembership, 0, (TenantRole)7)).ShouldBeRefused(RefusalKind.Invalid, Fields.Role);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_UnknownMembership_IsNotFound()
    {
        (await _db.Tenancy.ChangeMemberRoleAsync(_boss, Guid.NewGuid(), 0, TenantRole.Admin)).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task ChangeMemberRoleAsync_TwoTenantAdminsDemotedAtTheSameMoment_LeavesATenantAdmin()
    {
        var deputy = await _db.AddUserAsync("deputy@acme.test");
        var deputyMembership = await _db.SeedMembershipAsync(_acme, deputy, TenantRole.Admin);
        // The deputy demotes the boss while the boss's request, having checked "another admin exists", saves.
        Task<Result>? concurrent = null;
        _db.Hook.BeforeNextSave(() =>
        {
            concurrent = Task.Run(() => _db.Tenancy.ChangeMemberRoleAsync(deputy, _bossMembership, 0, TenantRole.Member));
            return Task.CompletedTask;
        });

        (await _db.Tenancy.ChangeMemberRoleAsync(_boss, deputyMembership, 0, TenantRole.Member)).ShouldSucceed();

        Assert.NotNull(concurrent);
        // By the time the deputy's request runs, the deputy is no longer a tenant admin.
        (await concurrent).ShouldBeRefused(RefusalKind.Forbidden);
        var admins = (await _db.Tenancy.ListMembersAsync(await _db.AddPlatformAdminAsync(), _acme)).ShouldSucceed()
            .Count(m => m.Role == TenantRole.Admin);
        Assert.Equal(1, admins);
    }

    // ---- remove ----

    [Fact]
    public async Task RemoveMemberAsync_TheLastTenantAdmin_IsRefusedAndKeepsTheMembership()
    {
        var refusal = (await _db.Tenancy.RemoveMemberAsync(_boss, _bossMembership)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("boss@acme.test", refusal.Message);
        Assert.NotNull(await FindMembershipAsync(_bossMembership));
    }

    [Fact]
    public async Task RemoveMemberAsync_TenantAdminWithASecondTenantAdmin_Succeeds()
    {
        await _db.AddTenantUserAsync("deputy@acme.test", _acme, TenantRole.Admin);

        (await _db.Tenancy.RemoveMemberAsync(_boss, _bossMembership)).ShouldSucceed();

        Assert.Null(await FindMembershipAsync(_bossMembership));
        Assert.NotNull(await _db.FindUserByEmailAsync("boss@acme.test"));
    }

    [Fact]
    public async Task RemoveMemberAsync_NonAdminMember_Succeeds()
    {
        var dev = await _db.AddUserAsync("dev@acme.test");
        var membership = await _db.SeedMembershipAsync(_acme, dev, TenantRole.Member);

        (await _db.Tenancy.RemoveMemberAsync(_boss, membership)).ShouldSucceed();

        Assert.Null(await FindMembershipAsync(membership));
    }

    [Fact]
    public async Task RemoveMemberAsync_ByTenantMember_IsForbidden()
    {
        var dev = await _db.AddUserAsync("dev@acme.test");
        await _db.SeedMembershipAsync(_acme, dev, TenantRole.Member);

        (await _db.Tenancy.RemoveMemberAsync(dev, _bossMembership)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.NotNull(await FindMembershipAsync(_bossMembership));
    }

    [Fact]
    public async Task RemoveMemberAsync_UnknownMembership_IsNotFound()
    {
        (await _db.Tenancy.RemoveMemberAsync(_boss, Guid.NewGuid())).ShouldBeRefused(RefusalKind.NotFound);
    }
}
