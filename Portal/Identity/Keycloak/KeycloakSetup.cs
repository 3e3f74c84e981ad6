using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Portal.Domain.Identity;

namespace Portal.Identity.Keycloak;

/// <summary>Wires Keycloak sign-in into the host when <c>Keycloak:Authority</c> and <c>Keycloak:ClientId</c> are set.</summary>
public static class KeycloakSetup
{
    public static WebApplicationBuilder AddKeycloak(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(KeycloakSettings.Section).Get<KeycloakSettings>() ?? new KeycloakSettings();
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<DirectorySignInService>();
        services.AddSingleton<KeycloakSignOut>();
        if (!settings.IsConfigured) return builder;

        services.AddSingleton<KeycloakMetadata>();
        services.AddSingleton<KeycloakNonces>();
        services.AddSingleton<KeycloakTokenValidator>();
        services.AddAuthentication().AddOAuth<KeycloakOptions, KeycloakHandler>(KeycloakSettings.Scheme, settings.DisplayName, options =>
        {
            options.ClientId = settings.ClientId!;
            options.ClientSecret = settings.ClientSecret ?? "";
            options.CallbackPath = KeycloakSettings.CallbackPath;
            // The handler's ticket goes to Identity's short-lived external cookie; /account/keycloak/complete turns it
            // into Portal's own sign-in once the account is linked and its grants are synced.
            options.SignInScheme = IdentityConstants.ExternalScheme;
            options.Scope.Clear();
            options.Scope.Add("openid");
            options.Scope.Add("profile");
            options.Scope.Add("email");
            options.SaveTokens = false;
            options.BackchannelTimeout = TimeSpan.FromSeconds(10);
            // Lax is enough for the top-level redirect back from Keycloak, and works on plain-http loopback set-ups.
            options.CorrelationCookie.Name = "Portal.Keycloak.Correlation.";
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Events.OnAccessDenied = context =>
            {
                KeycloakLog.SignInFailed(Log(context.HttpContext), KeycloakFailure.Cancelled, "The person cancelled at Keycloak (access_denied).");
                context.Response.Redirect(KeycloakPaths.Failure(KeycloakFailure.Cancelled));
                context.HandleResponse();
                return Task.CompletedTask;
            };
            options.Events.OnRemoteFailure = context =>
            {
                var failure = Classify(context.Failure);
                KeycloakLog.Failed(Log(context.HttpContext), failure);
                context.Response.Redirect(KeycloakPaths.Failure(failure.Reason));
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
        return builder;
    }

    private static ILogger Log(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeycloakHandler).FullName!);

    /// <summary>Our own failures carry their reason; the OAuth handler's are recognised by kind and message.</summary>
    internal static KeycloakSignInException Classify(Exception? failure) => failure switch
    {
        KeycloakSignInException own => own,
        { InnerException: KeycloakSignInException own } => own,
        AuthenticationFailureException provider when provider.Data.Contains("error") =>
            new KeycloakSignInException(KeycloakFailure.ProviderError, $"Keycloak answered the authorization request with error '{provider.Data["error"]}'."),
        { Message: var message } when message.Contains("state", StringComparison.OrdinalIgnoreCase)
                                      || message.Contains("Correlation", StringComparison.OrdinalIgnoreCase) =>
            new KeycloakSignInException(KeycloakFailure.InvalidState, message),
        { Message: "Code was not found." } => new KeycloakSignInException(KeycloakFailure.ProviderError, "The callback carried no code."),
        _ => new KeycloakSignInException(KeycloakFailure.Unknown, failure?.Message ?? "No reason given."),
    };
}
