using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Regions;

namespace Portal.Domain.Infrastructures;

public sealed record InfrastructureRow(Guid Id, string Name, InfrastructureProvider Provider, string RegionName, string ZoneName,
    bool? LastValidationSucceeded, DateTimeOffset? LastValidatedAt, int FlavorCount, int ImageCount);

public sealed record InfrastructureDetail(Guid Id, string Name, string Description, InfrastructureProvider Provider,
    Guid RegionId, string RegionName, Guid ZoneId, string ZoneName, ConnectionSettings? Connection, bool HasSecret,
    DateTimeOffset? LastValidatedAt, bool LastValidationSucceeded, string LastValidationSummary, DateTimeOffset CreatedAt, int Version,
    string? ManagementClusterServer = null);

/// <summary>Where a new infrastructure goes: an existing zone, or a zone (and maybe a region) created with it.</summary>
public sealed record Placement(Guid? ZoneId, Guid? RegionId, string? NewRegionName, string? NewRegionDescription, string? NewZoneName, string? NewZoneDescription)
{
    public static Placement Existing(Guid zoneId) => new(zoneId, null, null, null, null, null);
    public static Placement NewZone(Guid regionId, string zoneName) => new(null, regionId, null, null, zoneName, null);
    public static Placement NewRegionAndZone(string regionName, string zoneName) => new(null, null, regionName, null, zoneName, null);
}

/// <summary>The outcome of checking a connection against the cloud, as the registration probe reports it.</summary>
public sealed record ConnectionCheck(bool Succeeded, string Summary);

public sealed record RegistrationRequest(
    string? Name,
    string? Description,
    InfrastructureProvider Provider,
    Placement Placement,
    ConnectionSettings? Connection,
    string? Secret,
    ConnectionCheck Check,
    IReadOnlyList<FlavorSpec> SeedFlavors,
    IReadOnlyList<ImageSpec> SeedImages);

