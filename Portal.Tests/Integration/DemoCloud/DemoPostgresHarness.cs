using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.DemoCloud;

/// <summary>
/// Drives the demo Kubernetes API's CloudNativePG simulation on a manual clock: applies manifests as the portal does
/// (server-side apply with one field manager), ticks the controllers and reads objects back.
/// </summary>
internal sealed class DemoPostgresHarness
{
    public const string ApiVersion = "postgresql.cnpg.io/v1";
    public const string Namespace = "databases";
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public DemoPostgresHarness(DemoControllerDelays? delays = null)
    {
        Api = new DemoKubernetesApi(Clock, new DemoKubernetesOptions { Delays = delays ?? new DemoControllerDelays() });
    }

    public ManualTimeProvider Clock { get; } = new(Start);

    public DemoKubernetesApi Api { get; }

    /// <summary>Seconds since <see cref="Start"/>.</summary>
    public int Second => (int)(Clock.GetUtcNow() - Start).TotalSeconds;

    public JsonObject Apply(JsonObject manifest) => Api.Default.Apply(manifest, "portal");

    public JsonObject Cluster(string name, string ns = Namespace) =>
        Api.Get(ApiVersion, "Cluster", ns, name) ?? throw new InvalidOperationException($"No Cluster {ns}/{name}.");

    public JsonObject Status(string name, string ns = Namespace) => (JsonObject)Cluster(name, ns)["status"]!;

    public List<JsonObject> Backups(string ns = Namespace) =>
        [.. Api.List(ApiVersion, "Backup", ns).OrderBy(b => (string?)b["metadata"]!["name"], StringComparer.Ordinal)];

    public static string? Phase(JsonObject status) => (string?)status["phase"];

    public static long ReadyCount(JsonObject status) => (long?)status["readyInstances"] ?? 0;

