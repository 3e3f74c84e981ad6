using System.Net;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Integration.Keycloak;

/// <summary>The authorization request Portal sent to the realm, read from its redirect.</summary>
public sealed record AuthorizeRequest(Uri Url, string State, string Nonce, string CodeChallenge, string RedirectUri);

/// <summary>Drives Portal's side of a Keycloak sign-in over HTTP, the way a browser would.</summary>
public static class KeycloakHttp
{
    public const string SignInPath = "/account/keycloak/signin";
    public const string FailurePath = "/account/keycloak/failed";

    /// <summary>Starts a sign-in; asserts Portal redirects to the realm's authorization endpoint and returns the request.</summary>
    public static async Task<AuthorizeRequest> StartAsync(HttpClient portal, string authorizationEndpoint)
    {
        using var response = await portal.GetAsync(SignInPath);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var url = response.Headers.Location!;
        Assert.True(url.IsAbsoluteUri, $"Expected a redirect to the realm, got {url}.");
        Assert.Equal(authorizationEndpoint, url.GetLeftPart(UriPartial.Path));
        string Q(string key) => PortalHttp.QueryValue(url.PathAndQuery, key) ?? throw new Xunit.Sdk.XunitException($"The authorization request has no {key}.");
        Assert.Equal("code", Q("response_type"));
        Assert.Equal("S256", Q("code_challenge_method"));
        return new AuthorizeRequest(url, Q("state"), Q("nonce"), Q("code_challenge"), Q("redirect_uri"));
    }

    /// <summary>Comes back to Portal's callback with the given query; returns where Portal sends the browser next.</summary>
    public static async Task<string> CallbackAsync(HttpClient portal, string query)
    {
        using var response = await portal.GetAsync("/signin-keycloak?" + query);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"The callback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>Follows Portal-local redirects (the completion step) until the final page; returns its path and query.</summary>
    public static async Task<string> FollowAsync(HttpClient portal, string location)
    {
        for (var hops = 0; hops < 5; hops++)
        {
            if (!location.StartsWith('/')) return location;
            using var response = await portal.GetAsync(location);
            if (response.StatusCode != HttpStatusCode.Redirect) return location;
            location = response.Headers.Location!.OriginalString;
        }
        return location;
    }

    /// <summary>The failure reason of a failure-page location, or null when the location is not the failure page.</summary>
    public static string? FailureReason(string location) =>
        location.StartsWith(FailurePath, StringComparison.Ordinal) ? PortalHttp.QueryValue(location, "reason") : null;
}
