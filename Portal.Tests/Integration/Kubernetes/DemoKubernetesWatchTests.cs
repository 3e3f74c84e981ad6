using Portal.Jobs;
using System.Text.Json.Nodes;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;
using Portal.Tests.Unit.Kubernetes;

namespace Portal.Tests.Integration.Kubernetes;

/// <summary>Watch through the library against the demo API: the stream a real API server sends, served in process.</summary>
public sealed class DemoKubernetesWatchTests : IDisposable
{
    private readonly DemoKubernetesApi _api = new();
    private readonly KubernetesClientFactory _factory;
    private readonly IKubernetesClient _client;

    public DemoKubernetesWatchTests()
    {
        _factory = new KubernetesClientFactory(TimeProvider.System, new KubeLogCapture(), new DemoKubernetesServers(_api), KubeTestClients.FastOptions);
        _client = _factory.Create(DemoKubernetesApi.Kubeconfig).Value!;
    }

    public void Dispose() => _factory.Dispose();

    private static JsonObject ConfigMap(string name, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["data"] = new JsonObject { ["value"] = value },
    };

    [Fact]
    public async Task WatchAsync_ObjectCreatedChangedAndDeleted_StreamsAddedModifiedDeletedWithRisingResourceVersions()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<KubeWatchEvent>();
        var started = _api.Default.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var watching = Task.Run(async () =>
        {
            await foreach (var change in _client.WatchAsync("v1", "ConfigMap", "default", resourceVersion: started, ct: cts.Token))
            {
                seen.Add(change);
                if (seen.Count == 3) break;
            }
        });
        while (_api.Default.WatcherCount == 0 && !cts.IsCancellationRequested)
            await Task.Delay(10);

        Assert.True((await _client.ApplyAsync(ConfigMap("settings", "one"))).Succeeded);
        Assert.True((await _client.ApplyAsync(ConfigMap("settings", "two"))).Succeeded);
        Assert.True((await _client.DeleteAsync("v1", "ConfigMap", "default", "settings")).Succeeded);
        await watching;

        Assert.Equal([KubeWatchEventType.Added, KubeWatchEventType.Modified, KubeWatchEventType.Deleted], seen.Select(e => e.Type));
        Assert.Equal("two", (string?)seen[1].Object!["data"]!["value"]);
        var versions = seen.Select(e => long.Parse(e.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(3, versions.Distinct().Count());
    }

    [Fact]
    public async Task WatchAsync_NoResourceVersion_StartsWithAnAddedEventPerExistingObject()
    {
        await _client.ApplyAsync(ConfigMap("a", "1"));
        await _client.ApplyAsync(ConfigMap("b", "2"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var names = new List<string?>();

        await foreach (var change in _client.WatchAsync("v1", "ConfigMap", "default", ct: cts.Token))
        {
            Assert.Equal(KubeWatchEventType.Added, change.Type);
            names.Add((string?)change.Object!["metadata"]!["name"]);
            if (names.Count == 2) break;
        }

        Assert.Equal(["a", "b"], names.Order());
    }

    [Fact]
    public async Task WatchAsync_ResourceVersionTheServerNoLongerHas_EndsWithAnExpiredConflict()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<KubeWatchEvent>();

        await foreach (var change in _client.WatchAsync("v1", "ConfigMap", "default", resourceVersion: "not-a-version", ct: cts.Token))
            events.Add(change);

        var last = Assert.Single(events);
        Assert.Equal(KubeWatchEventType.Error, last.Type);
        Assert.Equal(RemoteErrorKind.Conflict, last.Error!.Kind);
        Assert.Equal(410, last.Error.StatusCode);
    }

    [Fact]
    public async Task WatchAsync_CallerStopsReading_ClosesTheStreamOnTheServer()
    {
        await _client.ApplyAsync(ConfigMap("a", "1"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await foreach (var change in _client.WatchAsync("v1", "ConfigMap", "default", ct: cts.Token))
            break;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (_api.Default.WatcherCount > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(10);

        Assert.Equal(0, _api.Default.WatcherCount);
    }
}
