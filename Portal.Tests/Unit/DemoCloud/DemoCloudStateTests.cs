using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.OpenStack;
using Portal.Tests.Support;
using Portal.Tests.Unit.Kubernetes;

namespace Portal.Tests.Unit.DemoCloud;

/// <summary>
/// The demo cloud's saved state (<see cref="DemoCloudStateHost"/>): what one portal process leaves in the state folder,
/// the next one takes up — objects exactly, Secrets never in plain text, timing markers so a half-done step carries on —
/// and an unusable file never stops a start. Each "restart" is a new demo cloud on the same folder and key ring.
/// </summary>
public sealed class DemoCloudStateTests : IDisposable
{
    private const string SecretValue = "database-password-that-must-not-leak";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portal-tests", $"demo-state-{Guid.NewGuid():N}");
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly EphemeralDataProtectionProvider _keys = new();
    private readonly KubeLogCapture _logs = new();

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private string KubernetesFile => Path.Combine(_folder, DemoCloudStateHost.KubernetesFileName);

    private string OpenStackFile => Path.Combine(_folder, DemoCloudStateHost.OpenStackFileName);

    /// <summary>A demo cloud (both stand-ins) on the state folder, its saved state taken up.</summary>
    private async Task<(DemoCloudService Cloud, DemoKubernetesApi Kube, DemoCloudStateHost Host)> StartAsync(
        DemoControllerDelays? delays = null, IDataProtectionProvider? keys = null, string? folder = null)
    {
        var cloud = new DemoCloudService(_clock, new DemoCloudOptions { StateFolder = folder ?? _folder });
        var kube = new DemoKubernetesApi(_clock, new DemoKubernetesOptions { StateFolder = folder ?? _folder, Delays = delays ?? new DemoControllerDelays() });
        var services = new ServiceCollection().AddSingleton(keys ?? _keys).BuildServiceProvider();
        // No timer: the tests save by hand (SaveIfChanged) or by stopping, so a write never races an assertion.
        var host = new DemoCloudStateHost(cloud, kube, services, new Logger<DemoCloudStateHost>(_logs)) { SaveEvery = Timeout.InfiniteTimeSpan };
        await host.StartAsync(CancellationToken.None);
        return (cloud, kube, host);
    }

