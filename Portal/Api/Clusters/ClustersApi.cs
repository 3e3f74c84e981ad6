using Microsoft.AspNetCore.Mvc;
using Portal.Api.Common;
using Portal.Api.Operations;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Jobs.Clusters;
using Portal.Jobs.Operations;

namespace Portal.Api.Clusters;

/// <summary>
/// The API's Kubernetes clusters, node pools and kubeconfigs, on the services the cluster pages use: the same rules,
/// refusals and audit. Every change starts an operation and answers 202 with its Location
/// (<c>/api/v1/operations/{id}</c>); the cluster and each pool carry their own ETag (their version) for If-Match.
/// </summary>
public static class ClustersApi
{
    private const string Tag = "Clusters";
    private const string YamlContentType = "application/yaml";

    public static RouteGroupBuilder MapClustersApi(this RouteGroupBuilder api)
    {
        var clusters = api.MapGroup("/clusters").WithTags(Tag);

        clusters.MapGet("/", ListAsync).WithName("listClusters").WithSummary("Clusters the token may see, filtered and paged")
            .Produces<ApiPage<ClusterSummary>>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clusters.MapGet("/{id:guid}", GetAsync).WithName("getCluster").WithSummary("One cluster with its node pools (ETag: its version)")
            .Produces<ClusterResource>().ProducesProblem(StatusCodes.Status404NotFound);
        clusters.MapPost("/", CreateAsync).WithName("createCluster").WithSummary("Create a cluster (starts its create operation)")
            .Accepts<CreateClusterBody>("application/json")
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clusters.MapPatch("/{id:guid}", UpdateAsync).WithName("updateCluster")
            .WithSummary("Scale or upgrade the control plane (one change per request; starts an operation)")
            .Accepts<UpdateClusterBody>("application/json").WithMetadata(new HonorsIfMatchAttribute())
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesChangeProblems();
        clusters.MapPost("/{id:guid}/actions/resync", ResyncAsync).WithName("resyncCluster")
            .WithSummary("Apply the cluster's whole spec again and wait for the cloud to match it").WithMetadata(new HonorsIfMatchAttribute())
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesChangeProblems();
        clusters.MapDelete("/{id:guid}", DeleteAsync).WithName("deleteCluster")
            .WithSummary("Delete the cluster and everything it runs; confirmName must be its name").WithMetadata(new HonorsIfMatchAttribute())
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesChangeProblems();
        clusters.MapGet("/{id:guid}/kubeconfig", KubeconfigAsync).WithName("getClusterKubeconfig")
            .WithSummary("The cluster's admin kubeconfig (members and admins of its tenant; audited; never cached)")
            .Produces<string>(StatusCodes.Status200OK, YamlContentType).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        clusters.MapGet("/{id:guid}/operations", HistoryAsync).WithName("listClusterOperations")
            .WithSummary("The action history of the cluster and its node pools (or of one pool), newest first")
            .Produces<ApiPage<OperationResource>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        var pools = clusters.MapGroup("/{id:guid}/node-pools");
        pools.MapGet("/", ListPoolsAsync).WithName("listNodePools").WithSummary("The cluster's node pools")
            .Produces<ApiPage<NodePoolResource>>().ProducesProblem(StatusCodes.Status404NotFound);
        pools.MapGet("/{poolId:guid}", GetPoolAsync).WithName("getNodePool").WithSummary("One node pool (ETag: its version)")
            .Produces<NodePoolResource>().ProducesProblem(StatusCodes.Status404NotFound);
        pools.MapPost("/", AddPoolAsync).WithName("addNodePool").WithSummary("Add a node pool (If-Match: the cluster's ETag)")
            .Accepts<NodePoolBody>("application/json").WithMetadata(new HonorsIfMatchAttribute())
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesChangeProblems();
        pools.MapPatch("/{poolId:guid}", UpdatePoolAsync).WithName("updateNodePool")
            .WithSummary("Scale, set the autoscaler, change the flavor or upgrade a node pool (one kind of change per request)")
            .Accepts<UpdateNodePoolBody>("application/json").WithMetadata(new HonorsIfMatchAttribute())
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesChangeProblems();
        pools.MapDelete("/{poolId:guid}", RemovePoolAsync).WithName("removeNodePool")
            .WithSummary("Remove a node pool and its nodes (never the cluster's last pool)").WithMetadata(new HonorsIfMatchAttribute())
            .Produces<AcceptedOperation>(StatusCodes.Status202Accepted).ProducesChangeProblems();
        return api;
    }

