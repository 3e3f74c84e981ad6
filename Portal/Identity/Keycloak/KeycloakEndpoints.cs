using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Portal.Components.Account;
using Portal.Domain.Identity;

namespace Portal.Identity.Keycloak;

/// <summary>
/// The endpoints around the OpenID Connect handler: start a sign-in (with the failure page when Keycloak cannot be used),
/// and complete it (link or create the local account, sync roles and memberships, issue Portal's own cookie).
/// </summary>
public static class KeycloakEndpoints
{
    /// <summary>Protects the refusal text passed to the failure page, so a crafted link cannot put words on it.</summary>
    internal const string FailureDetailPurpose = "Portal.Keycloak.FailureDetail";

    public static IEndpointRouteBuilder MapKeycloakEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.ServiceProvider.GetRequiredService<KeycloakSettings>();
        if (!settings.IsConfigured) return endpoints;
        if (settings.Problem is { } problem)
            KeycloakLog.SettingsInvalid(endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeycloakEndpoints).FullName!), problem);

        endpoints.MapGet(KeycloakPaths.SignIn, StartAsync).AllowAnonymous();
        endpoints.MapGet(KeycloakPaths.Complete, CompleteAsync).AllowAnonymous();
        return endpoints;
    }

    /// <summary>
    /// Sends the browser to Keycloak. The handler reads discovery here and throws when the realm is down or its document
    /// is not usable (this is not a remote failure, so no handler event sees it): caught here, for the failure page.
    /// </summary>
    private static async Task<IResult> StartAsync(HttpContext http, KeycloakSettings settings, ILoggerFactory loggers, string? returnUrl)
    {
        var logger = loggers.CreateLogger(typeof(KeycloakEndpoints).FullName!);
        if (settings.Problem is { } problem)
        {
            KeycloakLog.SignInFailed(logger, KeycloakFailure.Settings, problem);
            return Results.LocalRedirect("~" + KeycloakPaths.Failure(KeycloakFailure.Settings));
        }
        try
        {
            await http.ChallengeAsync(KeycloakSettings.Scheme, new AuthenticationProperties
            {
                RedirectUri = $"{KeycloakPaths.Complete}?returnUrl={Uri.EscapeDataString(Login.SafeReturnUrl(returnUrl))}",
            });
            return Results.Empty;
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            var failure = KeycloakFailureMapping.FromChallenge(ex);
            KeycloakLog.Failed(logger, failure);
            return Results.LocalRedirect("~" + KeycloakPaths.Failure(failure.Reason));
        }
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

/// <summary>RP-initiated logout: ends the Keycloak session along with Portal's, through the handler's sign-out.</summary>
public sealed class KeycloakSignOut(KeycloakSettings settings, ILogger<KeycloakSignOut> logger)
{
    /// <summary>
    /// After Portal's cookie is gone: sends the browser to Keycloak's end-session endpoint with the id_token as hint
    /// (the handler writes the redirect), or to Portal's sign-in page with a warning when the realm cannot be reached.
    /// Null when there is no Keycloak session to end.
    /// </summary>
    public async Task<IResult?> EndSessionAsync(HttpContext http, string? idToken)
    {
        if (!settings.IsUsable || string.IsNullOrEmpty(idToken)) return null;
        var properties = new AuthenticationProperties { RedirectUri = KeycloakPaths.SignedOut };
        properties.SetParameter(KeycloakEvents.IdTokenHintParameter, idToken);
        try
        {
            await http.SignOutAsync(KeycloakSettings.Scheme, properties);
            return Results.Empty;
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            var failure = KeycloakFailureMapping.FromChallenge(ex);
            KeycloakLog.SignOutUnreachable(logger, failure.Reason, failure.Message);
            return Results.LocalRedirect("~" + KeycloakPaths.SignedOutKeycloakUnreachable);
        }
    }
}
