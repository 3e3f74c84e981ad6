using Portal.Jobs;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Jobs.OpenStack;
using Portal.Tests.Unit.OpenStack;

namespace Portal.Tests.Integration.OpenStack;

/// <summary>The client over real sockets: refused connections, DNS failures, a loopback Keystone, and TLS with a private CA.</summary>
public sealed class OpenStackNetworkTests
{
    private static readonly OpenStackClientOptions RealOptions = TestClients.FastOptions with { RequestTimeout = TimeSpan.FromSeconds(10) };

    private static IOpenStackClient RealClient(OpenStackConnection connection, OpenStackClientFactory? factory = null) =>
        (factory ?? new OpenStackClientFactory(TimeProvider.System, new CapturingLoggerFactory(), [new Portal.DemoCloud.DemoOpenStackEndpoint(new Portal.DemoCloud.DemoCloudService())], RealOptions))
            .Create(connection);

    [Fact]
    public async Task AuthenticateAsync_ClosedLoopbackPort_IsUnreachableConnectionRefused()
    {
        var port = Loopback.ClosedPort();
        var client = RealClient(TestClients.Connection(authUrl: $"http://127.0.0.1:{port}/v3"));

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Unreachable, result.Error?.Kind);
        Assert.Contains($"127.0.0.1:{port} (connection refused)", result.Error!.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_HostThatDoesNotResolve_IsUnreachableDnsFailure()
    {
        var client = RealClient(TestClients.Connection(authUrl: "https://keystone.portal-tests.invalid:5000/v3"));

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.Unreachable, result.Error?.Kind);
        Assert.Contains("\"keystone.portal-tests.invalid\" could not be resolved", result.Error!.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_LoopbackKeystoneRejectsThePassword_IsUnauthorizedAfterARealRoundTrip()
    {
        var port = Loopback.ClosedPort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        string? receivedBody = null;
        string? receivedPath = null;
        var server = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            receivedPath = context.Request.Url!.AbsolutePath;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                receivedBody = await reader.ReadToEndAsync();
            var body = Encoding.UTF8.GetBytes(Loopback.Keystone401);
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            context.Response.AddHeader("WWW-Authenticate", $"Keystone uri=\"http://127.0.0.1:{port}/v3\"");
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        var client = RealClient(TestClients.Connection(TestClients.Password("wrong-password"), authUrl: $"http://127.0.0.1:{port}"));

        var result = await client.AuthenticateAsync();
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RemoteErrorKind.Unauthorized, result.Error?.Kind);
        Assert.StartsWith("The cloud rejected the credentials (401 Unauthorized).", result.Error!.Message);
        Assert.DoesNotContain("wrong-password", result.Error.Message);
        Assert.Equal("/v3/auth/tokens", receivedPath);
        Assert.Equal("wrong-password", (string?)JsonNode.Parse(receivedBody!)!["auth"]!["identity"]!["password"]!["user"]!["password"]);
    }

    [Fact]
    public async Task AuthenticateAsync_ServerCertificateFromAPrivateCaWithoutBundle_IsTlsFailureMentioningTheCaBundle()
    {
        using var certificates = TestCertificates.Create("Portal Test CA", IPAddress.Loopback);
        await using var server = new TlsKeystone401Server(certificates.Server);
        var client = RealClient(TestClients.Connection(authUrl: $"https://127.0.0.1:{server.Port}/v3"));

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.TlsFailure, result.Error?.Kind);
        Assert.Contains("not trusted", result.Error!.Message);
        Assert.Contains("CA bundle", result.Error.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task AuthenticateAsync_ServerCertificateFromThePrivateCaInTheBundle_CompletesTheHandshake()
    {
        using var certificates = TestCertificates.Create("Portal Test CA", IPAddress.Loopback);
        await using var server = new TlsKeystone401Server(certificates.Server);
        var connection = TestClients.Connection(authUrl: $"https://127.0.0.1:{server.Port}/v3") with { CaBundlePem = certificates.AuthorityPem };
        var client = RealClient(connection);

        var result = await client.AuthenticateAsync();

        // The handshake succeeded against the custom root; Keystone's 401 is the answer that came back.
        Assert.Equal(RemoteErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task AuthenticateAsync_BundleHoldsAnotherCa_IsTlsFailureSayingSo()
    {
        using var certificates = TestCertificates.Create("Portal Test CA", IPAddress.Loopback);
        using var other = TestCertificates.Create("Some Other CA", IPAddress.Loopback);
        await using var server = new TlsKeystone401Server(certificates.Server);
        var connection = TestClients.Connection(authUrl: $"https://127.0.0.1:{server.Port}/v3") with { CaBundlePem = other.AuthorityPem };
        var client = RealClient(connection);

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.TlsFailure, result.Error?.Kind);
        Assert.Contains("checked against the CA bundle provided", result.Error!.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task AuthenticateAsync_CertificateForAnotherName_IsTlsFailureEvenWithTheBundle()
    {
        using var certificates = TestCertificates.Create("Portal Test CA", IPAddress.Parse("127.0.0.2"), "keystone.example.com");
        await using var server = new TlsKeystone401Server(certificates.Server);
        var connection = TestClients.Connection(authUrl: $"https://127.0.0.1:{server.Port}/v3") with { CaBundlePem = certificates.AuthorityPem };
        var client = RealClient(connection);

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.TlsFailure, result.Error?.Kind);
        Assert.Contains("not valid for the host name", result.Error!.Message);
    }

    [Fact]
    public async Task AuthenticateAsync_PlainHttpServerAddressedOverHttps_IsTlsFailure()
    {
        var port = Loopback.ClosedPort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = listener.GetContextAsync();
        var client = RealClient(TestClients.Connection(authUrl: $"https://127.0.0.1:{port}/v3"));

        var result = await client.AuthenticateAsync();

        Assert.Equal(RemoteErrorKind.TlsFailure, result.Error?.Kind);
    }
}
