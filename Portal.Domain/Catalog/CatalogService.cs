using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Catalog;

public enum CatalogKind
{
    Flavor = 0,
    Image = 1,
}

public enum CatalogSort
{
    Name = 0,
    Vcpus = 1,
    Ram = 2,
    Disk = 3,
    KubernetesVersion = 4,
    Enabled = 5,
}

/// <summary>A grid's request: window, free-text search, status filter and sort.</summary>
public sealed record CatalogQuery(int Skip = 0, int Take = Limits.DefaultPageSize, string? Search = null, bool? Enabled = null,
    CatalogSort Sort = CatalogSort.Name, bool Descending = false)
{
    public PageRequest Page => new(Skip, Take, Search);
}

public sealed record FlavorRow(Guid Id, string ProviderId, string ProviderName, string Name, string Description, int Vcpus, int RamMb, int DiskGb,
    bool Enabled, bool MissingFromCloud, int Version);

public sealed record ImageRow(Guid Id, string ProviderId, string ProviderName, string Name, string Description, int MinRamMb, int MinDiskGb,
    string? KubernetesVersion, bool Enabled, bool MissingFromCloud, int Version);

public sealed record RefreshOutcome(int Present, int Missing, int Returned);

/// <summary>An infrastructure's curated catalog: import, rename, describe, enable/disable, delete, refresh.</summary>
public sealed partial class CatalogService(IDbContextFactory<PortalDbContext> dbFactory, CommandRunner commands, TimeProvider clock)
{
    public async Task<Result<Page<FlavorRow>>> ListFlavorsAsync(Actor actor, Guid infrastructureId, CatalogQuery query, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = Filter(db.Flavors.AsNoTracking().Where(f => f.InfrastructureId == infrastructureId), query);
        var total = await rows.CountAsync(ct);
        IOrderedQueryable<FlavorEntry> ordered = query.Sort switch
        {
            CatalogSort.Vcpus => query.Descending ? rows.OrderByDescending(f => f.Vcpus) : rows.OrderBy(f => f.Vcpus),
            CatalogSort.Ram => query.Descending ? rows.OrderByDescending(f => f.RamMb) : rows.OrderBy(f => f.RamMb),
            CatalogSort.Disk => query.Descending ? rows.OrderByDescending(f => f.DiskGb) : rows.OrderBy(f => f.DiskGb),
            CatalogSort.Enabled => query.Descending ? rows.OrderByDescending(f => f.Enabled) : rows.OrderBy(f => f.Enabled),
            CatalogSort.Name or CatalogSort.KubernetesVersion => query.Descending ? rows.OrderByDescending(f => f.Name) : rows.OrderBy(f => f.Name),
        };
        var items = await ordered.ThenBy(f => f.Id).Skip(query.Page.SafeSkip).Take(query.Page.SafeTake)
            .Select(f => new FlavorRow(f.Id, f.ProviderId, f.ProviderName, f.Name, f.Description, f.Vcpus, f.RamMb, f.DiskGb, f.Enabled, f.MissingFromCloud, f.Version))
            .ToListAsync(ct);
        return new Page<FlavorRow>(items, total);
    }

    public async Task<Result<Page<ImageRow>>> ListImagesAsync(Actor actor, Guid infrastructureId, CatalogQuery query, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = Filter(db.Images.AsNoTracking().Where(i => i.InfrastructureId == infrastructureId), query);
        var total = await rows.CountAsync(ct);
        IOrderedQueryable<ImageEntry> ordered = query.Sort switch
        {
            CatalogSort.Ram => query.Descending ? rows.OrderByDescending(i => i.MinRamMb) : rows.OrderBy(i => i.MinRamMb),
            CatalogSort.Disk => query.Descending ? rows.OrderByDescending(i => i.MinDiskGb) : rows.OrderBy(i => i.MinDiskGb),
            CatalogSort.KubernetesVersion => query.Descending ? rows.OrderByDescending(i => i.KubernetesVersion) : rows.OrderBy(i => i.KubernetesVersion),
            CatalogSort.Enabled => query.Descending ? rows.OrderByDescending(i => i.Enabled) : rows.OrderBy(i => i.Enabled),
            CatalogSort.Name or CatalogSort.Vcpus => query.Descending ? rows.OrderByDescending(i => i.Name) : rows.OrderBy(i => i.Name),
        };
        var items = await ordered.ThenBy(i => i.Id).Skip(query.Page.SafeSkip).Take(query.Page.SafeTake)
            .Select(i => new ImageRow(i.Id, i.ProviderId, i.ProviderName, i.Name, i.Description, i.MinRamMb, i.MinDiskGb, i.KubernetesVersion,
                i.Enabled, i.MissingFromCloud, i.Version))
            .ToListAsync(ct);
        return new Page<ImageRow>(items, total);
    }

