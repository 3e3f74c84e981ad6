using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Dashboard;

public sealed record MyTenant(string Name, string Slug, TenantRole Role, int ProjectCount);

/// <summary>What the home page summarises: counts the actor may see, and the actor's own tenants.</summary>
public sealed record DashboardSummary(int Tenants, int Projects, int? Regions, int? Zones, int? Users, IReadOnlyList<MyTenant> MyTenants)
{
    /// <summary>Managed Kubernetes clusters in the tenants the actor sees.</summary>
    public int Clusters { get; init; }

    /// <summary>Of those, clusters that need attention (Degraded or Error).</summary>
    public int ClustersNeedingAttention { get; init; }

    /// <summary>Managed PostgreSQL databases in the tenants the actor sees.</summary>
    public int Databases { get; init; }

    /// <summary>Of those, databases that need attention (Degraded or Error).</summary>
    public int DatabasesNeedingAttention { get; init; }

    /// <summary>Signed in, but nothing maps to this person (no tenant, no platform role): the page shows no numbers at all.</summary>
    public bool NoAccess { get; init; }
}

public sealed class DashboardService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<DashboardSummary> SummaryAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenants = TenantAccess.Visible(db, actor);
        var tenantIds = tenants.Select(t => t.Id);
        var mine = await db.Memberships.AsNoTracking().Where(m => m.UserId == actor.UserId && tenantIds.Contains(m.TenantId)).OrderBy(m => m.Tenant!.Name)
            .Select(m => new MyTenant(m.Tenant!.Name, m.Tenant.Slug, m.Role, m.Tenant.Projects.Count))
            .ToListAsync(ct);
        // One tenant can be granted both locally and by Keycloak: list it once, with the higher role (roles are stored
        // as text, so the maximum is taken here rather than in SQL).
        mine = mine.GroupBy(t => t.Slug).Select(g => g.MaxBy(t => t.Role)!).ToList();
        var clusters = db.Clusters.AsNoTracking().Where(c => tenantIds.Contains(c.TenantId));
        var clusterCount = await clusters.CountAsync(ct);
        var attention = clusterCount == 0 ? 0
            : await clusters.CountAsync(c => c.State == Clusters.ClusterState.Degraded || c.State == Clusters.ClusterState.Error, ct);
        var databases = db.Databases.AsNoTracking().Where(d => tenantIds.Contains(d.TenantId));
        var databaseCount = await databases.CountAsync(ct);
        var databasesAttention = databaseCount == 0 ? 0
            : await databases.CountAsync(d => d.State == Clusters.ClusterState.Degraded || d.State == Clusters.ClusterState.Error, ct);
        return new DashboardSummary(
            await tenants.CountAsync(ct),
            await db.Projects.CountAsync(p => tenantIds.Contains(p.TenantId), ct),
            actor.CanReadPlatform ? await db.Regions.CountAsync(ct) : null,
            actor.CanReadPlatform ? await db.Zones.CountAsync(ct) : null,
            actor.CanReadPlatform ? await db.Users.CountAsync(ct) : null,
            mine)
        {
            Clusters = clusterCount,
            ClustersNeedingAttention = attention,
            Databases = databaseCount,
            DatabasesNeedingAttention = databasesAttention,
            NoAccess = !actor.CanReadPlatform && mine.Count == 0,
        };
    }
}
