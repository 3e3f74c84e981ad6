using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Regions;

public sealed record RegionRow(Guid Id, string Name, string Description, int ZoneCount, int Version);
public sealed record ZoneRow(Guid Id, Guid RegionId, string Name, string Description, int Version);

/// <summary>Regions and zones: platform readers list them, platform admins change them.</summary>
public sealed class RegionService(IDbContextFactory<PortalDbContext> dbFactory, CommandRunner commands, TimeProvider clock)
{
    public async Task<Result<Page<RegionRow>>> ListRegionsAsync(Actor actor, PageRequest page, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Regions.AsNoTracking();
        if (page.SearchPattern is { } pattern)
            query = query.Where(r => EF.Functions.Like(r.Name.ToUpper(), pattern, TextSearch.Escape));
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(r => r.Name).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(r => new RegionRow(r.Id, r.Name, r.Description, r.Zones.Count, r.Version))
            .ToListAsync(ct);
        return new Page<RegionRow>(items, total);
    }

    public async Task<Result<IReadOnlyList<ZoneRow>>> ListZonesAsync(Actor actor, Guid regionId, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var zones = await db.Zones.AsNoTracking().Where(z => z.RegionId == regionId).OrderBy(z => z.Name)
            .Select(z => new ZoneRow(z.Id, z.RegionId, z.Name, z.Description, z.Version))
            .ToListAsync(ct);
        return zones;
    }

