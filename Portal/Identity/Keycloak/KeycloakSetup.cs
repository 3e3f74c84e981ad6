using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Portal.Domain.Identity;

namespace Portal.Identity.Keycloak;

/// <summary>
/// Wires Keycloak sign-in into the host when <c>Keycloak:Authority</c> and <c>Keycloak:ClientId</c> are set: the
/// framework's OpenID Connect handler (authorization code with PKCE, state and correlation cookie, nonce cookie,
/// discovery and JWKS caching, id_token validation, userinfo, RP-initiated logout), configured for Keycloak, with
/// <see cref="KeycloakEvents"/> for what Portal adds.
/// </summary>
public static class KeycloakSetup
{
    /// <summary>The handler's back-channel calls (discovery, JWKS, token, userinfo, pushed authorization) give up after this.</summary>
    public static readonly TimeSpan BackchannelTimeout = TimeSpan.FromSeconds(10);

    public static WebApplicationBuilder AddKeycloak(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(KeycloakSettings.Section).Get<KeycloakSettings>() ?? new KeycloakSettings();
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<DirectorySignInService>();
        services.AddSingleton<KeycloakSignOut>();
        // A setting the handler would throw on (a non-loopback http authority) keeps the scheme out: Portal starts, local
        // sign-in works, and the Keycloak button ends on the failure page. The endpoints log the problem at start-up.
        if (!settings.IsUsable) return builder;

        services.AddSingleton<KeycloakSigningKeys>();
        services.AddSingleton<KeycloakEvents>();
        // AddOpenIdConnect with Portal's handler type (KeycloakHandler: the same handler, writing to a redacting log).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddAuthentication().AddRemoteScheme<OpenIdConnectOptions, KeycloakHandler>(KeycloakSettings.Scheme, settings.DisplayName, _ => { });
        services.AddOptions<OpenIdConnectOptions>(KeycloakSettings.Scheme).Configure<KeycloakSigningKeys, TimeProvider>((options, signingKeys, clock) =>
            Configure(options, settings, signingKeys, clock));
        return builder;
    }

    private static void Configure(OpenIdConnectOptions options, KeycloakSettings settings, KeycloakSigningKeys signingKeys, TimeProvider clock)
    {
        options.Authority = settings.Issuer;
        // Plain http only for a loopback realm (development, tests); Problem refused the rest at start-up.
        options.RequireHttpsMetadata = settings.RequireHttps;
        options.ClientId = settings.ClientId;
        options.ClientSecret = settings.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        // A GET callback: the correlation and nonce cookies can then be SameSite=Lax, which also works on plain-http loopback.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("profile");
        options.Scope.Add("email");
        options.CallbackPath = KeycloakSettings.CallbackPath;
        options.SignedOutCallbackPath = KeycloakSettings.SignedOutCallbackPath;
        // No front-channel logout endpoint: Portal never had one, and an unauthenticated GET must not sign anyone out.
        options.RemoteSignOutPath = default;
        // The handler's ticket goes to Identity's short-lived external cookie; /account/keycloak/complete turns it into
        // Portal's own sign-in once the account is linked and its grants are synced.
        options.SignInScheme = IdentityConstants.ExternalScheme;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.MapInboundClaims = false;
        // KeycloakEvents builds the claims (KeycloakClaims) from the id_token and userinfo; no claim actions besides.
        options.ClaimActions.Clear();
        // KeycloakEvents keeps the id_token alone; the access and refresh tokens would triple the cookie.
        options.SaveTokens = false;
        options.DisableTelemetry = true;
        options.BackchannelTimeout = BackchannelTimeout;
        options.TimeProvider = clock;
        options.TokenValidationParameters.ValidAudience = settings.ClientId;
        options.TokenValidationParameters.ValidAlgorithms = KeycloakEvents.ValidAlgorithms;
        options.TokenValidationParameters.ClockSkew = settings.ClockSkew;
        // The lifetime against the injected clock (IdentityModel's own TimeProvider setting is not public).
        options.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) => ValidateLifetime(clock, notBefore, expires, parameters.ClockSkew);
        options.TokenValidationParameters.NameClaimType = KeycloakClaims.UsernameClaim;
        options.TokenValidationParameters.IssuerSigningKeyResolverUsingConfiguration = signingKeys.Resolve;
        options.CorrelationCookie.Name = "Portal.Keycloak.Correlation.";
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.Name = "Portal.Keycloak.Nonce.";
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.EventsType = typeof(KeycloakEvents);
    }

    /// <summary>The skew is applied to "now", never to the token's times: IdentityModel passes DateTime.MinValue/MaxValue for absent ones.</summary>
    internal static bool ValidateLifetime(TimeProvider clock, DateTime? notBefore, DateTime? expires, TimeSpan clockSkew)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (expires is not { } validTo)
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        if (validTo.ToUniversalTime() < now - clockSkew)
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = validTo };
        if (notBefore is { } validFrom && validFrom.ToUniversalTime() > now + clockSkew)
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = validFrom };
        return true;
    }
}
