using Portal.Api.Common;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Api.Tenancy;

/// <summary>The API's tenants, projects and members: the Tenants and Projects pages' rules, over HTTP.</summary>
public static class TenancyApi
{
    public static RouteGroupBuilder MapTenancyApi(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants");
        tenants.MapGet("/", ListTenantsAsync).WithName("listTenants").WithSummary("Tenants you can see")
            .Produces<ApiPage<TenantSummary>>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tenants.MapGet("/{tenantId:guid}", GetTenantAsync).WithName("getTenant").WithSummary("One tenant")
            .Produces<TenantResource>().ProducesProblem(StatusCodes.Status404NotFound);
        tenants.MapPost("/", CreateTenantAsync).WithName("createTenant").WithSummary("Create a tenant (platform admins)")
            .Produces<TenantResource>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tenants.MapPatch("/{tenantId:guid}", UpdateTenantAsync).WithName("updateTenant").WithSummary("Rename a tenant or change its description (platform admins)")
            .WithMetadata(new HonorsIfMatchAttribute())
            .Produces<TenantResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tenants.MapDelete("/{tenantId:guid}", DeleteTenantAsync).WithName("deleteTenant").WithSummary("Delete an empty tenant (platform admins)")
            .WithMetadata(new HonorsIfMatchAttribute())
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);

