namespace Portal.Identity.Keycloak;

/// <summary>Log lines for Keycloak sign-ins. Messages are built from reasons and safe facts; tokens never reach them.</summary>
internal static partial class KeycloakLog
{
    public static void Failed(ILogger logger, KeycloakSignInException failure) => SignInFailed(logger, failure.Reason, failure.Message);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Keycloak sign-in failed ({Reason}): {Detail}")]
    public static partial void SignInFailed(ILogger logger, KeycloakFailure reason, string detail);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information,
        Message = "Keycloak sign-in of {Username} (subject {Subject}) as user {UserId}: created {Created}, platform role {PlatformRole}, {TenantCount} tenant grant(s), unmatched groups {Unmatched}")]
    public static partial void SignedIn(ILogger logger, string username, string subject, string userId, bool created, string platformRole, int tenantCount, IReadOnlyList<string> unmatched);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Keycloak sign-in of {Username} (subject {Subject}) refused by Portal: {Reason}")]
    public static partial void AccountRefused(ILogger logger, string username, string subject, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Signed out of Portal, but Keycloak's session could not be ended ({Reason}): {Detail}")]
    public static partial void SignOutUnreachable(ILogger logger, KeycloakFailure reason, string detail);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error, Message = "Keycloak sign-in is off until the settings are fixed: {Problem}")]
    public static partial void SettingsInvalid(ILogger logger, string problem);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "An id_token names signing key {KeyId}, which was not cached: read the realm's keys again (found: {Found})")]
    public static partial void SigningKeysRead(ILogger logger, string keyId, bool found);
}
