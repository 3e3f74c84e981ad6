using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Tenancy;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;
using Portal.Identity;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Tenancy;

/// <summary>The members list over a real (SQLite) domain: what cannot be changed is disabled with the domain's reason.</summary>
public sealed class MembersPanelTests : ComponentTest, IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Guid _acme;
    private Actor _boss = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _acme = await _db.SeedTenantAsync("Acme", "acme");
        _boss = await _db.AddUserAsync("boss@acme.test", displayName: "Boss");
        await _db.SeedMembershipAsync(_acme, _boss, TenantRole.Admin);

        Services.AddSingleton(_db.Tenancy);
        Services.AddSingleton(_db.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        Services.AddScoped<CurrentActor>();
        AddAuthorization().SetAuthorized("boss@acme.test").SetClaims(new Claim(ClaimTypes.NameIdentifier, _boss.UserId));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _db.DisposeAsync();
    }

    private IRenderedComponent<MembersPanel> RenderPanel()
    {
        RenderProviders();
        var cut = Render<MembersPanel>(p => p.Add(m => m.TenantId, _acme).Add(m => m.TenantName, "Acme").Add(m => m.CanManage, true));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("tbody tr td select, tbody tr td span")));
        return cut;
    }

    [Fact]
    public void LastTenantAdmin_RoleAndRemoveAreDisabledWithTheDomainsReason()
    {
        var cut = RenderPanel();

        const string why = "boss@acme.test is the last tenant admin of 'Acme'. Make someone else a tenant admin first.";
        cut.WaitForAssertion(() =>
        {
            var role = cut.Find("select[aria-label='Role of boss@acme.test']");
            Assert.True(role.HasAttribute("disabled"));
            Assert.Equal(why, role.GetAttribute("title"));
            Assert.Equal(why, cut.Find(".disabled-reason").TextContent);
            Assert.True(cut.Find("button[aria-label='Remove boss@acme.test']").HasAttribute("disabled"));
        });
    }

    [Fact]
    public async Task SecondTenantAdmin_EnablesBothAdminsRoleAndRemove()
    {
        await _db.AddTenantUserAsync("deputy@acme.test", _acme, TenantRole.Admin);

        var cut = RenderPanel();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(2, cut.FindAll("select:not([disabled])").Count);
            Assert.Empty(cut.FindAll(".disabled-reason"));
            Assert.False(cut.Find("button[aria-label='Remove boss@acme.test']").HasAttribute("disabled"));
        });
    }

    [Fact]
    public async Task KeycloakMembership_ShowsItsRoleAsTextWithoutRemove()
    {
        var alice = await _db.AddUserAsync("alice@acme.test", displayName: "Alice");
        await _db.SeedMembershipAsync(_acme, alice, TenantRole.Member, MembershipSource.Directory);

        var cut = RenderPanel();

        cut.WaitForAssertion(() =>
        {
            var row = cut.FindAll("tbody tr").Single(r => r.TextContent.Contains("alice@acme.test", StringComparison.Ordinal));
            Assert.Empty(row.QuerySelectorAll("select"));
            Assert.Empty(row.QuerySelectorAll("button"));
            Assert.Contains("comes from their Keycloak groups", row.QuerySelector(".state-badge")!.GetAttribute("title"));
        });
    }
}
