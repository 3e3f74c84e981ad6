using Portal.Api.Common;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Jobs.Databases;

namespace Portal.Api.Databases;

/// <summary>
/// The API's PostgreSQL databases and their connection details: the same <see cref="DatabaseService"/> the pages use,
/// so the same rules, audit trail and operations. Work that takes time answers 202 with its operation.
/// </summary>
public static class DatabasesApi
{
    private const string Tag = "Databases";

    public static string Url(Guid id) => $"{ApiPaths.Root}/databases/{id}";

    public static RouteGroupBuilder MapDatabasesApi(this RouteGroupBuilder api)
    {
        var databases = api.MapGroup("/databases").WithTags(Tag);

        databases.MapGet("/", ListAsync).WithName("listDatabases").WithSummary("List the databases you may see")
            .Produces<ApiPage<DatabaseResource>>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        databases.MapGet("/placements", PlacementsAsync).WithName("listDatabasePlacements")
            .WithSummary("The Service Configs that may place a project's databases (as the create wizard offers them)")
            .Produces<IReadOnlyList<DatabasePlacementResource>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        databases.MapGet("/{id:guid}", GetAsync).WithName("getDatabase").WithSummary("One database (no secrets; ETag is its version)")
            .Produces<DatabaseDetailResource>().ProducesProblem(StatusCodes.Status404NotFound);

        databases.MapPost("/", CreateAsync).WithName("createDatabase").WithSummary("Create a database (starts its create operation)")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        databases.MapPost("/{id:guid}/restore", RestoreAsync).WithName("restoreDatabase")
            .WithSummary("Restore the database to a point in time into a new database (starts its restore operation)")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        databases.MapPatch("/{id:guid}", UpdateAsync).WithName("updateDatabase")
            .WithSummary("Change instances, storage or compute: one per request, each starts its operation")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).WithMetadata(new HonorsIfMatchAttribute()).DayTwoProblems();

