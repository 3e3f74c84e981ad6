using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Portal.Components.Account;
using Portal.Domain.Identity;

namespace Portal.Identity.Keycloak;

/// <summary>
/// The endpoints around the OAuth handler: start a sign-in, complete it (link or create the local account, sync roles
/// and memberships, issue Portal's own cookie), and come back from Keycloak's logout.
/// </summary>
public static class KeycloakEndpoints
{
    /// <summary>Protects the refusal text passed to the failure page, so a crafted link cannot put words on it.</summary>
    internal const string FailureDetailPurpose = "Portal.Keycloak.FailureDetail";

    public static IEndpointRouteBuilder MapKeycloakEndpoints(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<KeycloakSettings>().IsConfigured) return endpoints;

        endpoints.MapGet(KeycloakPaths.SignIn, (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties
            {
                RedirectUri = $"{KeycloakPaths.Complete}?returnUrl={Uri.EscapeDataString(Login.SafeReturnUrl(returnUrl))}",
            }, [KeycloakSettings.Scheme])).AllowAnonymous();

        endpoints.MapGet(KeycloakPaths.Complete, CompleteAsync).AllowAnonymous();

        endpoints.MapGet(KeycloakSettings.SignedOutCallbackPath, () => Results.LocalRedirect("~/account/login?signedOut=true")).AllowAnonymous();
        return endpoints;
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, DirectorySignInService directory, SignInManager<PortalUser> signIn,
        KeycloakSettings settings, IDataProtectionProvider protection, ILoggerFactory loggers, string? returnUrl)
    {
        var logger = loggers.CreateLogger(typeof(KeycloakEndpoints).FullName!);
        var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
        var profile = external.Succeeded ? KeycloakClaims.FromPrincipal(external.Principal!) : null;
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        if (profile is null)
        {
            KeycloakLog.Failed(logger, new KeycloakSignInException(KeycloakFailure.SessionExpired, "No external sign-in cookie at completion."));
            return Results.LocalRedirect("~" + KeycloakPaths.Failure(KeycloakFailure.SessionExpired));
        }

        var result = await directory.SignInAsync(profile, settings.Mapping, http.RequestAborted);
        if (!result.Succeeded)
        {
            KeycloakLog.AccountRefused(logger, profile.Label, profile.Subject, result.Refusal!.Message);
            var detail = protection.CreateProtector(FailureDetailPurpose).ToTimeLimitedDataProtector()
                .Protect(result.Refusal.Message, TimeSpan.FromMinutes(10));
            return Results.LocalRedirect("~" + KeycloakPaths.Failure(KeycloakFailure.Account, detail));
        }

        var signedIn = result.Value!;
        var user = await signIn.UserManager.FindByIdAsync(signedIn.UserId)
            ?? throw new InvalidOperationException("The account was created but cannot be found.");
        var properties = new AuthenticationProperties { IsPersistent = false };
        // Kept in Portal's (encrypted) cookie for RP-initiated logout; never logged or shown.
        if (external.Properties?.GetTokenValue("id_token") is { Length: > 0 } idToken)
            properties.StoreTokens([new AuthenticationToken { Name = "id_token", Value = idToken }]);
        await signIn.SignInAsync(user, properties, KeycloakSettings.Scheme);
        KeycloakLog.SignedIn(logger, profile.Label, profile.Subject, user.Id, signedIn.Created, signedIn.PlatformRole.ToString(),
            signedIn.Tenants.Count, signedIn.UnmatchedGroups);
        return Results.LocalRedirect("~" + Login.SafeReturnUrl(returnUrl));
    }
}

/// <summary>Builds the RP-initiated logout request that ends the Keycloak session along with Portal's.</summary>
public sealed class KeycloakSignOut(KeycloakSettings settings, IServiceProvider services, ILogger<KeycloakSignOut> logger)
{
    /// <summary>
    /// Where to send the browser after Portal's cookie is gone: Keycloak's end-session endpoint with the id_token as
    /// hint, or Portal's sign-in page with a warning when the realm cannot be reached. Null when there is nothing to end.
    /// </summary>
    public async Task<string?> EndSessionUrlAsync(HttpContext http, string? idToken)
    {
        if (!settings.IsConfigured || string.IsNullOrEmpty(idToken)) return null;
        try
        {
            var configuration = await services.GetRequiredService<KeycloakMetadata>().GetAsync(http.RequestAborted);
            if (string.IsNullOrEmpty(configuration.EndSessionEndpoint)) return null;
            var request = http.Request;
            return QueryHelpers.AddQueryString(configuration.EndSessionEndpoint, new Dictionary<string, string?>
            {
                ["id_token_hint"] = idToken,
                ["post_logout_redirect_uri"] = $"{request.Scheme}://{request.Host}{request.PathBase}{KeycloakSettings.SignedOutCallbackPath}",
                ["client_id"] = settings.ClientId,
            });
        }
        catch (KeycloakSignInException failure)
        {
            KeycloakLog.SignOutUnreachable(logger, failure.Message);
            return "/account/login?signedOut=true&keycloak=unreachable";
        }
    }
}
