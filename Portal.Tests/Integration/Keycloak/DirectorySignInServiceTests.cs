using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Tenancy;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Integration.Keycloak;

/// <summary>Linking, creating and re-syncing accounts from directory profiles, against the real host's database.</summary>
public sealed class DirectorySignInServiceTests(PortalWebFactory app) : IClassFixture<PortalWebFactory>
{
    private static readonly DirectoryMappingOptions Mapping = new();
    private DirectorySignInService Directory => app.Services.GetRequiredService<DirectorySignInService>();
    private TenancyService Tenancy => app.Services.GetRequiredService<TenancyService>();

    private static DirectoryProfile Person(string name, string[] groups, params string[] roles) => new()
    {
        Subject = Guid.NewGuid().ToString(),
        Username = name,
        Email = $"{name}-{Guid.NewGuid():N}@example.test",
        Name = name,
        Groups = groups,
        Roles = roles,
    };

    private async Task<(Guid Id, string Slug)> TenantAsync()
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..8];
        var created = await Tenancy.CreateTenantAsync(await app.AdminActorAsync(), slug, slug, null);
        return (created.Value, slug);
    }

    private async Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    [Fact]
    public async Task SignInAsync_FirstTime_CreatesAccountLinkedBySubjectAndAudits()
    {
        var (_, slug) = await TenantAsync();
        var person = Person("ann", [$"/tenants/{slug}/admins"]);

        var result = await Directory.SignInAsync(person, Mapping);

        Assert.True(result.Succeeded);
        Assert.True(result.Value!.Created);
        Assert.Equal(TenantRole.Admin, Assert.Single(result.Value.Tenants).Role);
        var login = await DbAsync(db => db.UserLogins.SingleAsync(l => l.ProviderKey == person.Subject));
        Assert.Equal(result.Value.UserId, login.UserId);
        var actions = await DbAsync(db => db.AuditEntries.Where(a => a.ActorId == result.Value.UserId).Select(a => a.Action).ToListAsync());
        Assert.Contains("user.create", actions);
        Assert.Contains("member.directory-add", actions);

        // The same subject again is the same account, even with a new email.
        var again = await Directory.SignInAsync(person with { Email = $"moved-{Guid.NewGuid():N}@example.test" }, Mapping);
        Assert.Equal(result.Value.UserId, again.Value!.UserId);
        Assert.False(again.Value.Created);
    }

    [Fact]
    public async Task SignInAsync_WhenALocalAccountHasTheSameEmail_RefusesAndCreatesNothing()
    {
        var email = $"local-{Guid.NewGuid():N}@example.test";
        await app.CreateUserAsync(email);
        var person = Person("eve", ["/tenants/acme"]) with { Email = email };

        var result = await Directory.SignInAsync(person, Mapping);

        Assert.Equal(RefusalKind.Conflict, result.Refusal!.Kind);
        Assert.Contains("never links accounts by email", result.Refusal.Message);
        Assert.False(await DbAsync(db => db.UserLogins.AnyAsync(l => l.ProviderKey == person.Subject)));
        Assert.True(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "user.directory-sign-in" && a.Outcome == AuditOutcome.Refused && a.ActorId == "Keycloak:" + person.Subject)));
    }

    [Fact]
    public async Task SignInAsync_WhenGroupIsGone_RemovesDirectoryMembershipButKeepsLocalOne()
    {
        var (tenantA, slugA) = await TenantAsync();
        var (tenantB, slugB) = await TenantAsync();
        var person = Person("bea", [$"/tenants/{slugA}", $"/tenants/{slugB}"]);
        var userId = (await Directory.SignInAsync(person, Mapping)).Value!.UserId;
        var admin = await app.AdminActorAsync();
        Assert.True((await Tenancy.AddMemberAsync(admin, tenantB, person.Email, TenantRole.Viewer)).Succeeded);

        var result = await Directory.SignInAsync(person with { Groups = [] }, Mapping);

        Assert.False(result.Value!.HasNoAccess);
        var left = await DbAsync(db => db.Memberships.Where(m => m.UserId == userId).Select(m => new { m.TenantId, m.Source, m.Role }).ToListAsync());
        var only = Assert.Single(left);
        Assert.Equal((tenantB, MembershipSource.Local, TenantRole.Viewer), (only.TenantId, only.Source, only.Role));
        Assert.Equal(2, await DbAsync(db => db.AuditEntries.CountAsync(a => a.ActorId == userId && a.Action == "member.directory-remove")));
        Assert.False((await Tenancy.GetTenantAsync(new Actor(userId, "bea", PlatformRole.None), slugA)).Succeeded);
    }

    [Fact]
    public async Task SignInAsync_WhenTenantDoesNotExist_GrantsNothingAndReportsTheGroup()
    {
        var slug = "missing-" + Guid.NewGuid().ToString("N")[..8];
        var person = Person("cid", [$"/tenants/{slug}"]);

        var result = await Directory.SignInAsync(person, Mapping);

        Assert.True(result.Value!.HasNoAccess);
        Assert.Equal([$"/tenants/{slug}"], result.Value.UnmatchedGroups);
        var report = await Directory.ListUnmatchedGroupsAsync(await app.AdminActorAsync());
        var row = Assert.Single(report.Value!, r => r.TenantSlug == slug);
        Assert.Equal("cid", row.LastSeenBy);
        Assert.False((await Directory.ListUnmatchedGroupsAsync(new Actor(result.Value.UserId, "cid", PlatformRole.None))).Succeeded);

        // Once the tenant exists, the next sign-in grants it and the report drops the group.
        await Tenancy.CreateTenantAsync(await app.AdminActorAsync(), slug, slug, null);
        var again = await Directory.SignInAsync(person, Mapping);
        Assert.Single(again.Value!.Tenants);
        Assert.DoesNotContain((await Directory.ListUnmatchedGroupsAsync(await app.AdminActorAsync())).Value!, r => r.TenantSlug == slug);
    }

    [Fact]
    public async Task SignInAsync_RealmRoles_SetPlatformRoleAtEachSignInAndAudit()
    {
        var person = Person("dan", [], "portal-platform-admin");
        var userId = (await Directory.SignInAsync(person, Mapping)).Value!.UserId;
        Assert.Equal(PlatformRole.Admin, await DbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.PlatformRole).SingleAsync()));

        var demoted = await Directory.SignInAsync(person with { Roles = ["portal-platform-viewer"] }, Mapping);

        Assert.Equal(PlatformRole.Viewer, demoted.Value!.PlatformRole);
        Assert.Equal(2, await DbAsync(db => db.AuditEntries.CountAsync(a => a.TargetId == userId && a.Action == "user.change-platform-role")));
    }

    [Fact]
    public async Task MemberManagement_OnDirectoryMembership_IsRefusedButListed()
    {
        var (tenantId, slug) = await TenantAsync();
        var person = Person("fay", [$"/tenants/{slug}/admins"]);
        await Directory.SignInAsync(person, Mapping);
        var admin = await app.AdminActorAsync();

        var member = Assert.Single((await Tenancy.ListMembersAsync(admin, tenantId)).Value!);
        Assert.True(member.IsFromDirectory);
        var change = await Tenancy.ChangeMemberRoleAsync(admin, member.Id, member.Version, TenantRole.Viewer);
        var remove = await Tenancy.RemoveMemberAsync(admin, member.Id);

        Assert.Contains("comes from their Keycloak groups", change.Refusal!.Message);
        Assert.Contains("comes from their Keycloak groups", remove.Refusal!.Message);

        // A local grant can sit next to it, and becomes the one local admin the last-admin rule protects.
        Assert.True((await Tenancy.AddMemberAsync(admin, tenantId, person.Email, TenantRole.Admin)).Succeeded);
        var local = (await Tenancy.ListMembersAsync(admin, tenantId)).Value!.Single(m => !m.IsFromDirectory);
        Assert.Equal(RefusalKind.Conflict, (await Tenancy.RemoveMemberAsync(admin, local.Id)).Refusal!.Kind);
        var tenants = await Tenancy.ListTenantsAsync(admin, new PageRequest(0, 100, slug));
        Assert.Equal(1, Assert.Single(tenants.Items).MemberCount);
    }
}
