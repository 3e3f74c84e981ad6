using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;

namespace Portal.Domain.ServiceConfigs;

/// <summary>
/// A Service Config as one reader may see it. Platform readers see every Service Config with whom it is offered to;
/// a tenant's member or admin sees only those offered to a tenant where they may deploy (what the create wizards list),
/// and never whom else it is offered to (<see cref="OfferedToAllTenants"/> and the offer lists are null for them).
/// </summary>
public sealed record ServiceConfigView(Guid Id, Guid InfrastructureId, string InfrastructureName, string Location, string Name, string Description,
    bool? OfferedToAllTenants, IReadOnlyList<Guid>? OfferedTenantIds, IReadOnlyList<string>? OfferedTenantNames, IReadOnlyList<PlatformSummary> Platforms,
    int Version);

public sealed partial class ServiceConfigService
{
    /// <summary>
    /// The Service Configs the actor may see, by infrastructure then name: all for platform readers; for anyone else those
    /// offered to a tenant where they are a member or admin (the ones the create wizards offer them).
    /// </summary>
    public async Task<Page<ServiceConfigView>> ListVisibleAsync(Actor actor, Guid? infrastructureId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Visible(db, actor);
        if (infrastructureId is { } infrastructure) query = query.Where(s => s.InfrastructureId == infrastructure);
        if (page.SearchPattern is { } pattern)
            query = query.Where(s => EF.Functions.Like(s.Name.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(s.Infrastructure!.Name.ToUpper(), pattern, TextSearch.Escape));
        var total = await query.CountAsync(ct);
        var ids = await query.OrderBy(s => s.Infrastructure!.Name).ThenBy(s => s.Name).ThenBy(s => s.Id)
            .Skip(page.SafeSkip).Take(page.SafeTake).Select(s => s.Id).ToListAsync(ct);
        var views = await ViewsAsync(db, actor, ids, ct);
        return new Page<ServiceConfigView>(ids.Select(id => views[id]).ToList(), total);
    }

    /// <summary>One Service Config, if the actor may see it (see <see cref="ListVisibleAsync"/>); otherwise it does not exist for them.</summary>
    public async Task<Result<ServiceConfigView>> GetVisibleAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await Visible(db, actor).AnyAsync(s => s.Id == id, ct)) return Refusal.NotFound("The Service Config");
        return (await ViewsAsync(db, actor, [id], ct))[id];
    }

    private static IQueryable<ServiceConfig> Visible(PortalDbContext db, Actor actor)
    {
        if (actor.CanReadPlatform) return db.ServiceConfigs.AsNoTracking();
        var tenantIds = TenantAccess.TenantIdsWithRole(db, actor, TenantRole.Member);
        return db.ServiceConfigs.AsNoTracking().Where(s => (s.OfferedToAllTenants && tenantIds.Any()) || s.Offers.Any(o => tenantIds.Contains(o.TenantId)));
    }

    private static async Task<Dictionary<Guid, ServiceConfigView>> ViewsAsync(PortalDbContext db, Actor actor, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var rows = await db.ServiceConfigs.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new
            {
                s.Id, s.InfrastructureId, Infrastructure = s.Infrastructure!.Name, Zone = s.Infrastructure.Zone!.Name, Region = s.Infrastructure.Zone.Region!.Name,
                s.Name, s.Description, s.OfferedToAllTenants, s.Version,
                Offers = s.Offers.Select(o => new { o.TenantId, o.Tenant!.Name }).ToList(),
                Platforms = s.Platforms.OrderBy(p => p.Kind).Select(p => new PlatformSummary(p.Id, p.Kind, p.Enabled, p.State, p.StateReason,
                    p.ExternalNetworkName, p.PostgresMode, p.OperatorVersion)).ToList(),
            })
            .AsSplitQuery().ToListAsync(ct);
        var offers = actor.CanReadPlatform;
        return rows.ToDictionary(s => s.Id, s => new ServiceConfigView(s.Id, s.InfrastructureId, s.Infrastructure, $"{s.Region} / {s.Zone}", s.Name,
            s.Description, offers ? s.OfferedToAllTenants : null,
            offers ? s.Offers.OrderBy(o => o.Name).Select(o => o.TenantId).ToList() : null,
            offers ? s.Offers.Select(o => o.Name).Order().ToList() : null,
            s.Platforms, s.Version));
    }
}
