using Portal.Jobs;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Portal.Jobs.OpenStack;

namespace Portal.Tests.Unit.OpenStack;

/// <summary>Every failure becomes a typed result a person can act on; transient faults are retried within bounds.</summary>
public sealed class OpenStackErrorTests
{
    private const string Password = "Pw-Sekr1t!";

    [Fact]
    public async Task AuthenticateAsync_Keystone401ForPassword_IsUnauthorizedNamingWhatToCheck()
    {
        var cloud = new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens",
            () => Reply.KeystoneError(HttpStatusCode.Unauthorized, "The request you have made requires authentication."));
        var client = TestClients.Create(cloud);

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Equal(401, result.Error!.StatusCode);
        Assert.StartsWith("The cloud rejected the credentials (401 Unauthorized).", result.Error.Message);
        Assert.Contains("user name, password and user domain \"Default\"", result.Error.Message);
        Assert.Contains("project \"admin\"", result.Error.Message);
        Assert.Contains("requires authentication", result.Error.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_Keystone401ForApplicationCredential_MentionsTheCredential()
    {
        var cloud = new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens",
            () => Reply.KeystoneError(HttpStatusCode.Unauthorized, "The request you have made requires authentication."));
        var client = TestClients.Create(cloud, TestClients.Connection(new ApplicationCredential("abc", "AppCredSecret123")));

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Contains("application credential ID and secret", result.Error!.Message);
    }

