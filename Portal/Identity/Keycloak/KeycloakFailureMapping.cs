using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Identity.Keycloak;

/// <summary>How far a callback got before it failed; set by <see cref="KeycloakEvents"/> as the handler moves on.</summary>
public enum KeycloakCallbackStage
{
    /// <summary>State, correlation cookie, the authorization response's own error, the <c>iss</c> parameter.</summary>
    AuthorizationResponse,
    /// <summary>The code is being exchanged at the token endpoint.</summary>
    TokenExchange,
    /// <summary>The token response arrived; its id_token is being validated.</summary>
    IdToken,
    /// <summary>The id_token was accepted; the nonce check and the userinfo request follow.</summary>
    UserInfo,
}

/// <summary>
/// Turns what the OpenID Connect handler and IdentityModel throw into a reason for the failure page and a message that
/// is safe to log. Library messages are never copied: one of them (no suitable token handler) quotes the whole id_token.
/// Messages are built from exception types, IdentityModel's IDX codes and the provider's error codes only.
/// </summary>
public static partial class KeycloakFailureMapping
{
    /// <summary>A failure while starting a sign-in or a sign-out (reading discovery, pushing the authorization request).</summary>
    public static KeycloakSignInException FromChallenge(Exception failure) => failure switch
    {
        KeycloakSignInException own => own,
        { InnerException: KeycloakSignInException own } => own,
        _ when Unreachable(failure) is { } network => new(KeycloakFailure.Unreachable, $"Keycloak did not answer ({network}).", failure),
        OpenIdConnectProtocolException protocol => new(KeycloakFailure.ProviderError, $"Keycloak refused the pushed authorization request ({ErrorCode(protocol)}).", failure),
        _ => new(KeycloakFailure.Discovery, $"The realm's discovery document or keys are not usable ({Facts(failure)}).", failure),
    };

    /// <summary>A failure of the callback, classified by what failed and how far the callback had got.</summary>
    public static KeycloakSignInException FromCallback(Exception? failure, KeycloakCallbackStage stage) => failure switch
    {
        null => new(KeycloakFailure.Unknown, "No reason given."),
        KeycloakSignInException own => own,
        { InnerException: KeycloakSignInException own } => own,
        // Discovery read again at the callback (first use after a restart, or a refresh).
        InvalidOperationException when Idx(failure) == "IDX20803" => FromChallenge(failure),
        _ when Unreachable(failure) is { } network => stage == KeycloakCallbackStage.UserInfo
            ? new(KeycloakFailure.UserInfo, $"Keycloak's userinfo endpoint did not answer or refused ({network}).", failure)
            : new(KeycloakFailure.Unreachable, $"Keycloak's token endpoint did not answer ({network}).", failure),
        OpenIdConnectProtocolInvalidNonceException => new(KeycloakFailure.Nonce,
            $"The id_token's nonce is missing or does not belong to a sign-in started in this browser, or was used already ({Facts(failure)}).", failure),
        OpenIdConnectProtocolException protocol when stage <= KeycloakCallbackStage.AuthorizationResponse =>
            new(KeycloakFailure.ProviderError, $"Keycloak answered the authorization request with error '{ErrorCode(protocol)}'.", failure),
        OpenIdConnectProtocolException protocol when stage == KeycloakCallbackStage.TokenExchange =>
            new(KeycloakFailure.TokenExchange, $"Keycloak's token endpoint refused the code ({ErrorCode(protocol)}).", failure),
        OpenIdConnectProtocolException => new(KeycloakFailure.InvalidToken, $"The token response failed OpenID Connect's checks ({Facts(failure)}).", failure),
        SecurityTokenSignatureKeyNotFoundException => new(KeycloakFailure.Signature, "The id_token is signed with a key the realm's JWKS does not hold.", failure),
        SecurityTokenInvalidSignatureException => new(KeycloakFailure.Signature, "The id_token's signature does not verify.", failure),
        SecurityTokenInvalidAlgorithmException => new(KeycloakFailure.Signature, "The id_token is signed with an algorithm Portal does not accept.", failure),
        SecurityTokenExpiredException expired => new(KeycloakFailure.Expired, $"The id_token expired at {expired.Expires:O}.", failure),
        SecurityTokenNotYetValidException early => new(KeycloakFailure.Expired, $"The id_token is not valid before {early.NotBefore:O}.", failure),
        SecurityTokenNoExpirationException => new(KeycloakFailure.Expired, "The id_token has no expiry.", failure),
        SecurityTokenInvalidAudienceException => new(KeycloakFailure.Audience, "The id_token is for another audience than this client.", failure),
        SecurityTokenInvalidIssuerException => new(KeycloakFailure.Issuer, "The id_token was issued by another issuer than the configured realm.", failure),
        SecurityTokenException or ArgumentException when stage == KeycloakCallbackStage.IdToken =>
            new(KeycloakFailure.InvalidToken, $"The id_token is not valid ({Facts(failure)}).", failure),
        _ when stage == KeycloakCallbackStage.UserInfo => new(KeycloakFailure.UserInfo, $"Keycloak's userinfo response is not usable ({Facts(failure)}).", failure),
        // The handler's own refusals of the authorization response: fixed texts, recognised by wording.
        { Message: var message } when message.Contains("Correlation failed", StringComparison.Ordinal)
                                      || message.Contains("state", StringComparison.OrdinalIgnoreCase) =>
            new(KeycloakFailure.InvalidState, "The callback's state is missing, tampered with, or its correlation cookie is gone (replay, another browser, or too late).", failure),
        _ => new(KeycloakFailure.Unknown, $"The sign-in failed ({Facts(failure)}).", failure),
    };

    /// <summary>The network fault in the chain, named by type, or null when the failure is not about the network.</summary>
    private static string? Unreachable(Exception failure)
    {
        for (var inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { StatusCode: { } status })
                return $"HTTP {(int)status}";
            if (inner is HttpRequestException or SocketException or TimeoutException or TaskCanceledException)
                return inner.GetType().Name;
            // IdentityModel's document retriever reports a failed download (network or HTTP status) as an IOException.
            if (inner is IOException && Idx(inner) is "IDX20804" or "IDX20807")
                return $"{inner.GetType().Name} {Idx(inner)}";
        }
        return null;
    }

    /// <summary>Exception types and IDX codes along the chain: enough to look the failure up, never its data.</summary>
    private static string Facts(Exception failure)
    {
        var facts = new List<string>();
        for (var inner = failure; inner is not null && facts.Count < MaxChainFacts; inner = inner.InnerException)
            facts.Add(Idx(inner) is { } idx ? $"{inner.GetType().Name} {idx}" : inner.GetType().Name);
        return string.Join(" <- ", facts);
    }

    /// <summary>How many exceptions of a chain a log line names.</summary>
    private const int MaxChainFacts = 4;

    /// <summary>The provider's error code (RFC 6749 §5.2); its description is the provider's free text and is left out.</summary>
    private static string ErrorCode(OpenIdConnectProtocolException protocol) =>
        protocol.Data["error"] is string { Length: > 0 } error && ErrorCodeShape().IsMatch(error) ? error : "no error code";

    private static string? Idx(Exception failure) => IdxCode().Match(failure.Message) is { Success: true } match ? match.Value : null;

    [GeneratedRegex(@"\bIDX\d{5}\b")]
    private static partial Regex IdxCode();

    /// <summary>RFC 6749 error codes are printable ASCII without quotes or backslashes; anything else is not echoed.</summary>
    [GeneratedRegex(@"^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$")]
    private static partial Regex ErrorCodeShape();
}
