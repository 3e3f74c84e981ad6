using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Domain.Identity;
using Portal.Identity.Keycloak;

namespace Portal.Components.Account;

public static class AccountEndpoints
{
    /// <summary>Sign-out is a POST with an antiforgery token (bound from the form), never a GET.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/logout", async (HttpContext http, SignInManager<PortalUser> signIn, KeycloakSignOut keycloak, [FromForm] string? returnUrl) =>
        {
            // A Keycloak sign-in keeps its id_token in Portal's cookie: read it before the cookie goes, then end the
            // Keycloak session too (RP-initiated logout), so the next sign-in asks for credentials again.
            var idToken = await http.GetTokenAsync(IdentityConstants.ApplicationScheme, "id_token");
            await signIn.SignOutAsync();
            return await keycloak.EndSessionAsync(http, idToken) ?? Results.LocalRedirect("~/account/login?signedOut=true");
        }).RequireAuthorization();
        return endpoints;
    }
}