    private static RouteHandlerBuilder ProducesChangeProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    // ---------------------------------------------------------------- clusters

    private static async Task<IResult> ListAsync(HttpContext http, ClusterService clusters, int? pageSize, string? pageToken, string? search,
        Guid? tenantId, Guid? projectId, string? state, Guid? infrastructureId, string? sort, string? order, CancellationToken ct)
    {
        if (!TryEnum<ClusterState>(state, "state", out var stateFilter, out var problem)) return problem!;
        if (!TryEnum<ClusterSort>(sort, "sort", out var sortBy, out problem)) return problem!;
        if (order is not (null or "asc" or "desc")) return ApiProblems.Invalid("order", "order must be asc or desc.");
        var descending = order is null ? sortBy is null or ClusterSort.Created : order == "desc";
        object?[] filters = [tenantId, projectId, stateFilter, infrastructureId, sortBy, descending];
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out problem, filters)) return problem!;
        var rows = await clusters.ListAsync(http.Actor(), new ClusterFilter(tenantId, projectId, stateFilter, infrastructureId), page,
            sortBy ?? ClusterSort.Created, descending, ct);
        return TypedResults.Ok(ApiPaging.Answer(rows, page, ClusterSummary.From, search, filters));
    }

    private static async Task<IResult> GetAsync(HttpContext http, ClusterService clusters, Guid id, CancellationToken ct)
    {
        var detail = await clusters.GetAsync(http.Actor(), id, ct);
        return ApiResults.Answer(http, detail, cluster =>
        {
            http.SetETag(cluster.Version);
            return TypedResults.Ok(ClusterResource.From(cluster));
        });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ClusterCommands commands, ClusterService clusters, [FromBody] CreateClusterBody? body,
        CancellationToken ct)
    {
        if (body is null) return ApiProblems.Invalid("body", "Send the cluster to create as a JSON object.");
        if (body.ControlPlane?.Type is not { } type)
            return ApiProblems.Invalid(Fields.ControlPlaneType.Code, "Choose the control plane's architecture: standalone or hosted.");
        var replicas = body.ControlPlane.Replicas ?? (type == ControlPlaneType.Hosted ? Limits.HostedControlPlaneReplicas : 0);
        var request = new CreateClusterRequest(body.ProjectId, body.ServiceConfigId, body.Name, body.Version, type, replicas, body.ControlPlane.FlavorId,
            (body.Pools ?? []).Select(p => p.ToRequest()).ToList());
        var actor = http.Actor();
        var created = await commands.CreateAsync(actor, request, ct);
        if (!created.Succeeded) return ApiProblems.From(created.Refusal!);
        // The create operation is the cluster's current one until it ends (then its last one).
        var cluster = await clusters.GetAsync(actor, created.Value, ct);
        if (!cluster.Succeeded) return ApiProblems.From(cluster.Refusal!);
        var operationId = cluster.Value!.CurrentOperationId ?? cluster.Value.LastOperationId!.Value;
        return ApiResults.Accepted(operationId, created.Value, ClusterUrls.Cluster(created.Value));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, ClusterService clusters, Guid id, [FromBody] UpdateClusterBody? body, CancellationToken ct)
    {
        if (body is null || (body.ControlPlaneReplicas is null && body.KubernetesVersion is null))
            return ApiProblems.Invalid("body", "Give controlPlaneReplicas (scale the control plane) or kubernetesVersion (upgrade it).");
        if (body.ControlPlaneReplicas is not null && body.KubernetesVersion is not null)
            return ApiProblems.Invalid("body", "Scale and upgrade are separate operations: send controlPlaneReplicas or kubernetesVersion, one per request.");
        var actor = http.Actor();
        var current = await clusters.GetAsync(actor, id, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var started = body.ControlPlaneReplicas is { } replicas
            ? await clusters.ScaleControlPlaneAsync(actor, id, expected, replicas, ct)
            : await clusters.UpgradeControlPlaneAsync(actor, id, expected, body.KubernetesVersion, ct);
        return Started(http, started);
    }

    private static async Task<IResult> ResyncAsync(HttpContext http, ClusterService clusters, Guid id, CancellationToken ct)
    {
        var actor = http.Actor();
        var current = await clusters.GetAsync(actor, id, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        return Started(http, await clusters.ResyncAsync(actor, id, expected, ct));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, ClusterService clusters, Guid id, string? confirmName, CancellationToken ct)
    {
        int? expected = null;
        if (http.HasIfMatch())
        {
            var current = await clusters.GetAsync(http.Actor(), id, ct);
            if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
            if (!http.TryExpectedVersion(current.Value!.Version, out var version, out var problem)) return problem!;
            expected = version;
        }
        return Started(http, await clusters.DeleteAsync(http.Actor(), id, confirmName, expected, ct));
    }

    /// <summary>
    /// The kubeconfig through the page's own path: authorized and audited by the domain (members and admins of the
    /// cluster's tenant; the audit entry names the token), then read from the management cluster. Never cached.
    /// </summary>
    private static async Task<IResult> KubeconfigAsync(HttpContext http, ClusterCommands commands, Guid id, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var kubeconfig = await commands.KubeconfigAsync(http.Actor(), id, ct);
        return ApiResults.Answer(http, kubeconfig, text => TypedResults.Text(text, YamlContentType));
    }

    private static async Task<IResult> HistoryAsync(HttpContext http, ClusterService clusters, Guid id, Guid? poolId, int? pageSize, string? pageToken,
        CancellationToken ct)
    {
        object?[] filters = [poolId];
        if (!ApiPaging.TryRead(pageToken, pageSize, null, out var page, out var problem, filters)) return problem!;
        var history = await clusters.HistoryAsync(http.Actor(), id, poolId, page, ct);
        return ApiResults.Answer(http, history, operations =>
            TypedResults.Ok(ApiPaging.Answer(operations, page, o => OperationResource.From(OperationView.From(o)), null, filters)));
    }

    // ---------------------------------------------------------------- node pools

    private static async Task<IResult> ListPoolsAsync(HttpContext http, ClusterService clusters, Guid id, CancellationToken ct)
    {
        var detail = await clusters.GetAsync(http.Actor(), id, ct);
        return ApiResults.Answer(http, detail, cluster =>
            TypedResults.Ok(new ApiPage<NodePoolResource>(cluster.Pools.Select(p => NodePoolResource.From(cluster.Id, p)).ToList(), null, cluster.Pools.Count)));
    }

    private static async Task<IResult> GetPoolAsync(HttpContext http, ClusterService clusters, Guid id, Guid poolId, CancellationToken ct)
    {
        var (_, pool, problem) = await PoolAsync(http, clusters, id, poolId, ct);
        if (problem is not null) return problem;
        http.SetETag(pool!.Version);
        return TypedResults.Ok(NodePoolResource.From(id, pool));
    }

    private static async Task<IResult> AddPoolAsync(HttpContext http, ClusterService clusters, OperationService operations, Guid id,
        [FromBody] NodePoolBody? body, CancellationToken ct)
    {
        if (body is null) return ApiProblems.Invalid("body", "Send the node pool to add as a JSON object.");
        var actor = http.Actor();
        var current = await clusters.GetAsync(actor, id, ct);
        if (!current.Succeeded) return ApiProblems.From(current.Refusal!);
        if (!http.TryExpectedVersion(current.Value!.Version, out var expected, out var problem)) return problem!;
        var started = await clusters.AddPoolAsync(actor, id, expected, body.ToRequest(), ct);
        if (!started.Succeeded) return ApiProblems.From(started.Refusal!, http.HasIfMatch());
        // The new pool is the operation's target.
        var operation = await operations.GetVisibleAsync(actor, started.Value!.OperationId, ct);
        return operation.Succeeded && Guid.TryParse(operation.Value!.TargetId, out var poolId)
            ? ApiResults.Accepted(started.Value.OperationId, poolId, ClusterUrls.Pool(id, poolId))
            : ApiResults.Accepted(started.Value.OperationId, id, ClusterUrls.Cluster(id));
    }

    private static async Task<IResult> UpdatePoolAsync(HttpContext http, ClusterService clusters, Guid id, Guid poolId, [FromBody] UpdateNodePoolBody? body,
        CancellationToken ct)
    {
        if (body is null) return ApiProblems.Invalid("body", "Send the change as a JSON object.");
        var kinds = (body.NodeCount is not null && body.Autoscaler is null ? 1 : 0) + (body.Autoscaler is not null ? 1 : 0)
            + (body.FlavorId is not null ? 1 : 0) + (body.KubernetesVersion is not null ? 1 : 0);
        if (kinds == 0)
            return ApiProblems.Invalid("body", "Give nodeCount (scale), autoscaler (its settings), flavorId (new flavor) or kubernetesVersion (upgrade).");
        if (kinds > 1 || (body.NodeCount is not null && (body.FlavorId is not null || body.KubernetesVersion is not null)))
            return ApiProblems.Invalid("body", "Each change to a node pool is its own operation: send one of nodeCount, autoscaler (with nodeCount when turning it off), flavorId or kubernetesVersion per request.");
        var actor = http.Actor();
        var (_, pool, problem) = await PoolAsync(http, clusters, id, poolId, ct);
        if (problem is not null) return problem;
        if (!http.TryExpectedVersion(pool!.Version, out var expected, out problem)) return problem!;
        var started = body switch
        {
            { Autoscaler: { } autoscaler } => await clusters.SetAutoscalerAsync(actor, poolId, expected, autoscaler.Enabled != false, autoscaler.Min, autoscaler.Max,
                body.NodeCount ?? pool.NodeCount, ct),
            { FlavorId: { } flavorId } => await clusters.ChangePoolFlavorAsync(actor, poolId, expected, flavorId, ct),
            { KubernetesVersion: { } version } => await clusters.UpgradePoolAsync(actor, poolId, expected, version, ct),
            _ => await clusters.ScalePoolAsync(actor, poolId, expected, body.NodeCount, ct),
        };
        return Started(http, started, poolId);
    }

    private static async Task<IResult> RemovePoolAsync(HttpContext http, ClusterService clusters, Guid id, Guid poolId, CancellationToken ct)
    {
        var (_, pool, problem) = await PoolAsync(http, clusters, id, poolId, ct);
        if (problem is not null) return problem;
        if (!http.TryExpectedVersion(pool!.Version, out var expected, out problem)) return problem!;
        return Started(http, await clusters.RemovePoolAsync(http.Actor(), poolId, expected, ct), poolId);
    }

    // ---------------------------------------------------------------- shared

    /// <summary>The pool of this cluster as the actor sees it, or the 404 for a cluster it cannot see or a pool not in it.</summary>
    private static async Task<(ClusterDetail? Cluster, NodePoolView? Pool, IResult? Problem)> PoolAsync(HttpContext http, ClusterService clusters, Guid clusterId,
        Guid poolId, CancellationToken ct)
    {
        var detail = await clusters.GetAsync(http.Actor(), clusterId, ct);
        if (!detail.Succeeded) return (null, null, ApiProblems.From(detail.Refusal!));
        var pool = detail.Value!.Pools.FirstOrDefault(p => p.Id == poolId);
        return pool is null ? (null, null, ApiProblems.From(Refusal.NotFound("The node pool"))) : (detail.Value, pool, null);
    }

    /// <summary>202 for the started operation (on the cluster, or on one of its pools), or the refusal's problem.</summary>
    private static IResult Started(HttpContext http, Result<StartedClusterOperation> started, Guid? poolId = null) =>
        ApiResults.Answer(http, started, s => poolId is { } pool
            ? ApiResults.Accepted(s.OperationId, pool, ClusterUrls.Pool(s.ClusterId, pool))
            : ApiResults.Accepted(s.OperationId, s.ClusterId, ClusterUrls.Cluster(s.ClusterId)));

    private static bool TryEnum<T>(string? text, string field, out T? value, out IResult? problem) where T : struct, Enum
    {
        value = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _))
        {
            value = parsed;
            return true;
        }
        problem = ApiProblems.Invalid(field,
            $"{field} must be one of: {string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.");
        return false;
    }
}
