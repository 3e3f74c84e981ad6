using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Tenancy;

/// <summary>What an actor may do inside one tenant, decided from the database on every request.</summary>
/// <remarks>
/// The one place that turns an actor into tenant rights, so API tokens are honoured here for every service: a tenant
/// outside a token's tenant limit gives no access at all, and a project service account (which has no memberships) is a
/// <see cref="TenantRole.Member"/> of its own project's tenant and of nothing else.
/// </remarks>
public sealed record TenantAccess(TenantRole? Role, bool IsPlatformAdmin, bool IsPlatformReader)
{
    private static readonly TenantAccess None = new(null, false, false);

    public bool CanRead => Role is not null || IsPlatformReader;
    /// <summary>Manage projects and members.</summary>
    public bool CanManage => Role == TenantRole.Admin || IsPlatformAdmin;

    public static async Task<TenantAccess> ForAsync(PortalDbContext db, Actor actor, Guid tenantId, CancellationToken ct)
    {
        if (!actor.MayReachTenant(tenantId)) return None;
        if (actor.Credential?.ServiceAccountId is { } serviceAccountId)
        {
            // Read again on every request: deleting the service account ends its access at once.
            var member = await db.ServiceAccounts.AsNoTracking().AnyAsync(s => s.Id == serviceAccountId && s.TenantId == tenantId, ct);
            return member ? new TenantAccess(TenantRole.Member, false, false) : None;
        }
        // Local and directory grants may both exist; the highest role wins. Roles are stored as text, so compare here.
        var roles = await db.Memberships.AsNoTracking()
            .Where(m => m.TenantId == tenantId && m.UserId == actor.UserId)
            .Select(m => m.Role)
            .ToListAsync(ct);
        TenantRole? role = roles.Count == 0 ? null : roles.Max();
        return new TenantAccess(role, actor.IsPlatformAdmin, actor.CanReadPlatform);
    }

    /// <summary>
    /// The tenants in which the actor holds at least <paramref name="atLeast"/> as a tenant role (platform roles not
    /// counted), within its token's tenant limit: for lists and pickers that filter in SQL. May repeat a tenant.
    /// </summary>
    public static IQueryable<Guid> TenantIdsWithRole(PortalDbContext db, Actor actor, TenantRole atLeast = TenantRole.Viewer)
    {
        IQueryable<Guid> ids;
        if (actor.Credential?.ServiceAccountId is { } serviceAccountId)
        {
            var accounts = db.ServiceAccounts.AsNoTracking().Where(s => s.Id == serviceAccountId);
            if (atLeast > TenantRole.Member) accounts = accounts.Where(_ => false);
            ids = accounts.Select(s => s.TenantId);
        }
        else
        {
            var memberships = db.Memberships.AsNoTracking().Where(m => m.UserId == actor.UserId);
            memberships = atLeast switch
            {
                TenantRole.Viewer => memberships,
                TenantRole.Member => memberships.Where(m => m.Role == TenantRole.Member || m.Role == TenantRole.Admin),
                TenantRole.Admin => memberships.Where(m => m.Role == TenantRole.Admin),
            };
            ids = memberships.Select(m => m.TenantId);
        }
        if (actor.Credential?.TenantLimit is { } limit)
        {
            var allowed = limit.ToList();
            ids = ids.Where(id => allowed.Contains(id));
        }
        return ids;
    }

    /// <summary>Whether the actor reads every tenant through a platform role (a tenant-limited token never does).</summary>
    public static bool ReadsEveryTenant(Actor actor) => actor.CanReadPlatform && actor.Credential?.TenantLimit is null;

    /// <summary>Tenants the actor may read: all for platform readers, otherwise those they belong to.</summary>
    public static IQueryable<Tenant> Visible(PortalDbContext db, Actor actor)
    {
        if (ReadsEveryTenant(actor)) return db.Tenants.AsNoTracking();
        var ids = TenantIdsWithRole(db, actor);
        return db.Tenants.AsNoTracking().Where(t => ids.Contains(t.Id));
    }
}
