using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Portal.Domain.Api;

namespace Portal.Api;

/// <summary>
/// Authenticates HTTP API requests that present <c>Authorization: Bearer ptl_…</c>. The token is checked by
/// <see cref="ApiTokenService.AuthenticateAsync"/> on every request, so revocation, expiry and changes to the owner take
/// effect at once. A request without a bearer token is left to other schemes (pages keep their cookie sign-in). A bad
/// token gets 401 with an RFC 6750 <c>WWW-Authenticate</c> header saying only whether it is unknown, revoked or expired.
/// The token is never logged: failures carry the reason alone.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiTokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var outcome = await tokens.AuthenticateAsync(header[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        if (!outcome.Succeeded) return AuthenticateResult.Fail(Describe(outcome.Failure!.Value));
        var principal = new ClaimsPrincipal(new ApiTokenIdentity(outcome.Actor!));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        // The description is one of the fixed sentences below, never anything the client sent.
        Response.Headers.WWWAuthenticate = result.Failure is { } failure
            ? $"Bearer error=\"invalid_token\", error_description=\"{failure.Message}\""
            : "Bearer";
        KeepStatusCodeAsIs();
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.Headers.WWWAuthenticate = "Bearer error=\"insufficient_scope\"";
        KeepStatusCodeAsIs();
        return Task.CompletedTask;
    }

    /// <summary>An API client gets the status it earned, not the portal's "not found" page re-executed in its place.</summary>
    private void KeepStatusCodeAsIs()
    {
        if (Context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
    }

    internal static string Describe(ApiTokenFailure failure) => failure switch
    {
        ApiTokenFailure.Unknown => "The token is not valid.",
        ApiTokenFailure.Revoked => "The token was revoked.",
        ApiTokenFailure.Expired => "The token has expired.",
    };
}
