using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Identity.Keycloak;

/// <summary>
/// What Portal adds to the framework's OpenID Connect handler: the checks it does not make (the discovery document's
/// issuer and completeness, the callback's <c>iss</c>, a signed id_token, <c>azp</c>), the key-rotation look-up, the
/// claims in Portal's shape, a cookie that keeps only the id_token, and every failure on Portal's failure page.
/// </summary>
public sealed class KeycloakEvents(KeycloakSettings settings, KeycloakSigningKeys signingKeys, ILogger<KeycloakEvents> logger) : OpenIdConnectEvents
{
    /// <summary>Where the sign-out endpoint passes the id_token for <c>id_token_hint</c> (not serialized into the state).</summary>
    public const string IdTokenHintParameter = "keycloak.id_token_hint";

    private const string StageItem = "Portal.Keycloak.Stage";
    private const string IdTokenPayloadItem = "Portal.Keycloak.IdTokenPayload";

    /// <summary>The algorithms an id_token may be signed with: the realm's asymmetric keys, never "none" or a shared secret.</summary>
    private static readonly HashSet<string> AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static IReadOnlyCollection<string> ValidAlgorithms => AsymmetricAlgorithms;

    /// <summary>
    /// The handler takes any discovery document it can parse; one naming another issuer would fail only at the
    /// callback, after the person typed a password. Checked here, before the browser leaves Portal.
    /// </summary>
    public override async Task RedirectToIdentityProvider(RedirectContext context)
    {
        var configuration = await ConfigurationAsync(context.Options, context.HttpContext.RequestAborted);
        if (DiscoveryProblem(configuration, settings.Issuer) is { } problem)
            throw new KeycloakSignInException(KeycloakFailure.Discovery, $"The discovery document of {settings.Issuer} is not usable: {problem}");
    }

    /// <summary>RFC 9207: when the realm names itself in the callback, it must be this realm (mix-up defence). The handler does not check it.</summary>
    public override async Task MessageReceived(MessageReceivedContext context)
    {
        context.HttpContext.Items[StageItem] = KeycloakCallbackStage.AuthorizationResponse;
        if (context.ProtocolMessage.Iss is not { Length: > 0 } iss) return;
        var configuration = await ConfigurationAsync(context.Options, context.HttpContext.RequestAborted);
        if (!string.Equals(iss, configuration.Issuer, StringComparison.Ordinal))
            context.Fail(new KeycloakSignInException(KeycloakFailure.Issuer, $"The callback names issuer '{iss}', not the configured realm."));
    }

    public override Task AuthorizationCodeReceived(AuthorizationCodeReceivedContext context)
    {
        context.HttpContext.Items[StageItem] = KeycloakCallbackStage.TokenExchange;
        return Task.CompletedTask;
    }

    /// <summary>Before the id_token is validated: it must be there, and a key id nobody knows sends Portal to read the JWKS again.</summary>
    public override async Task TokenResponseReceived(TokenResponseReceivedContext context)
    {
        context.HttpContext.Items[StageItem] = KeycloakCallbackStage.IdToken;
        if (context.TokenEndpointResponse.IdToken is not { Length: > 0 } idToken)
            throw new KeycloakSignInException(KeycloakFailure.MissingIdToken, "Keycloak's token response has no id_token.");
        var configuration = await ConfigurationAsync(context.Options, context.HttpContext.RequestAborted);
        await signingKeys.EnsureKnownAsync(idToken, configuration, context.Options.Backchannel,
            () => context.Options.ConfigurationManager!.RequestRefresh(), context.HttpContext.RequestAborted);
    }

    /// <summary>
    /// The id_token passed IdentityModel's checks. The handler does not insist on a signature for a token from the token
    /// endpoint, and ignores <c>azp</c>: both are checked here. The claims become Portal's, and only the id_token is
    /// kept (for <c>id_token_hint</c> at sign-out), so the cookies stay small.
    /// </summary>
    public override Task TokenValidated(TokenValidatedContext context)
    {
        var idToken = context.TokenEndpointResponse?.IdToken
            ?? throw new KeycloakSignInException(KeycloakFailure.MissingIdToken, "Keycloak's token response has no id_token.");
        var token = new JsonWebToken(idToken);
        if (!AsymmetricAlgorithms.Contains(token.Alg))
            throw new KeycloakSignInException(KeycloakFailure.Signature, $"The id_token is not signed with an algorithm Portal accepts (alg '{token.Alg}').");
        if (token.Audiences.Count() > 1 && (!token.TryGetPayloadValue<string>("azp", out var azp) || azp != settings.ClientId))
            throw new KeycloakSignInException(KeycloakFailure.Audience, "The id_token has several audiences and its azp is not this client.");

        var payload = Base64UrlEncoder.Decode(token.EncodedPayload);
        using (var json = JsonDocument.Parse(payload))
            context.Principal = Principal(KeycloakClaims.Merge(json.RootElement, null, settings.ClientId!), context.Scheme.Name);
        context.HttpContext.Items[IdTokenPayloadItem] = payload;
        context.HttpContext.Items[StageItem] = KeycloakCallbackStage.UserInfo;
        context.Properties!.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        return Task.CompletedTask;
    }

