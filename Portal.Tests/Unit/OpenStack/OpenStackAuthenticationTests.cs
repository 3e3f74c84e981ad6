using Portal.Jobs;
using System.Net;
using System.Text.Json.Nodes;
using Portal.Jobs.OpenStack;

namespace Portal.Tests.Unit.OpenStack;

/// <summary>Keystone v3: request bodies, token handling, catalog summary and auth URL normalisation.</summary>
public sealed class OpenStackAuthenticationTests
{
    [Fact]
    public async Task AuthenticateAsync_PasswordCredential_PostsProjectScopedPasswordBody()
    {
        var cloud = FakeOpenStack.WithKeystone();
        var client = TestClients.Create(cloud, TestClients.Connection(new PasswordCredential("admin", "Default", "Pw-Sekr1t!", "admin", "Default")));

        var result = await client.AuthenticateAsync();

        Assert.True(result.Succeeded, result.ToString());
        var request = Assert.Single(cloud.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://127.0.0.1:5000/v3/auth/tokens", request.Url.ToString());
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        var expected = JsonNode.Parse("""
            {"auth": {
              "identity": {"methods": ["password"],
                           "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "Pw-Sekr1t!"}}},
              "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body!)), request.Body);
        Assert.False(request.Headers.ContainsKey("X-Auth-Token"));
    }

    [Fact]
    public async Task AuthenticateAsync_ApplicationCredential_PostsUnscopedApplicationCredentialBody()
    {
        var cloud = FakeOpenStack.WithKeystone("token_application_credential.json");
        var client = TestClients.Create(cloud, TestClients.Connection(new ApplicationCredential("fa5e90b8a3e44b0f8cbc1ae6300d3e45", "AppCredSecret123")));

        var result = await client.AuthenticateAsync();

        Assert.True(result.Succeeded, result.ToString());
        var expected = JsonNode.Parse("""
            {"auth": {"identity": {"methods": ["application_credential"],
                                   "application_credential": {"id": "fa5e90b8a3e44b0f8cbc1ae6300d3e45", "secret": "AppCredSecret123"}}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(Assert.Single(cloud.Requests).Body!)), cloud.Requests[0].Body);
    }

    [Fact]
    public async Task AuthenticateAsync_RecordedToken_SummarisesProjectCatalogAndExpiry()
    {
        var client = TestClients.Create(FakeOpenStack.WithKeystone());

        var summary = (await client.AuthenticateAsync()).Value!;

        Assert.Equal(OpenStackFixtures.ProjectId, summary.ProjectId);
        Assert.Equal("admin", summary.ProjectName);
        Assert.Equal(["compute", "identity", "image", "network", "placement"], summary.ServiceTypes);
        Assert.Equal(OpenStackFixtures.ExpiresAt, summary.TokenExpiresAt);
        Assert.Equal(["RegionOne"], summary.Regions);
        Assert.Equal("admin", summary.UserName);
        Assert.Contains("member", summary.Roles);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/v3/auth/tokens")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/v3/auth/tokens")]
    [InlineData("http://127.0.0.1:5000/v3", "http://127.0.0.1:5000/v3/auth/tokens")]
    [InlineData("http://127.0.0.1:5000/v3/", "http://127.0.0.1:5000/v3/auth/tokens")]
    [InlineData("http://127.0.0.1:5000/V3?x=1", "http://127.0.0.1:5000/V3/auth/tokens")]
    [InlineData("http://127.0.0.1:5000/v2.0", "http://127.0.0.1:5000/v3/auth/tokens")]
    [InlineData("http://127.0.0.1:5000/identity", "http://127.0.0.1:5000/identity/v3/auth/tokens")]
    [InlineData("http://127.0.0.1:5000/identity/v3", "http://127.0.0.1:5000/identity/v3/auth/tokens")]
    [InlineData("http://127.0.0.1:5000/v3/auth/tokens", "http://127.0.0.1:5000/v3/auth/tokens")]
    public async Task AuthenticateAsync_AuthUrlWithOrWithoutVersion_PostsToV3Tokens(string authUrl, string expected)
    {
        var cloud = new FakeOpenStack();
        var client = TestClients.Create(cloud, TestClients.Connection(authUrl: authUrl));

        await client.AuthenticateAsync();

        Assert.Equal(expected, cloud.Requests[0].Url.ToString());
    }

    [Fact]
    public async Task ListCalls_WithinTokenLifetime_AuthenticateOnceAndSendTheToken()
    {
        var cloud = FakeOpenStack.WithKeystone()
            .On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", () => Reply.Fixture("flavors_detail.json"))
            .On(HttpMethod.Get, 9292, "/v2/images", () => Reply.Fixture("images.json"))
            .On(HttpMethod.Get, 9696, "/v2.0/networks", () => Reply.Fixture("networks_external.json"));
        var client = TestClients.Create(cloud);

        Assert.True((await client.AuthenticateAsync()).Succeeded);
        Assert.True((await client.ListFlavorsAsync()).Succeeded);
        Assert.True((await client.ListImagesAsync()).Succeeded);
        Assert.True((await client.ListExternalNetworksAsync()).Succeeded);
        Assert.True((await client.AuthenticateAsync()).Succeeded);

        Assert.Equal(1, cloud.AuthCount);
        Assert.Equal(1, client.AuthenticationCount);
        Assert.All(cloud.Requests.Where(r => r.Method == HttpMethod.Get), r => Assert.Equal(OpenStackFixtures.PasswordToken, r.Headers["X-Auth-Token"]));
    }

    [Fact]
    public async Task AuthenticateAsync_ConcurrentCalls_ShareOneToken()
    {
        var cloud = FakeOpenStack.WithKeystone();
        var client = TestClients.Create(cloud);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.AuthenticateAsync()));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(1, cloud.AuthCount);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenCloseToExpiry_AuthenticatesAgain()
    {
        var clock = new OpenStackTestClock(OpenStackFixtures.IssuedAt);
        var cloud = FakeOpenStack.WithKeystone();
        var client = TestClients.Create(cloud, clock: clock);

        await client.AuthenticateAsync();
        clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(57));
        await client.AuthenticateAsync();
        Assert.Equal(1, cloud.AuthCount);

        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1)); // now less than 2 minutes before expires_at
        await client.AuthenticateAsync();
        Assert.Equal(2, cloud.AuthCount);

        clock.Advance(TimeSpan.FromHours(5)); // long expired
        await client.AuthenticateAsync();
        Assert.Equal(3, cloud.AuthCount);
    }

    [Fact]
    public async Task AuthenticateAsync_LocalClockAheadOfKeystone_StillReusesTheToken()
    {
        // This machine's clock is a day ahead of Keystone's: validity is measured from issued_at to expires_at.
        var clock = new OpenStackTestClock(OpenStackFixtures.IssuedAt.AddDays(1));
        var cloud = FakeOpenStack.WithKeystone();
        var client = TestClients.Create(cloud, clock: clock);

        await client.AuthenticateAsync();
        clock.Advance(TimeSpan.FromHours(1));
        await client.AuthenticateAsync();

        Assert.Equal(1, cloud.AuthCount);
    }

    [Fact]
    public async Task ListFlavorsAsync_ServiceRejectsCachedToken_AuthenticatesAgainOnceAndSucceeds()
    {
        var cloud = FakeOpenStack.WithKeystone()
            .On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", (_, hit) => hit == 0
                ? Reply.KeystoneError(HttpStatusCode.Unauthorized, "The request you have made requires authentication.")
                : Reply.Fixture("flavors_detail.json"));
        var client = TestClients.Create(cloud);

        var result = await client.ListFlavorsAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(3, result.Value.Count);
        Assert.Equal(2, cloud.AuthCount);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenWithoutCatalog_ReadsTheCatalogSeparately()
    {
        var token = OpenStackFixtures.Node("token_password.json");
        token["token"]!.AsObject().Remove("catalog");
        var cloud = new FakeOpenStack()
            .On(HttpMethod.Post, 5000, "/v3/auth/tokens", () => Reply.Token(token.ToJsonString(), "tok-123456"))
            .On(HttpMethod.Get, 5000, "/v3/auth/catalog", () => Reply.Fixture("catalog.json"));
        var client = TestClients.Create(cloud);

        var result = await client.AuthenticateAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("compute", result.Value.ServiceTypes);
        Assert.Equal("tok-123456", cloud.Requests.Single(r => r.Url.AbsolutePath == "/v3/auth/catalog").Headers["X-Auth-Token"]);
    }

    [Fact]
    public async Task AuthenticateAsync_NoSubjectTokenHeader_IsMalformed()
    {
        var cloud = new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens", () => Reply.Json(OpenStackFixtures.Read("token_password.json"), HttpStatusCode.Created));
        var client = TestClients.Create(cloud);

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Malformed, result.Error?.Kind);
        Assert.Contains("X-Subject-Token", result.Error!.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_UnscopedToken_IsMalformedAndSaysWhy()
    {
        var token = OpenStackFixtures.Node("token_password.json");
        token["token"]!.AsObject().Remove("project");
        var cloud = new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens", () => Reply.Token(token.ToJsonString(), "tok-123456"));
        var client = TestClients.Create(cloud);

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Malformed, result.Error?.Kind);
        Assert.Contains("not scoped to a project", result.Error!.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenWithoutExpiry_IsMalformedNamingTheField()
    {
        var token = OpenStackFixtures.Node("token_password.json");
        token["token"]!.AsObject().Remove("expires_at");
        var cloud = new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens", () => Reply.Token(token.ToJsonString(), "tok-123456"));
        var client = TestClients.Create(cloud);

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Malformed, result.Error?.Kind);
        Assert.Contains("expires_at", result.Error!.Message);
    }
}
