using Portal.Api.Common;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;

namespace Portal.Api.Platform;

/// <summary>A new region or zone, or changes to one (omitted values stay as they are).</summary>
public sealed record RegionBody(string? Name, string? Description);

/// <summary>A new Service Config on an infrastructure. Offered to every tenant unless <see cref="TenantIds"/> names some.</summary>
public sealed record CreateServiceConfigBody(Guid? InfrastructureId, string? Name, string? Description, bool? OfferedToAllTenants, IReadOnlyList<Guid>? TenantIds);

/// <summary>Changes to a Service Config; omitted values stay as they are.</summary>
public sealed record UpdateServiceConfigBody(string? Name, string? Description, bool? OfferedToAllTenants, IReadOnlyList<Guid>? TenantIds);

/// <summary>A PostgreSQL platform's backup object store. The secret key is write-only: omitted, the stored one is kept.</summary>
public sealed record BackupStoreBody(string? DestinationPath, string? EndpointUrl, string? AccessKeyId, string? SecretAccessKey);

/// <summary>The operator version to upgrade a PostgreSQL platform to.</summary>
public sealed record UpgradePlatformBody(string? Version);

/// <summary>The platform admins' writes on regions, zones, infrastructures, Service Configs and platforms.</summary>
public static class PlatformWritesApi
{
    public static string RegionUrl(Guid id) => $"{ApiPaths.Root}/regions/{id}";
    public static string ZoneUrl(Guid regionId, Guid id) => $"{RegionUrl(regionId)}/zones/{id}";

