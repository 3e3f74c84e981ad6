using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;

namespace Portal.Domain.Catalog;

public sealed partial class CatalogService
{
    /// <summary>One flavor of an infrastructure's catalog, for platform readers.</summary>
    public async Task<Result<FlavorRow>> GetFlavorAsync(Actor actor, Guid infrastructureId, Guid entryId, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Flavors.AsNoTracking().Where(f => f.Id == entryId && f.InfrastructureId == infrastructureId)
            .Select(f => new FlavorRow(f.Id, f.ProviderId, f.ProviderName, f.Name, f.Description, f.Vcpus, f.RamMb, f.DiskGb, f.Enabled, f.MissingFromCloud, f.Version))
            .SingleOrDefaultAsync(ct);
        return row is null ? Refusal.NotFound("The flavor") : row;
    }

    /// <summary>One image of an infrastructure's catalog, for platform readers.</summary>
    public async Task<Result<ImageRow>> GetImageAsync(Actor actor, Guid infrastructureId, Guid entryId, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Images.AsNoTracking().Where(i => i.Id == entryId && i.InfrastructureId == infrastructureId)
            .Select(i => new ImageRow(i.Id, i.ProviderId, i.ProviderName, i.Name, i.Description, i.MinRamMb, i.MinDiskGb, i.KubernetesVersion,
                i.Enabled, i.MissingFromCloud, i.Version))
            .SingleOrDefaultAsync(ct);
        return row is null ? Refusal.NotFound("The image") : row;
    }

    /// <summary>
    /// Changes one entry of an infrastructure's catalog at <paramref name="expectedVersion"/>: its name, description and
    /// whether new deployments may use it (null: unchanged), in one audited change. Platform admins only.
    /// </summary>
    public Task<Result> UpdateEntryAsync(Actor actor, CatalogKind kind, Guid infrastructureId, Guid entryId, int expectedVersion, string? name,
        string? description, bool? enabled, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject($"catalog.{Verb(kind)}.update", kind.ToString(), entryId.ToString(), name?.Trim() ?? "",
            new { name, description, enabled }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change catalogs.");
            CatalogEntry? entry = kind == CatalogKind.Flavor
                ? await db.Flavors.SingleOrDefaultAsync(f => f.Id == entryId && f.InfrastructureId == infrastructureId, ct)
                : await db.Images.SingleOrDefaultAsync(i => i.Id == entryId && i.InfrastructureId == infrastructureId, ct);
            if (entry is null) return Refusal.NotFound($"The {Verb(kind)}");
            if (db.Expect(entry, expectedVersion, $"{kind} '{entry.Name}'") is { } stale) return stale;
            if (name is not null && entry.Rename(name) is { Succeeded: false } renamed) return renamed;
            if (description is not null && entry.Describe(description) is { Succeeded: false } described) return described;
            if (enabled is { } on) entry.SetEnabled(on);
            return Result.Ok();
        }, ct);
}
