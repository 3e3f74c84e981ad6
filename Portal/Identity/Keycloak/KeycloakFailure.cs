namespace Portal.Identity.Keycloak;

/// <summary>Why a Keycloak sign-in ended without a session. Each has its own message on the failure page.</summary>
public enum KeycloakFailure
{
    Unknown,
    /// <summary>The realm did not answer (network error, timeout, HTTP error on discovery or keys).</summary>
    Unreachable,
    /// <summary>The discovery document is not a usable OpenID Provider configuration.</summary>
    Discovery,
    /// <summary>The state is missing, tampered with, or its correlation cookie is gone (replay, another browser).</summary>
    InvalidState,
    /// <summary>The person cancelled at Keycloak (<c>error=access_denied</c>).</summary>
    Cancelled,
    /// <summary>Keycloak answered the authorization request with another error.</summary>
    ProviderError,
    /// <summary>The token endpoint refused the code.</summary>
    TokenExchange,
    /// <summary>The token response had no id_token.</summary>
    MissingIdToken,
    /// <summary>The id_token is signed by a key the realm does not publish, or its signature is wrong.</summary>
    Signature,
    Expired,
    Audience,
    Issuer,
    /// <summary>The id_token's nonce is missing, is not this sign-in's, or was already used.</summary>
    Nonce,
    /// <summary>The id_token is malformed or fails another check.</summary>
    InvalidToken,
    /// <summary>The userinfo endpoint failed or answered for another subject.</summary>
    UserInfo,
    /// <summary>Portal refused the account (email clash with a local account, locked, ...).</summary>
    Account,
    /// <summary>The short-lived external sign-in cookie was missing when the sign-in was completed.</summary>
    SessionExpired,
    /// <summary>Portal's own Keycloak settings are not valid (found at start-up; the log says which).</summary>
    Settings,
}

/// <summary>
/// A sign-in failure with a reason and a message that is safe to log: it never contains a token, a code or a secret.
/// The inner exception (from IdentityModel or the network) is kept for debugging but never logged with its data.
/// </summary>
public sealed class KeycloakSignInException(KeycloakFailure reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public KeycloakFailure Reason { get; } = reason;
}

public static class KeycloakFailureText
{
    public static string Slug(this KeycloakFailure failure) => failure.ToString().ToLowerInvariant();

    public static KeycloakFailure Parse(string? slug) =>
        Enum.TryParse<KeycloakFailure>(slug, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : KeycloakFailure.Unknown;

    /// <summary>A heading and an explanation a person can act on.</summary>
    public static (string Title, string Text) Describe(this KeycloakFailure failure) => failure switch
    {
        KeycloakFailure.Unreachable => ("Keycloak cannot be reached",
            "Portal could not contact the Keycloak realm. It may be down or the network may be interrupted. Try again in a moment, or sign in with a local account."),
        KeycloakFailure.Discovery => ("Keycloak's configuration is not usable",
            "The realm's OpenID Connect discovery document is malformed or incomplete. A platform admin needs to check the Keycloak settings."),
        KeycloakFailure.InvalidState => ("This sign-in link is not valid",
            "The sign-in response did not match a sign-in started in this browser (it may have been tampered with, used twice, or started in another browser). Start again."),
        KeycloakFailure.Cancelled => ("Sign-in was cancelled",
            "You cancelled the sign-in at Keycloak. Nothing was changed."),
        KeycloakFailure.ProviderError => ("Keycloak refused the sign-in",
            "Keycloak answered the sign-in request with an error. Try again; if it keeps happening, a platform admin needs to check the client's settings in Keycloak."),
        KeycloakFailure.TokenExchange => ("Keycloak refused to complete the sign-in",
            "Keycloak did not accept Portal's request for your tokens (the code may have expired or been used already, or the client secret is wrong). Start again."),
        KeycloakFailure.MissingIdToken => ("Keycloak sent no identity",
            "Keycloak's answer had no id_token, so Portal cannot tell who you are. Check that the client uses the openid scope."),
        KeycloakFailure.Signature => ("The identity from Keycloak could not be verified",
            "Your identity token is not signed by a key the realm publishes. Portal did not sign you in."),
        KeycloakFailure.Expired => ("The identity from Keycloak has expired",
            "Your identity token had expired when it reached Portal (the clocks may disagree). Start again."),
        KeycloakFailure.Audience => ("The identity was issued for another application",
            "Your identity token was issued for a different client than Portal. Portal did not sign you in."),
        KeycloakFailure.Issuer => ("The identity came from another realm",
            "Your identity token was not issued by the configured Keycloak realm. Portal did not sign you in."),
        KeycloakFailure.Nonce => ("This sign-in was already used",
            "The identity token does not belong to this sign-in or was replayed. Start again."),
        KeycloakFailure.InvalidToken => ("The identity from Keycloak is not valid",
            "Your identity token failed validation. Portal did not sign you in."),
        KeycloakFailure.UserInfo => ("Keycloak's profile could not be read",
            "Portal could not read your profile from Keycloak, or it described another person. Try again."),
        KeycloakFailure.Account => ("Portal could not sign you in",
            "Your Keycloak account could not be matched to a Portal account."),
        KeycloakFailure.SessionExpired => ("The sign-in took too long",
            "The sign-in was not completed in time. Start again."),
        KeycloakFailure.Settings => ("Keycloak sign-in is not set up correctly",
            "Portal's Keycloak settings are not valid, so Portal did not contact Keycloak. A platform admin needs to check the Keycloak settings (Portal's log says which one)."),
        _ => ("Sign-in with Keycloak failed", "Something went wrong while signing you in with Keycloak. Try again."),
    };
}