        tenants.MapGet("/{tenantId:guid}/members", ListMembersAsync).WithName("listMembers").WithSummary("A tenant's members")
            .Produces<ApiPage<MemberResource>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tenants.MapGet("/{tenantId:guid}/members/{memberId:guid}", GetMemberAsync).WithName("getMember").WithSummary("One membership")
            .Produces<MemberResource>().ProducesProblem(StatusCodes.Status404NotFound);
        tenants.MapPost("/{tenantId:guid}/members", AddMemberAsync).WithName("addMember").WithSummary("Add a person with an account to the tenant (tenant admins)")
            .Produces<MemberResource>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tenants.MapPatch("/{tenantId:guid}/members/{memberId:guid}", ChangeMemberRoleAsync).WithName("changeMemberRole").WithSummary("Change a member's role (tenant admins)")
            .WithMetadata(new HonorsIfMatchAttribute())
            .Produces<MemberResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tenants.MapDelete("/{tenantId:guid}/members/{memberId:guid}", RemoveMemberAsync).WithName("removeMember").WithSummary("Remove a member (tenant admins)")
            .WithMetadata(new HonorsIfMatchAttribute())
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);

        var projects = api.MapGroup("/projects").WithTags("Projects");
        projects.MapGet("/", ListProjectsAsync).WithName("listProjects").WithSummary("Projects you can see, optionally in one tenant")
            .Produces<ApiPage<ProjectResource>>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        projects.MapGet("/{projectId:guid}", GetProjectAsync).WithName("getProject").WithSummary("One project")
            .Produces<ProjectResource>().ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPost("/", CreateProjectAsync).WithName("createProject").WithSummary("Create a project in a tenant (tenant admins)")
            .Produces<ProjectResource>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        projects.MapPatch("/{projectId:guid}", UpdateProjectAsync).WithName("updateProject").WithSummary("Rename a project or change its description (tenant admins)")
            .WithMetadata(new HonorsIfMatchAttribute())
            .Produces<ProjectResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        projects.MapDelete("/{projectId:guid}", DeleteProjectAsync).WithName("deleteProject").WithSummary("Delete a project without clusters or databases (tenant admins)")
            .WithMetadata(new HonorsIfMatchAttribute())
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return api;
    }

    // ---- tenants

    private static async Task<IResult> ListTenantsAsync(HttpContext http, TenancyService tenancy, string? search, int? pageSize, string? pageToken)
    {
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out var problem)) return problem!;
        var rows = await tenancy.ListTenantsAsync(http.Actor(), page, http.RequestAborted);
        return TypedResults.Ok(ApiPaging.Answer(rows, page, TenantSummary.From, search));
    }

    private static async Task<IResult> GetTenantAsync(HttpContext http, TenancyService tenancy, Guid tenantId) =>
        TenantAnswer(http, await tenancy.GetTenantAsync(http.Actor(), tenantId, http.RequestAborted));

    private static async Task<IResult> CreateTenantAsync(HttpContext http, TenancyService tenancy, CreateTenantRequest body)
    {
        var actor = http.Actor();
        var created = await tenancy.CreateTenantAsync(actor, body.Name, body.Slug, body.Description, http.RequestAborted);
        if (!created.Succeeded) return ApiProblems.From(created.Refusal!);
        var tenant = await tenancy.GetTenantAsync(actor, created.Value, http.RequestAborted);
        return ApiResults.Answer(http, tenant, t =>
        {
            http.SetETag(t.Version);
            return TypedResults.Created(TenantUrl(t.Id), TenantResource.From(t));
        });
    }

    private static async Task<IResult> UpdateTenantAsync(HttpContext http, TenancyService tenancy, Guid tenantId, UpdateTenantRequest body)
    {
        var actor = http.Actor();
        var current = await tenancy.GetTenantAsync(actor, tenantId, http.RequestAborted);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var updated = await tenancy.UpdateTenantAsync(actor, tenantId, expected, body.Name ?? current.Value.Name, body.Description ?? current.Value.Description,
            http.RequestAborted);
        if (!updated.Succeeded) return ApiProblems.From(updated.Refusal!, http.HasIfMatch());
        return TenantAnswer(http, await tenancy.GetTenantAsync(actor, tenantId, http.RequestAborted));
    }

    private static async Task<IResult> DeleteTenantAsync(HttpContext http, TenancyService tenancy, Guid tenantId)
    {
        var actor = http.Actor();
        var current = await tenancy.GetTenantAsync(actor, tenantId, http.RequestAborted);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var deleted = await tenancy.DeleteTenantAsync(actor, tenantId, http.RequestAborted, http.HasIfMatch() ? expected : null);
        return ApiResults.Answer(http, deleted, () => TypedResults.NoContent());
    }

    private static IResult TenantAnswer(HttpContext http, Result<TenantDetail> tenant) =>
        ApiResults.Answer(http, tenant, t =>
        {
            http.SetETag(t.Version);
            return TypedResults.Ok(TenantResource.From(t));
        });

    private static string TenantUrl(Guid id) => $"{ApiPaths.Root}/tenants/{id}";

    // ---- members

    private static async Task<IResult> ListMembersAsync(HttpContext http, TenancyService tenancy, Guid tenantId, string? search, int? pageSize, string? pageToken)
    {
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out var problem, tenantId)) return problem!;
        var members = await tenancy.ListMembersAsync(http.Actor(), tenantId, http.RequestAborted);
        if (!members.Succeeded) return ApiProblems.From(members.Refusal!);
        // A tenant's members are few: the domain lists them whole; the API pages and searches that list.
        var matching = members.Value!.Where(m => page.SafeSearch is not { } text
            || m.Email.Contains(text, StringComparison.OrdinalIgnoreCase) || m.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase)).ToList();
        var window = new Page<MemberRow>(matching.Skip(page.SafeSkip).Take(page.SafeTake).ToList(), matching.Count);
        return TypedResults.Ok(ApiPaging.Answer(window, page, m => MemberResource.From(tenantId, m), search, tenantId));
    }

    private static async Task<IResult> GetMemberAsync(HttpContext http, TenancyService tenancy, Guid tenantId, Guid memberId)
    {
        var member = await FindMemberAsync(http, tenancy, tenantId, memberId);
        return ApiResults.Answer(http, member, m =>
        {
            http.SetETag(m.Version);
            return TypedResults.Ok(MemberResource.From(tenantId, m));
        });
    }

    private static async Task<IResult> AddMemberAsync(HttpContext http, TenancyService tenancy, Guid tenantId, AddMemberRequest body)
    {
        if (body.Role is not { } role) return ApiProblems.Invalid(Fields.Role.Code, "Choose a role: viewer, member or admin.");
        var added = await tenancy.AddMemberAsync(http.Actor(), tenantId, body.Email, role, http.RequestAborted);
        if (!added.Succeeded) return ApiProblems.From(added.Refusal!);
        var member = await FindMemberAsync(http, tenancy, tenantId, added.Value);
        return ApiResults.Answer(http, member, m =>
        {
            http.SetETag(m.Version);
            return TypedResults.Created($"{TenantUrl(tenantId)}/members/{m.Id}", MemberResource.From(tenantId, m));
        });
    }

    private static async Task<IResult> ChangeMemberRoleAsync(HttpContext http, TenancyService tenancy, Guid tenantId, Guid memberId, ChangeMemberRoleRequest body)
    {
        var current = await FindMemberAsync(http, tenancy, tenantId, memberId);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (body.Role is not { } role) return ApiProblems.Invalid(Fields.Role.Code, "Choose a role: viewer, member or admin.");
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var changed = await tenancy.ChangeMemberRoleAsync(http.Actor(), memberId, expected, role, http.RequestAborted);
        if (!changed.Succeeded) return ApiProblems.From(changed.Refusal!, http.HasIfMatch());
        return await GetMemberAsync(http, tenancy, tenantId, memberId);
    }

    private static async Task<IResult> RemoveMemberAsync(HttpContext http, TenancyService tenancy, Guid tenantId, Guid memberId)
    {
        var current = await FindMemberAsync(http, tenancy, tenantId, memberId);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var removed = await tenancy.RemoveMemberAsync(http.Actor(), memberId, http.RequestAborted, http.HasIfMatch() ? expected : null);
        return ApiResults.Answer(http, removed, () => TypedResults.NoContent());
    }

    /// <summary>The membership, when it is in that tenant and the actor sees the tenant.</summary>
    private static async Task<Result<MemberRow>> FindMemberAsync(HttpContext http, TenancyService tenancy, Guid tenantId, Guid memberId)
    {
        var members = await tenancy.ListMembersAsync(http.Actor(), tenantId, http.RequestAborted);
        if (!members.Succeeded) return members.Refusal!;
        return members.Value!.FirstOrDefault(m => m.Id == memberId) is { } member ? member : Refusal.NotFound("The membership");
    }

    // ---- projects

    private static async Task<IResult> ListProjectsAsync(HttpContext http, TenancyService tenancy, Guid? tenantId, string? search, int? pageSize, string? pageToken)
    {
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out var problem, tenantId)) return problem!;
        var rows = await tenancy.ListProjectsAsync(http.Actor(), tenantId, page, http.RequestAborted);
        return TypedResults.Ok(ApiPaging.Answer(rows, page, ProjectResource.From, search, tenantId));
    }

    private static async Task<IResult> GetProjectAsync(HttpContext http, TenancyService tenancy, Guid projectId) =>
        ProjectAnswer(http, await tenancy.GetProjectAsync(http.Actor(), projectId, http.RequestAborted));

    private static async Task<IResult> CreateProjectAsync(HttpContext http, TenancyService tenancy, CreateProjectRequest body)
    {
        if (body.TenantId is not { } tenantId) return ApiProblems.Invalid(Fields.Tenant.Code, "Choose a tenant: tenantId is required.");
        var actor = http.Actor();
        var created = await tenancy.CreateProjectAsync(actor, tenantId, body.Name, body.Description, http.RequestAborted);
        if (!created.Succeeded) return ApiProblems.From(created.Refusal!);
        var project = await tenancy.GetProjectAsync(actor, created.Value, http.RequestAborted);
        return ApiResults.Answer(http, project, p =>
        {
            http.SetETag(p.Version);
            return TypedResults.Created($"{ApiPaths.Root}/projects/{p.Id}", ProjectResource.From(p));
        });
    }

    private static async Task<IResult> UpdateProjectAsync(HttpContext http, TenancyService tenancy, Guid projectId, UpdateProjectRequest body)
    {
        var actor = http.Actor();
        var current = await tenancy.GetProjectAsync(actor, projectId, http.RequestAborted);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var updated = await tenancy.UpdateProjectAsync(actor, projectId, expected, body.Name ?? current.Value.Name, body.Description ?? current.Value.Description,
            http.RequestAborted);
        if (!updated.Succeeded) return ApiProblems.From(updated.Refusal!, http.HasIfMatch());
        return ProjectAnswer(http, await tenancy.GetProjectAsync(actor, projectId, http.RequestAborted));
    }

    private static async Task<IResult> DeleteProjectAsync(HttpContext http, TenancyService tenancy, Guid projectId)
    {
        var actor = http.Actor();
        var current = await tenancy.GetProjectAsync(actor, projectId, http.RequestAborted);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var deleted = await tenancy.DeleteProjectAsync(actor, projectId, http.RequestAborted, http.HasIfMatch() ? expected : null);
        return ApiResults.Answer(http, deleted, () => TypedResults.NoContent());
    }

    private static IResult ProjectAnswer(HttpContext http, Result<ProjectRow> project) =>
        ApiResults.Answer(http, project, p =>
        {
            http.SetETag(p.Version);
            return TypedResults.Ok(ProjectResource.From(p));
        });
}

