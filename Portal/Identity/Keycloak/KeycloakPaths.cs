namespace Portal.Identity.Keycloak;

/// <summary>Portal's own paths around the Keycloak flow (the handler's callback is <see cref="KeycloakSettings.CallbackPath"/>).</summary>
public static class KeycloakPaths
{
    public const string SignIn = "/account/keycloak/signin";
    public const string Complete = "/account/keycloak/complete";
    public const string FailurePage = "/account/keycloak/failed";
    /// <summary>Where a sign-out ends, Keycloak's session ended too.</summary>
    public const string SignedOut = "/account/login?signedOut=true";
    /// <summary>Where a sign-out ends when Keycloak could not be reached: the page warns that its session may be open.</summary>
    public const string SignedOutKeycloakUnreachable = "/account/login?signedOut=true&keycloak=unreachable";

    public static string SignInFor(string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) || returnUrl == "/" ? SignIn : $"{SignIn}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static string Failure(KeycloakFailure reason, string? protectedDetail = null) =>
        protectedDetail is null
            ? $"{FailurePage}?reason={reason.Slug()}"
            : $"{FailurePage}?reason={reason.Slug()}&detail={Uri.EscapeDataString(protectedDetail)}";
}
