using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Identity.Keycloak;

/// <summary>
/// Validates a Keycloak id_token: signature against the realm's JWKS (reading it again once when the key is unknown,
/// for key rotation), issuer, audience (and <c>azp</c> when there are several), expiry with a small clock skew, and the
/// nonce of this very sign-in, which may be redeemed only once.
/// </summary>
public sealed class KeycloakTokenValidator(KeycloakSettings settings, KeycloakMetadata metadata, KeycloakNonces nonces, TimeProvider clock)
{
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<JsonWebToken> ValidateIdTokenAsync(string idToken, string expectedNonce, OpenIdConnectConfiguration configuration, CancellationToken ct)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = settings.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = AsymmetricAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = settings.ClockSkew,
            // Lifetime against the injected clock (tests move it), with the usual exceptions for the usual faults.
            LifetimeValidator = ValidateLifetime,
        };

        var result = await _handler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The realm may have rotated its keys since they were cached: read them again and retry once.
            parameters.IssuerSigningKeys = await metadata.RefreshSigningKeysAsync(configuration, ct);
            result = await _handler.ValidateTokenAsync(idToken, parameters);
        }
        if (!result.IsValid)
            throw Describe(result.Exception, result.SecurityToken as JsonWebToken ?? TryRead(idToken));

        var token = (JsonWebToken)result.SecurityToken;
        if (token.Audiences.Count() > 1 && (!token.TryGetPayloadValue<string>("azp", out var azp) || azp != settings.ClientId))
            throw new KeycloakSignInException(KeycloakFailure.Audience, "The id_token has several audiences and its azp is not this client.");

        if (!token.TryGetPayloadValue<string>("nonce", out var nonce) || string.IsNullOrEmpty(nonce))
            throw new KeycloakSignInException(KeycloakFailure.Nonce, "The id_token carries no nonce.");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(expectedNonce)))
            throw new KeycloakSignInException(KeycloakFailure.Nonce, "The id_token's nonce is not the one this sign-in sent.");
        if (!nonces.TryRedeem(nonce, new DateTimeOffset(token.ValidTo, TimeSpan.Zero) + settings.ClockSkew))
            throw new KeycloakSignInException(KeycloakFailure.Nonce, "The id_token's nonce was already redeemed (replay).");
        return token;
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        // The skew is applied to "now", never to the token's times: IdentityModel passes DateTime.MinValue/MaxValue for absent ones.
        var now = clock.GetUtcNow().UtcDateTime;
        if (expires is not { } validTo)
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        if (validTo.ToUniversalTime() < now - parameters.ClockSkew)
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = validTo };
        if (notBefore is { } validFrom && validFrom.ToUniversalTime() > now + parameters.ClockSkew)
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = validFrom };
        return true;
    }

    private static JsonWebToken? TryRead(string token)
    {
        try
        {
            return new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Maps IdentityModel's exception to a reason, with a message built from safe facts (key id, times), never the token.</summary>
    private static KeycloakSignInException Describe(Exception? error, JsonWebToken? token)
    {
        var kid = token?.Kid is { Length: > 0 } k ? k : "(none)";
        return error switch
        {
            SecurityTokenSignatureKeyNotFoundException => new(KeycloakFailure.Signature, $"The id_token is signed with key id {kid}, which the realm's JWKS does not hold.", error),
            SecurityTokenInvalidSignatureException => new(KeycloakFailure.Signature, $"The id_token's signature (key id {kid}) does not verify.", error),
            SecurityTokenInvalidAlgorithmException => new(KeycloakFailure.Signature, $"The id_token is signed with an algorithm Portal does not accept ({token?.Alg}).", error),
            SecurityTokenExpiredException expired => new(KeycloakFailure.Expired, $"The id_token expired at {expired.Expires:O}.", error),
            SecurityTokenNotYetValidException early => new(KeycloakFailure.Expired, $"The id_token is not valid before {early.NotBefore:O}.", error),
            SecurityTokenNoExpirationException => new(KeycloakFailure.Expired, "The id_token has no expiry.", error),
            SecurityTokenInvalidAudienceException => new(KeycloakFailure.Audience, $"The id_token is for audience '{string.Join(",", token?.Audiences ?? [])}', not this client.", error),
            SecurityTokenInvalidIssuerException => new(KeycloakFailure.Issuer, $"The id_token was issued by '{token?.Issuer}', not the configured realm.", error),
            _ => new(KeycloakFailure.InvalidToken, $"The id_token is not valid ({error?.GetType().Name ?? "unknown reason"}).", error),
        };
    }
}