    /// <summary>Keycloak puts roles and groups into the id_token only when its mappers say so, but always into userinfo.</summary>
    public override Task UserInformationReceived(UserInformationReceivedContext context)
    {
        var payload = context.HttpContext.Items[IdTokenPayloadItem] as string
            ?? throw new InvalidOperationException("The id_token's claims were not kept for the userinfo merge.");
        using var idToken = JsonDocument.Parse(payload);
        context.Principal = Principal(KeycloakClaims.Merge(idToken.RootElement, context.User.RootElement, settings.ClientId!), context.Scheme.Name);
        return Task.CompletedTask;
    }

    public override Task AccessDenied(AccessDeniedContext context)
    {
        KeycloakLog.SignInFailed(logger, KeycloakFailure.Cancelled, "The person cancelled at Keycloak (access_denied).");
        context.Response.Redirect(KeycloakPaths.Failure(KeycloakFailure.Cancelled));
        context.HandleResponse();
        return Task.CompletedTask;
    }

    public override Task RemoteFailure(RemoteFailureContext context)
    {
        var stage = context.HttpContext.Items[StageItem] as KeycloakCallbackStage? ?? KeycloakCallbackStage.AuthorizationResponse;
        var failure = KeycloakFailureMapping.FromCallback(context.Failure, stage);
        KeycloakLog.Failed(logger, failure);
        context.Response.Redirect(KeycloakPaths.Failure(failure.Reason));
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary>RP-initiated logout: the id_token from Portal's own cookie as hint (the handler would look in the external cookie), and the client's id.</summary>
    public override Task RedirectToIdentityProviderForSignOut(RedirectContext context)
    {
        context.ProtocolMessage.IdTokenHint = context.Properties.GetParameter<string>(IdTokenHintParameter);
        context.ProtocolMessage.ClientId = settings.ClientId;
        return Task.CompletedTask;
    }

    /// <summary>Back from Keycloak's logout: always to the sign-in page, even when the realm dropped the state.</summary>
    public override Task SignedOutCallbackRedirect(RemoteSignOutContext context)
    {
        context.Response.Redirect(KeycloakPaths.SignedOut);
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary>What makes a discovery document unusable for Portal, or null.</summary>
    internal static string? DiscoveryProblem(OpenIdConnectConfiguration configuration, string expectedIssuer)
    {
        if (string.IsNullOrEmpty(configuration.Issuer)) return "it names no issuer";
        // OpenID Connect Discovery 1.0 §4.3: the issuer must be exactly the URL the document was read from.
        if (!string.Equals(configuration.Issuer.TrimEnd('/'), expectedIssuer, StringComparison.Ordinal))
            return $"its issuer '{configuration.Issuer}' is not the configured authority '{expectedIssuer}'";
        if (!IsAbsolute(configuration.AuthorizationEndpoint)) return "it has no authorization_endpoint";
        if (!IsAbsolute(configuration.TokenEndpoint)) return "it has no token_endpoint";
        if (!IsAbsolute(configuration.JwksUri)) return "it has no jwks_uri";
        if (configuration.SigningKeys.Count == 0) return "its JWKS holds no signing key";
        return null;
    }

    private static bool IsAbsolute(string? url) => Uri.TryCreate(url, UriKind.Absolute, out _);

    private static Task<OpenIdConnectConfiguration> ConfigurationAsync(OpenIdConnectOptions options, CancellationToken ct) =>
        options.ConfigurationManager!.GetConfigurationAsync(ct);

    private static ClaimsPrincipal Principal(Portal.Domain.Identity.DirectoryProfile profile, string scheme) =>
        new(new ClaimsIdentity(KeycloakClaims.ToClaims(profile, scheme), scheme, KeycloakClaims.UsernameClaim, KeycloakClaims.RoleClaim));
}
