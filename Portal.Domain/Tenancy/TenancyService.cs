using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Tenancy;

public sealed record TenantRow(Guid Id, string Name, string Slug, string Description, int ProjectCount, int MemberCount, TenantRole? MyRole);
public sealed record TenantDetail(Guid Id, string Name, string Slug, string Description, DateTimeOffset CreatedAt, int Version, TenantAccess Access)
{
    /// <summary>Why the tenant cannot be deleted now (null: it can), from <see cref="Tenant.WhyNotDelete"/>.</summary>
    public string? WhyNotDelete { get; init; }
}

public sealed record ProjectRow(Guid Id, Guid TenantId, string TenantName, string TenantSlug, string Name, string Description, DateTimeOffset CreatedAt, int Version, bool CanManage)
{
    /// <summary>Why the project cannot be deleted now (null: it can), from <see cref="Project.WhyNotDelete"/>.</summary>
    public string? WhyNotDelete { get; init; }
}

/// <summary>One membership. <see cref="Source"/> Directory rows come from Keycloak groups: shown, but changed only in Keycloak.</summary>
public sealed record MemberRow(Guid Id, string UserId, string Email, string DisplayName, TenantRole Role, int Version,
    MembershipSource Source = MembershipSource.Local)
{
    public bool IsFromDirectory => Source == MembershipSource.Directory;

    /// <summary>Why the role cannot be changed, or the member removed, now (null: it can), from <see cref="MembershipRules.WhyNotChange"/>.</summary>
    public string? WhyNotChange { get; init; }
}

/// <summary>Tenants, their projects and their members, with server-side authorization on every call.</summary>
public sealed class TenancyService(IDbContextFactory<PortalDbContext> dbFactory, CommandRunner commands, TimeProvider clock)
{
    // ---- tenants ----