/// <summary>Registered clouds: platform readers list them; platform admins register, edit and delete them.</summary>
public sealed class InfrastructureService(IDbContextFactory<PortalDbContext> dbFactory, CommandRunner commands, SecretProtector secrets, TimeProvider clock)
{
    public async Task<Result<Page<InfrastructureRow>>> ListAsync(Actor actor, PageRequest page, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Infrastructures.AsNoTracking();
        if (page.SearchPattern is { } pattern)
            query = query.Where(i => EF.Functions.Like(i.Name.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(i.Zone!.Name.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(i.Zone!.Region!.Name.ToUpper(), pattern, TextSearch.Escape));
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(i => i.Name).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(i => new InfrastructureRow(i.Id, i.Name, i.Provider, i.Zone!.Region!.Name, i.Zone.Name,
                i.LastValidatedAt == null ? null : i.LastValidationSucceeded, i.LastValidatedAt,
                db.Flavors.Count(f => f.InfrastructureId == i.Id), db.Images.Count(m => m.InfrastructureId == i.Id)))
            .ToListAsync(ct);
        return new Page<InfrastructureRow>(items, total);
    }

    public async Task<Result<InfrastructureDetail>> GetAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var infrastructure = await db.Infrastructures.AsNoTracking().Include(i => i.Zone!).ThenInclude(z => z.Region)
            .SingleOrDefaultAsync(i => i.Id == id, ct);
        if (infrastructure is null) return Refusal.NotFound("The infrastructure");
        return Detail(infrastructure);
    }

    /// <summary>Is the name free? For the wizard's first step; registration checks again.</summary>
    public async Task<bool> IsNameTakenAsync(string? name, CancellationToken ct = default)
    {
        var trimmed = name?.Trim() ?? "";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Infrastructures.Named(trimmed).AnyAsync(ct);
    }

    /// <summary>
    /// Would registration accept this placement? For the wizard's placement step, so that a region or zone named like
    /// an existing one is refused there rather than at the last step. The same checks registration makes, on a context
    /// that is never saved: nothing is created. Registration checks again.
    /// </summary>
    public async Task<Result> CheckPlacementAsync(Actor actor, Placement placement, CancellationToken ct = default)
    {
        if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can register infrastructures.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var zone = await ResolvePlacementAsync(db, placement, clock.GetUtcNow(), ct);
        return zone.Succeeded ? Result.Ok() : zone.Refusal!;
    }

    /// <summary>
    /// Saves a new infrastructure with its placement (creating a region and zone inline when asked) and its
    /// catalog seed, all in one transaction. Only a connection that validated against the cloud is accepted.
    /// </summary>
    public Task<Result<Guid>> RegisterAsync(Actor actor, RegistrationRequest request, CancellationToken ct = default)
    {
        var parameters = new
        {
            name = request.Name,
            provider = request.Provider.ToString(),
            placement = request.Placement,
            authUrl = request.Connection?.AuthUrl,
            region = request.Connection?.RegionName,
            credentialKind = request.Connection?.CredentialKind.ToString(),
            secret = request.Secret is null ? null : "(redacted)",
            seedFlavors = request.SeedFlavors.Count,
            seedImages = request.SeedImages.Count,
        };
        var subject = new AuditSubject("infrastructure.register", "Infrastructure", null, request.Name?.Trim() ?? "", parameters);
        // Serialized on the zone it is placed in, or on the region a new zone joins, with their deletion.
        IReadOnlyList<ParentLock> placement = request.Placement.ZoneId is { } zoneId ? [ParentLock.Zone(zoneId)]
            : request.Placement.RegionId is { } regionId ? [ParentLock.Region(regionId)] : [];
        // Encrypted before the serialized transaction: the first use of a key ring (or its rotation) writes a new key
        // through a connection of its own, which would wait for this transaction's write lock on SQLite.
        var secretProtected = request.Provider == InfrastructureProvider.OpenStack && !string.IsNullOrEmpty(request.Secret)
            ? secrets.Protect(request.Secret) : null;
        return commands.RunSerializedOnAsync<Guid>(actor, subject, placement, async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can register infrastructures.");
            if (!request.Check.Succeeded)
                return Refusal.Invalid(Fields.Connection, $"The connection did not validate: {request.Check.Summary}");

            ConnectionSettings? connection = null;
            string? protectedSecret = null;
            if (request.Provider == InfrastructureProvider.OpenStack)
            {
                if (request.Connection is null) return Refusal.Invalid(Fields.AuthUrl, "Connection details are required.");
                var validated = request.Connection.Validate(!string.IsNullOrEmpty(request.Secret));
                if (!validated.Succeeded) return validated.Refusal!;
                connection = validated.Value!;
                protectedSecret = secretProtected;
            }

            var now = clock.GetUtcNow();
            var zone = await ResolvePlacementAsync(db, request.Placement, now, ct);
            if (!zone.Succeeded) return zone.Refusal!;

            var created = Infrastructure.Create(request.Name, request.Description, request.Provider, zone.Value!.Id, connection, protectedSecret, now);
            if (!created.Succeeded) return created.Refusal!;
            var infrastructure = created.Value!;
            if (await db.Infrastructures.Named(infrastructure.Name).AnyAsync(ct))
                return Refusal.Conflict($"An infrastructure named '{infrastructure.Name}' already exists.", Fields.Name);
            infrastructure.RecordValidation(true, request.Check.Summary, now);
            db.Infrastructures.Add(infrastructure);

            var seeded = CatalogService.AddEntries(db, infrastructure.Id, request.SeedFlavors, request.SeedImages, now);
            if (!seeded.Succeeded) return seeded.Refusal!;
            return infrastructure.Id;
        }, id => subject with { TargetId = id.ToString() }, ct);
    }

    public Task<Result> UpdateDetailsAsync(Actor actor, Guid id, int expectedVersion, string? name, string? description, Guid zoneId, CancellationToken ct = default) =>
        // Serialized on the zone it moves to, with that zone's deletion.
        commands.RunSerializedOnAsync(actor, new AuditSubject("infrastructure.update", "Infrastructure", id.ToString(), name?.Trim() ?? "", new { name, description, zoneId }),
            [ParentLock.Zone(zoneId)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change infrastructures.");
            var infrastructure = await db.Infrastructures.SingleOrDefaultAsync(i => i.Id == id, ct);
            if (infrastructure is null) return Refusal.NotFound("The infrastructure");
            if (db.Expect(infrastructure, expectedVersion, $"Infrastructure '{infrastructure.Name}'") is { } stale) return stale;
            var described = infrastructure.Describe(name, description);
            if (!described.Succeeded) return described;
            if (await db.Infrastructures.Named(infrastructure.Name).AnyAsync(i => i.Id != id, ct))
                return Refusal.Conflict($"An infrastructure named '{infrastructure.Name}' already exists.", Fields.Name);
            if (!await db.Zones.AnyAsync(z => z.Id == zoneId, ct)) return Refusal.Invalid(Fields.Zone, "Choose a zone.");
            infrastructure.MoveTo(zoneId);
            return Result.Ok();
        }, ct);

