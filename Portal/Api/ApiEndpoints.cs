using Microsoft.AspNetCore.Authorization;

namespace Portal.Api;

/// <summary>
/// The HTTP API's root, <c>/api/v1</c>, reachable with API tokens only (a browser's portal cookie does not reach it, so
/// no page session can be ridden by a cross-site request). Resource endpoints join this group as they are built.
/// </summary>
public static class ApiEndpoints
{
    public const string Policy = "ApiClient";

    public static void ConfigurePolicy(AuthorizationOptions options) =>
        options.AddPolicy(Policy, p => p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser());

    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policy).DisableAntiforgery();
        // Who the token acts as: lets automation check a token (and its scope) before relying on it.
        api.MapGet("/me", (HttpContext http) =>
        {
            var actor = ApiTokenIdentity.ActorOf(http.User)!;
            var credential = actor.Credential!;
            return Results.Ok(new
            {
                id = actor.UserId,
                name = actor.DisplayName,
                platformRole = actor.PlatformRole.ToString(),
                token = new
                {
                    id = credential.TokenId,
                    name = credential.TokenName,
                    scope = credential.Scope.ToString(),
                    tenants = credential.TenantLimit?.Order().ToList(),
                    serviceAccountId = credential.ServiceAccountId,
                },
            });
        });
        return app;
    }
}