    public static RouteGroupBuilder MapPlatformWrites(this RouteGroupBuilder api)
    {
        var regions = api.MapGroup("/regions").WithTags("Regions");
        regions.MapGet("/{id:guid}", GetRegionAsync).WithName("getRegion").WithSummary("One region with its zones (platform readers)")
            .Produces<RegionResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        regions.MapPost("/", CreateRegionAsync).WithName("createRegion").WithSummary("Create a region (platform admins)")
            .Produces<RegionResource>(StatusCodes.Status201Created).CreateProblems();
        regions.MapPatch("/{id:guid}", UpdateRegionAsync).WithName("updateRegion").WithSummary("Rename or describe a region (platform admins)")
            .Produces<RegionResource>().WithMetadata(new HonorsIfMatchAttribute()).ChangeProblems();
        regions.MapDelete("/{id:guid}", DeleteRegionAsync).WithName("deleteRegion").WithSummary("Delete a region without zones (platform admins)")
            .Produces(StatusCodes.Status204NoContent).DeleteProblems();
        regions.MapGet("/{id:guid}/zones/{zoneId:guid}", GetZoneAsync).WithName("getZone").WithSummary("One zone (platform readers)")
            .Produces<ZoneResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        regions.MapPost("/{id:guid}/zones", CreateZoneAsync).WithName("createZone").WithSummary("Create a zone in the region (platform admins)")
            .Produces<ZoneResource>(StatusCodes.Status201Created).CreateProblems().ProducesProblem(StatusCodes.Status404NotFound);
        regions.MapPatch("/{id:guid}/zones/{zoneId:guid}", UpdateZoneAsync).WithName("updateZone").WithSummary("Rename or describe a zone (platform admins)")
            .Produces<ZoneResource>().WithMetadata(new HonorsIfMatchAttribute()).ChangeProblems();
        regions.MapDelete("/{id:guid}/zones/{zoneId:guid}", DeleteZoneAsync).WithName("deleteZone")
            .WithSummary("Delete a zone that holds no infrastructure (platform admins)").Produces(StatusCodes.Status204NoContent).DeleteProblems();

        api.MapDelete("/infrastructures/{id:guid}", DeleteInfrastructureAsync).WithTags("Infrastructures").WithName("deleteInfrastructure")
            .WithSummary("Delete a cloud without Service Configs, and its catalog (platform admins)").Produces(StatusCodes.Status204NoContent).DeleteProblems();

        var configs = api.MapGroup("/service-configs").WithTags("Service Configs");
        configs.MapPost("/", CreateServiceConfigAsync).WithName("createServiceConfig").WithSummary("Create a Service Config (platform admins)")
            .Produces<ServiceConfigResource>(StatusCodes.Status201Created).CreateProblems().ProducesProblem(StatusCodes.Status404NotFound);
        configs.MapPatch("/{id:guid}", UpdateServiceConfigAsync).WithName("updateServiceConfig")
            .WithSummary("Rename, describe or change whom a Service Config is offered to (platform admins)")
            .Produces<ServiceConfigResource>().WithMetadata(new HonorsIfMatchAttribute()).ChangeProblems();
        configs.MapDelete("/{id:guid}", DeleteServiceConfigAsync).WithName("deleteServiceConfig")
            .WithSummary("Delete a Service Config without platforms (platform admins)").Produces(StatusCodes.Status204NoContent).DeleteProblems();
        configs.MapPost("/{id:guid}/platforms/{platformId:guid}/actions/upgrade", UpgradePlatformAsync).WithName("upgradePlatform")
            .WithSummary("Upgrade a PostgreSQL platform's operator (platform admins; starts an operation)")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).WithMetadata(new HonorsIfMatchAttribute()).ChangeProblems();
        configs.MapDelete("/{id:guid}/platforms/{platformId:guid}", DeletePlatformAsync).WithName("deletePlatform")
            .WithSummary("Delete a platform: MKS at once (204), PostgreSQL through an operation (202) (platform admins)")
            .Produces(StatusCodes.Status204NoContent).Produces<AcceptedOperation>(StatusCodes.Status202Accepted).DeleteProblems();
        return api;
    }

    private static RouteHandlerBuilder CreateProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static RouteHandlerBuilder ChangeProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static RouteHandlerBuilder DeleteProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

    // ---------------------------------------------------------------- regions and zones

    private static async Task<Result<RegionResource>> RegionAsync(Actor actor, Guid id, RegionService regions, CancellationToken ct)
    {
        var region = await regions.GetRegionAsync(actor, id, ct);
        if (!region.Succeeded) return region.Refusal!;
        var zones = await regions.ListZonesAsync(actor, id, ct);
        return zones.Succeeded ? RegionResource.From(region.Value!, zones.Value!) : zones.Refusal!;
    }

    private static async Task<IResult> GetRegionAsync(HttpContext http, Guid id, RegionService regions, CancellationToken ct) =>
        ApiResults.Answer(http, await RegionAsync(http.Actor(), id, regions, ct), r =>
        {
            http.SetETag(r.Version);
            return TypedResults.Ok(r);
        });

    private static async Task<IResult> CreateRegionAsync(HttpContext http, RegionBody? body, RegionService regions, CancellationToken ct)
    {
        var created = await regions.CreateRegionAsync(http.Actor(), body?.Name, body?.Description, ct);
        if (!created.Succeeded) return ApiProblems.From(created.Refusal!);
        return ApiResults.Answer(http, await RegionAsync(http.Actor(), created.Value, regions, ct), r =>
        {
            http.SetETag(r.Version);
            return TypedResults.Created(RegionUrl(r.Id), r);
        });
    }

    private static async Task<IResult> UpdateRegionAsync(HttpContext http, Guid id, RegionBody? body, RegionService regions, CancellationToken ct)
    {
        var actor = http.Actor();
        var current = await regions.GetRegionAsync(actor, id, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var updated = await regions.UpdateRegionAsync(actor, id, expected, body?.Name ?? current.Value.Name, body?.Description ?? current.Value.Description, ct);
        return updated.Succeeded ? await GetRegionAsync(http, id, regions, ct) : ApiProblems.From(updated.Refusal!, http.HasIfMatch());
    }

    private static async Task<IResult> DeleteRegionAsync(HttpContext http, Guid id, RegionService regions, CancellationToken ct) =>
        ApiResults.Answer(http, await regions.DeleteRegionAsync(http.Actor(), id, ct), () => TypedResults.NoContent());

    private static async Task<IResult> GetZoneAsync(HttpContext http, Guid id, Guid zoneId, RegionService regions, CancellationToken ct) =>
        ApiResults.Answer(http, await regions.GetZoneAsync(http.Actor(), id, zoneId, ct), z =>
        {
            http.SetETag(z.Version);
            return TypedResults.Ok(ZoneResource.From(z));
        });

    private static async Task<IResult> CreateZoneAsync(HttpContext http, Guid id, RegionBody? body, RegionService regions, CancellationToken ct)
    {
        var created = await regions.CreateZoneAsync(http.Actor(), id, body?.Name, body?.Description, ct);
        if (!created.Succeeded) return ApiProblems.From(created.Refusal!);
        return ApiResults.Answer(http, await regions.GetZoneAsync(http.Actor(), id, created.Value, ct), z =>
        {
            http.SetETag(z.Version);
            return TypedResults.Created(ZoneUrl(id, z.Id), ZoneResource.From(z));
        });
    }

    private static async Task<IResult> UpdateZoneAsync(HttpContext http, Guid id, Guid zoneId, RegionBody? body, RegionService regions, CancellationToken ct)
    {
        var actor = http.Actor();
        var current = await regions.GetZoneAsync(actor, id, zoneId, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var updated = await regions.UpdateZoneAsync(actor, zoneId, expected, body?.Name ?? current.Value.Name, body?.Description ?? current.Value.Description, ct);
        return updated.Succeeded ? await GetZoneAsync(http, id, zoneId, regions, ct) : ApiProblems.From(updated.Refusal!, http.HasIfMatch());
    }

    private static async Task<IResult> DeleteZoneAsync(HttpContext http, Guid id, Guid zoneId, RegionService regions, CancellationToken ct)
    {
        var actor = http.Actor();
        var current = await regions.GetZoneAsync(actor, id, zoneId, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        return ApiResults.Answer(http, await regions.DeleteZoneAsync(actor, zoneId, ct), () => TypedResults.NoContent());
    }

    // ---------------------------------------------------------------- infrastructures

    private static async Task<IResult> DeleteInfrastructureAsync(HttpContext http, Guid id, InfrastructureService infrastructures, CancellationToken ct) =>
        ApiResults.Answer(http, await infrastructures.DeleteAsync(http.Actor(), id, ct), () => TypedResults.NoContent());

    // ---------------------------------------------------------------- Service Configs and platforms

    private static async Task<IResult> CreateServiceConfigAsync(HttpContext http, CreateServiceConfigBody? body, ServiceConfigService configs, CancellationToken ct)
    {
        if (body?.InfrastructureId is not { } infrastructureId)
            return ApiProblems.Invalid(Fields.Infrastructure.Code, "Give the infrastructure (infrastructureId) the Service Config places work on.");
        var tenants = body.TenantIds ?? [];
        var created = await configs.CreateAsync(http.Actor(), infrastructureId, body.Name, body.Description, body.OfferedToAllTenants ?? tenants.Count == 0,
            tenants, ct);
        if (!created.Succeeded) return ApiProblems.From(created.Refusal!);
        return ApiResults.Answer(http, await configs.GetVisibleAsync(http.Actor(), created.Value, ct), c =>
        {
            http.SetETag(c.Version);
            return TypedResults.Created(PlatformApi.ServiceConfigUrl(c.Id), ServiceConfigResource.From(c));
        });
    }

    private static async Task<IResult> UpdateServiceConfigAsync(HttpContext http, Guid id, UpdateServiceConfigBody? body, ServiceConfigService configs,
        CancellationToken ct)
    {
        var actor = http.Actor();
        var current = await configs.GetVisibleAsync(actor, id, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        var c = current.Value!;
        if (!http.TryExpectedVersion(c.Version, out var expected, out var problem)) return problem!;
        var updated = await configs.UpdateAsync(actor, id, expected, body?.Name ?? c.Name, body?.Description ?? c.Description,
            body?.OfferedToAllTenants ?? c.OfferedToAllTenants ?? false, body?.TenantIds ?? c.OfferedTenantIds ?? [], ct);
        if (!updated.Succeeded) return ApiProblems.From(updated.Refusal!, http.HasIfMatch());
        return ApiResults.Answer(http, await configs.GetVisibleAsync(actor, id, ct), after =>
        {
            http.SetETag(after.Version);
            return TypedResults.Ok(ServiceConfigResource.From(after));
        });
    }

    private static async Task<IResult> DeleteServiceConfigAsync(HttpContext http, Guid id, ServiceConfigService configs, CancellationToken ct)
    {
        // One that is not offered to the caller is not there for them, whether they read or delete it.
        var visible = await configs.GetVisibleAsync(http.Actor(), id, ct);
        if (!visible.Succeeded) return ApiProblems.From(visible.Refusal!);
        return ApiResults.Answer(http, await configs.DeleteAsync(http.Actor(), id, ct), () => TypedResults.NoContent());
    }

    private static async Task<Result<PlatformDetail>> PlatformOfAsync(HttpContext http, Guid id, Guid platformId, ServiceConfigService configs, CancellationToken ct)
    {
        var platform = await configs.GetPlatformAsync(http.Actor(), platformId, ct);
        return platform.Succeeded && platform.Value!.ServiceConfigId != id ? Refusal.NotFound("The platform") : platform;
    }

    private static async Task<IResult> UpgradePlatformAsync(HttpContext http, Guid id, Guid platformId, UpgradePlatformBody? body, ServiceConfigService configs,
        CancellationToken ct)
    {
        var current = await PlatformOfAsync(http, id, platformId, configs, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var started = await configs.UpgradeAsync(http.Actor(), platformId, expected, body?.Version, ct);
        return ApiResults.Answer(http, started, operationId => ApiResults.Accepted(operationId, platformId, PlatformApi.PlatformUrl(id, platformId)));
    }

    private static async Task<IResult> DeletePlatformAsync(HttpContext http, Guid id, Guid platformId, ServiceConfigService configs, CancellationToken ct)
    {
        var current = await PlatformOfAsync(http, id, platformId, configs, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        var deleted = await configs.DeletePlatformAsync(http.Actor(), platformId, ct);
        return ApiResults.Answer(http, deleted, operationId => operationId is { } started
            ? ApiResults.Accepted(started, platformId, PlatformApi.PlatformUrl(id, platformId))
            : TypedResults.NoContent());
    }
}
