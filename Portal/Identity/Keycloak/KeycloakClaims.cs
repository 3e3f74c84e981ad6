using System.Security.Claims;
using System.Text.Json;
using Portal.Domain.Identity;

namespace Portal.Identity.Keycloak;

/// <summary>
/// Keycloak's claims, merged from the id_token and the userinfo response. Realms differ: the roles and groups mappers
/// put <c>realm_access</c> and <c>groups</c> into the id_token only when "Add to ID token" is on, but always into
/// userinfo. Single values prefer userinfo (read last); roles and groups are the union of both.
/// </summary>
public static class KeycloakClaims
{
    public const string RoleClaim = "keycloak:role";
    public const string GroupClaim = "keycloak:group";
    public const string UsernameClaim = "preferred_username";
    public const string NameClaim = "name";
    public const string EmailVerifiedClaim = "email_verified";

    /// <summary>Merges the two claim sets; the userinfo must describe the id_token's subject (OIDC Core §5.3.2).</summary>
    public static DirectoryProfile Merge(JsonElement idToken, JsonElement? userInfo, string clientId)
    {
        var subject = String(idToken, "sub");
        if (string.IsNullOrEmpty(subject))
            throw new KeycloakSignInException(KeycloakFailure.InvalidToken, "The id_token has no subject.");
        if (userInfo is { } info && String(info, "sub") != subject)
            throw new KeycloakSignInException(KeycloakFailure.UserInfo, "The userinfo response describes another subject than the id_token.");

        var sources = userInfo is { } u ? new[] { idToken, u } : [idToken];
        string? Last(string name) => sources.Select(s => String(s, name)).LastOrDefault(v => !string.IsNullOrEmpty(v));
        return new DirectoryProfile
        {
            Subject = subject,
            Username = Last("preferred_username") ?? "",
            Email = Last("email"),
            EmailVerified = sources.Any(s => s.TryGetProperty("email_verified", out var v) && v.ValueKind == JsonValueKind.True),
            Name = Last("name"),
            Roles = sources.SelectMany(s => Strings(s, "realm_access", "roles").Concat(ClientRoles(s, clientId))).Distinct(StringComparer.Ordinal).ToList(),
            Groups = sources.SelectMany(s => Strings(s, "groups")).Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The claims the external sign-in cookie carries between the callback and the completion step.</summary>
    public static IEnumerable<Claim> ToClaims(DirectoryProfile profile, string issuer)
    {
        yield return new Claim(ClaimTypes.NameIdentifier, profile.Subject, ClaimValueTypes.String, issuer);
        yield return new Claim(UsernameClaim, profile.Username, ClaimValueTypes.String, issuer);
        if (profile.Email is { Length: > 0 } email) yield return new Claim(ClaimTypes.Email, email, ClaimValueTypes.String, issuer);
        if (profile.EmailVerified) yield return new Claim(EmailVerifiedClaim, "true", ClaimValueTypes.Boolean, issuer);
        if (profile.Name is { Length: > 0 } name) yield return new Claim(NameClaim, name, ClaimValueTypes.String, issuer);
        foreach (var role in profile.Roles) yield return new Claim(RoleClaim, role, ClaimValueTypes.String, issuer);
        foreach (var group in profile.Groups) yield return new Claim(GroupClaim, group, ClaimValueTypes.String, issuer);
    }

    public static DirectoryProfile? FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { Length: > 0 } subject) return null;
        return new DirectoryProfile
        {
            Subject = subject,
            Username = principal.FindFirstValue(UsernameClaim) ?? "",
            Email = principal.FindFirstValue(ClaimTypes.Email),
            EmailVerified = principal.HasClaim(EmailVerifiedClaim, "true"),
            Name = principal.FindFirstValue(NameClaim),
            Roles = principal.FindAll(RoleClaim).Select(c => c.Value).ToList(),
            Groups = principal.FindAll(GroupClaim).Select(c => c.Value).ToList(),
        };
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static IEnumerable<string> Strings(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return [];
        }
        return element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
    }

    private static IEnumerable<string> ClientRoles(JsonElement element, string clientId) => Strings(element, "resource_access", clientId, "roles");
}