        MapAction(databases, "update-minor", "updateDatabaseMinor", "Update to the newest minor version of its major",
            (s, a, id, v, _, ct) => s.UpdateMinorAsync(a, id, v, ct));
        databases.MapPost("/{id:guid}/actions/upgrade-major", (HttpContext http, Guid id, UpgradeMajorBody? body, DatabaseService service, CancellationToken ct) =>
                ActAsync(http, id, service, (a, v) => service.UpgradeMajorAsync(a, id, v, body?.Major, ct), ct))
            .WithName("upgradeDatabaseMajor").WithSummary("Upgrade to a newer major version (the next one unless told)")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).WithMetadata(new HonorsIfMatchAttribute()).DayTwoProblems();
        MapAction(databases, "restart", "restartDatabase", "Restart the instances one by one", (s, a, id, v, _, ct) => s.RestartAsync(a, id, v, ct));
        databases.MapPost("/{id:guid}/actions/switchover", (HttpContext http, Guid id, SwitchoverBody? body, DatabaseService service, CancellationToken ct) =>
                ActAsync(http, id, service, (a, v) => service.SwitchoverAsync(a, id, v, body?.Instance, ct), ct))
            .WithName("switchoverDatabase").WithSummary("Promote a replica to primary")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).WithMetadata(new HonorsIfMatchAttribute()).DayTwoProblems();
        MapAction(databases, "hibernate", "hibernateDatabase", "Stop every instance, keeping the data", (s, a, id, v, _, ct) => s.HibernateAsync(a, id, v, ct));
        MapAction(databases, "wake", "wakeDatabase", "Start a hibernated database again", (s, a, id, v, _, ct) => s.WakeAsync(a, id, v, ct));
        MapAction(databases, "backup", "backupDatabase", "Take a backup now", (s, a, id, v, _, ct) => s.BackupNowAsync(a, id, v, ct));
        MapAction(databases, "resync", "resyncDatabase", "Apply the database's whole spec again and wait for it",
            (s, a, id, v, _, ct) => s.ResyncAsync(a, id, v, ct));

        databases.MapDelete("/{id:guid}", DeleteAsync).WithName("deleteDatabase")
            .WithSummary("Delete the database and its data (confirmName must be its name; backups stay in the object store)")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).WithMetadata(new HonorsIfMatchAttribute()).DayTwoProblems();

        databases.MapGet("/{id:guid}/connection", RevealAsync).WithName("getDatabaseConnection")
            .WithSummary("Reveal the connection details, password included (audited; members and admins of its tenant; never cached)")
            .Produces<DatabaseConnectionResource>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    private static RouteHandlerBuilder DayTwoProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private delegate Task<Result<StartedDatabaseOperation>> DatabaseAction(DatabaseService service, Actor actor, Guid id, int expectedVersion,
        HttpContext http, CancellationToken ct);

    private static void MapAction(RouteGroupBuilder databases, string verb, string name, string summary, DatabaseAction action) =>
        databases.MapPost($"/{{id:guid}}/actions/{verb}", (HttpContext http, Guid id, DatabaseService service, CancellationToken ct) =>
                ActAsync(http, id, service, (a, v) => action(service, a, id, v, http, ct), ct))
            .WithName(name).WithSummary(summary)
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).WithMetadata(new HonorsIfMatchAttribute()).DayTwoProblems();

    // ---------------------------------------------------------------- reads

    private static async Task<IResult> ListAsync(HttpContext http, DatabaseService service, string? search, int? pageSize, string? pageToken,
        Guid? tenantId, Guid? projectId, string? state, Guid? platformId, string? sort, string? order, CancellationToken ct)
    {
        if (!ApiQuery.TryEnum<ClusterState>(state, "state", out var stateFilter, out var problem)) return problem!;
        if (!ApiQuery.TryEnum<DatabaseSort>(sort, "sort", out var sortBy, out problem)) return problem!;
        if (!ApiQuery.TryOrder(order, defaultDescending: true, out var descending, out problem)) return problem!;
        object?[] filters = [tenantId, projectId, stateFilter, platformId, sortBy, descending];
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out problem, filters)) return problem!;
        var rows = await service.ListAsync(http.Actor(), new DatabaseFilter(tenantId, projectId, stateFilter, platformId), page,
            sortBy ?? DatabaseSort.Created, descending, ct);
        return TypedResults.Ok(ApiPaging.Answer(rows, page, DatabaseResource.From, search, filters));
    }

    private static async Task<IResult> PlacementsAsync(HttpContext http, DatabaseService service, Guid? projectId, CancellationToken ct)
    {
        if (projectId is null) return ApiProblems.Invalid("projectId", "Give the project (projectId) the database would belong to.");
        var placements = await service.PlacementsAsync(http.Actor(), projectId.Value, ct);
        return ApiResults.Answer(http, placements, list => TypedResults.Ok(list.Select(DatabasePlacementResource.From).ToList()));
    }

    private static async Task<IResult> GetAsync(HttpContext http, Guid id, DatabaseService service, CancellationToken ct)
    {
        var detail = await service.GetAsync(http.Actor(), id, ct);
        return ApiResults.Answer(http, detail, d =>
        {
            http.SetETag(d.Version);
            return TypedResults.Ok(DatabaseDetailResource.From(d));
        });
    }

    // ---------------------------------------------------------------- writes

    private static async Task<IResult> CreateAsync(HttpContext http, CreateDatabaseBody? body, DatabaseService service, CancellationToken ct)
    {
        body ??= new CreateDatabaseBody(null, null, null, null, null, null, null, null, null, null);
        var backups = body.Backups is { Enabled: not false } plan ? plan : null;
        var request = new CreateDatabaseRequest(body.ProjectId, body.Name, body.ServiceConfigId, body.Major, body.Instances, body.Compute, body.StorageGiB,
            body.DatabaseName, body.OwnerName, backups is not null, backups?.Frequency, backups?.Hour, backups?.Day, backups?.RetentionDays);
        var started = await service.CreateAsync(http.Actor(), request, ct);
        return ApiResults.Answer(http, started, s => ApiResults.Accepted(s.OperationId, s.DatabaseId, Url(s.DatabaseId)));
    }

    private static async Task<IResult> RestoreAsync(HttpContext http, Guid id, RestoreDatabaseBody? body, DatabaseService service, CancellationToken ct)
    {
        var started = await service.RestoreAsync(http.Actor(), new RestoreDatabaseRequest(id, body?.ProjectId, body?.Name, body?.RestorePoint), ct);
        return ApiResults.Answer(http, started, s => ApiResults.Accepted(s.OperationId, s.DatabaseId, Url(s.DatabaseId)));
    }

    private static Task<IResult> UpdateAsync(HttpContext http, Guid id, UpdateDatabaseBody? body, DatabaseService service, CancellationToken ct)
    {
        var given = new List<string>(3);
        if (body?.Instances is not null) given.Add(Fields.Instances.Code);
        if (body?.StorageGiB is not null) given.Add(Fields.StorageGiB.Code);
        if (body?.Compute is not null) given.Add(Fields.Compute.Code);
        if (given.Count == 0)
            return Task.FromResult(ApiProblems.Invalid("body", "Give one of instances, storageGiB or compute: the size to change."));
        if (given.Count > 1)
            return Task.FromResult(ApiProblems.Invalid(given[1],
                $"Change one size per request ({string.Join(" and ", given)} were given): each change runs as its own operation. Send {given[0]} first, then the next once its operation has finished."));
        return ActAsync(http, id, service, (actor, version) => given[0] switch
        {
            var f when f == Fields.Instances.Code => service.ScaleAsync(actor, id, version, body!.Instances, ct),
            var f when f == Fields.StorageGiB.Code => service.GrowStorageAsync(actor, id, version, body!.StorageGiB, ct),
            _ => service.ChangeComputeAsync(actor, id, version, body!.Compute, ct),
        }, ct);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, Guid id, string? confirmName, DatabaseService service, CancellationToken ct)
    {
        var actor = http.Actor();
        int? expected = null;
        if (http.HasIfMatch())
        {
            var current = await service.GetAsync(actor, id, ct);
            if (!current.Succeeded) return ApiProblems.From(current.Refusal!, true);
            if (!http.TryExpectedVersion(current.Value!.Version, out var version, out var problem)) return problem!;
            expected = version;
        }
        var started = await service.DeleteAsync(actor, id, confirmName, expected, ct);
        return ApiResults.Answer(http, started, s => ApiResults.Accepted(s.OperationId, s.DatabaseId, Url(s.DatabaseId)));
    }

    /// <summary>The day-2 pattern: read the current version (404 when not visible), take If-Match's, run the action, 202.</summary>
    private static async Task<IResult> ActAsync(HttpContext http, Guid id, DatabaseService service,
        Func<Actor, int, Task<Result<StartedDatabaseOperation>>> action, CancellationToken ct)
    {
        var actor = http.Actor();
        var current = await service.GetAsync(actor, id, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!, http.HasIfMatch());
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var started = await action(actor, expected);
        return ApiResults.Answer(http, started, s => ApiResults.Accepted(s.OperationId, s.DatabaseId, Url(s.DatabaseId)));
    }

    // ---------------------------------------------------------------- the audited secret

    private static async Task<IResult> RevealAsync(HttpContext http, Guid id, DatabaseConnections connections, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var revealed = await connections.RevealAsync(http.Actor(), id, ct);
        return ApiResults.Answer(http, revealed, c => TypedResults.Ok(new DatabaseConnectionResource(id, c.Host, c.ReadOnlyHost, c.Port, c.Database, c.User,
            c.Password, c.Uri, c.ReadOnlyUri)));
    }
}
