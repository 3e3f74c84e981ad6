using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Tenancy;

/// <summary>What an actor may do inside one tenant, decided from the database on every request.</summary>
public sealed record TenantAccess(TenantRole? Role, bool IsPlatformAdmin, bool IsPlatformReader)
{
    public bool CanRead => Role is not null || IsPlatformReader;
    /// <summary>Manage projects and members.</summary>
    public bool CanManage => Role == TenantRole.Admin || IsPlatformAdmin;

    public static async Task<TenantAccess> ForAsync(PortalDbContext db, Actor actor, Guid tenantId, CancellationToken ct)
    {
        // Local and directory grants may both exist; the highest role wins. Roles are stored as text, so compare here.
        var roles = await db.Memberships.AsNoTracking()
            .Where(m => m.TenantId == tenantId && m.UserId == actor.UserId)
            .Select(m => m.Role)
            .ToListAsync(ct);
        TenantRole? role = roles.Count == 0 ? null : roles.Max();
        return new TenantAccess(role, actor.IsPlatformAdmin, actor.CanReadPlatform);
    }

    /// <summary>Tenants the actor may read: all for platform readers, otherwise those they belong to.</summary>
    public static IQueryable<Tenant> Visible(PortalDbContext db, Actor actor) =>
        actor.CanReadPlatform
            ? db.Tenants.AsNoTracking()
            : db.Tenants.AsNoTracking().Where(t => t.Memberships.Any(m => m.UserId == actor.UserId));
}
