using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Identity.Keycloak;

/// <summary>
/// OAuth options whose endpoints come from discovery at run time, so the static endpoint checks of
/// <see cref="OAuthOptions.Validate()"/> do not apply.
/// </summary>
public sealed class KeycloakOptions : OAuthOptions
{
    public override void Validate()
    {
        if (string.IsNullOrEmpty(ClientId)) throw new ArgumentException("Keycloak:ClientId must be set.", nameof(ClientId));
        if (!CallbackPath.HasValue) throw new ArgumentException("The callback path must be set.", nameof(CallbackPath));
    }
}

/// <summary>
/// OpenID Connect's authorization code flow with PKCE on top of the framework's OAuth handler, which already checks the
/// protected state and its correlation cookie and turns <c>error=access_denied</c> into an access-denied event.
/// This adds what OpenID Connect needs: endpoints from discovery, a nonce per sign-in, id_token validation, and the
/// userinfo claims. Every failure becomes a <see cref="KeycloakSignInException"/> with a reason and a loggable message.
/// </summary>
public sealed class KeycloakHandler(
    IOptionsMonitor<KeycloakOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    KeycloakMetadata metadata,
    KeycloakTokenValidator validator)
    : OAuthHandler<KeycloakOptions>(options, loggerFactory, encoder)
{
    /// <summary>Where the sign-in's nonce travels: inside the protected state, next to the PKCE verifier.</summary>
    internal const string NonceKey = "keycloak.nonce";

    private OpenIdConnectConfiguration? _configuration;

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        try
        {
            _configuration = await metadata.GetAsync(Context.RequestAborted);
        }
        catch (KeycloakSignInException failure)
        {
            KeycloakLog.Failed(Logger, failure);
            Response.Redirect(KeycloakPaths.Failure(failure.Reason));
            return;
        }
        properties.Items[NonceKey] = KeycloakNonces.Create();
        await base.HandleChallengeAsync(properties);
    }

    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        // PKCE (RFC 7636) with S256; the verifier stays in the protected state until the code is exchanged.
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        properties.Items[OAuthConstants.CodeVerifierKey] = verifier;
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = Options.ClientId,
            ["response_type"] = "code",
            ["scope"] = string.Join(' ', Options.Scope),
            ["redirect_uri"] = redirectUri,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = OAuthConstants.CodeChallengeMethodS256,
            ["nonce"] = properties.Items[NonceKey],
            ["state"] = Options.StateDataFormat.Protect(properties),
        };
        return QueryHelpers.AddQueryString(_configuration!.AuthorizationEndpoint, parameters);
    }

    protected override async Task<OAuthTokenResponse> ExchangeCodeAsync(OAuthCodeExchangeContext context)
    {
        var configuration = await metadata.GetAsync(Context.RequestAborted);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = context.Code,
            ["redirect_uri"] = context.RedirectUri,
            ["client_id"] = Options.ClientId,
            ["client_secret"] = Options.ClientSecret,
        };
        if (context.Properties.Items.Remove(OAuthConstants.CodeVerifierKey, out var verifier) && verifier is not null)
            form[OAuthConstants.CodeVerifierKey] = verifier;

        using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await Backchannel.SendAsync(request, Context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            return OAuthTokenResponse.Failed(new KeycloakSignInException(KeycloakFailure.Unreachable, "Keycloak's token endpoint did not answer.", ex));
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                // The error code and description are the provider's words about the request; they hold no secret.
                var error = ErrorField(body, "error") ?? "(no error code)";
                return OAuthTokenResponse.Failed(new KeycloakSignInException(KeycloakFailure.TokenExchange,
                    $"Keycloak's token endpoint answered {(int)response.StatusCode}: {error}. {ErrorField(body, "error_description")}".Trim()));
            }
            try
            {
                return OAuthTokenResponse.Success(JsonDocument.Parse(body));
            }
            catch (JsonException ex)
            {
                return OAuthTokenResponse.Failed(new KeycloakSignInException(KeycloakFailure.TokenExchange, "Keycloak's token response is not JSON.", ex));
            }
        }
    }

    protected override async Task<AuthenticationTicket> CreateTicketAsync(ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
    {
        var ct = Context.RequestAborted;
        var configuration = await metadata.GetAsync(ct);

        // RFC 9207: when the realm names itself in the callback, it must be this realm (mix-up defence).
        if (Request.Query.TryGetValue("iss", out var iss) && !string.Equals(iss.ToString(), configuration.Issuer, StringComparison.Ordinal))
            throw new KeycloakSignInException(KeycloakFailure.Issuer, $"The callback names issuer '{iss}', not the configured realm.");

        var idToken = tokens.Response?.RootElement.TryGetProperty("id_token", out var value) == true && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        if (string.IsNullOrEmpty(idToken))
            throw new KeycloakSignInException(KeycloakFailure.MissingIdToken, "Keycloak's token response has no id_token.");
        if (!properties.Items.TryGetValue(NonceKey, out var nonce) || string.IsNullOrEmpty(nonce))
            throw new KeycloakSignInException(KeycloakFailure.Nonce, "The sign-in's state carries no nonce.");

        var token = await validator.ValidateIdTokenAsync(idToken, nonce, configuration, ct);
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
        using var userInfo = await ReadUserInfoAsync(configuration, tokens.AccessToken, ct);
        var profile = KeycloakClaims.Merge(payload.RootElement, userInfo?.RootElement, Options.ClientId);

        identity.AddClaims(KeycloakClaims.ToClaims(profile, ClaimsIssuer));
        // Only the id_token is kept: RP-initiated logout sends it back as id_token_hint. The access token is not needed.
        properties.StoreTokens([new AuthenticationToken { Name = "id_token", Value = idToken }]);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme.Name);
    }

    private async Task<JsonDocument?> ReadUserInfoAsync(OpenIdConnectConfiguration configuration, string? accessToken, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(configuration.UserInfoEndpoint)) return null;
        if (string.IsNullOrEmpty(accessToken))
            throw new KeycloakSignInException(KeycloakFailure.UserInfo, "Keycloak's token response has no access token for the userinfo endpoint.");
        using var request = new HttpRequestMessage(HttpMethod.Get, configuration.UserInfoEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await Backchannel.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                throw new KeycloakSignInException(KeycloakFailure.UserInfo, $"Keycloak's userinfo endpoint answered {(int)response.StatusCode}.");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        }
        catch (HttpRequestException ex)
        {
            throw new KeycloakSignInException(KeycloakFailure.UserInfo, "Keycloak's userinfo endpoint did not answer.", ex);
        }
        catch (JsonException ex)
        {
            throw new KeycloakSignInException(KeycloakFailure.UserInfo, "Keycloak's userinfo response is not JSON (signed userinfo is not supported).", ex);
        }
    }

    private static string? ErrorField(string body, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
