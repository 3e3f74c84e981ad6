using Portal.Api.Common;
using Portal.Identity.Keycloak;

namespace Portal.Hosting;

/// <summary>
/// The response headers every answer carries: a Content-Security-Policy that Blazor Server and MudBlazor work under
/// (scripts only from the portal itself, no inline script, no framing), no MIME sniffing, a referrer that never leaves
/// the origin with a path, and no cross-origin window access. HSTS is added by <c>UseHsts</c> for https requests.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, KeycloakSettings keycloak)
{
    /// <summary>The policy of pages: MudBlazor writes style attributes and its theme's style element, hence inline styles.</summary>
    public static string PagePolicy(string? formTarget) =>
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
        // Signing out of a Keycloak session redirects the sign-out form to the realm, which form-action governs too.
        + $"form-action 'self'{(formTarget is null ? "" : " " + formTarget)}";

    /// <summary>The API answers JSON and YAML only: nothing in it may load or run anything.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Hangfire's dashboard is a third-party page with inline scripts; it stays framed by nothing and loads from the
    /// portal only.
    /// </summary>
    public const string JobsDashboardPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

    private readonly string _pagePolicy = PagePolicy(KeycloakOrigin(keycloak));

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var policy = ApiPaths.IsApi(path) || path.StartsWithSegments("/openapi") ? ApiPolicy
            : path.StartsWithSegments("/jobs") ? JobsDashboardPolicy
            : _pagePolicy;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static string? KeycloakOrigin(KeycloakSettings settings) =>
        settings.IsUsable && Uri.TryCreate(settings.Issuer, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
}