    /// <summary>Provider ids already in the catalog, so an import picker can mark them.</summary>
    public async Task<IReadOnlySet<string>> ImportedProviderIdsAsync(Guid infrastructureId, CatalogKind kind, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = kind == CatalogKind.Flavor
            ? await db.Flavors.Where(f => f.InfrastructureId == infrastructureId).Select(f => f.ProviderId).ToListAsync(ct)
            : await db.Images.Where(i => i.InfrastructureId == infrastructureId).Select(i => i.ProviderId).ToListAsync(ct);
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Why an import of <paramref name="selected"/> entries is refused before anything is looked up, or null (the import dialog's button).</summary>
    public static string? WhyNotImport(int selected) => selected == 0 ? "Select at least one flavor or image to import." : null;

    /// <summary>Why enabling, disabling or deleting <paramref name="selected"/> entries is refused before anything is looked up, or null.</summary>
    public static string? WhyNotChangeEntries(int selected) => selected == 0 ? "Select at least one entry." : null;

    /// <summary>Imports entries from the cloud; refused whole when any is already imported or repeated.</summary>
    public Task<Result<int>> ImportAsync(Actor actor, Guid infrastructureId, IReadOnlyList<FlavorSpec> flavors, IReadOnlyList<ImageSpec> images, CancellationToken ct = default) =>
        commands.RunAsync<int>(actor, new AuditSubject("catalog.import", "Infrastructure", infrastructureId.ToString(), "",
            // Counts and a sample: an import of thousands would otherwise make a huge audit row.
            new { flavors = flavors.Count, images = images.Count, sample = flavors.Select(f => f.ProviderId).Concat(images.Select(i => i.ProviderId)).Take(20) }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change catalogs.");
            if (!await db.Infrastructures.AnyAsync(i => i.Id == infrastructureId, ct)) return Refusal.NotFound("The infrastructure");
            if (WhyNotImport(flavors.Count + images.Count) is { } why) return Refusal.Invalid(Fields.Selection, why);

            var flavorIds = flavors.Select(f => f.ProviderId).ToList();
            var imageIds = images.Select(i => i.ProviderId).ToList();
            var existingFlavors = await db.Flavors.Where(f => f.InfrastructureId == infrastructureId && flavorIds.Contains(f.ProviderId)).Select(f => f.Name).ToListAsync(ct);
            var existingImages = await db.Images.Where(i => i.InfrastructureId == infrastructureId && imageIds.Contains(i.ProviderId)).Select(i => i.Name).ToListAsync(ct);
            if (existingFlavors.Count + existingImages.Count > 0)
                return Refusal.Conflict($"Already in the catalog, cannot be imported twice: {Naming.List(existingFlavors.Concat(existingImages))}.", Fields.Selection);

            var added = AddEntries(db, infrastructureId, flavors, images, clock.GetUtcNow());
            return added.Succeeded ? flavors.Count + images.Count : added.Refusal!;
        }, ct: ct);

    /// <summary>Adds entries to a context (no save). Used by import and by registration's seed.</summary>
    internal static Result AddEntries(PortalDbContext db, Guid infrastructureId, IReadOnlyList<FlavorSpec> flavors, IReadOnlyList<ImageSpec> images, DateTimeOffset now)
    {
        if (flavors.GroupBy(f => f.ProviderId).FirstOrDefault(g => g.Count() > 1) is { } repeatedFlavor)
            return Refusal.Invalid(Fields.Selection, $"Flavor '{repeatedFlavor.Key}' is selected twice.");
        if (images.GroupBy(i => i.ProviderId).FirstOrDefault(g => g.Count() > 1) is { } repeatedImage)
            return Refusal.Invalid(Fields.Selection, $"Image '{repeatedImage.Key}' is selected twice.");
        var flavorEntries = new List<FlavorEntry>(flavors.Count);
        foreach (var spec in flavors)
        {
            var entry = FlavorEntry.Import(infrastructureId, spec, now);
            if (!entry.Succeeded) return entry.Refusal!;
            flavorEntries.Add(entry.Value!);
        }
        var imageEntries = new List<ImageEntry>(images.Count);
        foreach (var spec in images)
        {
            var entry = ImageEntry.Import(infrastructureId, spec, now);
            if (!entry.Succeeded) return entry.Refusal!;
            imageEntries.Add(entry.Value!);
        }
        db.Flavors.AddRange(flavorEntries);
        db.Images.AddRange(imageEntries);
        return Result.Ok();
    }

    public Task<Result> RenameAsync(Actor actor, CatalogKind kind, Guid entryId, int expectedVersion, string? name, string? description, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject($"catalog.{Verb(kind)}.update", kind.ToString(), entryId.ToString(), name?.Trim() ?? "", new { name, description }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change catalogs.");
            CatalogEntry? entry = kind == CatalogKind.Flavor
                ? await db.Flavors.SingleOrDefaultAsync(f => f.Id == entryId, ct)
                : await db.Images.SingleOrDefaultAsync(i => i.Id == entryId, ct);
            if (entry is null) return Refusal.NotFound($"The {Verb(kind)}");
            if (db.Expect(entry, expectedVersion, $"{kind} '{entry.Name}'") is { } stale) return stale;
            var renamed = entry.Rename(name);
            if (!renamed.Succeeded) return renamed;
            return entry.Describe(description);
        }, ct);

    /// <summary>Enables or disables several entries at once; disabling only affects new deployments.</summary>
    public Task<Result> SetEnabledAsync(Actor actor, CatalogKind kind, IReadOnlyCollection<Guid> entryIds, bool enabled, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject($"catalog.{Verb(kind)}.{(enabled ? "enable" : "disable")}", kind.ToString(), null,
            $"{entryIds.Count} {Verb(kind)}(s)", new { ids = entryIds }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change catalogs.");
            if (WhyNotChangeEntries(entryIds.Count) is { } why) return Refusal.Invalid(Fields.Selection, why);
            var entries = await Entries(db, kind, entryIds, ct);
            if (entries.Count != entryIds.Distinct().Count()) return Refusal.NotFound($"One of the selected {Verb(kind)}s");
            foreach (var entry in entries) entry.SetEnabled(enabled);
            return Result.Ok();
        }, ct);

    public Task<Result> DeleteAsync(Actor actor, CatalogKind kind, IReadOnlyCollection<Guid> entryIds, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject($"catalog.{Verb(kind)}.delete", kind.ToString(), null, $"{entryIds.Count} {Verb(kind)}(s)", new { ids = entryIds }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change catalogs.");
            if (WhyNotChangeEntries(entryIds.Count) is { } why) return Refusal.Invalid(Fields.Selection, why);
            var entries = await Entries(db, kind, entryIds, ct);
            if (entries.Count != entryIds.Distinct().Count()) return Refusal.NotFound($"One of the selected {Verb(kind)}s");
            db.RemoveRange(entries);
            return Result.Ok();
        }, ct);

    /// <summary>
    /// Compares the catalog with what the cloud lists now: entries still there are refreshed and unflagged,
    /// entries gone are flagged as missing (never deleted), and new cloud entries are left for import.
    /// </summary>
    public Task<Result<RefreshOutcome>> RefreshAsync(Actor actor, Guid infrastructureId, IReadOnlyList<FlavorSpec> cloudFlavors,
        IReadOnlyList<ImageSpec> cloudImages, CancellationToken ct = default) =>
        commands.RunAsync<RefreshOutcome>(actor, new AuditSubject("catalog.refresh", "Infrastructure", infrastructureId.ToString(), "",
            new { cloudFlavors = cloudFlavors.Count, cloudImages = cloudImages.Count }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can refresh catalogs.");
            if (!await db.Infrastructures.AnyAsync(i => i.Id == infrastructureId, ct)) return Refusal.NotFound("The infrastructure");
            var now = clock.GetUtcNow();
            var flavorSpecs = cloudFlavors.DistinctBy(f => f.ProviderId).ToDictionary(f => f.ProviderId, StringComparer.Ordinal);
            var imageSpecs = cloudImages.DistinctBy(i => i.ProviderId).ToDictionary(i => i.ProviderId, StringComparer.Ordinal);
            int present = 0, missing = 0;
            foreach (var flavor in await db.Flavors.Where(f => f.InfrastructureId == infrastructureId).ToListAsync(ct))
            {
                if (flavorSpecs.TryGetValue(flavor.ProviderId, out var spec)) { flavor.Refresh(spec, now); present++; }
                else { flavor.MarkSeen(false, now); missing++; }
            }
            foreach (var image in await db.Images.Where(i => i.InfrastructureId == infrastructureId).ToListAsync(ct))
            {
                if (imageSpecs.TryGetValue(image.ProviderId, out var spec)) { image.Refresh(spec, now); present++; }
                else { image.MarkSeen(false, now); missing++; }
            }
            return new RefreshOutcome(present, missing, flavorSpecs.Count + imageSpecs.Count);
        }, ct: ct);

    private static IQueryable<T> Filter<T>(IQueryable<T> rows, CatalogQuery query) where T : CatalogEntry
    {
        if (query.Page.SafeSearch is { } search && query.Page.SearchPattern is { } pattern)
            rows = rows.Where(e => EF.Functions.Like(e.Name.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(e.ProviderName.ToUpper(), pattern, TextSearch.Escape) || e.ProviderId == search);
        if (query.Enabled is { } enabled)
            rows = rows.Where(e => e.Enabled == enabled);
        return rows;
    }

    private static async Task<List<CatalogEntry>> Entries(PortalDbContext db, CatalogKind kind, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        kind == CatalogKind.Flavor
            ? (await db.Flavors.Where(f => ids.Contains(f.Id)).ToListAsync(ct)).Cast<CatalogEntry>().ToList()
            : (await db.Images.Where(i => ids.Contains(i.Id)).ToListAsync(ct)).Cast<CatalogEntry>().ToList();

    private static string Verb(CatalogKind kind) => kind == CatalogKind.Flavor ? "flavor" : "image";
}
