using Microsoft.AspNetCore.Authorization;
using Portal.Api.Auditing;
using Portal.Api.Clusters;
using Portal.Api.Common;
using Portal.Api.Databases;
using Portal.Api.Operations;
using Portal.Api.Platform;
using Portal.Api.Tenancy;

namespace Portal.Api;

/// <summary>
/// The HTTP API's root, <c>/api/v1</c>, reachable with API tokens only (a browser's portal cookie does not reach it, so
/// no page session can be ridden by a cross-site request). Every endpoint in it is rate limited per token, takes
/// Idempotency-Key on writes and answers errors as problem details; each feature maps its resources in its own file.
/// </summary>
public static class ApiEndpoints
{
    public const string Policy = "ApiClient";

    public static void ConfigurePolicy(AuthorizationOptions options) =>
        options.AddPolicy(Policy, p => p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser());

    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiPaths.Root)
            .RequireAuthorization(Policy)
            .RequireRateLimiting(ApiRateLimiting.Policy)
            .DisableAntiforgery()
            .AddEndpointFilter(ApiIdempotency.FilterAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapMe();
        api.MapTenancyApi();
        api.MapPlatformApi();
        api.MapClustersApi();
        api.MapDatabasesApi();
        api.MapOperationsApi();
        api.MapAuditApi();

        app.MapOpenApi(ApiOpenApi.DocumentPath).AllowAnonymous();
        return app;
    }

    /// <summary>Who the token acts as: lets automation check a token (and its scope) before relying on it.</summary>
    private static void MapMe(this RouteGroupBuilder api) =>
        api.MapGet("/me", (HttpContext http) =>
        {
            var actor = http.Actor();
            var credential = actor.Credential!;
            return TypedResults.Ok(new MeResponse(actor.UserId, actor.DisplayName, actor.PlatformRole,
                new MeToken(credential.TokenId, credential.TokenName, credential.Scope, credential.TenantLimit?.Order().ToList(),
                    credential.ServiceAccountId)));
        }).WithTags("Identity").WithName("getMe").WithSummary("Who this token acts as");
}

/// <summary>Who a token acts as. <see cref="PlatformRole"/> is what the token carries: none when it is limited to tenants.</summary>
public sealed record MeResponse(string Id, string Name, Portal.Domain.Tenancy.PlatformRole PlatformRole, MeToken Token);

/// <summary>The token itself; <see cref="Tenants"/> is null when it reaches every tenant its owner does.</summary>
public sealed record MeToken(Guid Id, string Name, Portal.Domain.Api.ApiScope Scope, IReadOnlyList<Guid>? Tenants, Guid? ServiceAccountId);
