using Portal.Api.Common;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;

namespace Portal.Api.Operations;

/// <summary>
/// The API's operations (the action history), retry and cancel. Who sees which operation is the operations service's
/// rule (<see cref="OperationService.ListVisibleAsync"/>): platform readers every one, tenant members those of their
/// tenants' clusters, node pools and databases; anything else is 404. Retry and cancel go where the pages send them:
/// a cluster's or pool's operation through the cluster service, a database's through the database service (so the
/// resource's state follows and its tenant's members may act), any other through the operations service (platform
/// admins).
/// </summary>
public static class OperationsApi
{
    private const string Tag = "Operations";

    public static RouteGroupBuilder MapOperationsApi(this RouteGroupBuilder api)
    {
        var operations = api.MapGroup("/operations").WithTags(Tag);
        operations.MapGet("/", ListAsync).WithName("listOperations")
            .WithSummary("Operations the token may see, newest first, filtered like the operations page")
            .Produces<ApiPage<OperationResource>>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        operations.MapGet("/{id:guid}", GetAsync).WithName("getOperation").WithSummary("One operation with its step log")
            .Produces<OperationResource>().ProducesProblem(StatusCodes.Status404NotFound);
        operations.MapPost("/{id:guid}/retry", RetryAsync).WithName("retryOperation")
            .WithSummary("Run a failed operation again from its failed step")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        operations.MapPost("/{id:guid}/cancel", CancelAsync).WithName("cancelOperation")
            .WithSummary("Cancel a queued operation, or ask a running one to stop at its next safe point")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    /// <param name="target">Part of the target's name or type, or its exact id.</param>
    /// <param name="kind">Part of the kind, such as <c>mks-cluster</c> or <c>postgres-database.backup</c>.</param>
    /// <param name="requestedBy">Part of the name of who asked.</param>
    /// <param name="from">Requested at or after.</param>
    /// <param name="to">Requested at or before.</param>
    private static async Task<IResult> ListAsync(HttpContext http, OperationService operations, int? pageSize, string? pageToken, string? state,
        string? kind, string? target, string? requestedBy, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        OperationState? stateFilter = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (!Enum.TryParse<OperationState>(state.Trim(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
                return ApiProblems.Invalid("state", "state must be one of: queued, running, succeeded, failed, cancelled.");
            stateFilter = parsed;
        }
        object?[] filters = [stateFilter, kind?.Trim(), target?.Trim(), requestedBy?.Trim(), from, to];
        if (!ApiPaging.TryRead(pageToken, pageSize, null, out var page, out var problem, filters)) return problem!;
        var found = await operations.ListVisibleAsync(http.Actor(), new OperationFilter(stateFilter, kind, target, requestedBy, from, to), page, ct);
        return TypedResults.Ok(ApiPaging.Answer(found, page, OperationResource.From, null, filters));
    }

    private static async Task<IResult> GetAsync(HttpContext http, OperationService operations, Guid id, CancellationToken ct) =>
        ApiResults.Answer(http, await operations.GetVisibleAsync(http.Actor(), id, ct), view => TypedResults.Ok(OperationResource.From(view)));

    private static async Task<IResult> RetryAsync(HttpContext http, OperationService operations, ClusterService clusters, DatabaseService databases, Guid id,
        CancellationToken ct)
    {
        var actor = http.Actor();
        var visible = await operations.GetVisibleAsync(actor, id, ct);
        if (!visible.Succeeded) return ApiProblems.From(visible.Refusal!);
        var operation = visible.Value!;
        if (ClusterOperations.IsClusterKind(operation.Kind))
        {
            var retried = await clusters.RetryAsync(actor, id, ct);
            return retried.Succeeded ? await AcceptedAsync(clusters, operation) : ApiProblems.From(retried.Refusal!);
        }
        if (DatabaseOperations.IsDatabaseKind(operation.Kind))
        {
            var retried = await databases.RetryAsync(actor, id, ct);
            return retried.Succeeded ? await AcceptedAsync(clusters, operation) : ApiProblems.From(retried.Refusal!);
        }
        var result = await operations.RetryAsync(actor, id, ct);
        return result.Succeeded ? await AcceptedAsync(clusters, operation) : ApiProblems.From(result.Refusal!);
    }

    private static async Task<IResult> CancelAsync(HttpContext http, OperationService operations, ClusterService clusters, DatabaseService databases, Guid id,
        CancellationToken ct)
    {
        var actor = http.Actor();
        var visible = await operations.GetVisibleAsync(actor, id, ct);
        if (!visible.Succeeded) return ApiProblems.From(visible.Refusal!);
        var operation = visible.Value!;
        Result result;
        if (ClusterOperations.IsClusterKind(operation.Kind))
        {
            var cancelled = await clusters.CancelAsync(actor, id, ct);
            result = cancelled.Succeeded ? Result.Ok() : cancelled.Refusal!;
        }
        else if (DatabaseOperations.IsDatabaseKind(operation.Kind))
        {
            var cancelled = await databases.CancelAsync(actor, id, ct);
            result = cancelled.Succeeded ? Result.Ok() : cancelled.Refusal!;
        }
        else
        {
            result = await operations.CancelAsync(actor, id, ct);
        }
        return result.Succeeded ? await AcceptedAsync(clusters, operation) : ApiProblems.From(result.Refusal!);
    }

    /// <summary>202 naming the operation and the resource it acts on (a pool under its cluster; the operation itself when its target has no URL here).</summary>
    private static async Task<IResult> AcceptedAsync(ClusterService clusters, OperationView operation)
    {
        var target = OperationTargetResource.From(operation.TargetType, operation.TargetId, operation.TargetName);
        if (!Guid.TryParse(operation.TargetId, out var targetId)) return ApiResults.Accepted(operation.Id, operation.Id, ApiResults.OperationUrl(operation.Id));
        if (operation.TargetType == ClusterOperations.PoolTarget && await clusters.ClusterOfAsync(operation.TargetType, operation.TargetId) is { } clusterId)
            return ApiResults.Accepted(operation.Id, targetId, $"{ApiPaths.Root}/clusters/{clusterId}/node-pools/{targetId}");
        return ApiResults.Accepted(operation.Id, targetId, target.Url ?? ApiResults.OperationUrl(operation.Id));
    }
}
