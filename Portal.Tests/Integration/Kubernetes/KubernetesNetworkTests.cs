using Portal.Jobs;
using System.Net;
using System.Net.Sockets;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;
using Portal.Tests.Unit.Kubernetes;

namespace Portal.Tests.Integration.Kubernetes;

/// <summary>The client over real sockets, configured from kubeconfigs: refused ports, DNS failures, TLS trust and client certificates.</summary>
public sealed class KubernetesNetworkTests : IDisposable
{
    private readonly KubeTestPki _pki = new();
    private readonly KubernetesClientFactory _factory = new(
        TimeProvider.System, new KubeLogCapture(), new DemoKubernetesServers(new DemoKubernetesApi()), KubeTestClients.FastOptions with { RequestTimeout = TimeSpan.FromSeconds(10), MaxRetries = 1 });

    public void Dispose()
    {
        _factory.Dispose();
        _pki.Dispose();
    }

    private static string Kubeconfig(string server, string clusterExtra = "", string? user = null) =>
        $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: loopback
          cluster:
            server: {server}
        {clusterExtra}
        users:
        - name: admin
          user:
        {user ?? $"    token: {KubeTestClients.Token}"}
        contexts:
        - name: loopback
          context:
            cluster: loopback
            user: admin
        current-context: loopback
        """;

    private string TrustedCa => $"    certificate-authority-data: {KubeTestPki.Base64(_pki.AuthorityPem)}";

    private IKubernetesClient Client(string kubeconfig)
    {
        var created = _factory.Create(kubeconfig);
        Assert.True(created.Succeeded, created.ToString());
        return created.Value;
    }

    [Fact]
    public async Task VersionAsync_ClosedLoopbackPort_IsUnreachableConnectionRefused()
    {
        var port = ClosedPort();
        var client = Client(Kubeconfig($"https://127.0.0.1:{port}"));

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.Unreachable, result.Error?.Kind);
        Assert.Contains($"nothing accepted a connection at 127.0.0.1:{port} (connection refused)", result.Error!.Message);
    }

    [Fact]
    public async Task VersionAsync_HostThatDoesNotResolve_IsUnreachableDnsFailure()
    {
        var client = Client(Kubeconfig("https://api.portal-tests.invalid:6443"));

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.Unreachable, result.Error?.Kind);
        Assert.Contains("the host name \"api.portal-tests.invalid\" could not be resolved (DNS lookup failed)", result.Error!.Message);
    }

    [Fact]
    public async Task VersionAsync_ServerCertificateFromTheKubeconfigsCa_Succeeds()
    {
        await using var server = new LoopbackKubeApiServer(_pki.Server());
        var client = Client(Kubeconfig(server.Url, TrustedCa));

        var result = await client.VersionAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("v1.32.3", result.Value.GitVersion);
        Assert.Equal([$"Bearer {KubeTestClients.Token}"], server.Authorizations);
    }

    [Fact]
    public async Task VersionAsync_PrivateCaWithoutCaData_IsTlsFailureAskingForTheCa()
    {
        await using var server = new LoopbackKubeApiServer(_pki.Server());
        var client = Client(Kubeconfig(server.Url));

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.TlsFailure, result.Error?.Kind);
        Assert.Contains("is issued by a certificate authority that is not trusted", result.Error!.Message);
        Assert.Contains("the kubeconfig needs its certificate-authority-data", result.Error.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task VersionAsync_CaDataOfAnotherCa_IsTlsFailureCheckedAgainstTheKubeconfigsCa()
    {
        using var other = new KubeTestPki("some-other-ca");
        await using var server = new LoopbackKubeApiServer(_pki.Server());
        var client = Client(Kubeconfig(server.Url, $"    certificate-authority-data: {KubeTestPki.Base64(other.AuthorityPem)}"));

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.TlsFailure, result.Error?.Kind);
        Assert.Contains("(checked against the kubeconfig's certificate-authority-data)", result.Error!.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task VersionAsync_InsecureSkipTlsVerify_AcceptsAnUntrustedCertificate()
    {
        await using var server = new LoopbackKubeApiServer(_pki.Server());
        var client = Client(Kubeconfig(server.Url, "    insecure-skip-tls-verify: true"));

        var result = await client.VersionAsync();

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task VersionAsync_CertificateForAnotherNameWithTlsServerName_Succeeds()
    {
        await using var server = new LoopbackKubeApiServer(_pki.Server("kube-apiserver.internal.test", includeLoopbackIp: false));
        var client = Client(Kubeconfig(server.Url, TrustedCa + "\n    tls-server-name: kube-apiserver.internal.test"));

        var result = await client.VersionAsync();

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task VersionAsync_CertificateForAnotherNameWithoutTlsServerName_IsTlsFailureNamingTheHost()
    {
        await using var server = new LoopbackKubeApiServer(_pki.Server("kube-apiserver.internal.test", includeLoopbackIp: false));
        var client = Client(Kubeconfig(server.Url, TrustedCa));

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.TlsFailure, result.Error?.Kind);
        Assert.Contains("the server certificate is not valid for the host name \"127.0.0.1\"", result.Error!.Message);
    }

    [Fact]
    public async Task VersionAsync_RsaClientCertificate_IsPresentedInTheHandshake()
    {
        var (certificate, key) = _pki.RsaClient("rsa-admin");
        await using var server = new LoopbackKubeApiServer(_pki.Server(), requireClientCertificate: true);
        var client = Client(Kubeconfig(server.Url, TrustedCa,
            $"    client-certificate-data: {KubeTestPki.Base64(certificate)}\n    client-key-data: {KubeTestPki.Base64(key)}"));

        var result = await client.VersionAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(["CN=rsa-admin, O=system:masters"], server.ClientSubjects);
        Assert.Empty(server.Authorizations);
    }

    [Fact]
    public async Task VersionAsync_EcClientCertificate_IsPresentedInTheHandshake()
    {
        var (certificate, key) = _pki.EcClient("ec-admin");
        await using var server = new LoopbackKubeApiServer(_pki.Server(), requireClientCertificate: true);
        var client = Client(Kubeconfig(server.Url, TrustedCa,
            $"    client-certificate-data: {KubeTestPki.Base64(certificate)}\n    client-key-data: {KubeTestPki.Base64(key)}"));

        var result = await client.VersionAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(["CN=ec-admin, O=system:masters"], server.ClientSubjects);
    }

    [Fact]
    public async Task VersionAsync_PlainHttpToATlsServer_IsAnErrorSuggestingHttps()
    {
        await using var server = new LoopbackKubeApiServer(_pki.Server());
        var client = Client(Kubeconfig($"http://127.0.0.1:{server.Port}"));

        var result = await client.VersionAsync();

        Assert.False(result.Succeeded);
        Assert.Contains("https://", result.Error!.Message);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
