using Portal.Domain.Identity;

namespace Portal.Identity.Keycloak;

/// <summary>
/// Configuration section <c>Keycloak</c>. Sign-in with Keycloak is offered only when <see cref="Authority"/> and
/// <see cref="ClientId"/> are set; everything else has a default.
/// </summary>
public sealed class KeycloakSettings
{
    public const string Section = "Keycloak";
    public const string Scheme = "Keycloak";
    public const string CallbackPath = "/signin-keycloak";
    public const string SignedOutCallbackPath = "/signout-callback-keycloak";

    /// <summary>The realm URL, e.g. <c>https://sso.example/realms/acme</c>; discovery is read from below it.</summary>
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    /// <summary>The confidential client's secret. Never logged, never shown.</summary>
    public string? ClientSecret { get; set; }
    /// <summary>Groups below this path name tenants: <c>/tenants/&lt;slug&gt;</c>, <c>.../admins</c>, <c>.../viewers</c>.</summary>
    public string TenantGroupPrefix { get; set; } = "/tenants/";
    public string PlatformAdminRole { get; set; } = "portal-platform-admin";
    public string PlatformViewerRole { get; set; } = "portal-platform-viewer";
    /// <summary>The button's label on the sign-in page ("Sign in with ...").</summary>
    public string DisplayName { get; set; } = "Keycloak";
    /// <summary>Tolerated clock difference with the realm when checking an id_token's lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>
    /// Why the settings cannot be used, or null. Checked once at start-up: the OpenID Connect handler throws from its
    /// options set-up for a non-loopback <c>http</c> authority, and it does so inside <c>UseAuthentication</c>, which
    /// would break every page of Portal. With a problem, the scheme is not registered and only Keycloak sign-in fails.
    /// </summary>
    public string? Problem
    {
        get
        {
            if (!IsConfigured) return null;
            if (!Uri.TryCreate(Issuer, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                return $"Keycloak:Authority '{Issuer}' is not an absolute http(s) URL.";
            if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
                return $"Keycloak:Authority '{Issuer}' uses plain http, which Portal accepts for loopback addresses only. Use https.";
            return null;
        }
    }

    /// <summary>Configured and free of <see cref="Problem"/>: the Keycloak scheme is registered.</summary>
    public bool IsUsable => IsConfigured && Problem is null;

    /// <summary>The authority without a trailing slash: Keycloak's issuer is exactly this.</summary>
    public string Issuer => (Authority ?? "").Trim().TrimEnd('/');

    /// <summary>Plain http is accepted for loopback realms only (development and tests).</summary>
    public bool RequireHttps => !Uri.TryCreate(Issuer, UriKind.Absolute, out var uri) || !uri.IsLoopback;

    public DirectoryMappingOptions Mapping => new()
    {
        TenantGroupPrefix = TenantGroupPrefix,
        PlatformAdminRole = PlatformAdminRole,
        PlatformViewerRole = PlatformViewerRole,
    };
}