    private static JsonObject Manifest(string apiVersion, string kind, string name, string? ns, JsonObject? spec = null)
    {
        var manifest = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind,
            ["metadata"] = ns is null ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = ns },
        };
        if (spec is not null)
            manifest["spec"] = spec;
        return manifest;
    }

    private static JsonObject Secret(string name, string ns) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["type"] = "Opaque",
        ["stringData"] = new JsonObject { ["password"] = SecretValue },
        ["data"] = new JsonObject { ["token"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)) },
    };

    private static JsonObject Crd() => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = "widgets.example.com" },
        ["spec"] = new JsonObject
        {
            ["group"] = "example.com",
            ["scope"] = "Namespaced",
            ["names"] = new JsonObject { ["kind"] = "Widget", ["plural"] = "widgets", ["singular"] = "widget" },
            ["versions"] = new JsonArray(new JsonObject { ["name"] = "v1", ["served"] = true, ["storage"] = true }),
        },
    };

    private static IReadOnlyList<string> Everything(DemoKubernetesApi kube) =>
        kube.Clusters.SelectMany(c => c.All().Select(o => $"{c.Host} {o.ToJsonString()}")).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task StartAsync_FolderSavedByAnEarlierProcess_RestoresEveryClusterWithItsObjectsExactly()
    {
        var (_, kube, host) = await StartAsync();
        kube.Default.Apply(Manifest("v1", "ConfigMap", "settings", "default", null));
        kube.Default.Apply(Secret("app", "default"));
        kube.Default.Apply(Crd());
        kube.Default.Apply(Manifest("example.com/v1", "Widget", "gear", "default", new JsonObject { ["size"] = 3 }));
        var configMap = kube.Get("v1", "ConfigMap", "default", "settings")!;
        kube.Default.UpdateMetadata(configMap, m => m["finalizers"] = new JsonArray("example.com/keep"));
        kube.Default.Delete("v1", "ConfigMap", "default", "settings"); // deleting, held by its finalizer
        var workload = kube.AddCluster("web.tenant-1." + DemoKubernetesApi.Host, "web");
        workload.Apply(Manifest("apps/v1", "Deployment", "api", "default", new JsonObject { ["replicas"] = 2 }));
        var before = Everything(kube);
        var revisions = kube.Clusters.Select(c => (c.Host, c.Revision)).ToList();
        await host.StopAsync(CancellationToken.None);

        var (_, restored, _) = await StartAsync();

        Assert.Equal(before, Everything(restored));
        Assert.Equal(revisions, restored.Clusters.Select(c => (c.Host, c.Revision)).ToList());
        Assert.NotNull(restored.Default.FindKind("example.com/v1", "Widget"));
        Assert.NotNull(restored.FindCluster("web.tenant-1." + DemoKubernetesApi.Host));
        // The next change carries on from the saved counter, and server-side apply still knows who owns what.
        var next = restored.Default.Apply(Manifest("v1", "ConfigMap", "more", "default", null));
        Assert.Equal(revisions[0].Revision + 1, long.Parse(next["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(_logs.Lines, l => l.StartsWith("Information: The demo cloud took up its saved state", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StopAsync_ClusterWithSecrets_KeepsTheirValuesOutOfTheFileAndBringsThemBack()
    {
        var (_, kube, host) = await StartAsync();
        kube.Default.Apply(Secret("app", "default"));
        var secret = kube.Get("v1", "Secret", "default", "app")!;
        await host.StopAsync(CancellationToken.None);

        var text = await File.ReadAllTextAsync(KubernetesFile);
        Assert.DoesNotContain(SecretValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)), text, StringComparison.Ordinal);
        var (_, restored, _) = await StartAsync();
        Assert.True(JsonNode.DeepEquals(secret, restored.Get("v1", "Secret", "default", "app")));
    }

    [Fact]
    public async Task StartAsync_FileThatIsNotJson_WarnsMovesItAsideAndStartsEmpty()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(KubernetesFile, "{\"format\": 1, \"clusters\": [");

        var (_, kube, host) = await StartAsync();

        Assert.Equal([DemoKubernetesApi.Host], kube.Clusters.Select(c => c.Host).ToList());
        Assert.Empty(kube.List("v1", "ConfigMap"));
        var warning = Assert.Single(_logs.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal));
        Assert.Contains("is not valid JSON", warning, StringComparison.Ordinal);
        Assert.Contains("starts empty", warning, StringComparison.Ordinal);
        Assert.False(File.Exists(KubernetesFile));
        var aside = Assert.Single(Directory.GetFiles(_folder, DemoCloudStateHost.KubernetesFileName + ".unreadable-*"));
        Assert.Equal("{\"format\": 1, \"clusters\": [", await File.ReadAllTextAsync(aside));
        // The demo goes on and saves its new state in the usual place.
        kube.Default.Apply(Manifest("v1", "ConfigMap", "fresh", "default", null));
        await host.StopAsync(CancellationToken.None);
        Assert.True(File.Exists(KubernetesFile));
    }

    [Theory]
    [InlineData("{\"format\": 99, \"clusters\": []}", "format is not 1")]
    [InlineData("{\"format\": 1, \"clusters\": [{\"host\": \"evil.example.com\", \"name\": \"x\", \"revision\": 1, \"objects\": []}]}", "is not a demo cluster host")]
    [InlineData("{\"format\": 1, \"clusters\": [{\"host\": \"demo-k8s.portal.invalid\", \"name\": \"demo\", \"revision\": 1, \"objects\": [{\"type\": \"/v1/configmaps\"}]}]}", "'key' is missing")]
    [InlineData("[1, 2, 3]", "does not hold a JSON object")]
    public async Task StartAsync_FileThisVersionDoesNotUnderstand_WarnsMovesItAsideAndStartsEmpty(string content, string reason)
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(KubernetesFile, content);

        var (_, kube, _) = await StartAsync();

        Assert.Equal([DemoKubernetesApi.Host], kube.Clusters.Select(c => c.Host).ToList());
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(_folder, DemoCloudStateHost.KubernetesFileName + ".unreadable-*"));
    }

    [Fact]
    public async Task StartAsync_FileWhoseSecretsAnotherKeyRingProtected_WarnsMovesItAsideAndStartsEmpty()
    {
        var (_, kube, host) = await StartAsync();
        kube.Default.Apply(Secret("app", "default"));
        kube.Default.Apply(Manifest("v1", "ConfigMap", "settings", "default", null));
        await host.StopAsync(CancellationToken.None);

        var (_, restored, _) = await StartAsync(keys: new EphemeralDataProtectionProvider());

        Assert.Null(restored.Get("v1", "Secret", "default", "app"));
        Assert.Null(restored.Get("v1", "ConfigMap", "default", "settings")); // nothing half-restored
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("cannot be unprotected", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(SecretValue, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SaveIfChanged_BurstOfChanges_WritesTheFileOnceAndNotAgainUntilTheNextChange()
    {
        var (_, kube, host) = await StartAsync();
        var saver = host.Kubernetes!;
        for (var i = 0; i < 50; i++)
            kube.Default.Apply(Manifest("v1", "ConfigMap", $"burst-{i}", "default", null));

        Assert.True(saver.SaveIfChanged());
        Assert.False(saver.SaveIfChanged());
        Assert.Equal(1, saver.File.WriteCount);

        kube.Default.Apply(Manifest("v1", "ConfigMap", "one-more", "default", null));
        Assert.True(saver.SaveIfChanged());
        Assert.Equal(2, saver.File.WriteCount);
        await host.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SaveIfChanged_ControllersTickingOverSettledObjects_WritesNothing()
    {
        var (_, kube, host) = await StartAsync(DemoControllerDelays.Instant);
        kube.Default.Apply(Manifest("cluster.x-k8s.io/v1beta1", "MachineDeployment", "workers", "default", new JsonObject { ["replicas"] = 2 }));
        for (var i = 0; i < 5; i++)
        {
            kube.Tick();
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(2, ReadyReplicas(kube));
        Assert.True(host.Kubernetes!.SaveIfChanged());

        for (var i = 0; i < 5; i++)
        {
            kube.Tick();
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(host.Kubernetes.SaveIfChanged());
        Assert.Equal(1, host.Kubernetes.File.WriteCount);
    }

    [Fact]
    public async Task SaveIfChanged_AfterTakingUpASavedState_DoesNotWriteItBackUnchanged()
    {
        var (_, kube, host) = await StartAsync();
        kube.Default.Apply(Manifest("v1", "ConfigMap", "settings", "default", null));
        await host.StopAsync(CancellationToken.None);

        var (_, _, restarted) = await StartAsync();

        Assert.False(restarted.Kubernetes!.SaveIfChanged());
        Assert.Equal(0, restarted.Kubernetes.File.WriteCount);
    }

    [Fact]
    public async Task StopAsync_WhileWritingNothingLeftBehind_LeavesOnlyTheStateFiles()
    {
        var (_, kube, host) = await StartAsync();
        kube.Default.Apply(Manifest("v1", "ConfigMap", "settings", "default", null));

        await host.StopAsync(CancellationToken.None);

        Assert.Equal([DemoCloudStateHost.KubernetesFileName, DemoCloudStateHost.OpenStackFileName],
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KubernetesFile));
    }

    [Fact]
    public async Task StartAsync_NoStateFolder_KeepsEverythingInMemoryAndWritesNothing()
    {
        var cloud = new DemoCloudService(_clock);
        var kube = new DemoKubernetesApi(_clock);
        var host = new DemoCloudStateHost(cloud, kube, new ServiceCollection().BuildServiceProvider(), new Logger<DemoCloudStateHost>(_logs))
        {
            SaveEvery = Timeout.InfiniteTimeSpan,
        };

        await host.StartAsync(CancellationToken.None);
        kube.Default.Apply(Manifest("v1", "ConfigMap", "settings", "default", null));
        await host.StopAsync(CancellationToken.None);

        Assert.Null(host.Kubernetes);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public async Task StartAsync_SavedComputeLimits_AreWhatNovaReportsAgain()
    {
        var (cloud, _, host) = await StartAsync();
        cloud.ComputeLimits = new ComputeLimits(MaxInstances: 7, MaxCores: 28, MaxRamMb: 65_536, UsedInstances: 2, UsedCores: 8, UsedRamMb: 16_384);
        await host.StopAsync(CancellationToken.None);

        var (restored, _, _) = await StartAsync();

        Assert.Equal(new ComputeLimits(7, 28, 65_536, 2, 8, 16_384), restored.ComputeLimits);
        Assert.DoesNotContain(DemoCloudService.ApplicationCredentialSecret, await File.ReadAllTextAsync(OpenStackFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_OpenStackFileThatIsNotJson_WarnsAndKeepsTheDefaults()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(OpenStackFile, "not json");

        var (cloud, _, _) = await StartAsync();

        Assert.Equal(new DemoCloudOptions().ComputeLimits, cloud.ComputeLimits);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains(DemoCloudStateHost.OpenStackFileName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tick_RestartHalfWayThroughAWorkerMachine_CarriesOnWithTheStepInsteadOfStartingItAgain()
    {
        var delays = DemoControllerDelays.Instant with { WorkerMachine = TimeSpan.FromSeconds(10) };
        var (_, kube, host) = await StartAsync(delays);
        kube.Default.Apply(Manifest("cluster.x-k8s.io/v1beta1", "MachineDeployment", "workers", "default", new JsonObject { ["replicas"] = 3 }));
        kube.Tick(); // the first machine's step starts
        _clock.Advance(TimeSpan.FromSeconds(10));
        kube.Tick(); // one machine ready; the second one's step starts
        _clock.Advance(TimeSpan.FromSeconds(6));
        kube.Tick();
        Assert.Equal(1, ReadyReplicas(kube));
        await host.StopAsync(CancellationToken.None);

        var (_, restored, _) = await StartAsync(delays);
        _clock.Advance(TimeSpan.FromSeconds(4)); // ten seconds since the second machine's step began
        restored.Tick();

        Assert.Equal(2, ReadyReplicas(restored));
        Assert.Single(restored.List("cluster.x-k8s.io/v1beta1", "MachineDeployment"));
    }

    [Fact]
    public async Task Tick_RestartDuringAWorkerRollout_KeepsRollingUntilTheRolloutIsDone()
    {
        var delays = DemoControllerDelays.Instant with { WorkerMachine = TimeSpan.FromSeconds(10) };
        var (_, kube, host) = await StartAsync(delays);
        JsonObject Pool(string image) => Manifest("cluster.x-k8s.io/v1beta1", "MachineDeployment", "workers", "default", new JsonObject
        {
            ["replicas"] = 2,
            ["template"] = new JsonObject { ["spec"] = new JsonObject { ["version"] = image } },
        });
        kube.Default.Apply(Pool("v1.32.3"));
        for (var i = 0; i < 3; i++)
        {
            kube.Tick();
            _clock.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(2, ReadyReplicas(kube));
        kube.Default.Apply(Pool("v1.33.1"));
        kube.Tick(); // the rollout starts
        _clock.Advance(TimeSpan.FromSeconds(12));
        kube.Tick(); // one of two machines replaced
        Assert.Equal("RollingUpdateInProgress", ReadyReason(kube));
        await host.StopAsync(CancellationToken.None);

        var (_, restored, _) = await StartAsync(delays);
        restored.Tick();
        Assert.Equal("RollingUpdateInProgress", ReadyReason(restored));
        _clock.Advance(TimeSpan.FromSeconds(8));
        restored.Tick();
        Assert.Null(ReadyReason(restored));
    }

    private static long ReadyReplicas(DemoKubernetesApi kube) =>
        DemoStatus.Count(kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", "default", "workers")!["status"] as JsonObject, "readyReplicas");

    private static string? ReadyReason(DemoKubernetesApi kube) =>
        (kube.Get("cluster.x-k8s.io/v1beta1", "MachineDeployment", "default", "workers")!["status"]!["conditions"] as JsonArray)!
        .OfType<JsonObject>().Single(c => c["type"]!.GetValue<string>() == "Ready")["reason"]?.GetValue<string>();
}