/// <summary>A tenant in a list, with what the caller is in it (null: not a member, e.g. a platform reader).</summary>
public sealed record TenantSummary(Guid Id, string Name, string Slug, string Description, int ProjectCount, int MemberCount, TenantRole? MyRole)
{
    public static TenantSummary From(TenantRow row) => new(row.Id, row.Name, row.Slug, row.Description, row.ProjectCount, row.MemberCount, row.MyRole);
}

/// <summary>One tenant. <see cref="WhyNotDelete"/> says what still blocks a delete (null: nothing).</summary>
public sealed record TenantResource(Guid Id, string Name, string Slug, string Description, DateTimeOffset CreatedAt, TenantRole? MyRole, bool CanManage,
    string? WhyNotDelete)
{
    public static TenantResource From(TenantDetail detail) => new(detail.Id, detail.Name, detail.Slug, detail.Description, detail.CreatedAt,
        detail.Access.Role, detail.Access.CanManage, detail.WhyNotDelete);
}

public sealed record CreateTenantRequest(string? Name, string? Slug, string? Description);

/// <summary>Omitted fields keep their value.</summary>
public sealed record UpdateTenantRequest(string? Name, string? Description);

public sealed record ProjectResource(Guid Id, Guid TenantId, string TenantName, string Name, string Description, DateTimeOffset CreatedAt, bool CanManage,
    string? WhyNotDelete)
{
    public static ProjectResource From(ProjectRow row) => new(row.Id, row.TenantId, row.TenantName, row.Name, row.Description, row.CreatedAt, row.CanManage,
        row.WhyNotDelete);
}

public sealed record CreateProjectRequest(Guid? TenantId, string? Name, string? Description);

/// <summary>Omitted fields keep their value.</summary>
public sealed record UpdateProjectRequest(string? Name, string? Description);

/// <summary>
/// A membership. <see cref="Source"/> says where it comes from: a local one is managed here, a directory one follows
/// Keycloak's groups. <see cref="WhyNotChange"/> says why its role cannot be changed or removed now (null: it can).
/// </summary>
public sealed record MemberResource(Guid Id, Guid TenantId, string UserId, string Email, string DisplayName, TenantRole Role, MembershipSource Source,
    string? WhyNotChange)
{
    public static MemberResource From(Guid tenantId, MemberRow row) => new(row.Id, tenantId, row.UserId, row.Email, row.DisplayName, row.Role, row.Source,
        row.WhyNotChange);
}

public sealed record AddMemberRequest(string? Email, TenantRole? Role);

public sealed record ChangeMemberRoleRequest(TenantRole? Role);
