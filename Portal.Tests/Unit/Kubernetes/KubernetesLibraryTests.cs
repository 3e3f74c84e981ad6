using Portal.Jobs;
using System.Net;
using System.Text;
using k8s;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;

namespace Portal.Tests.Unit.Kubernetes;

/// <summary>
/// What the project adds around the KubernetesClient library: the kubeconfig policy before it, secrets out of every
/// log line and error, one library instance per cluster, and a dependency set that actually loads.
/// </summary>
public sealed class KubernetesLibraryTests
{
    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "Unauthorized", RemoteErrorKind.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden", RemoteErrorKind.Forbidden)]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError", RemoteErrorKind.ServerError)]
    public async Task ApplyAsync_ErrorAnswerEchoingTheToken_NoLogLineOrMessageContainsTheTokenOrTheSecret(HttpStatusCode status, string reason, RemoteErrorKind kind)
    {
        // The library's exception for this answer holds the request with the Authorization header and the Secret's body.
        const string secretValue = "c3VwZXItc2VjcmV0LXBhc3N3b3JkLXZhbHVl";
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Patch, "/api/v1/namespaces/team-a/secrets/s", () =>
                KubeReply.Status(status, reason, $"request with Authorization: Bearer {KubeTestClients.Token} refused"));
        var logs = new KubeLogCapture();
        var client = KubeTestClients.Create(api, logs: logs);

        var result = await client.ApplyAsync(new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "s" },
            ["data"] = new System.Text.Json.Nodes.JsonObject { ["password"] = secretValue },
        });

        Assert.Equal(kind, result.Error?.Kind);
        Assert.Equal((int)status, result.Error!.StatusCode);
        Assert.DoesNotContain(KubeTestClients.Token, result.Error.Message);
        Assert.DoesNotContain(secretValue, result.Error.Message);
        Assert.NotEmpty(logs.Lines);
        Assert.All(logs.Lines, line => Assert.DoesNotContain(KubeTestClients.Token[..20], line));
        Assert.All(logs.Lines, line => Assert.DoesNotContain(secretValue, line));
        Assert.All(logs.Lines, line => Assert.DoesNotContain("HttpOperationException", line));
    }

    [Fact]
    public async Task VersionAsync_UnexpectedFaultQuotingTheToken_IsUnexpectedWithoutTheToken()
    {
        var handler = new KubeLambdaHandler((_, _, _) => throw new InvalidOperationException($"broken while sending Bearer {KubeTestClients.Token}"));
        var logs = new KubeLogCapture();
        var client = KubeTestClients.Create(handler, logs: logs);

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.Unexpected, result.Error?.Kind);
        Assert.Contains("InvalidOperationException", result.Error!.Message);
        Assert.DoesNotContain(KubeTestClients.Token[..20], result.Error.Message);
        Assert.All(logs.Lines, line => Assert.DoesNotContain(KubeTestClients.Token[..20], line));
    }

    [Fact]
    public void Create_KubeconfigWithAnExecPluginThatWritesAMarker_IsRefusedAndThePluginNeverRuns()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"portal-exec-marker-{Guid.NewGuid():N}");
        var script = Path.Combine(Path.GetTempPath(), $"portal-exec-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, $"#!/bin/sh\ntouch '{marker}'\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"stolen\"}}}}'\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var yaml = $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster:
                    server: https://{DemoKubernetesApi.Host}
                users:
                - name: u
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: {script}
                contexts:
                - name: c
                  context:
                    cluster: c
                    user: u
                current-context: c
                """;
            using var factory = new KubernetesClientFactory(TimeProvider.System, new KubeLogCapture(), new DemoKubernetesServers(new DemoKubernetesApi()), KubeTestClients.FastOptions);

            var result = factory.Create(yaml);

            Assert.Equal(RemoteErrorKind.InvalidConfiguration, result.Error?.Kind);
            Assert.Contains("exec plugin", result.Error!.Message);
            Assert.False(File.Exists(marker));
        }
        finally
        {
            File.Delete(script);
            File.Delete(marker);
        }
    }

    [Fact]
    public void LoadKubeConfig_LibrarysYamlPath_ParsesWithThePinnedYamlDotNet()
    {
        // A YamlDotNet pin lower than the library needs builds clean and fails here, at run time.
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(DemoKubernetesApi.Kubeconfig));

        var model = KubernetesClientConfiguration.LoadKubeConfig(stream);

        Assert.Equal("demo", model.CurrentContext);
        Assert.Equal($"https://{DemoKubernetesApi.Host}", Assert.Single(model.Clusters).ClusterEndpoint.Server);
    }

    [Fact]
    public async Task CreateClient_SameClusterTwice_SharesOneLibraryInstance()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/version", () => KubeReply.Fixture("version.json"));
        using var factory = new KubernetesClientFactory(TimeProvider.System, new KubeLogCapture(), _ => api, options: KubeTestClients.FastOptions);

        var first = factory.CreateClient(KubeTestClients.Connection());
        var second = factory.CreateClient(KubeTestClients.Connection(ns: "team-b"));

        Assert.True((await first.VersionAsync()).Succeeded);
        Assert.True((await second.VersionAsync()).Succeeded);
        Assert.Equal(1, factory.CachedClients);
    }

    [Fact]
    public async Task CreateClient_CredentialsOfAClusterChange_ReplacesItsInstanceAndSendsTheNewToken()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/version", () => KubeReply.Fixture("version.json"));
        using var factory = new KubernetesClientFactory(TimeProvider.System, new KubeLogCapture(), _ => api, options: KubeTestClients.FastOptions);
        await factory.CreateClient(KubeTestClients.Connection()).VersionAsync();

        var rotated = factory.CreateClient(KubeTestClients.Connection(token: "rotated-token"));
        await rotated.VersionAsync();

        Assert.Equal(1, factory.CachedClients);
        Assert.Equal("Bearer rotated-token", api.Requests[^1].Headers["Authorization"]);
    }

    [Fact]
    public async Task CreateClient_TwoClusters_GetAnInstanceEachUntilTheFactoryIsDisposed()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/version", () => KubeReply.Fixture("version.json"));
        var factory = new KubernetesClientFactory(TimeProvider.System, new KubeLogCapture(), _ => api, options: KubeTestClients.FastOptions);
        await factory.CreateClient(KubeTestClients.Connection("https://one.test:6443")).VersionAsync();
        await factory.CreateClient(KubeTestClients.Connection("https://two.test:6443")).VersionAsync();
        Assert.Equal(2, factory.CachedClients);

        factory.Dispose();

        Assert.Equal(0, factory.CachedClients);
        Assert.Throws<ObjectDisposedException>(() => factory.CreateClient(KubeTestClients.Connection()));
    }

    [Fact]
    public async Task CreateClient_ManyCallersOfOneClusterAtOnce_ShareOneInstanceAndAllSucceed()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/version", () => KubeReply.Fixture("version.json"));
        using var factory = new KubernetesClientFactory(TimeProvider.System, new KubeLogCapture(), _ => api, options: KubeTestClients.FastOptions);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => factory.CreateClient(KubeTestClients.Connection()).VersionAsync())));

        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Equal(1, factory.CachedClients);
    }

    [Fact]
    public async Task CreateClient_CredentialsRotateWhileOldClientsAreCalling_EveryCallSucceedsWithItsOwnToken()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/version", () => KubeReply.Fixture("version.json"));
        using var factory = new KubernetesClientFactory(TimeProvider.System, new KubeLogCapture(), _ => api, options: KubeTestClients.FastOptions);
        var old = factory.CreateClient(KubeTestClients.Connection(token: "old-token"));

        var calls = Enumerable.Range(0, 32).Select(i => Task.Run(() => i % 2 == 0
            ? old.VersionAsync()
            : factory.CreateClient(KubeTestClients.Connection(token: $"rotated-token-{i % 4}")).VersionAsync()));
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Equal(1, factory.CachedClients);
        Assert.All(api.Requests, r => Assert.Matches("^Bearer (old-token|rotated-token-[13])$", r.Headers["Authorization"]));
    }
}
