using Portal.Api.Common;
using Portal.Api.Databases;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.Infrastructures;

namespace Portal.Api.Platform;

/// <summary>
/// The API's regions and zones, infrastructures, catalog entries, Service Configs and platforms: what the platform
/// pages show platform readers and let platform admins change, on the same domain services. Secrets (connection
/// secrets, kubeconfigs, object store keys) are never returned. Tenants' members see the Service Configs offered to
/// them (as the create wizards do) and nothing else of the platform.
/// </summary>
public static class PlatformApi
{
    public static string InfrastructureUrl(Guid id) => $"{ApiPaths.Root}/infrastructures/{id}";
    public static string ServiceConfigUrl(Guid id) => $"{ApiPaths.Root}/service-configs/{id}";
    public static string PlatformUrl(Guid serviceConfigId, Guid id) => $"{ServiceConfigUrl(serviceConfigId)}/platforms/{id}";

    public static RouteGroupBuilder MapPlatformApi(this RouteGroupBuilder api)
    {
        api.MapGet("/regions", ListRegionsAsync).WithTags("Regions").WithName("listRegions").WithSummary("Regions with their zones (platform readers)")
            .Produces<ApiPage<RegionResource>>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        var infrastructures = api.MapGroup("/infrastructures").WithTags("Infrastructures");
        infrastructures.MapGet("/", ListInfrastructuresAsync).WithName("listInfrastructures").WithSummary("Registered clouds (platform readers)")
            .Produces<ApiPage<InfrastructureResource>>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        infrastructures.MapGet("/{id:guid}", GetInfrastructureAsync).WithName("getInfrastructure")
            .WithSummary("One cloud and its connection, without the secret (platform readers)")
            .Produces<InfrastructureDetailResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        infrastructures.MapPatch("/{id:guid}", UpdateInfrastructureAsync).WithName("updateInfrastructure")
            .WithSummary("Rename, describe or move a cloud, or replace its connection once the cloud accepts it; secrets are write-only (platform admins)")
            .Produces<InfrastructureDetailResource>().WithMetadata(new HonorsIfMatchAttribute()).WriteProblems();

        var catalog = infrastructures.MapGroup("/{id:guid}").WithTags("Catalog");
        catalog.MapGet("/flavors", ListFlavorsAsync).WithName("listFlavors").WithSummary("The infrastructure's catalog flavors (platform readers)")
            .Produces<ApiPage<FlavorResource>>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        catalog.MapGet("/images", ListImagesAsync).WithName("listImages").WithSummary("The infrastructure's catalog images (platform readers)")
            .Produces<ApiPage<ImageResource>>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        catalog.MapGet("/flavors/{entryId:guid}", GetFlavorAsync).WithName("getFlavor").WithSummary("One catalog flavor")
            .Produces<FlavorResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        catalog.MapGet("/images/{entryId:guid}", GetImageAsync).WithName("getImage").WithSummary("One catalog image")
            .Produces<ImageResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        catalog.MapPatch("/flavors/{entryId:guid}", UpdateFlavorAsync).WithName("updateFlavor")
            .WithSummary("Rename, describe, enable or disable a catalog flavor (platform admins)")
            .Produces<FlavorResource>().WithMetadata(new HonorsIfMatchAttribute()).WriteProblems();
        catalog.MapPatch("/images/{entryId:guid}", UpdateImageAsync).WithName("updateImage")
            .WithSummary("Rename, describe, enable or disable a catalog image (platform admins)")
            .Produces<ImageResource>().WithMetadata(new HonorsIfMatchAttribute()).WriteProblems();

        var configs = api.MapGroup("/service-configs").WithTags("Service Configs");
        configs.MapGet("/", ListServiceConfigsAsync).WithName("listServiceConfigs")
            .WithSummary("Service Configs: all for platform readers; for tenants' members those offered to their tenants")
            .Produces<ApiPage<ServiceConfigResource>>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        configs.MapGet("/{id:guid}", GetServiceConfigAsync).WithName("getServiceConfig").WithSummary("One Service Config with its platforms")
            .Produces<ServiceConfigResource>().ProducesProblem(StatusCodes.Status404NotFound);
        configs.MapGet("/{id:guid}/platforms/{platformId:guid}", GetPlatformAsync).WithName("getPlatform")
            .WithSummary("One platform in full, without secrets (platform readers)")
            .Produces<PlatformResource>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        configs.MapPatch("/{id:guid}/platforms/{platformId:guid}", UpdatePlatformAsync).WithName("updatePlatform")
            .WithSummary("Enable or disable a platform, or set a PostgreSQL platform's backup object store (secret key write-only) (platform admins)")
            .Produces<PlatformResource>().WithMetadata(new HonorsIfMatchAttribute()).WriteProblems();

        api.MapPlatformWrites();
        return api;
    }