    [Fact]
    public async Task ListFlavorsAsync_Nova403_IsForbiddenAskingForARole()
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", () => Reply.Json(
            """{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:os-flavor-access to be performed."}}""", HttpStatusCode.Forbidden));
        var client = TestClients.Create(cloud);

        var result = await client.ListFlavorsAsync();

        Assert.Equal(RemoteErrorKind.Forbidden, result.Error?.Kind);
        Assert.Contains("Nova refused to list flavors (403 Forbidden)", result.Error!.Message);
        Assert.Contains("role", result.Error.Message);
        Assert.Contains("Policy doesn't allow", result.Error.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_Keystone403_IsForbidden()
    {
        var cloud = new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens", () => Reply.KeystoneError(HttpStatusCode.Forbidden, "Nope."));
        var client = TestClients.Create(cloud);

        Assert.Equal(RemoteErrorKind.Forbidden, (await client.AuthenticateAsync()).Error?.Kind);
    }

    [Fact]
    public async Task AuthenticateAsync_NothingAtTheAuthUrl_IsNotFoundSayingNoKeystoneV3()
    {
        var client = TestClients.Create(new FakeOpenStack(), TestClients.Connection(authUrl: "http://127.0.0.1:5000/keystone"));

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.NotFound, result.Error?.Kind);
        Assert.Contains("no Keystone v3 identity service at http://127.0.0.1:5000/keystone/v3", result.Error!.Message);
        Assert.Contains(":5000/v3", result.Error.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_AuthUrlRedirects_IsInvalidConfigurationNamingTheTarget()
    {
        var cloud = new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens", () =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.MovedPermanently);
            response.Headers.Location = new Uri("https://keystone.example.com:5000/v3/auth/tokens");
            return response;
        });
        var client = TestClients.Create(cloud);

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.InvalidConfiguration, result.Error?.Kind);
        Assert.Contains("https://keystone.example.com:5000/v3/auth/tokens", result.Error!.Message);
    }

    [Fact]
    public async Task ListImagesAsync_Glance404_IsNotFoundPointingAtTheCatalogEndpoint()
    {
        var client = TestClients.Create(FakeOpenStack.WithKeystone());

        var result = await client.ListImagesAsync();

        Assert.Equal(RemoteErrorKind.NotFound, result.Error?.Kind);
        Assert.Contains("http://127.0.0.1:9292/v2/images", result.Error!.Message);
        Assert.Contains("The resource could not be found.", result.Error.Message);
    }

    [Fact]
    public async Task ListFlavorsAsync_ServiceNeverAnswers_TimesOutAfterRetries()
    {
        var handler = LambdaHandler.WithKeystone(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var options = TestClients.FastOptions with { RequestTimeout = TimeSpan.FromMilliseconds(150) };
        var client = TestClients.Create(handler, options: options);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await client.ListFlavorsAsync();

        Assert.Equal(RemoteErrorKind.Timeout, result.Error?.Kind);
        Assert.Contains("did not answer the request to list flavors within 150 ms (3 attempts)", result.Error!.Message);
        Assert.Equal(4, handler.Calls); // one token request, three GET attempts
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task AuthenticateAsync_KeystoneNeverAnswers_TimesOutWithoutRetrying()
    {
        var handler = new LambdaHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var client = TestClients.Create(handler, options: TestClients.FastOptions with { RequestTimeout = TimeSpan.FromMilliseconds(150) });

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Timeout, result.Error?.Kind);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task ListFlavorsAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var handler = LambdaHandler.WithKeystone(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var client = TestClients.Create(handler);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ListFlavorsAsync(cts.Token));
    }

    [Theory]
    [InlineData("<html><body><h1>Welcome to nginx!</h1></body></html>", "text/html", "content type text/html")]
    [InlineData("{\"flavors\": [{\"id\": \"1\", \"name\": \"m1.tiny\", \"ram\": 512, \"disk\": 1}]}", "application/json", "\"vcpus\" in flavor 1")]
    [InlineData("{\"flavors\": [{\"id\": \"1\", \"name\": \"m1.tiny\", \"ram\": \"lots\", \"vcpus\": 1, \"disk\": 1}]}", "application/json", "$.flavors[0].ram")]
    [InlineData("{\"servers\": []}", "application/json", "\"flavors\"")]
    [InlineData("{\"flavors\": [", "application/json", "not the expected JSON")]
    [InlineData("", "application/json", "not the expected JSON")]
    public async Task ListFlavorsAsync_BodyIsNotTheNovaShape_IsMalformed(string body, string mediaType, string expected)
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", () => Reply.Text(HttpStatusCode.OK, body, mediaType));
        var client = TestClients.Create(cloud);

        var result = await client.ListFlavorsAsync();

        Assert.Equal(RemoteErrorKind.Malformed, result.Error?.Kind);
        Assert.Contains(expected, result.Error!.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_WebPageInsteadOfToken_IsMalformed()
    {
        var cloud = new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens", () =>
        {
            var response = Reply.Text(HttpStatusCode.Created, "<html>login</html>", "text/html");
            response.Headers.TryAddWithoutValidation("X-Subject-Token", "tok-123456");
            return response;
        });
        var client = TestClients.Create(cloud);

        Assert.Equal(RemoteErrorKind.Malformed, (await client.AuthenticateAsync()).Error?.Kind);
    }

    [Fact]
    public async Task ListFlavorsAsync_Nova500Persistently_RetriesTwiceThenIsServerError()
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", () => Reply.Json(
            """{"computeFault": {"code": 500, "message": "Unexpected API Error."}}""", HttpStatusCode.InternalServerError));
        var client = TestClients.Create(cloud);

        var result = await client.ListFlavorsAsync();

        Assert.Equal(RemoteErrorKind.ServerError, result.Error?.Kind);
        Assert.Equal(500, result.Error!.StatusCode);
        Assert.Contains("500 Internal Server Error (3 attempts)", result.Error.Message);
        Assert.Contains("Unexpected API Error.", result.Error.Message);
        Assert.Equal(3, cloud.Count(HttpMethod.Get, "/v2.1/flavors/detail"));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task ListImagesAsync_TransientFailureThenSuccess_Succeeds(HttpStatusCode status)
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 9292, "/v2/images", (_, hit) =>
        {
            if (hit > 0)
                return Reply.Fixture("images.json");
            var failure = Reply.Text(status, "try again");
            failure.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.Zero);
            return failure;
        });
        var client = TestClients.Create(cloud);

        var result = await client.ListImagesAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(2, cloud.Count(HttpMethod.Get, "/v2/images"));
    }

    [Fact]
    public async Task ListFlavorsAsync_Nova501_IsNotRetried()
    {
        var cloud = FakeOpenStack.WithKeystone().On(HttpMethod.Get, 8774, "/v2.1/flavors/detail", () => Reply.Text(HttpStatusCode.NotImplemented, "no"));
        var client = TestClients.Create(cloud);

        Assert.Equal(RemoteErrorKind.ServerError, (await client.ListFlavorsAsync()).Error?.Kind);
        Assert.Equal(1, cloud.Count(HttpMethod.Get, "/v2.1/flavors/detail"));
    }

    [Fact]
    public async Task ListFlavorsAsync_ConnectionClosedWithoutAnswer_RetriesTheGet()
    {
        var handler = LambdaHandler.WithKeystone((_, call, _) => call == 0
            ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")
            : Task.FromResult(Reply.Fixture("flavors_detail.json")));
        var client = TestClients.Create(handler);

        var result = await client.ListFlavorsAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task ListFlavorsAsync_ConnectionKeepsDropping_IsUnreachable()
    {
        var handler = LambdaHandler.WithKeystone((_, _, _) =>
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        var client = TestClients.Create(handler);

        var result = await client.ListFlavorsAsync();

        Assert.Equal(RemoteErrorKind.Unreachable, result.Error?.Kind);
        Assert.Contains("closed the connection", result.Error!.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_TlsHandshakeFails_IsTlsFailureMentioningTheCaBundle()
    {
        var handler = new LambdaHandler((_, _, _) => throw new HttpRequestException(HttpRequestError.SecureConnectionError,
            "The SSL connection could not be established, see inner exception.",
            new System.Security.Authentication.AuthenticationException("The remote certificate is invalid.")));
        var client = TestClients.Create(handler, TestClients.Connection(authUrl: "https://keystone.example.com:5000/v3"));

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.TlsFailure, result.Error?.Kind);
        Assert.Contains("keystone.example.com:5000", result.Error!.Message);
        Assert.Contains("CA bundle", result.Error.Message);
    }

    public static TheoryData<OpenStackConnection, string> InvalidConnections() => new()
    {
        { new OpenStackConnection(new Uri("ftp://keystone.example.com/v3"), null, EndpointInterface.Public, TestClients.Password()), "http:// or https://" },
        { new OpenStackConnection(new Uri("https://admin:pw@keystone.example.com/v3"), null, EndpointInterface.Public, TestClients.Password()), "must not contain a user name" },
        { TestClients.Connection(new ApplicationCredential("", "secret")), "application credential ID" },
        { TestClients.Connection(new ApplicationCredential("id", "")), "secret is required" },
        { TestClients.Connection(new PasswordCredential("admin", "Default", "", "admin", "Default")), "password is required" },
        { TestClients.Connection(new PasswordCredential("admin", "Default", "pw", "", "Default")), "project name is required" },
        { TestClients.Connection(new PasswordCredential("admin", "", "pw", "admin", "Default")), "user domain is required" },
        { TestClients.Connection() with { CaBundlePem = "not a certificate" }, "at least one PEM certificate" },
        { TestClients.Connection() with { CaBundlePem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }, "could not be read" },
    };

    [Theory]
    [MemberData(nameof(InvalidConnections))]
    public async Task AuthenticateAsync_InvalidConnection_IsInvalidConfigurationAndSendsNothing(OpenStackConnection connection, string expected)
    {
        var cloud = FakeOpenStack.WithKeystone();
        var client = TestClients.Create(cloud, connection);

        var result = await client.AuthenticateAsync();
        var flavors = await client.ListFlavorsAsync();

        Assert.Equal(RemoteErrorKind.InvalidConfiguration, result.Error?.Kind);
        Assert.Contains(expected, result.Error!.Message);
        Assert.Equal(RemoteErrorKind.InvalidConfiguration, flavors.Error?.Kind);
        Assert.Empty(cloud.Requests);
        Assert.Equal(result.Error, connection.Validate());
    }

    [Fact]
    public void Validate_CompleteConnection_IsNull()
    {
        Assert.Null(TestClients.Connection().Validate());
        Assert.Null(TestClients.Connection(new ApplicationCredential("id", "secret")).Validate());
    }

    /// <summary>Answers that echo what the client sent (as misbehaving services do), to prove nothing secret gets through.</summary>
    public static TheoryData<string> LeakyScenarios() => new() { "auth401", "auth400", "nova500", "nova403", "glance404", "neutron-garbage", "timeout" };

    [Theory]
    [MemberData(nameof(LeakyScenarios))]
    public async Task AnyFailure_ServerEchoesSecrets_NoMessageOrLogLineContainsThem(string scenario)
    {
        const string secret = "AppCredSecret123";
        var logs = new CapturingLoggerFactory();
        var options = TestClients.FastOptions with { RequestTimeout = TimeSpan.FromMilliseconds(100), MaxRetries = 1 };
        foreach (var (credential, sent) in new (OpenStackCredential, string)[]
                 {
                     (TestClients.Password(Password), Password),
                     (new ApplicationCredential("fa5e90b8a3e44b0f8cbc1ae6300d3e45", secret), secret),
                 })
        {
            var client = TestClients.Create(LeakyCloud(scenario, $"you sent {sent} and got token {OpenStackFixtures.PasswordToken}"),
                TestClients.Connection(credential), options: options, logs: logs);
            var errors = new[]
            {
                (await client.AuthenticateAsync()).Error,
                (await client.ListFlavorsAsync()).Error,
                (await client.ListImagesAsync()).Error,
                (await client.ListExternalNetworksAsync()).Error,
                (await client.GetComputeLimitsAsync()).Error,
            }.OfType<RemoteError>().ToArray();

            Assert.NotEmpty(errors);
            foreach (var text in errors.Select(e => e.ToString()).Concat(logs.Lines).Append(client.Connection.ToString()))
            {
                Assert.DoesNotContain(sent, text);
                Assert.DoesNotContain(OpenStackFixtures.PasswordToken, text);
            }
        }
        Assert.NotEmpty(logs.Lines);
    }

    private static LambdaHandler LeakyCloud(string scenario, string echo)
    {
        HttpResponseMessage Leak(HttpStatusCode status) => Reply.Json(new JsonObject { ["error"] = new JsonObject { ["message"] = echo } }, status);
        return new LambdaHandler(async (request, _, ct) =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal))
            {
                return scenario switch
                {
                    "auth401" => Leak(HttpStatusCode.Unauthorized),
                    "auth400" => Leak(HttpStatusCode.BadRequest),
                    _ => Reply.Token(OpenStackFixtures.Read("token_password.json"), OpenStackFixtures.PasswordToken),
                };
            }
            switch (scenario)
            {
                case "nova500":
                    return Leak(HttpStatusCode.InternalServerError);
                case "nova403":
                    return Leak(HttpStatusCode.Forbidden);
                case "glance404":
                    return Reply.Text(HttpStatusCode.NotFound, $"<html>{echo}</html>", "text/html");
                case "neutron-garbage":
                    return Reply.Text(HttpStatusCode.OK, $"{{\"networks\": \"{echo}\"", "application/json");
                default:
                    await Task.Delay(Timeout.Infinite, ct);
                    throw new InvalidOperationException("unreachable");
            }
        });
    }

    [Fact]
    public void ToString_Credentials_HideTheSecrets()
    {
        var connection = TestClients.Connection(new ApplicationCredential("abc", "AppCredSecret123")) with { CaBundlePem = "-----BEGIN CERTIFICATE-----" };

        Assert.DoesNotContain("AppCredSecret123", connection.ToString());
        Assert.DoesNotContain(Password, TestClients.Password(Password).ToString());
        Assert.Contains("Secret = ***", connection.ToString());
        Assert.DoesNotContain("BEGIN CERTIFICATE", connection.ToString());
    }
}
