using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Api;

/// <summary>
/// Personal tokens, service accounts and authentication on a real database: a token is shown once and stored as a hash,
/// and its scope and tenant limit reach every existing service through the actor.
/// </summary>
public sealed class ApiTokenServiceTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private ApiTokenService _tokens = null!;
    private Guid _acme;
    private Guid _globex;
    private Guid _acmeShop;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _tokens = NewService(new ApiTokenOptions());
        _acme = await _db.SeedTenantAsync("Acme", "acme");
        _globex = await _db.SeedTenantAsync("Globex", "globex");
        _acmeShop = await _db.SeedProjectAsync(_acme, "acme shop");
        await _db.SeedProjectAsync(_globex, "globex shop");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private ApiTokenService NewService(ApiTokenOptions options) =>
        new(_db.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), _db.Commands, _db.Clock, options);

    private DateTimeOffset InDays(int days) => _db.Clock.GetUtcNow().AddDays(days);

    private async Task<CreatedApiToken> PersonalTokenAsync(Actor owner, ApiScope scope = ApiScope.ReadWrite, params Guid[] tenants) =>
        (await _tokens.CreatePersonalTokenAsync(owner, "ci-deploy", InDays(30), scope, tenants)).ShouldSucceed();

    private async Task<Actor> AuthenticateAsync(string token)
    {
        var outcome = await _tokens.AuthenticateAsync(token);
        Assert.True(outcome.Succeeded, $"Expected the token to authenticate, but: {outcome.Failure}");
        return outcome.Actor!;
    }

    // ---- creation and storage ----

    [Fact]
    public async Task CreatePersonalTokenAsync_ValidRequest_ReturnsTheTokenOnceAndStoresOnlyItsHash()
    {
        var ada = await _db.AddTenantUserAsync("ada@acme.test", _acme, TenantRole.Member);

        var created = await PersonalTokenAsync(ada);

        Assert.StartsWith("ptl_", created.PlainText, StringComparison.Ordinal);
        Assert.Equal(44, created.PlainText.Length);
        Assert.Equal(created.PlainText.Substring(4, 8), created.Token.Prefix);
        await using var db = _db.NewContext();
        var row = await db.ApiTokens.AsNoTracking().SingleAsync();
        Assert.Equal(ApiTokenSecret.HashOf(created.PlainText), row.Hash);
        var stored = string.Join("\n", [row.Name, row.Prefix, row.Hash, row.UserId, row.CreatedById,
            .. (await db.AuditEntries.AsNoTracking().ToListAsync()).Select(a => $"{a.ActorName} {a.TargetName} {a.Parameters} {a.Reason}")]);
        Assert.DoesNotContain(created.PlainText, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(created.PlainText[4..], stored, StringComparison.Ordinal);
        var mine = Assert.Single(await _tokens.ListMineAsync(ada));
        Assert.Equal(created.Token.Id, mine.Id);
    }

    [Fact]
    public async Task CreatePersonalTokenAsync_ExpiryBeyondThePlatformMaximum_RefusedOnExpiresAt()
    {
        var ada = await _db.AddUserAsync("ada@portal.test");

        var result = await _tokens.CreatePersonalTokenAsync(ada, "ci", InDays(366), ApiScope.ReadOnly, []);

        result.ShouldBeRefused(RefusalKind.Invalid, Fields.ExpiresAt);
        Assert.Equal(0, await _db.CountAsync<ApiToken>());
    }

    [Fact]
    public async Task CreatePersonalTokenAsync_ExpiryBeyondAConfiguredMaximum_RefusedOnExpiresAt()
    {
        var ada = await _db.AddUserAsync("ada@portal.test");
        var tokens = NewService(new ApiTokenOptions { MaxTokenLifetimeDays = 30 });

        var result = await tokens.CreatePersonalTokenAsync(ada, "ci", InDays(31), ApiScope.ReadOnly, []);

        result.ShouldBeRefused(RefusalKind.Invalid, Fields.ExpiresAt);
        (await tokens.CreatePersonalTokenAsync(ada, "ci", InDays(30), ApiScope.ReadOnly, [])).ShouldSucceed();
    }

    [Fact]
    public async Task CreatePersonalTokenAsync_LimitedToATenantTheOwnerIsNotIn_RefusedOnTenants()
    {
        var ada = await _db.AddTenantUserAsync("ada@acme.test", _acme, TenantRole.Member);

        var result = await _tokens.CreatePersonalTokenAsync(ada, "ci", InDays(30), ApiScope.ReadOnly, [_globex]);

        result.ShouldBeRefused(RefusalKind.Invalid, Fields.Tenants);
    }

    [Fact]
    public async Task CreatePersonalTokenAsync_WithAnApiToken_Forbidden()
    {
        var ada = await _db.AddTenantUserAsync("ada@acme.test", _acme, TenantRole.Member);
        var asToken = await AuthenticateAsync((await PersonalTokenAsync(ada)).PlainText);

        var result = await _tokens.CreatePersonalTokenAsync(asToken, "successor", InDays(30), ApiScope.ReadWrite, []);

        result.ShouldBeRefused(RefusalKind.Forbidden);
    }

    // ---- authentication ----

    [Fact]
    public async Task AuthenticateAsync_LiveToken_ActsAsTheOwnerNamingTheToken()
    {
        var ada = await _db.AddUserAsync("ada@portal.test", PlatformRole.Viewer, displayName: "Ada");
        var created = await PersonalTokenAsync(ada, ApiScope.ReadOnly);

        var actor = await AuthenticateAsync(created.PlainText);

        Assert.Equal(ada.UserId, actor.UserId);
        Assert.Equal("Ada (token ci-deploy)", actor.DisplayName);
        Assert.Equal(PlatformRole.Viewer, actor.PlatformRole);
        Assert.Equal(ApiScope.ReadOnly, actor.Credential!.Scope);
        Assert.Null(actor.Credential.TenantLimit);
    }

    [Theory]
    [InlineData("ptl_0000000000000000000000000000000000000000")]
    [InlineData("not-a-token")]
    [InlineData("")]
    public async Task AuthenticateAsync_UnknownOrMalformedToken_Unknown(string presented)
    {
        var outcome = await _tokens.AuthenticateAsync(presented);

        Assert.False(outcome.Succeeded);
        Assert.Equal(ApiTokenFailure.Unknown, outcome.Failure);
    }

    [Fact]
    public async Task AuthenticateAsync_RevokedToken_Revoked()
    {
        var ada = await _db.AddUserAsync("ada@portal.test");
        var created = await PersonalTokenAsync(ada);
        (await _tokens.RevokeAsync(ada, created.Token.Id)).ShouldSucceed();

        var outcome = await _tokens.AuthenticateAsync(created.PlainText);

        Assert.Equal(ApiTokenFailure.Revoked, outcome.Failure);
    }

    [Fact]
    public async Task AuthenticateAsync_ExpiredToken_Expired()
    {
        var ada = await _db.AddUserAsync("ada@portal.test");
        var created = await PersonalTokenAsync(ada);
        _db.Clock.Advance(TimeSpan.FromDays(30));

        var outcome = await _tokens.AuthenticateAsync(created.PlainText);

        Assert.Equal(ApiTokenFailure.Expired, outcome.Failure);
    }

    [Fact]
    public async Task AuthenticateAsync_CalledOftenWithinAMinute_RecordsLastUsedOncePerMinute()
    {
        var ada = await _db.AddUserAsync("ada@portal.test");
        var created = await PersonalTokenAsync(ada);
        var first = _db.Clock.GetUtcNow();

        await AuthenticateAsync(created.PlainText);
        _db.Clock.Advance(TimeSpan.FromSeconds(30));
        await AuthenticateAsync(created.PlainText);
        var afterHalfAMinute = Assert.Single(await _tokens.ListMineAsync(ada)).LastUsedAt;
        _db.Clock.Advance(TimeSpan.FromSeconds(31));
        await AuthenticateAsync(created.PlainText);
        var afterAMinute = Assert.Single(await _tokens.ListMineAsync(ada)).LastUsedAt;

        Assert.Equal(first, afterHalfAMinute);
        Assert.Equal(first.AddSeconds(61), afterAMinute);
    }

    // ---- scope and tenant limits through the existing services ----

    [Fact]
    public async Task CreateProjectAsync_ReadOnlyTokenOfATenantAdmin_ForbiddenAndNothingCreated()
    {
        var ada = await _db.AddTenantUserAsync("ada@acme.test", _acme, TenantRole.Admin);
        var actor = await AuthenticateAsync((await PersonalTokenAsync(ada, ApiScope.ReadOnly)).PlainText);

        var result = await _db.Tenancy.CreateProjectAsync(actor, _acme, "from ci", null);

        result.ShouldBeRefused(RefusalKind.Forbidden);
        Assert.Equal(2, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task CreateProjectAsync_ReadWriteToken_SucceedsAndTheAuditNamesTheToken()
    {
        var ada = await _db.AddUserAsync("ada@acme.test", displayName: "Ada");
        await _db.SeedMembershipAsync(_acme, ada, TenantRole.Admin);
        var actor = await AuthenticateAsync((await PersonalTokenAsync(ada, ApiScope.ReadWrite)).PlainText);

        (await _db.Tenancy.CreateProjectAsync(actor, _acme, "from ci", null)).ShouldSucceed();

        var entry = (await _db.AuditEntriesAsync()).Last();
        Assert.Equal("project.create", entry.Action);
        Assert.Equal(ada.UserId, entry.ActorId);
        Assert.Equal("Ada (token ci-deploy)", entry.ActorName);
    }

    [Fact]
    public async Task GetTenantAsync_TokenLimitedToAnotherTenantOfItsOwner_NotFound()
    {
        var ada = await _db.AddTenantUserAsync("ada@acme.test", _acme, TenantRole.Admin);
        await _db.SeedMembershipAsync(_globex, ada, TenantRole.Admin);
        var actor = await AuthenticateAsync((await PersonalTokenAsync(ada, ApiScope.ReadWrite, _acme)).PlainText);

        var globex = await _db.Tenancy.GetTenantAsync(actor, "globex");
        var tenants = await _db.Tenancy.ListTenantsAsync(actor, new PageRequest());
        var projects = await _db.Tenancy.ListProjectsAsync(actor, null, new PageRequest());

        globex.ShouldBeRefused(RefusalKind.NotFound);
        Assert.Equal(["Acme"], tenants.Items.Select(t => t.Name));
        Assert.Equal(["acme shop"], projects.Items.Select(p => p.Name));
        (await _db.Tenancy.GetTenantAsync(actor, "acme")).ShouldSucceed();
    }

    [Fact]
    public async Task AuthenticateAsync_TenantLimitedTokenOfAPlatformAdmin_LeavesThePlatformRoleBehind()
    {
        var admin = await _db.AddPlatformAdminAsync();
        await _db.SeedMembershipAsync(_acme, admin, TenantRole.Viewer);

        var actor = await AuthenticateAsync((await PersonalTokenAsync(admin, ApiScope.ReadWrite, _acme)).PlainText);

        Assert.Equal(PlatformRole.None, actor.PlatformRole);
        (await _db.Tenancy.GetTenantAsync(actor, "globex")).ShouldBeRefused(RefusalKind.NotFound);
    }

    // ---- service accounts ----

    [Fact]
    public async Task ServiceAccountToken_ActsAsMemberOfItsTenantOnly()
    {
        var boss = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        var accountId = (await _tokens.CreateServiceAccountAsync(boss, _acmeShop, "deployer", "CI of the shop")).ShouldSucceed();
        var created = (await _tokens.CreateServiceAccountTokenAsync(boss, accountId, "pipeline", InDays(30), ApiScope.ReadWrite)).ShouldSucceed();

        var actor = await AuthenticateAsync(created.PlainText);

        Assert.Equal("sa:" + accountId.ToString("D"), actor.UserId);
        Assert.Equal("service account deployer (token pipeline)", actor.DisplayName);
        Assert.Equal(PlatformRole.None, actor.PlatformRole);
        await using var db = _db.NewContext();
        Assert.Equal(TenantRole.Member, (await TenantAccess.ForAsync(db, actor, _acme, default)).Role);
        Assert.False((await TenantAccess.ForAsync(db, actor, _globex, default)).CanRead);
        Assert.Equal(["Acme"], (await _db.Tenancy.ListTenantsAsync(actor, new PageRequest())).Items.Select(t => t.Name));
        (await _db.Tenancy.GetTenantAsync(actor, "globex")).ShouldBeRefused(RefusalKind.NotFound);
        // A member, not a tenant admin: projects are not its business.
        (await _db.Tenancy.CreateProjectAsync(actor, _acme, "by robot", null)).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task CreateServiceAccountAsync_TenantMemberWhoIsNotAdmin_Forbidden()
    {
        var dev = await _db.AddTenantUserAsync("dev@acme.test", _acme, TenantRole.Member);

        var result = await _tokens.CreateServiceAccountAsync(dev, _acmeShop, "deployer", null);

        result.ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task CreateServiceAccountAsync_NameTakenInTheProject_ConflictOnName()
    {
        var boss = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        (await _tokens.CreateServiceAccountAsync(boss, _acmeShop, "deployer", null)).ShouldSucceed();

        var result = await _tokens.CreateServiceAccountAsync(boss, _acmeShop, "DEPLOYER", null);

        result.ShouldBeRefused(RefusalKind.Conflict, Fields.Name);
    }

    [Fact]
    public async Task DeleteServiceAccountAsync_TenantAdmin_ItsTokensStopWorking()
    {
        var boss = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        var accountId = (await _tokens.CreateServiceAccountAsync(boss, _acmeShop, "deployer", null)).ShouldSucceed();
        var created = (await _tokens.CreateServiceAccountTokenAsync(boss, accountId, "pipeline", InDays(30), ApiScope.ReadWrite)).ShouldSucceed();

        (await _tokens.DeleteServiceAccountAsync(boss, accountId)).ShouldSucceed();

        Assert.Equal(ApiTokenFailure.Unknown, (await _tokens.AuthenticateAsync(created.PlainText)).Failure);
        Assert.Empty((await _tokens.ListServiceAccountsAsync(boss, _acme)).ShouldSucceed());
    }

    // ---- revocation ----

    [Fact]
    public async Task RevokeAsync_TenantAdminOnAServiceAccountsToken_Succeeds()
    {
        var boss = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        var other = await _db.AddTenantUserAsync("other@acme.test", _acme, TenantRole.Admin);
        var accountId = (await _tokens.CreateServiceAccountAsync(boss, _acmeShop, "deployer", null)).ShouldSucceed();
        var created = (await _tokens.CreateServiceAccountTokenAsync(boss, accountId, "pipeline", InDays(30), ApiScope.ReadWrite)).ShouldSucceed();

        (await _tokens.RevokeAsync(other, created.Token.Id)).ShouldSucceed();

        Assert.Equal(ApiTokenFailure.Revoked, (await _tokens.AuthenticateAsync(created.PlainText)).Failure);
    }

    [Fact]
    public async Task RevokeAsync_SomeoneElsesPersonalToken_NotFoundAndStillWorks()
    {
        var ada = await _db.AddTenantUserAsync("ada@acme.test", _acme, TenantRole.Member);
        var boss = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        var created = await PersonalTokenAsync(ada);

        var result = await _tokens.RevokeAsync(boss, created.Token.Id);

        result.ShouldBeRefused(RefusalKind.NotFound);
        Assert.True((await _tokens.AuthenticateAsync(created.PlainText)).Succeeded);
    }

    [Fact]
    public async Task RevokeAsync_ServiceAccountTokenByAnAdminOfAnotherTenant_NotFound()
    {
        var boss = await _db.AddTenantUserAsync("boss@acme.test", _acme, TenantRole.Admin);
        var stranger = await _db.AddTenantUserAsync("boss@globex.test", _globex, TenantRole.Admin);
        var accountId = (await _tokens.CreateServiceAccountAsync(boss, _acmeShop, "deployer", null)).ShouldSucceed();
        var created = (await _tokens.CreateServiceAccountTokenAsync(boss, accountId, "pipeline", InDays(30), ApiScope.ReadWrite)).ShouldSucceed();

        (await _tokens.RevokeAsync(stranger, created.Token.Id)).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task RevokeAsync_PlatformAdminOnAnyToken_Succeeds()
    {
        var ada = await _db.AddUserAsync("ada@portal.test");
        var admin = await _db.AddPlatformAdminAsync();
        var created = await PersonalTokenAsync(ada);

        (await _tokens.RevokeAsync(admin, created.Token.Id)).ShouldSucceed();

        var row = Assert.Single(await _tokens.ListMineAsync(ada));
        Assert.NotNull(row.RevokedAt);
    }
}