    private static RouteHandlerBuilder WriteProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    // ---------------------------------------------------------------- regions

    private static async Task<IResult> ListRegionsAsync(HttpContext http, RegionService regions, string? search, int? pageSize, string? pageToken,
        CancellationToken ct)
    {
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out var problem)) return problem!;
        var actor = http.Actor();
        var listed = await regions.ListRegionsAsync(actor, page, ct);
        if (!listed.Succeeded) return ApiProblems.From(listed.Refusal!);
        var items = new List<RegionResource>(listed.Value!.Items.Count);
        foreach (var region in listed.Value.Items)
        {
            var zones = await regions.ListZonesAsync(actor, region.Id, ct);
            if (!zones.Succeeded) return ApiProblems.From(zones.Refusal!);
            items.Add(RegionResource.From(region, zones.Value!));
        }
        var answered = ApiPaging.Answer(listed.Value, page, r => r, search);
        return TypedResults.Ok(new ApiPage<RegionResource>(items, answered.NextPageToken, answered.TotalCount));
    }

    // ---------------------------------------------------------------- infrastructures

    private static async Task<IResult> ListInfrastructuresAsync(HttpContext http, InfrastructureService infrastructures, string? search, int? pageSize,
        string? pageToken, CancellationToken ct)
    {
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out var problem)) return problem!;
        var listed = await infrastructures.ListAsync(http.Actor(), page, ct);
        return ApiResults.Answer(http, listed, p => TypedResults.Ok(ApiPaging.Answer(p, page, InfrastructureResource.From, search)));
    }

    private static async Task<IResult> GetInfrastructureAsync(HttpContext http, Guid id, InfrastructureService infrastructures, CancellationToken ct)
    {
        var detail = await infrastructures.GetAsync(http.Actor(), id, ct);
        return ApiResults.Answer(http, detail, d =>
        {
            http.SetETag(d.Version);
            return TypedResults.Ok(InfrastructureDetailResource.From(d));
        });
    }

    private static async Task<IResult> UpdateInfrastructureAsync(HttpContext http, Guid id, UpdateInfrastructureBody? body, InfrastructureService infrastructures,
        ConnectionProbe probe, CancellationToken ct)
    {
        var actor = http.Actor();
        var current = await infrastructures.GetAsync(actor, id, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        var d = current.Value!;
        if (!http.TryExpectedVersion(d.Version, out var expected, out var problem)) return problem!;
        if (body?.Connection is { } connection)
        {
            if (await UpdateConnectionAsync(http, d, expected, connection, infrastructures, probe, ct) is { } refused) return refused;
            if (body.Name is null && body.Description is null && body.ZoneId is null) return await GetInfrastructureAsync(http, id, infrastructures, ct);
            // The details apply to the version the connection change left.
            current = await infrastructures.GetAsync(actor, id, ct);
            if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
            expected = current.Value!.Version;
        }
        var updated = await infrastructures.UpdateDetailsAsync(actor, id, expected, body?.Name ?? d.Name, body?.Description ?? d.Description,
            body?.ZoneId ?? d.ZoneId, ct);
        if (!updated.Succeeded) return ApiProblems.From(updated.Refusal!, http.HasIfMatch());
        return await GetInfrastructureAsync(http, id, infrastructures, ct);
    }

    /// <summary>
    /// As the page's connection dialog: the domain checks the change first (nothing reaches the cloud for a change it
    /// would refuse), the cloud is probed with the secret that will be stored, and the domain saves it. Null on success.
    /// </summary>
    private static async Task<IResult?> UpdateConnectionAsync(HttpContext http, InfrastructureDetail d, int expected, UpdateConnectionBody body,
        InfrastructureService infrastructures, ConnectionProbe probe, CancellationToken ct)
    {
        var actor = http.Actor();
        var settings = body.Over(d.Connection);
        var newSecret = body.SecretFor(settings.CredentialKind);
        var checkedSettings = await infrastructures.CheckConnectionChangeAsync(actor, d.Id, expected, settings, newSecret, ct);
        if (!checkedSettings.Succeeded) return ApiProblems.From(checkedSettings.Refusal!, http.HasIfMatch());
        var secret = newSecret ?? (settings.CredentialKind == d.Connection?.CredentialKind ? (await infrastructures.GetCredentialsAsync(d.Id, ct))?.Secret : null);
        var report = await probe.ProbeAsync(InfrastructureProvider.OpenStack, checkedSettings.Value, secret, ct);
        if (!report.Succeeded)
            return ApiProblems.From(Refusal.Invalid(Fields.Connection, $"The cloud did not accept the new connection: {report.Summary}"));
        var updated = await infrastructures.UpdateConnectionAsync(actor, d.Id, expected, checkedSettings.Value!, newSecret, report.ToCheck(), ct);
        return updated.Succeeded ? null : ApiProblems.From(updated.Refusal!, http.HasIfMatch());
    }

    // ---------------------------------------------------------------- catalog

    private static async Task<IResult> ListFlavorsAsync(HttpContext http, Guid id, InfrastructureService infrastructures, CatalogService catalog,
        string? search, int? pageSize, string? pageToken, bool? enabled, string? sort, string? order, CancellationToken ct)
    {
        var read = await CatalogQueryAsync(http, id, infrastructures, search, pageSize, pageToken, enabled, sort, order, ct);
        if (read.Problem is not null) return read.Problem;
        var listed = await catalog.ListFlavorsAsync(http.Actor(), id, read.Query!, ct);
        return ApiResults.Answer(http, listed, p => TypedResults.Ok(ApiPaging.Answer(p, read.Page, FlavorResource.From, search, read.Filters)));
    }

    private static async Task<IResult> ListImagesAsync(HttpContext http, Guid id, InfrastructureService infrastructures, CatalogService catalog,
        string? search, int? pageSize, string? pageToken, bool? enabled, string? sort, string? order, CancellationToken ct)
    {
        var read = await CatalogQueryAsync(http, id, infrastructures, search, pageSize, pageToken, enabled, sort, order, ct);
        if (read.Problem is not null) return read.Problem;
        var listed = await catalog.ListImagesAsync(http.Actor(), id, read.Query!, ct);
        return ApiResults.Answer(http, listed, p => TypedResults.Ok(ApiPaging.Answer(p, read.Page, ImageResource.From, search, read.Filters)));
    }

    private sealed record CatalogRead(CatalogQuery? Query, PageRequest Page, object?[] Filters, IResult? Problem);

    /// <summary>The catalog list's query, or the problem to answer (the infrastructure is not there for the caller, a bad parameter).</summary>
    private static async Task<CatalogRead> CatalogQueryAsync(HttpContext http, Guid id, InfrastructureService infrastructures, string? search, int? pageSize,
        string? pageToken, bool? enabled, string? sort, string? order, CancellationToken ct)
    {
        var infrastructure = await infrastructures.GetAsync(http.Actor(), id, ct);
        if (!infrastructure.Succeeded) return new CatalogRead(null, new PageRequest(), [], ApiProblems.From(infrastructure.Refusal!));
        if (!ApiQuery.TryEnum<CatalogSort>(sort, "sort", out var sortBy, out var problem)) return new CatalogRead(null, new PageRequest(), [], problem);
        if (!ApiQuery.TryOrder(order, defaultDescending: false, out var descending, out problem)) return new CatalogRead(null, new PageRequest(), [], problem);
        object?[] filters = [enabled, sortBy, descending];
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out problem, filters)) return new CatalogRead(null, page, filters, problem);
        return new CatalogRead(new CatalogQuery(page.Skip, page.Take, page.Search, enabled, sortBy ?? CatalogSort.Name, descending), page, filters, null);
    }

    private static async Task<IResult> GetFlavorAsync(HttpContext http, Guid id, Guid entryId, CatalogService catalog, CancellationToken ct)
    {
        var flavor = await catalog.GetFlavorAsync(http.Actor(), id, entryId, ct);
        return ApiResults.Answer(http, flavor, f =>
        {
            http.SetETag(f.Version);
            return TypedResults.Ok(FlavorResource.From(f));
        });
    }

    private static async Task<IResult> GetImageAsync(HttpContext http, Guid id, Guid entryId, CatalogService catalog, CancellationToken ct)
    {
        var image = await catalog.GetImageAsync(http.Actor(), id, entryId, ct);
        return ApiResults.Answer(http, image, i =>
        {
            http.SetETag(i.Version);
            return TypedResults.Ok(ImageResource.From(i));
        });
    }

    private static async Task<IResult> UpdateFlavorAsync(HttpContext http, Guid id, Guid entryId, UpdateCatalogEntryBody? body, CatalogService catalog,
        CancellationToken ct)
    {
        var current = await catalog.GetFlavorAsync(http.Actor(), id, entryId, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        if (await UpdateEntryAsync(http, CatalogKind.Flavor, id, entryId, current.Value!.Version, body, catalog, ct) is { } refused) return refused;
        return await GetFlavorAsync(http, id, entryId, catalog, ct);
    }

    private static async Task<IResult> UpdateImageAsync(HttpContext http, Guid id, Guid entryId, UpdateCatalogEntryBody? body, CatalogService catalog,
        CancellationToken ct)
    {
        var current = await catalog.GetImageAsync(http.Actor(), id, entryId, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        if (await UpdateEntryAsync(http, CatalogKind.Image, id, entryId, current.Value!.Version, body, catalog, ct) is { } refused) return refused;
        return await GetImageAsync(http, id, entryId, catalog, ct);
    }

    /// <summary>Applies the change; null when it succeeded, otherwise the problem to answer.</summary>
    private static async Task<IResult?> UpdateEntryAsync(HttpContext http, CatalogKind kind, Guid id, Guid entryId, int currentVersion,
        UpdateCatalogEntryBody? body, CatalogService catalog, CancellationToken ct)
    {
        if (!http.TryExpectedVersion(currentVersion, out var expected, out var problem)) return problem;
        var updated = await catalog.UpdateEntryAsync(http.Actor(), kind, id, entryId, expected, body?.Name, body?.Description, body?.Enabled, ct);
        return updated.Succeeded ? null : ApiProblems.From(updated.Refusal!, http.HasIfMatch());
    }

    // ---------------------------------------------------------------- Service Configs and platforms

    private static async Task<IResult> ListServiceConfigsAsync(HttpContext http, ServiceConfigService configs, string? search, int? pageSize, string? pageToken,
        Guid? infrastructureId, CancellationToken ct)
    {
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out var problem, infrastructureId)) return problem!;
        var listed = await configs.ListVisibleAsync(http.Actor(), infrastructureId, page, ct);
        return TypedResults.Ok(ApiPaging.Answer(listed, page, ServiceConfigResource.From, search, infrastructureId));
    }

    private static async Task<IResult> GetServiceConfigAsync(HttpContext http, Guid id, ServiceConfigService configs, CancellationToken ct)
    {
        var config = await configs.GetVisibleAsync(http.Actor(), id, ct);
        return ApiResults.Answer(http, config, c =>
        {
            http.SetETag(c.Version);
            return TypedResults.Ok(ServiceConfigResource.From(c));
        });
    }

    private static async Task<Result<PlatformDetail>> PlatformOfAsync(HttpContext http, Guid id, Guid platformId, ServiceConfigService configs, CancellationToken ct)
    {
        var platform = await configs.GetPlatformAsync(http.Actor(), platformId, ct);
        return platform.Succeeded && platform.Value!.ServiceConfigId != id ? Refusal.NotFound("The platform") : platform;
    }

    private static async Task<IResult> GetPlatformAsync(HttpContext http, Guid id, Guid platformId, ServiceConfigService configs, CancellationToken ct)
    {
        var platform = await PlatformOfAsync(http, id, platformId, configs, ct);
        return ApiResults.Answer(http, platform, p =>
        {
            http.SetETag(p.Version);
            return TypedResults.Ok(PlatformResource.From(p));
        });
    }

    private static async Task<IResult> UpdatePlatformAsync(HttpContext http, Guid id, Guid platformId, UpdatePlatformBody? body, ServiceConfigService configs,
        CancellationToken ct)
    {
        var current = await PlatformOfAsync(http, id, platformId, configs, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        if (body?.Enabled is null && body?.BackupStore is null)
            return ApiProblems.Invalid("enabled", "Give enabled (true or false: whether the platform takes new clusters or databases) or backupStore.");
        if (body.BackupStore is { } store)
        {
            var stored = current.Value.BackupStore;
            var configured = await configs.ConfigureBackupStoreAsync(http.Actor(), platformId, expected, store.DestinationPath ?? stored?.DestinationPath,
                store.EndpointUrl ?? stored?.EndpointUrl, store.AccessKeyId ?? stored?.AccessKeyId, store.SecretAccessKey, ct);
            if (!configured.Succeeded) return ApiProblems.From(configured.Refusal!, http.HasIfMatch());
            // Enabling applies to the version the store change left.
            var after = await PlatformOfAsync(http, id, platformId, configs, ct);
            if (!after.Succeeded) return ApiProblems.From(after.Refusal!);
            expected = after.Value!.Version;
        }
        if (body.Enabled is { } enabled)
        {
            var updated = await configs.SetEnabledAsync(http.Actor(), platformId, expected, enabled, ct);
            if (!updated.Succeeded) return ApiProblems.From(updated.Refusal!, http.HasIfMatch());
        }
        return await GetPlatformAsync(http, id, platformId, configs, ct);
    }
}
