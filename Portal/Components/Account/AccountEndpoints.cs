using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Portal.Hosting;
using Portal.Domain.Identity;
using Portal.Identity.Keycloak;

namespace Portal.Components.Account;

public static class AccountEndpoints
{
    /// <summary>Sign-out is a POST with an antiforgery token (bound from the form), never a GET, and it ends every session of the account.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/logout", async (HttpContext http, SignInManager<PortalUser> signIn, KeycloakSignOut keycloak,
            IAntiforgery antiforgery) =>
        {
            // Checked here rather than by the framework, whose failure surfaces as an exception (a 500 and stack traces):
            // a sign-out without a valid token is the browser's mistake or a forged request, answered 400 and logged once
            // (by the antiforgery check itself, one line with its reason).
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return PlainPages.BadRequest("The sign-out form had expired or did not come from the portal, so you are still signed in. "
                    + "Reload the page and sign out again.");
            }
            // A Keycloak sign-in keeps its id_token in Portal's cookie: read it before the cookie goes, then end the
            // Keycloak session too (RP-initiated logout), so the next sign-in asks for credentials again.
            var idToken = await http.GetTokenAsync(IdentityConstants.ApplicationScheme, "id_token");
            // A new security stamp ends every session of the account, on every device and replica: a copy of the
            // cookie is refused at its next request and live pages close at their next check.
            if (await signIn.UserManager.GetUserAsync(http.User) is { } user)
                await signIn.UserManager.UpdateSecurityStampAsync(user);
            await signIn.SignOutAsync();
            return await keycloak.EndSessionAsync(http, idToken) ?? Results.LocalRedirect("~/account/login?signedOut=true");
        }).RequireAuthorization().DisableAntiforgery();
        return endpoints;
    }
}
