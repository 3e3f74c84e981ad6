using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Api;

/// <summary>The ApiToken scheme in the real application: bearer tokens reach /api/v1, bad ones get an RFC 6750 401.</summary>
public sealed class ApiTokenAuthenticationTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    private const string MePath = "/api/v1/me";

    private async Task<(Actor Owner, CreatedApiToken Token)> IssueAsync(string email)
    {
        var userId = await factory.CreateUserAsync(email, displayName: "Grace");
        var owner = new Actor(userId, "Grace", PlatformRole.None);
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        var created = (await tokens.CreatePersonalTokenAsync(owner, "ci", DateTimeOffset.UtcNow.AddDays(7), ApiScope.ReadOnly, [])).ShouldSucceed();
        return (owner, created);
    }

    private async Task<HttpResponseMessage> GetMeAsync(string? bearer)
    {
        using var client = factory.CreatePortalClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, MePath);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task GetMe_LiveToken_AuthenticatesAsTheOwnerWithTheTokensScope()
    {
        var (owner, created) = await IssueAsync("grace@portal.test");

        using var response = await GetMeAsync(created.PlainText);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(owner.UserId, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("Grace (token ci)", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("readOnly", body.RootElement.GetProperty("token").GetProperty("scope").GetString());
    }

    [Fact]
    public async Task GetMe_UnknownToken_UnauthorizedWithInvalidTokenChallenge()
    {
        using var response = await GetMeAsync("ptl_" + new string('a', 40));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate).ToString();
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("not valid", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMe_RevokedToken_UnauthorizedSayingRevoked()
    {
        var (owner, created) = await IssueAsync("revoked@portal.test");
        (await factory.Services.GetRequiredService<ApiTokenService>().RevokeAsync(owner, created.Token.Id)).ShouldSucceed();

        using var response = await GetMeAsync(created.PlainText);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", Assert.Single(response.Headers.WwwAuthenticate).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMe_NoToken_UnauthorizedWithBareBearerChallenge()
    {
        using var response = await GetMeAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }
}