    public static JsonObject? Condition(JsonObject status, string type) =>
        (status["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    public static string[] Names(JsonNode? array) => (array as JsonArray)?.Select(n => (string)n!).ToArray() ?? [];

    /// <summary>Ticks, then moves the clock by <paramref name="step"/> and ticks again, until <paramref name="done"/>; returns the seconds it took.</summary>
    public int RunUntil(Func<bool> done, int maxSteps = 600, TimeSpan? step = null)
    {
        var begin = Second;
        for (var i = 0; i <= maxSteps; i++)
        {
            Api.Tick();
            if (done())
                return Second - begin;
            Clock.Advance(step ?? TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException($"The condition did not hold within {maxSteps} steps.");
    }

    /// <summary>Runs until the Cluster is healthy and Ready; returns the seconds it took.</summary>
    public int RunUntilHealthy(string name, int maxSteps = 600) =>
        RunUntil(() => Phase(Status(name)) == DemoPostgresClusterController.PhaseHealthy && (string?)Condition(Status(name), "Ready")?["status"] == "True", maxSteps);

    /// <summary>Runs, recording every distinct (phase, phaseReason, readyInstances) the Cluster shows, until <paramref name="done"/>.</summary>
    public List<(string? Phase, string? Reason, long Ready)> Record(string name, Func<JsonObject, bool> done, int maxSteps = 600)
    {
        var seen = new List<(string? Phase, string? Reason, long Ready)>();
        RunUntil(() =>
        {
            var status = Status(name);
            var entry = (Phase(status), (string?)status["phaseReason"], ReadyCount(status));
            if (seen.Count == 0 || seen[^1] != entry)
                seen.Add(entry);
            return done(status);
        }, maxSteps);
        return seen;
    }

    /// <summary>
    /// Sends a PATCH for a Cluster over HTTP: to its status subresource when <paramref name="status"/> (as
    /// <c>kubectl cnpg promote</c> does), else to the object itself.
    /// </summary>
    public async Task<(int Status, string Body)> PatchAsync(string name, bool status, string contentType, string body, string? fieldManager = null)
    {
        using var http = new HttpClient(Api.Handler, disposeHandler: false);
        var query = fieldManager is null ? string.Empty : $"?fieldManager={fieldManager}";
        var path = $"apis/postgresql.cnpg.io/v1/namespaces/{Namespace}/clusters/{name}{(status ? "/status" : "")}{query}";
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{DemoKubernetesApi.ServerUrl}{path}")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DemoKubernetesApi.Token);
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A Cluster as the portal applies it; <paramref name="backups"/> adds an object store (and a retention policy when given).</summary>
    public static JsonObject PostgresCluster(string name, int instances = 3, string image = "ghcr.io/cloudnative-pg/postgresql:16.4", string size = "10Gi",
        bool backups = false, string? retention = null, JsonObject? annotations = null, JsonObject? resources = null, string ns = Namespace)
    {
        var spec = new JsonObject
        {
            ["instances"] = instances,
            ["imageName"] = image,
            ["storage"] = new JsonObject { ["size"] = size },
            ["bootstrap"] = new JsonObject { ["initdb"] = new JsonObject { ["database"] = "app", ["owner"] = "app" } },
        };
        if (resources is not null)
            spec["resources"] = resources;
        if (backups)
        {
            var backup = new JsonObject { ["barmanObjectStore"] = Store(name) };
            if (retention is not null)
                backup["retentionPolicy"] = retention;
            spec["backup"] = backup;
        }
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (annotations is not null)
            metadata["annotations"] = annotations;
        return new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = "Cluster", ["metadata"] = metadata, ["spec"] = spec };
    }

    public static JsonObject Store(string? serverName = null)
    {
        var store = new JsonObject
        {
            ["destinationPath"] = "s3://backups/portal",
            ["endpointURL"] = "https://s3.demo.invalid",
            ["s3Credentials"] = new JsonObject
            {
                ["accessKeyId"] = new JsonObject { ["name"] = "backup-store", ["key"] = "ACCESS_KEY_ID" },
                ["secretAccessKey"] = new JsonObject { ["name"] = "backup-store", ["key"] = "ACCESS_SECRET_KEY" },
            },
        };
        if (serverName is not null)
            store["serverName"] = serverName;
        return store;
    }

    public static JsonObject ScheduledBackup(string name, string cluster, string schedule, bool immediate = false, string owner = "self", bool suspend = false) => new()
    {
        ["apiVersion"] = ApiVersion,
        ["kind"] = "ScheduledBackup",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["schedule"] = schedule,
            ["cluster"] = new JsonObject { ["name"] = cluster },
            ["immediate"] = immediate,
            ["suspend"] = suspend,
            ["backupOwnerReference"] = owner,
            ["method"] = "barmanObjectStore",
        },
    };

    public static JsonObject Backup(string name, string cluster) => new()
    {
        ["apiVersion"] = ApiVersion,
        ["kind"] = "Backup",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject { ["cluster"] = new JsonObject { ["name"] = cluster }, ["method"] = "barmanObjectStore" },
    };

    /// <summary>A Cluster restored from <paramref name="serverName"/>'s backups to <paramref name="targetTime"/>.</summary>
    public static JsonObject RestoredCluster(string name, string serverName, DateTimeOffset? targetTime)
    {
        var recovery = new JsonObject { ["source"] = "origin" };
        if (targetTime is { } target)
            recovery["recoveryTarget"] = new JsonObject { ["targetTime"] = target.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) };
        return new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = "Cluster",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["spec"] = new JsonObject
            {
                ["instances"] = 1,
                ["imageName"] = "ghcr.io/cloudnative-pg/postgresql:16.4",
                ["storage"] = new JsonObject { ["size"] = "10Gi" },
                ["bootstrap"] = new JsonObject { ["recovery"] = recovery },
                ["externalClusters"] = new JsonArray(new JsonObject { ["name"] = "origin", ["barmanObjectStore"] = Store(serverName) }),
            },
        };
    }
}
