using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>Tenants and projects: validation, uniqueness, blocked deletes and who may change what.</summary>
public sealed class TenancyServiceTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddPlatformAdminAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<Tenant> LoadTenantAsync(Guid id)
    {
        await using var db = _db.NewContext();
        return await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<Project> LoadProjectAsync(Guid id)
    {
        await using var db = _db.NewContext();
        return await db.Projects.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    // ---- create tenant ----

    [Fact]
    public async Task CreateTenantAsync_ValidInputWithoutSlug_StoresTheTenantWithADerivedSlug()
    {
        var id = (await _db.Tenancy.CreateTenantAsync(_admin, "  Acme Corp ", null, " first customer ")).ShouldSucceed();

        var tenant = await LoadTenantAsync(id);
        Assert.Equal("Acme Corp", tenant.Name);
        Assert.Equal("acme-corp", tenant.Slug);
        Assert.Equal("first customer", tenant.Description);
        Assert.Equal(_db.Clock.GetUtcNow(), tenant.CreatedAt);
    }

    [Fact]
    public async Task CreateTenantAsync_ExplicitSlug_IsUsed()
    {
        var id = (await _db.Tenancy.CreateTenantAsync(_admin, "Acme Corp", "acme", null)).ShouldSucceed();

        Assert.Equal("acme", (await LoadTenantAsync(id)).Slug);
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("ACME")]
    [InlineData(" acme ")]
    public async Task CreateTenantAsync_DuplicateNameInAnyCase_IsRefusedWithConflictOnName(string duplicate)
    {
        await _db.SeedTenantAsync("Acme", "acme-1");

        (await _db.Tenancy.CreateTenantAsync(_admin, duplicate, "acme-2", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal(1, await _db.CountAsync<Tenant>());
    }

    [Fact]
    public async Task CreateTenantAsync_DuplicateSlug_IsRefusedWithConflictOnSlug()
    {
        await _db.SeedTenantAsync("Acme", "acme");

        var refusal = (await _db.Tenancy.CreateTenantAsync(_admin, "Acme Holdings", "acme", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Slug);

        Assert.Contains("'acme'", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Tenant>());
    }

    [Fact]
    public async Task CreateTenantAsync_DifferentNameThatDerivesATakenSlug_IsRefusedWithConflictOnSlug()
    {
        await _db.SeedTenantAsync("Acme Corp");

        (await _db.Tenancy.CreateTenantAsync(_admin, "Acme-Corp", null, null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Slug);

        Assert.Equal(1, await _db.CountAsync<Tenant>());
    }

    [Fact]
    public async Task CreateTenantAsync_InvalidSlug_IsInvalidOnSlug()
    {
        (await _db.Tenancy.CreateTenantAsync(_admin, "Acme", "Acme Corp", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Slug);

        Assert.Equal(0, await _db.CountAsync<Tenant>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Acme\tCorp")]
    public async Task CreateTenantAsync_InvalidName_IsInvalidOnName(string name)
    {
        (await _db.Tenancy.CreateTenantAsync(_admin, name, "acme", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal(0, await _db.CountAsync<Tenant>());
    }

    [Theory]
    [InlineData(PlatformRole.None)]
    [InlineData(PlatformRole.Viewer)]
    public async Task CreateTenantAsync_ByNonPlatformAdmin_IsForbiddenAndSavesNothing(PlatformRole role)
    {
        var actor = await _db.AddUserAsync("someone@portal.test", role);

        (await _db.Tenancy.CreateTenantAsync(actor, "Acme", null, null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(0, await _db.CountAsync<Tenant>());
    }

    [Fact]
    public async Task CreateTenantAsync_ByTenantAdminOfAnotherTenant_IsForbidden()
    {
        var other = await _db.SeedTenantAsync("Other");
        var tenantAdmin = await _db.AddTenantUserAsync("boss@other.test", other, TenantRole.Admin);

        (await _db.Tenancy.CreateTenantAsync(tenantAdmin, "Acme", null, null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(1, await _db.CountAsync<Tenant>());
    }

    // ---- update tenant ----

    [Fact]
    public async Task UpdateTenantAsync_Rename_ChangesNameAndDescriptionButKeepsTheSlug()
    {
        var id = await _db.SeedTenantAsync("Acme", "acme");

        (await _db.Tenancy.UpdateTenantAsync(_admin, id, 0, "Acme Holdings", "renamed")).ShouldSucceed();

        var tenant = await LoadTenantAsync(id);
        Assert.Equal("Acme Holdings", tenant.Name);
        Assert.Equal("renamed", tenant.Description);
        Assert.Equal("acme", tenant.Slug);
        Assert.Equal(1, tenant.Version);
    }

    [Fact]
    public async Task UpdateTenantAsync_IntoAnExistingNameInAnotherCase_IsRefusedAndKeepsTheOldName()
    {
        await _db.SeedTenantAsync("Globex");
        var id = await _db.SeedTenantAsync("Acme");

        (await _db.Tenancy.UpdateTenantAsync(_admin, id, 0, "GLOBEX", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal("Acme", (await LoadTenantAsync(id)).Name);
    }

    [Fact]
    public async Task UpdateTenantAsync_ByItsTenantAdmin_IsForbidden()
    {
        var id = await _db.SeedTenantAsync("Acme");
        var tenantAdmin = await _db.AddTenantUserAsync("boss@acme.test", id, TenantRole.Admin);

        (await _db.Tenancy.UpdateTenantAsync(tenantAdmin, id, 0, "Acme Holdings", null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal("Acme", (await LoadTenantAsync(id)).Name);
    }

    [Fact]
    public async Task UpdateTenantAsync_UnknownTenant_IsNotFound()
    {
        (await _db.Tenancy.UpdateTenantAsync(_admin, Guid.NewGuid(), 0, "Acme", null)).ShouldBeRefused(RefusalKind.NotFound);
    }

    // ---- delete tenant ----

    [Fact]
    public async Task DeleteTenantAsync_WithProjects_IsRefusedNamingTheProjects()
    {
        var id = await _db.SeedTenantAsync("Acme");
        await _db.SeedProjectAsync(id, "web shop");
        await _db.SeedProjectAsync(id, "billing");

        var refusal = (await _db.Tenancy.DeleteTenantAsync(_admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("Acme", refusal.Message);
        Assert.Contains("billing, web shop", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Tenant>());
        Assert.Equal(2, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task GetTenantAsync_WithProjects_GivesTheDeleteRefusalAsItsDisabledReason()
    {
        var id = await _db.SeedTenantAsync("Acme", "acme");
        await _db.SeedProjectAsync(id, "web");
        await _db.SeedProjectAsync(id, "billing");

        var tenant = (await _db.Tenancy.GetTenantAsync(_admin, "acme")).ShouldSucceed();
        var refusal = (await _db.Tenancy.DeleteTenantAsync(_admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(refusal.Message, tenant.WhyNotDelete);
    }

    [Fact]
    public async Task GetTenantAsync_WithoutProjects_CanBeDeleted()
    {
        await _db.SeedTenantAsync("Acme", "acme");

        Assert.Null((await _db.Tenancy.GetTenantAsync(_admin, "acme")).ShouldSucceed().WhyNotDelete);
    }

    [Fact]
    public async Task DeleteTenantAsync_AfterItsProjectsAreDeleted_SucceedsAndRemovesItsMemberships()
    {
        var id = await _db.SeedTenantAsync("Acme");
        var project = await _db.SeedProjectAsync(id, "web shop");
        var member = await _db.AddTenantUserAsync("dev@acme.test", id, TenantRole.Member);
        (await _db.Tenancy.DeleteTenantAsync(_admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        (await _db.Tenancy.DeleteProjectAsync(_admin, project)).ShouldSucceed();
        (await _db.Tenancy.DeleteTenantAsync(_admin, id)).ShouldSucceed();

        Assert.Equal(0, await _db.CountAsync<Tenant>());
        Assert.Equal(0, await _db.CountAsync<TenantMembership>());
        Assert.NotNull(await _db.FindUserByEmailAsync("dev@acme.test"));
        Assert.Empty((await _db.Tenancy.ListTenantsAsync(member, new PageRequest())).Items);
    }

    [Fact]
    public async Task DeleteTenantAsync_ByItsTenantAdmin_IsForbidden()
    {
        var id = await _db.SeedTenantAsync("Acme");
        var tenantAdmin = await _db.AddTenantUserAsync("boss@acme.test", id, TenantRole.Admin);

        (await _db.Tenancy.DeleteTenantAsync(tenantAdmin, id)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(1, await _db.CountAsync<Tenant>());
    }

    [Fact]
    public async Task DeleteTenantAsync_UnknownTenant_IsNotFound()
    {
        (await _db.Tenancy.DeleteTenantAsync(_admin, Guid.NewGuid())).ShouldBeRefused(RefusalKind.NotFound);
    }

    // ---- create project ----

    [Fact]
    public async Task CreateProjectAsync_ByTenantAdmin_StoresTheProjectInTheTenant()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        var tenantAdmin = await _db.AddTenantUserAsync("boss@acme.test", tenantId, TenantRole.Admin);

        var id = (await _db.Tenancy.CreateProjectAsync(tenantAdmin, tenantId, " web shop ", " storefront ")).ShouldSucceed();

        var project = await LoadProjectAsync(id);
        Assert.Equal(tenantId, project.TenantId);
        Assert.Equal("web shop", project.Name);
        Assert.Equal("storefront", project.Description);
    }

    [Fact]
    public async Task CreateProjectAsync_ByPlatformAdminWithoutMembership_Succeeds()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");

        (await _db.Tenancy.CreateProjectAsync(_admin, tenantId, "web shop", null)).ShouldSucceed();

        Assert.Equal(1, await _db.CountAsync<Project>());
    }

    [Theory]
    [InlineData(TenantRole.Member)]
    [InlineData(TenantRole.Viewer)]
    public async Task CreateProjectAsync_ByTenantMemberOrViewer_IsForbiddenAndSavesNothing(TenantRole role)
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        var user = await _db.AddTenantUserAsync("dev@acme.test", tenantId, role);

        var refusal = (await _db.Tenancy.CreateProjectAsync(user, tenantId, "web shop", null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Contains("Acme", refusal.Message);
        Assert.Equal(0, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task CreateProjectAsync_ByPlatformViewer_IsForbidden()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        var viewer = await _db.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _db.Tenancy.CreateProjectAsync(viewer, tenantId, "web shop", null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(0, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task CreateProjectAsync_InATenantTheActorDoesNotBelongTo_IsRefusedWithoutRevealingTheTenant()
    {
        var acme = await _db.SeedTenantAsync("Acme");
        var globex = await _db.SeedTenantAsync("Globex");
        var acmeAdmin = await _db.AddTenantUserAsync("boss@acme.test", acme, TenantRole.Admin);

        var refusal = (await _db.Tenancy.CreateProjectAsync(acmeAdmin, globex, "web shop", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Tenant);
        var unknown = (await _db.Tenancy.CreateProjectAsync(acmeAdmin, Guid.NewGuid(), "web shop", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Tenant);

        // The same answer as for a tenant that does not exist: nothing about Globex leaks.
        Assert.Equal(unknown.Message, refusal.Message);
        Assert.DoesNotContain("Globex", refusal.Message);
        Assert.Equal(0, await _db.CountAsync<Project>());
    }

    [Theory]
    [InlineData("web shop")]
    [InlineData("WEB SHOP")]
    [InlineData("  Web Shop ")]
    public async Task CreateProjectAsync_DuplicateNameInTheSameTenantInAnyCase_IsRefusedWithConflictOnName(string duplicate)
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        await _db.SeedProjectAsync(tenantId, "web shop");

        (await _db.Tenancy.CreateProjectAsync(_admin, tenantId, duplicate, null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal(1, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task CreateProjectAsync_SameNameInAnotherTenant_IsAllowed()
    {
        var acme = await _db.SeedTenantAsync("Acme");
        var globex = await _db.SeedTenantAsync("Globex");
        await _db.SeedProjectAsync(acme, "web shop");

        (await _db.Tenancy.CreateProjectAsync(_admin, globex, "web shop", null)).ShouldSucceed();

        Assert.Equal(2, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task CreateProjectAsync_InvalidName_IsInvalidOnName()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");

        (await _db.Tenancy.CreateProjectAsync(_admin, tenantId, "web\nshop", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
        (await _db.Tenancy.CreateProjectAsync(_admin, tenantId, " ", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal(0, await _db.CountAsync<Project>());
    }

    // ---- update project ----

    [Fact]
    public async Task UpdateProjectAsync_ByTenantAdmin_RenamesAndBumpsTheVersion()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        var id = await _db.SeedProjectAsync(tenantId, "web shop");
        var tenantAdmin = await _db.AddTenantUserAsync("boss@acme.test", tenantId, TenantRole.Admin);

        (await _db.Tenancy.UpdateProjectAsync(tenantAdmin, id, 0, "storefront", "new")).ShouldSucceed();

        var project = await LoadProjectAsync(id);
        Assert.Equal("storefront", project.Name);
        Assert.Equal("new", project.Description);
        Assert.Equal(1, project.Version);
    }

    [Fact]
    public async Task UpdateProjectAsync_IntoADuplicateInTheSameTenant_IsRefusedAndKeepsTheOldName()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        await _db.SeedProjectAsync(tenantId, "billing");
        var id = await _db.SeedProjectAsync(tenantId, "web shop");

        (await _db.Tenancy.UpdateProjectAsync(_admin, id, 0, "Billing", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal("web shop", (await LoadProjectAsync(id)).Name);
    }

    [Fact]
    public async Task UpdateProjectAsync_ToANameUsedOnlyInAnotherTenant_IsAllowed()
    {
        var acme = await _db.SeedTenantAsync("Acme");
        var globex = await _db.SeedTenantAsync("Globex");
        await _db.SeedProjectAsync(globex, "billing");
        var id = await _db.SeedProjectAsync(acme, "web shop");

        (await _db.Tenancy.UpdateProjectAsync(_admin, id, 0, "billing", null)).ShouldSucceed();
    }

    [Fact]
    public async Task UpdateProjectAsync_ByTenantMember_IsForbidden()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        var id = await _db.SeedProjectAsync(tenantId, "web shop");
        var member = await _db.AddTenantUserAsync("dev@acme.test", tenantId, TenantRole.Member);

        (await _db.Tenancy.UpdateProjectAsync(member, id, 0, "storefront", null)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal("web shop", (await LoadProjectAsync(id)).Name);
    }

    [Fact]
    public async Task UpdateProjectAsync_ByTenantAdminOfAnotherTenant_IsNotFound()
    {
        var acme = await _db.SeedTenantAsync("Acme");
        var globex = await _db.SeedTenantAsync("Globex");
        var id = await _db.SeedProjectAsync(globex, "web shop");
        var acmeAdmin = await _db.AddTenantUserAsync("boss@acme.test", acme, TenantRole.Admin);

        (await _db.Tenancy.UpdateProjectAsync(acmeAdmin, id, 0, "mine now", null)).ShouldBeRefused(RefusalKind.NotFound);

        Assert.Equal("web shop", (await LoadProjectAsync(id)).Name);
    }

    // ---- delete project ----

    [Fact]
    public async Task DeleteProjectAsync_ByTenantAdmin_RemovesTheProject()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        var id = await _db.SeedProjectAsync(tenantId, "web shop");
        var tenantAdmin = await _db.AddTenantUserAsync("boss@acme.test", tenantId, TenantRole.Admin);

        (await _db.Tenancy.DeleteProjectAsync(tenantAdmin, id)).ShouldSucceed();

        Assert.Equal(0, await _db.CountAsync<Project>());
    }

    [Theory]
    [InlineData(TenantRole.Member)]
    [InlineData(TenantRole.Viewer)]
    public async Task DeleteProjectAsync_ByTenantMemberOrViewer_IsForbiddenAndKeepsTheProject(TenantRole role)
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        var id = await _db.SeedProjectAsync(tenantId, "web shop");
        var user = await _db.AddTenantUserAsync("dev@acme.test", tenantId, role);

        (await _db.Tenancy.DeleteProjectAsync(user, id)).ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(1, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task DeleteProjectAsync_ByTenantAdminOfAnotherTenant_IsNotFoundAndKeepsTheProject()
    {
        var acme = await _db.SeedTenantAsync("Acme");
        var globex = await _db.SeedTenantAsync("Globex");
        var id = await _db.SeedProjectAsync(globex, "web shop");
        var acmeAdmin = await _db.AddTenantUserAsync("boss@acme.test", acme, TenantRole.Admin);

        (await _db.Tenancy.DeleteProjectAsync(acmeAdmin, id)).ShouldBeRefused(RefusalKind.NotFound);

        Assert.Equal(1, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task DeleteProjectAsync_UnknownProject_IsNotFound()
    {
        (await _db.Tenancy.DeleteProjectAsync(_admin, Guid.NewGuid())).ShouldBeRefused(RefusalKind.NotFound);
    }
}