    /// <summary>One region, for platform readers.</summary>
    public async Task<Result<RegionRow>> GetRegionAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var region = await db.Regions.AsNoTracking().Where(r => r.Id == id)
            .Select(r => new RegionRow(r.Id, r.Name, r.Description, r.Zones.Count, r.Version)).SingleOrDefaultAsync(ct);
        return region is null ? Refusal.NotFound("The region") : region;
    }

    /// <summary>One zone of a region, for platform readers.</summary>
    public async Task<Result<ZoneRow>> GetZoneAsync(Actor actor, Guid regionId, Guid id, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var zone = await db.Zones.AsNoTracking().Where(z => z.Id == id && z.RegionId == regionId)
            .Select(z => new ZoneRow(z.Id, z.RegionId, z.Name, z.Description, z.Version)).SingleOrDefaultAsync(ct);
        return zone is null ? Refusal.NotFound("The zone") : zone;
    }

    public Task<Result<Guid>> CreateRegionAsync(Actor actor, string? name, string? description, CancellationToken ct = default) =>
        commands.RunAsync<Guid>(actor, new AuditSubject("region.create", "Region", null, name?.Trim() ?? "", new { name, description }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can create regions.");
            var created = Region.Create(name, description, clock.GetUtcNow());
            if (!created.Succeeded) return created.Refusal!;
            var region = created.Value!;
            if (await db.Regions.Named(region.Name).AnyAsync(ct))
                return Refusal.Conflict($"A region named '{region.Name}' already exists.", Fields.Name);
            db.Regions.Add(region);
            return region.Id;
        }, id => new AuditSubject("region.create", "Region", id.ToString(), name!.Trim(), new { name, description }), ct);

    public Task<Result> UpdateRegionAsync(Actor actor, Guid id, int expectedVersion, string? name, string? description, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("region.update", "Region", id.ToString(), name?.Trim() ?? "", new { name, description }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change regions.");
            var region = await db.Regions.SingleOrDefaultAsync(r => r.Id == id, ct);
            if (region is null) return Refusal.NotFound("The region");
            if (db.Expect(region, expectedVersion, $"Region '{region.Name}'") is { } stale) return stale;
            var renamed = region.Rename(name, description);
            if (!renamed.Succeeded) return renamed;
            if (await db.Regions.Named(region.Name).AnyAsync(r => r.Id != id, ct))
                return Refusal.Conflict($"A region named '{region.Name}' already exists.", Fields.Name);
            return Result.Ok();
        }, ct);

    public Task<Result> DeleteRegionAsync(Actor actor, Guid id, CancellationToken ct = default) =>
        // Serialized on the region with zone creation (and infrastructure creation that adds a zone to it).
        commands.RunSerializedOnAsync(actor, new AuditSubject("region.delete", "Region", id.ToString(), ""), [ParentLock.Region(id)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can delete regions.");
            var region = await db.Regions.Include(r => r.Zones).SingleOrDefaultAsync(r => r.Id == id, ct);
            if (region is null) return Refusal.NotFound("The region");
            if (region.Zones.Count > 0)
                return Refusal.Conflict($"Region '{region.Name}' still has zones: {Naming.List(region.Zones.Select(z => z.Name))}. Delete those zones first.");
            db.Regions.Remove(region);
            return Result.Ok();
        }, ct);

    public Task<Result<Guid>> CreateZoneAsync(Actor actor, Guid regionId, string? name, string? description, CancellationToken ct = default) =>
        commands.RunSerializedOnAsync<Guid>(actor, new AuditSubject("zone.create", "Zone", null, name?.Trim() ?? "", new { regionId, name, description }),
            [ParentLock.Region(regionId)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can create zones.");
            var region = await db.Regions.SingleOrDefaultAsync(r => r.Id == regionId, ct);
            if (region is null) return Refusal.NotFound("The region");
            var created = Zone.Create(regionId, name, description, clock.GetUtcNow());
            if (!created.Succeeded) return created.Refusal!;
            var zone = created.Value!;
            if (await db.Zones.Named(zone.Name).AnyAsync(z => z.RegionId == regionId, ct))
                return Refusal.Conflict($"Region '{region.Name}' already has a zone named '{zone.Name}'.", Fields.Name);
            db.Zones.Add(zone);
            return zone.Id;
        }, id => new AuditSubject("zone.create", "Zone", id.ToString(), name!.Trim(), new { regionId, name, description }), ct);

    public Task<Result> UpdateZoneAsync(Actor actor, Guid id, int expectedVersion, string? name, string? description, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("zone.update", "Zone", id.ToString(), name?.Trim() ?? "", new { name, description }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change zones.");
            var zone = await db.Zones.Include(z => z.Region).SingleOrDefaultAsync(z => z.Id == id, ct);
            if (zone is null) return Refusal.NotFound("The zone");
            if (db.Expect(zone, expectedVersion, $"Zone '{zone.Name}'") is { } stale) return stale;
            var renamed = zone.Rename(name, description);
            if (!renamed.Succeeded) return renamed;
            if (await db.Zones.Named(zone.Name).AnyAsync(z => z.Id != id && z.RegionId == zone.RegionId, ct))
                return Refusal.Conflict($"Region '{zone.Region!.Name}' already has a zone named '{zone.Name}'.", Fields.Name);
            return Result.Ok();
        }, ct);

    /// <summary>Deletes a zone, refused while infrastructures are placed in it (the message names them).</summary>
    public Task<Result> DeleteZoneAsync(Actor actor, Guid id, CancellationToken ct = default) =>
        // Serialized on the zone with infrastructures placed into it.
        commands.RunSerializedOnAsync(actor, new AuditSubject("zone.delete", "Zone", id.ToString(), ""), [ParentLock.Zone(id)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can delete zones.");
            var zone = await db.Zones.SingleOrDefaultAsync(z => z.Id == id, ct);
            if (zone is null) return Refusal.NotFound("The zone");
            var placed = await db.Infrastructures.Where(i => i.ZoneId == id).Select(i => i.Name).ToListAsync(ct);
            if (placed.Count > 0)
                return Refusal.Conflict($"Zone '{zone.Name}' still holds infrastructures: {Naming.List(placed)}. Move or delete them first.");
            db.Zones.Remove(zone);
            return Result.Ok();
        }, ct);
}