    public async Task<Page<TenantRow>> ListTenantsAsync(Actor actor, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = TenantAccess.Visible(db, actor);
        if (page.SearchPattern is { } pattern)
            query = query.Where(t => EF.Functions.Like(t.Name.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(t.Slug.ToUpper(), pattern, TextSearch.Escape));
        var total = await query.CountAsync(ct);
        // A person may hold a local and a directory membership in one tenant: count people, and show the higher role
        // (roles are stored as text, so the maximum is taken here rather than in SQL).
        var rows = await query.OrderBy(t => t.Name).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(t => new
            {
                t.Id, t.Name, t.Slug, t.Description,
                Projects = t.Projects.Count,
                Members = t.Memberships.Select(m => m.UserId).Distinct().Count(),
                MyRoles = t.Memberships.Where(m => m.UserId == actor.UserId).Select(m => m.Role).ToList(),
            })
            .ToListAsync(ct);
        var items = rows.Select(t => new TenantRow(t.Id, t.Name, t.Slug, t.Description, t.Projects, t.Members,
            t.MyRoles.Count == 0 ? null : t.MyRoles.Max())).ToList();
        return new Page<TenantRow>(items, total);
    }

    public async Task<Result<TenantDetail>> GetTenantAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == slug, ct);
        return await DetailAsync(db, actor, tenant, $"Tenant '{slug}'", ct);
    }

    /// <summary>One tenant by id (the API's way in); "not found" for a tenant the actor may not see.</summary>
    public async Task<Result<TenantDetail>> GetTenantAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        return await DetailAsync(db, actor, tenant, "The tenant", ct);
    }

    private static async Task<Result<TenantDetail>> DetailAsync(PortalDbContext db, Actor actor, Tenant? tenant, string what, CancellationToken ct)
    {
        if (tenant is null) return Refusal.NotFound(what);
        var access = await TenantAccess.ForAsync(db, actor, tenant.Id, ct);
        // Someone outside the tenant learns nothing, not even that it exists.
        if (!access.CanRead) return Refusal.NotFound(what);
        var projects = await db.Projects.Where(p => p.TenantId == tenant.Id).OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(ct);
        return new TenantDetail(tenant.Id, tenant.Name, tenant.Slug, tenant.Description, tenant.CreatedAt, tenant.Version, access)
        {
            WhyNotDelete = tenant.WhyNotDelete(projects),
        };
    }

    public Task<Result<Guid>> CreateTenantAsync(Actor actor, string? name, string? slug, string? description, CancellationToken ct = default)
    {
        var parameters = new { name, slug, description };
        return commands.RunAsync<Guid>(actor, new AuditSubject("tenant.create", "Tenant", null, name?.Trim() ?? "", parameters), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can create tenants.");
            var created = Tenant.Create(name, slug, description, clock.GetUtcNow());
            if (!created.Succeeded) return created.Refusal!;
            var tenant = created.Value!;
            if (await db.Tenants.Named(tenant.Name).AnyAsync(ct))
                return Refusal.Conflict($"A tenant named '{tenant.Name}' already exists.", Fields.Name);
            if (await db.Tenants.AnyAsync(t => t.Slug == tenant.Slug, ct))
                return Refusal.Conflict($"The slug '{tenant.Slug}' is already used by another tenant.", Fields.Slug);
            db.Tenants.Add(tenant);
            return tenant.Id;
        }, id => new AuditSubject("tenant.create", "Tenant", id.ToString(), name!.Trim(), parameters), ct);
    }

    public Task<Result> UpdateTenantAsync(Actor actor, Guid id, int expectedVersion, string? name, string? description, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("tenant.update", "Tenant", id.ToString(), name?.Trim() ?? "", new { name, description }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can rename tenants.");
            var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == id, ct);
            if (tenant is null) return Refusal.NotFound("The tenant");
            if (db.Expect(tenant, expectedVersion, $"Tenant '{tenant.Name}'") is { } stale) return stale;
            var renamed = tenant.Rename(name, description);
            if (!renamed.Succeeded) return renamed;
            if (await db.Tenants.Named(tenant.Name).AnyAsync(t => t.Id != id, ct))
                return Refusal.Conflict($"A tenant named '{tenant.Name}' already exists.", Fields.Name);
            return Result.Ok();
        }, ct);

    /// <param name="expectedVersion">When given (an API client's If-Match), the delete applies only to that version.</param>
    public Task<Result> DeleteTenantAsync(Actor actor, Guid id, CancellationToken ct = default, int? expectedVersion = null) =>
        // Serialized on the tenant with project creation: a project added at the same moment is seen, never orphaned.
        commands.RunSerializedOnAsync(actor, new AuditSubject("tenant.delete", "Tenant", id.ToString(), ""), [ParentLock.Tenant(id)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can delete tenants.");
            var tenant = await db.Tenants.Include(t => t.Projects).Include(t => t.Memberships).SingleOrDefaultAsync(t => t.Id == id, ct);
            if (tenant is null) return Refusal.NotFound("The tenant");
            if (expectedVersion is { } version && db.Expect(tenant, version, $"Tenant '{tenant.Name}'") is { } stale) return stale;
            if (tenant.WhyNotDelete(tenant.Projects.Select(p => p.Name).ToList()) is { } why) return Refusal.Conflict(why);
            db.Tenants.Remove(tenant);
            return Result.Ok();
        }, ct);

    // ---- projects ----

    /// <summary>Projects the actor can see, optionally in one tenant.</summary>
    public async Task<Page<ProjectRow>> ListProjectsAsync(Actor actor, Guid? tenantId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visibleTenants = TenantAccess.Visible(db, actor).Select(t => t.Id);
        var query = db.Projects.AsNoTracking().Where(p => visibleTenants.Contains(p.TenantId));
        if (tenantId is { } only)
            query = query.Where(p => p.TenantId == only);
        if (page.SearchPattern is { } pattern)
            query = query.Where(p => EF.Functions.Like(p.Name.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(p.Tenant!.Name.ToUpper(), pattern, TextSearch.Escape));
        var total = await query.CountAsync(ct);
        var admin = actor.IsPlatformAdmin;
        var items = await query.OrderBy(p => p.Tenant!.Name).ThenBy(p => p.Name).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(p => new ProjectRow(p.Id, p.TenantId, p.Tenant!.Name, p.Tenant.Slug, p.Name, p.Description, p.CreatedAt, p.Version,
                admin || p.Tenant.Memberships.Any(m => m.UserId == actor.UserId && m.Role == TenantRole.Admin)))
            .ToListAsync(ct);
        var ids = items.Select(p => p.Id).ToList();
        var clusters = (await db.Clusters.AsNoTracking().Where(c => ids.Contains(c.ProjectId)).Select(c => new { c.ProjectId, c.Name }).ToListAsync(ct))
            .ToLookup(c => c.ProjectId, c => c.Name);
        return new Page<ProjectRow>(items.Select(p => p with
        {
            WhyNotDelete = Project.WhyNotDelete(p.Name, clusters[p.Id].Order(StringComparer.Ordinal).Take(6).ToList()),
        }).ToList(), total);
    }

    /// <summary>One project by id; "not found" for a project the actor may not see.</summary>
    public async Task<Result<ProjectRow>> GetProjectAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Projects.AsNoTracking().Where(p => p.Id == id).Select(p => (Guid?)p.TenantId).SingleOrDefaultAsync(ct);
        if (tenantId is null || !(await TenantAccess.ForAsync(db, actor, tenantId.Value, ct)).CanRead) return Refusal.NotFound("The project");
        var admin = actor.IsPlatformAdmin;
        var row = await db.Projects.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new ProjectRow(p.Id, p.TenantId, p.Tenant!.Name, p.Tenant.Slug, p.Name, p.Description, p.CreatedAt, p.Version,
                admin || p.Tenant.Memberships.Any(m => m.UserId == actor.UserId && m.Role == TenantRole.Admin)))
            .SingleAsync(ct);
        var clusters = await db.Clusters.AsNoTracking().Where(c => c.ProjectId == id).OrderBy(c => c.Name).Select(c => c.Name).Take(6).ToListAsync(ct);
        return row with { WhyNotDelete = Project.WhyNotDelete(row.Name, clusters) };
    }

    /// <summary>Tenants in which the actor may create projects (for pickers).</summary>
    public async Task<IReadOnlyList<TenantRow>> ManageableTenantsAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var administered = TenantAccess.TenantIdsWithRole(db, actor, TenantRole.Admin);
        var query = actor.IsPlatformAdmin && TenantAccess.ReadsEveryTenant(actor)
            ? db.Tenants.AsNoTracking()
            : db.Tenants.AsNoTracking().Where(t => administered.Contains(t.Id));
        return await query.OrderBy(t => t.Name)
            .Select(t => new TenantRow(t.Id, t.Name, t.Slug, t.Description, t.Projects.Count, t.Memberships.Select(m => m.UserId).Distinct().Count(), null))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Tenants in which the actor holds a tenant role, platform roles not counted (for the tenant limit of a personal API
    /// token, which the token service accepts only among these).
    /// </summary>
    public async Task<IReadOnlyList<TenantRow>> MemberTenantsAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mine = TenantAccess.TenantIdsWithRole(db, actor);
        return await db.Tenants.AsNoTracking().Where(t => mine.Contains(t.Id)).OrderBy(t => t.Name)
            .Select(t => new TenantRow(t.Id, t.Name, t.Slug, t.Description, t.Projects.Count, t.Memberships.Select(m => m.UserId).Distinct().Count(), null))
            .ToListAsync(ct);
    }

    public Task<Result<Guid>> CreateProjectAsync(Actor actor, Guid tenantId, string? name, string? description, CancellationToken ct = default)
    {
        var parameters = new { tenantId, name, description };
        return commands.RunSerializedOnAsync<Guid>(actor, new AuditSubject("project.create", "Project", null, name?.Trim() ?? "", parameters), [ParentLock.Tenant(tenantId)], async db =>
        {
            var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == tenantId, ct);
            var access = await TenantAccess.ForAsync(db, actor, tenantId, ct);
            if (tenant is null || !access.CanRead) return Refusal.Invalid(Fields.Tenant, "Choose a tenant.");
            if (!access.CanManage) return Refusal.Forbidden($"Only tenant admins of '{tenant.Name}' can create projects in it.");
            var created = Project.Create(tenantId, name, description, clock.GetUtcNow());
            if (!created.Succeeded) return created.Refusal!;
            var project = created.Value!;
            if (await db.Projects.Named(project.Name).AnyAsync(p => p.TenantId == tenantId, ct))
                return Refusal.Conflict($"Tenant '{tenant.Name}' already has a project named '{project.Name}'.", Fields.Name);
            db.Projects.Add(project);
            return project.Id;
        }, id => new AuditSubject("project.create", "Project", id.ToString(), name!.Trim(), parameters), ct);
    }

    public Task<Result> UpdateProjectAsync(Actor actor, Guid id, int expectedVersion, string? name, string? description, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("project.update", "Project", id.ToString(), name?.Trim() ?? "", new { name, description }), async db =>
        {
            var project = await db.Projects.Include(p => p.Tenant).SingleOrDefaultAsync(p => p.Id == id, ct);
            if (project is null) return Refusal.NotFound("The project");
            var access = await TenantAccess.ForAsync(db, actor, project.TenantId, ct);
            if (!access.CanRead) return Refusal.NotFound("The project");
            if (!access.CanManage) return Refusal.Forbidden($"Only tenant admins of '{project.Tenant!.Name}' can change its projects.");
            if (db.Expect(project, expectedVersion, $"Project '{project.Name}'") is { } stale) return stale;
            var renamed = project.Rename(name, description);
            if (!renamed.Succeeded) return renamed;
            if (await db.Projects.Named(project.Name).AnyAsync(p => p.Id != id && p.TenantId == project.TenantId, ct))
                return Refusal.Conflict($"Tenant '{project.Tenant!.Name}' already has a project named '{project.Name}'.", Fields.Name);
            return Result.Ok();
        }, ct);

    /// <param name="expectedVersion">When given (an API client's If-Match), the delete applies only to that version.</param>
    public Task<Result> DeleteProjectAsync(Actor actor, Guid id, CancellationToken ct = default, int? expectedVersion = null) =>
        // Serialized on the project with cluster and database creation in it.
        commands.RunSerializedOnAsync(actor, new AuditSubject("project.delete", "Project", id.ToString(), ""), [ParentLock.Project(id)], async db =>
        {
            var project = await db.Projects.Include(p => p.Tenant).SingleOrDefaultAsync(p => p.Id == id, ct);
            if (project is null) return Refusal.NotFound("The project");
            var access = await TenantAccess.ForAsync(db, actor, project.TenantId, ct);
            if (!access.CanRead) return Refusal.NotFound("The project");
            if (!access.CanManage) return Refusal.Forbidden($"Only tenant admins of '{project.Tenant!.Name}' can delete its projects.");
            if (expectedVersion is { } version && db.Expect(project, version, $"Project '{project.Name}'") is { } stale) return stale;
            var clusters = await db.Clusters.Where(c => c.ProjectId == id).OrderBy(c => c.Name).Select(c => c.Name).Take(6).ToListAsync(ct);
            if (Project.WhyNotDelete(project.Name, clusters) is { } why) return Refusal.Conflict(why);
            var databases = await db.Databases.Where(d => d.ProjectId == id).OrderBy(d => d.Name).Select(d => d.Name).Take(6).ToListAsync(ct);
            if (databases.Count > 0)
                return Refusal.Conflict($"Project '{project.Name}' still has databases: {Naming.List(databases.Take(5))}{(databases.Count > 5 ? " and more" : "")}. Delete them first.");
            db.Projects.Remove(project);
            return Result.Ok();
        }, ct);

    // ---- members ----

    public async Task<Result<IReadOnlyList<MemberRow>>> ListMembersAsync(Actor actor, Guid tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await TenantAccess.ForAsync(db, actor, tenantId, ct);
        if (!access.CanRead) return Refusal.NotFound("The tenant");
        var tenantName = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(ct);
        // Local and directory (Keycloak) memberships both show; only local ones can be changed here.
        var members = await db.Memberships.AsNoTracking().Where(m => m.TenantId == tenantId)
            .OrderBy(m => m.User!.DisplayName).ThenBy(m => m.User!.Email).ThenBy(m => m.Source)
            .Select(m => new MemberRow(m.Id, m.UserId, m.User!.Email ?? "", m.User.DisplayName, m.Role, m.Version, m.Source))
            .ToListAsync(ct);
        var localAdmins = members.Count(m => m.Role == TenantRole.Admin && m.Source == MembershipSource.Local);
        return members.Select(m => m with
        {
            WhyNotChange = MembershipRules.WhyNotChange(m.Source, m.Role, localAdmins, m.Email, tenantName),
        }).ToList();
    }

    public Task<Result<Guid>> AddMemberAsync(Actor actor, Guid tenantId, string? email, TenantRole role, CancellationToken ct = default)
    {
        var parameters = new { tenantId, email, role = role.ToString() };
        return commands.RunAsync<Guid>(actor, new AuditSubject("member.add", "Membership", null, email?.Trim() ?? "", parameters), async db =>
        {
            var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == tenantId, ct);
            var access = await TenantAccess.ForAsync(db, actor, tenantId, ct);
            if (tenant is null || !access.CanRead) return Refusal.NotFound("The tenant");
            if (!access.CanManage) return Refusal.Forbidden($"Only tenant admins of '{tenant.Name}' can add members.");
            if (!Enum.IsDefined(role)) return Refusal.Invalid(Fields.Role, "Choose a role.");
            var normalized = email?.Trim().ToUpperInvariant() ?? "";
            if (normalized.Length == 0) return Refusal.Invalid(Fields.Email, "Email is required.");
            var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
            if (user is null)
                return Refusal.Invalid(Fields.Email, $"No account uses the email '{email!.Trim()}'. A platform admin creates accounts on the Users page.");
            // A membership from Keycloak does not block a local one: they are kept apart, and the higher role applies.
            if (await db.Memberships.AnyAsync(m => m.TenantId == tenantId && m.UserId == user.Id && m.Source == MembershipSource.Local, ct))
                return Refusal.Conflict($"{user.Email} is already a member of '{tenant.Name}'.", Fields.Email);
            var membership = new TenantMembership(tenantId, user.Id, role, clock.GetUtcNow());
            db.Memberships.Add(membership);
            return membership.Id;
        }, id => new AuditSubject("member.add", "Membership", id.ToString(), email!.Trim(), parameters), ct);
    }

    public Task<Result> ChangeMemberRoleAsync(Actor actor, Guid membershipId, int expectedVersion, TenantRole role, CancellationToken ct = default) =>
        // Serialized on the tenant: "at least one tenant admin" spans its memberships.
        commands.RunSerializedOnAsync(actor, new AuditSubject("member.change-role", "Membership", membershipId.ToString(), "", new { role = role.ToString() }),
            db => TenantOfMembershipAsync(db, membershipId, ct), async db =>
        {
            var membership = await db.Memberships.Include(m => m.Tenant).Include(m => m.User).SingleOrDefaultAsync(m => m.Id == membershipId, ct);
            if (membership is null) return Refusal.NotFound("The membership");
            var access = await TenantAccess.ForAsync(db, actor, membership.TenantId, ct);
            if (!access.CanRead) return Refusal.NotFound("The membership");
            if (!access.CanManage) return Refusal.Forbidden($"Only tenant admins of '{membership.Tenant!.Name}' can change roles.");
            if (MembershipRules.WhyNotManageHere(membership.Source, membership.User!.Email ?? "", membership.Tenant!.Name) is { } directory)
                return Refusal.Conflict(directory);
            if (!Enum.IsDefined(role)) return Refusal.Invalid(Fields.Role, "Choose a role.");
            if (db.Expect(membership, expectedVersion, $"{membership.User!.Email}'s membership") is { } stale) return stale;
            if (role != TenantRole.Admin && MembershipRules.WhyNotStopBeingAdmin(membership.Role, await LocalAdminsAsync(db, membership.TenantId, ct),
                    membership.User.Email ?? "", membership.Tenant.Name) is { } lastAdmin)
                return Refusal.Conflict(lastAdmin);
            membership.ChangeRole(role);
            return Result.Ok();
        }, ct);

    /// <param name="expectedVersion">When given (an API client's If-Match), the removal applies only to that version.</param>
    public Task<Result> RemoveMemberAsync(Actor actor, Guid membershipId, CancellationToken ct = default, int? expectedVersion = null) =>
        commands.RunSerializedOnAsync(actor, new AuditSubject("member.remove", "Membership", membershipId.ToString(), ""),
            db => TenantOfMembershipAsync(db, membershipId, ct), async db =>
        {
            var membership = await db.Memberships.Include(m => m.Tenant).Include(m => m.User).SingleOrDefaultAsync(m => m.Id == membershipId, ct);
            if (membership is null) return Refusal.NotFound("The membership");
            var access = await TenantAccess.ForAsync(db, actor, membership.TenantId, ct);
            if (!access.CanRead) return Refusal.NotFound("The membership");
            if (!access.CanManage) return Refusal.Forbidden($"Only tenant admins of '{membership.Tenant!.Name}' can remove members.");
            if (expectedVersion is { } version && db.Expect(membership, version, $"{membership.User!.Email}'s membership") is { } stale) return stale;
            if (MembershipRules.WhyNotChange(membership.Source, membership.Role, await LocalAdminsAsync(db, membership.TenantId, ct),
                    membership.User!.Email ?? "", membership.Tenant!.Name) is { } why)
                return Refusal.Conflict(why);
            db.Memberships.Remove(membership);
            return Result.Ok();
        }, ct);

    /// <summary>The tenant a membership belongs to, as the lock its changes take (none when it is gone).</summary>
    private static async Task<IReadOnlyList<ParentLock>> TenantOfMembershipAsync(PortalDbContext db, Guid membershipId, CancellationToken ct) =>
        await db.Memberships.Where(m => m.Id == membershipId).Select(m => m.TenantId).ToListAsync(ct) is [var tenantId] ? [ParentLock.Tenant(tenantId)] : [];

    /// <summary>Local tenant admins of a tenant, for <see cref="MembershipRules.WhyNotStopBeingAdmin"/>.</summary>
    private static Task<int> LocalAdminsAsync(PortalDbContext db, Guid tenantId, CancellationToken ct) =>
        db.Memberships.CountAsync(m => m.TenantId == tenantId && m.Role == TenantRole.Admin && m.Source == MembershipSource.Local, ct);
}