    /// <summary>Replaces the connection after it validated; a null secret keeps the stored one.</summary>
    public Task<Result> UpdateConnectionAsync(Actor actor, Guid id, int expectedVersion, ConnectionSettings connection, string? newSecret,
        ConnectionCheck check, CancellationToken ct = default)
    {
        var parameters = new { connection.AuthUrl, connection.RegionName, credentialKind = connection.CredentialKind.ToString(), secret = newSecret is null ? "(unchanged)" : "(replaced)" };
        return commands.RunAsync(actor, new AuditSubject("infrastructure.update-connection", "Infrastructure", id.ToString(), "", parameters), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change connections.");
            var infrastructure = await db.Infrastructures.SingleOrDefaultAsync(i => i.Id == id, ct);
            if (infrastructure is null) return Refusal.NotFound("The infrastructure");
            if (infrastructure.Provider == InfrastructureProvider.Demo) return Refusal.Invalid(Fields.Provider, "The demo cloud has no connection to edit.");
            if (db.Expect(infrastructure, expectedVersion, $"Infrastructure '{infrastructure.Name}'") is { } stale) return stale;
            var secretKindUnchanged = connection.CredentialKind == infrastructure.CredentialKind;
            // Switching credential type needs the new secret; keeping it can reuse the stored one.
            var hasSecret = !string.IsNullOrEmpty(newSecret) || (secretKindUnchanged && infrastructure.ProtectedSecret is not null);
            var validated = connection.Validate(hasSecret);
            if (!validated.Succeeded) return validated.Refusal!;
            if (!check.Succeeded) return Refusal.Invalid(Fields.Connection, $"The connection did not validate: {check.Summary}");
            infrastructure.ApplyConnection(validated.Value!, string.IsNullOrEmpty(newSecret) ? null : secrets.Protect(newSecret));
            infrastructure.RecordValidation(true, check.Summary, clock.GetUtcNow());
            return Result.Ok();
        }, ct);
    }

    /// <summary>
    /// Would <see cref="UpdateConnectionAsync"/> accept this connection, before the cloud is asked? The same checks in the
    /// same order (platform admin, the infrastructure, not the demo cloud, the version, the settings' shape), nothing
    /// saved or audited: so that only a change that can be made reaches the cloud probe. Returns the trimmed settings.
    /// </summary>
    public async Task<Result<ConnectionSettings>> CheckConnectionChangeAsync(Actor actor, Guid id, int expectedVersion, ConnectionSettings connection,
        string? newSecret, CancellationToken ct = default)
    {
        if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change connections.");
        if (actor.WhyNotWrite() is { } readOnly) return readOnly;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var infrastructure = await db.Infrastructures.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        if (infrastructure is null) return Refusal.NotFound("The infrastructure");
        if (infrastructure.Provider == InfrastructureProvider.Demo) return Refusal.Invalid(Fields.Provider, "The demo cloud has no connection to edit.");
        if (infrastructure.Version != expectedVersion) return Refusal.Concurrency($"Infrastructure '{infrastructure.Name}'");
        var hasSecret = !string.IsNullOrEmpty(newSecret) || (connection.CredentialKind == infrastructure.CredentialKind && infrastructure.ProtectedSecret is not null);
        return connection.Validate(hasSecret);
    }

    /// <summary>Stores the outcome of a re-check (not a change anyone asked for, so not audited).</summary>
    public async Task RecordValidationAsync(Guid id, ConnectionCheck check, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var infrastructure = await db.Infrastructures.SingleOrDefaultAsync(i => i.Id == id, ct);
        if (infrastructure is null) return;
        infrastructure.RecordValidation(check.Succeeded, check.Summary, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The stored connection with its secret, for server code that calls the cloud. Never hand this to a page.
    /// </summary>
    public async Task<(InfrastructureProvider Provider, ConnectionSettings? Connection, string? Secret)?> GetCredentialsAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var infrastructure = await db.Infrastructures.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        if (infrastructure is null) return null;
        var secret = infrastructure.ProtectedSecret is null ? null : secrets.Unprotect(infrastructure.ProtectedSecret);
        return (infrastructure.Provider, infrastructure.Connection, secret);
    }

    /// <summary>
    /// Sets (or, with null, removes) the kubeconfig of the management cluster that runs Cluster API for this cloud. The
    /// caller has parsed it and reached the cluster; it is stored encrypted. Removing it is refused while managed clusters
    /// live on the infrastructure. Platform admins only.
    /// </summary>
    public Task<Result> SetManagementClusterAsync(Actor actor, Guid id, int expectedVersion, string? kubeconfig, string? server, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("infrastructure.set-management-cluster", "Infrastructure", id.ToString(), "",
            new { kubeconfig = kubeconfig is null ? null : "(redacted)", server }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can configure management clusters.");
            var infrastructure = await db.Infrastructures.SingleOrDefaultAsync(i => i.Id == id, ct);
            if (infrastructure is null) return Refusal.NotFound("The infrastructure");
            if (db.Expect(infrastructure, expectedVersion, "This infrastructure") is { } stale) return stale;
            if (infrastructure.Provider == InfrastructureProvider.Demo)
                return Refusal.Invalid(Fields.Kubeconfig, "The demo cloud brings its own management cluster; there is nothing to configure.");
            if (kubeconfig is null && await db.Clusters.AnyAsync(c => c.InfrastructureId == id, ct))
                return Refusal.Conflict("Managed clusters on this infrastructure are provisioned through its management cluster. Delete them before removing it.");
            infrastructure.SetManagementCluster(kubeconfig is null ? null : secrets.Protect(kubeconfig), server);
            return Result.Ok();
        }, ct);

    /// <summary>The decrypted management cluster kubeconfig, for the code that provisions through it; never for display.</summary>
    public async Task<(InfrastructureProvider Provider, string? Kubeconfig)?> GetManagementKubeconfigAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Infrastructures.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.Provider, i.ProtectedManagementKubeconfig }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        return (row.Provider, row.ProtectedManagementKubeconfig is null ? null : secrets.Unprotect(row.ProtectedManagementKubeconfig));
    }

    /// <summary>Deletes an infrastructure and its catalog; refused while it has Service Configs.</summary>
    public Task<Result> DeleteAsync(Actor actor, Guid id, CancellationToken ct = default) =>
        // Serialized on the infrastructure with Service Config creation on it.
        commands.RunSerializedOnAsync(actor, new AuditSubject("infrastructure.delete", "Infrastructure", id.ToString(), ""), [ParentLock.Infrastructure(id)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can delete infrastructures.");
            var infrastructure = await db.Infrastructures.SingleOrDefaultAsync(i => i.Id == id, ct);
            if (infrastructure is null) return Refusal.NotFound("The infrastructure");
            var configs = await db.ServiceConfigs.Where(s => s.InfrastructureId == id).Select(s => s.Name).ToListAsync(ct);
            if (configs.Count > 0)
                return Refusal.Conflict($"'{infrastructure.Name}' still has Service Configs: {Naming.List(configs)}. Delete them first.");
            db.Infrastructures.Remove(infrastructure);
            return Result.Ok();
        }, ct);

    private async Task<Result<Zone>> ResolvePlacementAsync(PortalDbContext db, Placement placement, DateTimeOffset now, CancellationToken ct)
    {
        if (placement.ZoneId is { } zoneId)
        {
            var existing = await db.Zones.SingleOrDefaultAsync(z => z.Id == zoneId, ct);
            return existing is null ? Refusal.Invalid(Fields.Zone, "The chosen zone no longer exists. Choose another.") : existing;
        }

        Region region;
        if (placement.RegionId is { } regionId)
        {
            var found = await db.Regions.SingleOrDefaultAsync(r => r.Id == regionId, ct);
            if (found is null) return Refusal.Invalid(Fields.Region, "The chosen region no longer exists. Choose another.");
            region = found;
        }
        else
        {
            var newRegion = Region.Create(placement.NewRegionName, placement.NewRegionDescription, now);
            if (!newRegion.Succeeded) return newRegion.Refusal! with { Field = Fields.NewRegionName };
            region = newRegion.Value!;
            if (await db.Regions.Named(region.Name).AnyAsync(ct))
                return Refusal.Conflict($"A region named '{region.Name}' already exists. Choose it instead of creating it.", Fields.NewRegionName);
            db.Regions.Add(region);
        }

        var newZone = Zone.Create(region.Id, placement.NewZoneName, placement.NewZoneDescription, now);
        if (!newZone.Succeeded) return newZone.Refusal! with { Field = Fields.NewZoneName };
        var zone = newZone.Value!;
        if (await db.Zones.Named(zone.Name).AnyAsync(z => z.RegionId == region.Id, ct))
            return Refusal.Conflict($"Region '{region.Name}' already has a zone named '{zone.Name}'. Choose it instead of creating it.", Fields.NewZoneName);
        db.Zones.Add(zone);
        return zone;
    }

    private static InfrastructureDetail Detail(Infrastructure i) =>
        new(i.Id, i.Name, i.Description, i.Provider, i.Zone!.RegionId, i.Zone.Region!.Name, i.ZoneId, i.Zone.Name, i.Connection,
            i.ProtectedSecret is not null, i.LastValidatedAt, i.LastValidationSucceeded, i.LastValidationSummary, i.CreatedAt, i.Version,
            i.ManagementClusterServer);
}
