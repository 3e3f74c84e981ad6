using Portal.Jobs;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;
using Portal.Tests.Support;
using Portal.Tests.Unit.Kubernetes;

namespace Portal.Tests.Integration.Kubernetes;

/// <summary>The real client end to end against the in-process demo Kubernetes API and its simulated controllers, on a manual clock.</summary>
public sealed class DemoKubernetesTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly DemoKubernetesApi _api;
    private readonly KubernetesClientFactory _factory;
    private readonly IKubernetesClient _client;

    public DemoKubernetesTests()
        : this(new DemoKubernetesOptions())
    {
    }

    private DemoKubernetesTests(DemoKubernetesOptions options, KubernetesClientOptions? clientOptions = null)
    {
        _api = new DemoKubernetesApi(_clock, options);
        _factory = new KubernetesClientFactory(_clock, new KubeLogCapture(), new DemoKubernetesServers(_api), clientOptions ?? KubeTestClients.FastOptions);
        _client = _factory.Create(DemoKubernetesApi.Kubeconfig).Value!;
    }

    public void Dispose() => _factory.Dispose();

    private static DemoKubernetesTests With(DemoKubernetesOptions options, KubernetesClientOptions? clientOptions = null) => new(options, clientOptions);

    /// <summary>Moves the clock in one-second steps, ticking the controllers after each, until <paramref name="done"/> or the limit.</summary>
    private async Task<int> RunUntilAsync(Func<Task<bool>> done, int maxSeconds = 120)
    {
        for (var second = 0; second <= maxSeconds; second++)
        {
            _api.Tick();
            if (await done())
                return second;
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException($"The condition did not hold within {maxSeconds} simulated seconds.");
    }

    private async Task<JsonObject> ApplyAsync(JsonObject manifest)
    {
        var result = await _client.ApplyAsync(manifest);
        Assert.True(result.Succeeded, result.ToString());
        return result.Value;
    }

    private async Task<KubeResourceStatus> StatusAsync(string apiVersion, string kind, string? ns, string name)
    {
        var result = await _client.GetStatusAsync(apiVersion, kind, ns, name);
        Assert.True(result.Succeeded, result.ToString());
        return result.Value;
    }

    private static string ResourceVersion(JsonObject resource) => (string)resource["metadata"]!["resourceVersion"]!;

    private static JsonObject Manifest(string apiVersion, string kind, string name, string? ns, JsonObject? spec = null, JsonObject? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
            metadata["namespace"] = ns;
        if (labels is not null)
            metadata["labels"] = labels;
        var manifest = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        if (spec is not null)
            manifest["spec"] = spec;
        return manifest;
    }

    private static JsonObject ConfigMap(string name, string ns = "team-a", JsonObject? data = null, JsonObject? labels = null)
    {
        var manifest = Manifest("v1", "ConfigMap", name, ns, labels: labels);
        manifest["data"] = data ?? new JsonObject { ["mode"] = "demo" };
        return manifest;
    }

    private static JsonObject PostgresCluster(string name, string ns = "databases", int instances = 3) =>
        Manifest("postgresql.cnpg.io/v1", "Cluster", name, ns, new JsonObject
        {
            ["instances"] = instances,
            ["storage"] = new JsonObject { ["size"] = "10Gi" },
            ["bootstrap"] = new JsonObject { ["initdb"] = new JsonObject { ["database"] = "orders", ["owner"] = "orders" } },
        });

    private static JsonObject Deployment(string name, string ns, int replicas = 1) =>
        Manifest("apps/v1", "Deployment", name, ns, new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "manager", ["image"] = "ghcr.io/cloudnative-pg/cloudnative-pg:1.26.0" }) },
            },
        });

    /// <summary>A Cluster API cluster as the portal will apply it: Cluster, OpenStackCluster, KubeadmControlPlane, templates and a MachineDeployment per pool.</summary>
    private static IReadOnlyList<JsonObject> CapiCluster(string name, string ns, int controlPlanes = 3, params (string Pool, int? Replicas)[] pools)
    {
        var labels = () => new JsonObject { ["cluster.x-k8s.io/cluster-name"] = name };
        var manifests = new List<JsonObject>
        {
            Manifest("cluster.x-k8s.io/v1beta1", "Cluster", name, ns, new JsonObject
            {
                ["clusterNetwork"] = new JsonObject { ["pods"] = new JsonObject { ["cidrBlocks"] = new JsonArray("192.168.0.0/16") } },
                ["infrastructureRef"] = new JsonObject { ["apiVersion"] = "infrastructure.cluster.x-k8s.io/v1beta1", ["kind"] = "OpenStackCluster", ["name"] = name },
                ["controlPlaneRef"] = new JsonObject { ["apiVersion"] = "controlplane.cluster.x-k8s.io/v1beta1", ["kind"] = "KubeadmControlPlane", ["name"] = $"{name}-control-plane" },
            }, labels()),
            Manifest("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackCluster", name, ns, new JsonObject
            {
                ["externalNetwork"] = new JsonObject { ["filter"] = new JsonObject { ["name"] = "public" } },
                ["apiServerLoadBalancer"] = new JsonObject { ["enabled"] = true },
                ["identityRef"] = new JsonObject { ["cloudName"] = "openstack", ["name"] = $"{name}-cloud-config" },
            }, labels()),
            Manifest("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackMachineTemplate", $"{name}-control-plane", ns, new JsonObject
            {
                ["template"] = new JsonObject { ["spec"] = new JsonObject { ["flavor"] = "m1.large", ["image"] = new JsonObject { ["filter"] = new JsonObject { ["name"] = "ubuntu-2404-kube-v1.32.3-5" } } } },
            }, labels()),
            Manifest("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", $"{name}-control-plane", ns, new JsonObject
            {
                ["replicas"] = controlPlanes,
                ["version"] = "v1.32.3",
                ["machineTemplate"] = new JsonObject { ["infrastructureRef"] = new JsonObject { ["apiVersion"] = "infrastructure.cluster.x-k8s.io/v1beta1", ["kind"] = "OpenStackMachineTemplate", ["name"] = $"{name}-control-plane" } },
                ["kubeadmConfigSpec"] = new JsonObject(),
            }),
        };
        foreach (var (pool, replicas) in pools)
        {
            manifests.Add(Manifest("bootstrap.cluster.x-k8s.io/v1beta1", "KubeadmConfigTemplate", $"{name}-{pool}", ns, new JsonObject { ["template"] = new JsonObject() }, labels()));
            manifests.Add(Manifest("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackMachineTemplate", $"{name}-{pool}", ns, new JsonObject
            {
                ["template"] = new JsonObject { ["spec"] = new JsonObject { ["flavor"] = "m1.medium" } },
            }, labels()));
            var spec = new JsonObject
            {
                ["clusterName"] = name,
                ["template"] = new JsonObject { ["spec"] = new JsonObject { ["clusterName"] = name, ["version"] = "v1.32.3" } },
            };
            if (replicas is { } count)
                spec["replicas"] = count;
            var md = Manifest("cluster.x-k8s.io/v1beta1", "MachineDeployment", $"{name}-{pool}", ns, spec, labels());
            if (replicas is null)
            {
                md["metadata"]!["annotations"] = new JsonObject
                {
                    ["cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size"] = "2",
                    ["cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size"] = "5",
                };
            }
            manifests.Add(md);
        }
        return manifests;
    }

    // ---- Connectivity and credentials --------------------------------------------------------------------------

    [Fact]
    public async Task VersionAsync_WellKnownDemoKubeconfig_IsAnsweredInProcess()
    {
        var result = await _client.VersionAsync();

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("v1.32.3", result.Value.GitVersion);
        Assert.Equal(1, _api.RequestCount);
        Assert.Equal(DemoKubernetesApi.ServerUrl, _client.Connection.Server);
    }

    [Fact]
    public async Task VersionAsync_WrongToken_IsUnauthorized()
    {
        var client = _factory.Create(DemoKubernetesApi.Connection with { Credential = KubeCredential.FromToken("not-the-demo-token") });

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.Unauthorized, result.Error?.Kind);
    }

    [Fact]
    public async Task VersionAsync_UnknownDemoHost_IsUnreachableLikeADnsFailure()
    {
        var client = _factory.Create(DemoKubernetesApi.Connection with { Server = new Uri($"https://nope.{DemoKubernetesApi.Host}") });

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.Unreachable, result.Error?.Kind);
        Assert.Contains("could not be resolved", result.Error!.Message);
    }

    // ---- Apply, get, list, delete -------------------------------------------------------------------------------

    public static TheoryData<string, string, bool, string> Kinds => new()
    {
        { "v1", "ConfigMap", true, "data" },
        { "v1", "Secret", true, "data" },
        { "v1", "Namespace", false, "spec" },
        { "v1", "Service", true, "spec" },
        { "apps/v1", "Deployment", true, "spec" },
        { "cluster.x-k8s.io/v1beta1", "Cluster", true, "spec" },
        { "cluster.x-k8s.io/v1beta1", "MachineDeployment", true, "spec" },
        { "infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackCluster", true, "spec" },
        { "infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackMachineTemplate", true, "spec" },
        { "controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", true, "spec" },
        { "bootstrap.cluster.x-k8s.io/v1beta1", "KubeadmConfigTemplate", true, "spec" },
        { "postgresql.cnpg.io/v1", "Cluster", true, "spec" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ApplyGetListDelete_AnyKind_RoundTripsThroughTheStandardPaths(string apiVersion, string kind, bool namespaced, string field)
    {
        var ns = namespaced ? "round-trip" : null;
        var manifest = Manifest(apiVersion, kind, "sample", ns, labels: new JsonObject { ["portal.io/test"] = "round-trip" });
        manifest[field] = field == "data" ? new JsonObject { ["key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("value")) } : new JsonObject { ["replicas"] = 1 };

        var applied = await ApplyAsync(manifest);
        var fetched = await _client.GetAsync(apiVersion, kind, ns, "sample");
        var listed = await _client.ListAsync(apiVersion, kind, ns, "portal.io/test=round-trip");
        var deleted = await _client.DeleteAsync(apiVersion, kind, ns, "sample");
        var afterDelete = await _client.GetAsync(apiVersion, kind, ns, "sample");
        var deletedAgain = await _client.DeleteAsync(apiVersion, kind, ns, "sample");

        var metadata = applied["metadata"]!;
        Assert.Equal(apiVersion, (string?)applied["apiVersion"]);
        Assert.Equal(kind, (string?)applied["kind"]);
        Assert.True(Guid.TryParse((string?)metadata["uid"], out _));
        Assert.Equal("2026-03-02T09:00:00Z", (string?)metadata["creationTimestamp"]);
        Assert.Equal(1, (long?)metadata["generation"]);
        Assert.Equal(ns, (string?)metadata["namespace"]);
        Assert.True(JsonNode.DeepEquals(applied, fetched.Value), "GET returns what apply stored.");
        Assert.Equal("sample", (string?)Assert.Single(listed.Value!)["metadata"]!["name"]);
        Assert.Equal(kind == "Namespace" ? KubeDeleteOutcome.DeletionPending : KubeDeleteOutcome.Deleted, deleted.Value);
        if (kind != "Namespace")
        {
            Assert.Equal(RemoteErrorKind.NotFound, afterDelete.Error?.Kind);
            Assert.Equal(KubeDeleteOutcome.AlreadyGone, deletedAgain.Value);
        }
    }

    [Fact]
    public async Task ApplyAsync_SecretWithStringData_StoresBase64DataLikeTheApiServer()
    {
        var secret = Manifest("v1", "Secret", "db-credentials", "team-a");
        secret["stringData"] = new JsonObject { ["password"] = "s3cr3t" };

        var applied = await ApplyAsync(secret);

        Assert.Equal(Convert.ToBase64String("s3cr3t"u8.ToArray()), (string?)applied["data"]!["password"]);
        Assert.Null(applied["stringData"]);
        Assert.Equal("Opaque", (string?)applied["type"]);
    }

    [Fact]
    public async Task ApplyAsync_ChangedSpec_IncrementsResourceVersionAndGeneration()
    {
        var first = await ApplyAsync(PostgresCluster("orders", instances: 1));
        var relabelled = PostgresCluster("orders", instances: 1);
        relabelled["metadata"]!["labels"] = new JsonObject { ["team"] = "payments" };
        var second = await ApplyAsync(relabelled);
        var scaled = PostgresCluster("orders", instances: 3);
        scaled["metadata"]!["labels"] = new JsonObject { ["team"] = "payments" };
        var third = await ApplyAsync(scaled);

        Assert.True(long.Parse(ResourceVersion(second)) > long.Parse(ResourceVersion(first)));
        Assert.True(long.Parse(ResourceVersion(third)) > long.Parse(ResourceVersion(second)));
        Assert.Equal(1, (long?)second["metadata"]!["generation"]);
        Assert.Equal(2, (long?)third["metadata"]!["generation"]);
        Assert.Equal(first["metadata"]!["uid"]!.ToJsonString(), third["metadata"]!["uid"]!.ToJsonString());
    }

    [Fact]
    public async Task ApplyAsync_SameManifestTwice_IsIdempotentWithTheSameResourceVersion()
    {
        var first = await ApplyAsync(ConfigMap("settings"));
        var second = await ApplyAsync(ConfigMap("settings"));
        var all = await _client.ListAsync("v1", "ConfigMap", "team-a");

        Assert.Equal(ResourceVersion(first), ResourceVersion(second));
        Assert.Single(all.Value!);
        Assert.Equal(_api.Default.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), ResourceVersion(second));
    }

    [Fact]
    public async Task ApplyAsync_StatusInManifest_NeverChangesStatus()
    {
        var manifest = PostgresCluster("orders", instances: 1);
        manifest["status"] = new JsonObject { ["phase"] = "Cluster in healthy state", ["readyInstances"] = 1 };

        var created = await ApplyAsync(manifest);
        _api.Tick();
        var controlled = await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders");
        manifest["spec"]!["instances"] = 2;
        await ApplyAsync(manifest);
        var afterReapply = await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders");

        Assert.Null(created["status"]);
        Assert.Equal("Setting up primary", controlled.Phase);
        Assert.Equal("Setting up primary", afterReapply.Phase);
        Assert.Null(afterReapply.Status["readyInstances"]);
    }

    [Fact]
    public async Task ApplyAsync_FieldLeftOutOfTheManifest_IsRemovedWhileOtherManagersFieldsStay()
    {
        await ApplyAsync(ConfigMap("settings", data: new JsonObject { ["a"] = "1", ["b"] = "2" }));
        _api.Default.Apply(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "settings", ["namespace"] = "team-a", ["annotations"] = new JsonObject { ["operator.io/seen"] = "yes" } },
        }, fieldManager: "some-operator");

        var reapplied = await ApplyAsync(ConfigMap("settings", data: new JsonObject { ["a"] = "1" }));

        Assert.Equal("1", (string?)reapplied["data"]!["a"]);
        Assert.Null(reapplied["data"]!["b"]);
        Assert.Equal("yes", (string?)reapplied["metadata"]!["annotations"]!["operator.io/seen"]);
        Assert.Contains(reapplied["metadata"]!["managedFields"]!.AsArray(), m => (string?)m!["manager"] == "portal" && (string?)m["operation"] == "Apply");
    }

    [Fact]
    public async Task ApplyAsync_IntoAMissingNamespace_CreatesTheNamespace()
    {
        await ApplyAsync(ConfigMap("settings", ns: "brand-new"));

        var ns = await StatusAsync("v1", "Namespace", null, "brand-new");

        Assert.Equal("Active", ns.Phase);
    }

    [Fact]
    public async Task ApplyAsync_IntoAMissingNamespaceWithoutAutoCreation_IsNotFound()
    {
        using var strict = With(new DemoKubernetesOptions { AutoCreateNamespaces = false });

        var result = await strict._client.ApplyAsync(ConfigMap("settings", ns: "nowhere"));

        Assert.Equal(RemoteErrorKind.NotFound, result.Error?.Kind);
        Assert.Equal(404, result.Error!.StatusCode);
    }

    [Fact]
    public async Task ApplyAsync_InvalidName_IsInvalidWithTheServersMessage()
    {
        var result = await _client.ApplyAsync(ConfigMap("Bad_Name"));

        Assert.Equal(RemoteErrorKind.Invalid, result.Error?.Kind);
        Assert.Contains("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", result.Error!.Message);
    }

    [Fact]
    public async Task ApplyAsync_PostgresClusterWithZeroInstances_IsInvalidLikeTheCrdSchema()
    {
        var result = await _client.ApplyAsync(PostgresCluster("orders", instances: 0));

        Assert.Equal(RemoteErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal(422, result.Error!.StatusCode);
        Assert.Contains("Cluster.postgresql.cnpg.io \"orders\" is invalid: spec.instances: Invalid value: 0: spec.instances in body should be greater than or equal to 1", result.Error.Message);
    }

    [Fact]
    public async Task ListAsync_LabelSelectorAcrossPages_ReturnsEveryMatch()
    {
        using var paged = With(new DemoKubernetesOptions(), KubeTestClients.FastOptions with { ListPageSize = 2 });
        for (var i = 1; i <= 5; i++)
            Assert.True((await paged._client.ApplyAsync(ConfigMap($"config-{i}", labels: new JsonObject { ["app"] = i % 2 == 1 ? "orders" : "billing" }))).Succeeded);
        Assert.True((await paged._client.ApplyAsync(ConfigMap("elsewhere", ns: "team-b", labels: new JsonObject { ["app"] = "orders" }))).Succeeded);

        var orders = await paged._client.ListAsync("v1", "ConfigMap", "team-a", "app=orders");
        var notOrders = await paged._client.ListAsync("v1", "ConfigMap", "team-a", "app!=orders");
        var everywhere = await paged._client.ListAsync("v1", "ConfigMap", null, "app in (orders, billing)");
        var all = await paged._client.ListAsync("v1", "ConfigMap", "team-a");

        Assert.Equal(["config-1", "config-3", "config-5"], orders.Value!.Select(c => (string?)c["metadata"]!["name"]));
        Assert.Equal(["config-2", "config-4"], notOrders.Value!.Select(c => (string?)c["metadata"]!["name"]));
        Assert.Equal(6, everywhere.Value!.Count);
        Assert.Equal(5, all.Value!.Count);
    }

    // ---- Deletion and finalizers ------------------------------------------------------------------------------

    [Fact]
    public async Task DeleteAsync_ObjectWithAFinalizer_IsPendingUntilAControllerRemovesIt()
    {
        var held = ConfigMap("held");
        held["metadata"]!["finalizers"] = new JsonArray("example.com/cleanup");
        await ApplyAsync(held);

        var first = await _client.DeleteAsync("v1", "ConfigMap", "team-a", "held");
        var marked = await StatusAsync("v1", "ConfigMap", "team-a", "held");
        var second = await _client.DeleteAsync("v1", "ConfigMap", "team-a", "held");
        Assert.True(_api.Default.RemoveFinalizer("v1", "ConfigMap", "team-a", "held", "example.com/cleanup"));
        var gone = await _client.GetAsync("v1", "ConfigMap", "team-a", "held");
        var third = await _client.DeleteAsync("v1", "ConfigMap", "team-a", "held");

        Assert.Equal(KubeDeleteOutcome.DeletionPending, first.Value);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), marked.DeletionTimestamp);
        Assert.Equal(KubeDeleteOutcome.DeletionPending, second.Value);
        Assert.True(gone.IsNotFound);
        Assert.Equal(KubeDeleteOutcome.AlreadyGone, third.Value);
    }

    [Fact]
    public async Task DeleteAsync_Namespace_DeletesItsContentsThenItselfAndRefusesNewContentMeanwhile()
    {
        await ApplyAsync(ConfigMap("one", ns: "doomed"));
        var held = ConfigMap("held", ns: "doomed");
        held["metadata"]!["finalizers"] = new JsonArray("example.com/cleanup");
        await ApplyAsync(held);

        var deleted = await _client.DeleteAsync("v1", "Namespace", null, "doomed");
        _api.Tick();
        var terminating = await StatusAsync("v1", "Namespace", null, "doomed");
        var refused = await _client.ApplyAsync(ConfigMap("late", ns: "doomed"));
        var one = await _client.GetAsync("v1", "ConfigMap", "doomed", "one");
        _api.Default.RemoveFinalizer("v1", "ConfigMap", "doomed", "held", "example.com/cleanup");
        _clock.Advance(TimeSpan.FromSeconds(2));
        _api.Tick();
        var gone = await _client.GetAsync("v1", "Namespace", null, "doomed");

        Assert.Equal(KubeDeleteOutcome.DeletionPending, deleted.Value);
        Assert.Equal("Terminating", terminating.Phase);
        Assert.Equal(RemoteErrorKind.Forbidden, refused.Error?.Kind);
        Assert.Contains("unable to create new content in namespace doomed because it is being terminated", refused.Error!.Message);
        Assert.True(one.IsNotFound);
        Assert.True(gone.IsNotFound);
    }

    [Fact]
    public async Task DeleteAsync_OwnerGone_GarbageCollectsItsDependents()
    {
        var owner = await ApplyAsync(ConfigMap("owner"));
        var dependent = ConfigMap("dependent");
        dependent["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "owner", ["uid"] = owner["metadata"]!["uid"]!.DeepClone(),
        });
        await ApplyAsync(dependent);

        await _client.DeleteAsync("v1", "ConfigMap", "team-a", "owner");
        _api.Tick();

        Assert.True((await _client.GetAsync("v1", "ConfigMap", "team-a", "dependent")).IsNotFound);
    }

    // ---- Simulated controllers --------------------------------------------------------------------------------

    [Fact]
    public async Task PostgresCluster_Controller_MovesItToHealthyOverSimulatedTime()
    {
        await ApplyAsync(PostgresCluster("orders", instances: 3));
        var phases = new List<(int Second, string? Phase, long Ready)>();

        var healthyAt = await RunUntilAsync(async () =>
        {
            var status = await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders");
            var ready = (long?)status.Status["readyInstances"] ?? 0;
            if (phases.Count == 0 || phases[^1].Phase != status.Phase || phases[^1].Ready != ready)
                phases.Add(((int)(_clock.GetUtcNow() - new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)).TotalSeconds, status.Phase, ready));
            return status.Condition("Ready")?.IsTrue == true;
        });

        Assert.Equal(
            [(0, "Setting up primary", 0L), (8, "Creating a new replica", 1L), (12, "Creating a new replica", 2L), (16, "Cluster in healthy state", 3L)],
            phases);
        Assert.Equal(16, healthyAt);
        var status = await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders");
        Assert.Equal("ClusterIsReady", status.Condition("Ready")!.Reason);
        Assert.Equal("orders-1", (string?)status.Status["currentPrimary"]);
        Assert.Equal("orders-rw", (string?)status.Status["writeService"]);
        var app = await _client.GetAsync("v1", "Secret", "databases", "orders-app");
        Assert.True(app.Succeeded, app.ToString());
        Assert.Equal("kubernetes.io/basic-auth", (string?)app.Value["type"]);
        Assert.Equal("orders", Encoding.UTF8.GetString(Convert.FromBase64String((string)app.Value["data"]!["username"]!)));
        Assert.Equal("orders-rw", Encoding.UTF8.GetString(Convert.FromBase64String((string)app.Value["data"]!["host"]!)));
        Assert.True((await _client.GetAsync("v1", "Service", "databases", "orders-rw")).Succeeded);
    }

    [Fact]
    public async Task PostgresCluster_NoChange_KeepsItsResourceVersionAcrossTicks()
    {
        await ApplyAsync(PostgresCluster("orders", instances: 1));
        await RunUntilAsync(async () => (await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders")).Condition("Ready")?.IsTrue == true);
        var settled = (await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders")).ResourceVersion;

        _clock.Advance(TimeSpan.FromMinutes(5));
        _api.Tick();

        Assert.Equal(settled, (await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders")).ResourceVersion);
    }

    [Fact]
    public async Task Deployment_Controller_BecomesAvailableAfterTheRolloutDelay()
    {
        await ApplyAsync(Deployment("cnpg-controller-manager", "cnpg-system", replicas: 2));
        _api.Tick();
        var rolling = await StatusAsync("apps/v1", "Deployment", "cnpg-system", "cnpg-controller-manager");

        var availableAt = await RunUntilAsync(async () =>
            (await StatusAsync("apps/v1", "Deployment", "cnpg-system", "cnpg-controller-manager")).Condition("Available")?.IsTrue == true);

        Assert.Equal("MinimumReplicasUnavailable", rolling.Condition("Available")?.Reason);
        Assert.Equal(5, availableAt);
        var available = await StatusAsync("apps/v1", "Deployment", "cnpg-system", "cnpg-controller-manager");
        Assert.Equal(2, (long?)available.Status["availableReplicas"]);
        Assert.Equal(1, available.ObservedGeneration);
        Assert.Equal("NewReplicaSetAvailable", available.Condition("Progressing")?.Reason);
    }

    [Fact]
    public async Task ClusterApi_Controllers_ProvisionInOrderAndTheKubeconfigSecretReachesAWorkloadCluster()
    {
        foreach (var manifest in CapiCluster("prod", "tenant-1", controlPlanes: 3, ("workers", 2), ("autoscaled", null)))
            await ApplyAsync(manifest);

        var readyAt = await RunUntilAsync(async () =>
        {
            var cluster = await StatusAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod");
            var workers = await StatusAsync("cluster.x-k8s.io/v1beta1", "MachineDeployment", "tenant-1", "prod-workers");
            var autoscaled = await StatusAsync("cluster.x-k8s.io/v1beta1", "MachineDeployment", "tenant-1", "prod-autoscaled");
            return cluster.Condition("Ready")?.IsTrue == true && workers.Phase == "Running" && autoscaled.Phase == "Running";
        }, maxSeconds: 180);

        var osc = await StatusAsync("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackCluster", "tenant-1", "prod");
        var kcp = await StatusAsync("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", "tenant-1", "prod-control-plane");
        var cluster = await StatusAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod");
        var workers = await StatusAsync("cluster.x-k8s.io/v1beta1", "MachineDeployment", "tenant-1", "prod-workers");
        var autoscaled = await StatusAsync("cluster.x-k8s.io/v1beta1", "MachineDeployment", "tenant-1", "prod-autoscaled");
        Assert.InRange(readyAt, 30, 60);
        Assert.True((bool)osc.Status["ready"]!);
        Assert.NotNull(osc.Status["apiServerLoadBalancer"]?["ip"]);
        Assert.Equal(3, (long?)kcp.Status["readyReplicas"]);
        Assert.Equal("v1.32.3", (string?)kcp.Status["version"]);
        Assert.True((bool)kcp.Status["initialized"]!);
        Assert.Equal("Provisioned", cluster.Phase);
        Assert.True((bool)cluster.Status["infrastructureReady"]!);
        Assert.True((bool)cluster.Status["controlPlaneReady"]!);
        Assert.All(["InfrastructureReady", "ControlPlaneInitialized", "ControlPlaneReady", "Ready"], type => Assert.True(cluster.Condition(type)?.IsTrue, type));
        Assert.Equal(2, (long?)workers.Status["readyReplicas"]);
        Assert.Equal(2, (long?)autoscaled.Status["readyReplicas"]);
        var finalizers = (await _client.GetAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod")).Value!["metadata"]!["finalizers"]!.AsArray();
        Assert.Equal("cluster.cluster.x-k8s.io", (string?)Assert.Single(finalizers));

        var secret = await _client.GetAsync("v1", "Secret", "tenant-1", "prod-kubeconfig");
        Assert.True(secret.Succeeded, secret.ToString());
        Assert.Equal("cluster.x-k8s.io/secret", (string?)secret.Value["type"]);
        var kubeconfig = Encoding.UTF8.GetString(Convert.FromBase64String((string)secret.Value["data"]!["value"]!));
        var workload = _factory.Create(kubeconfig);
        Assert.True(workload.Succeeded, workload.ToString());
        Assert.Equal(new Uri($"https://prod.tenant-1.{DemoKubernetesApi.Host}"), workload.Value.Connection.Server);
        Assert.True((await workload.Value.VersionAsync()).Succeeded);
        var workloadNamespaces = await workload.Value.ListAsync("v1", "Namespace");
        Assert.DoesNotContain(workloadNamespaces.Value!, n => (string?)n["metadata"]!["name"] == "tenant-1");
    }

    [Fact]
    public async Task ClusterApi_ControllersBeforeInfrastructure_ReportWaitingReasons()
    {
        foreach (var manifest in CapiCluster("prod", "tenant-1", controlPlanes: 1, ("workers", 1)))
            await ApplyAsync(manifest);

        // Controllers are eventually consistent: the second tick sees what the first one wrote.
        _api.Tick();
        _api.Tick();

        var cluster = await StatusAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod");
        var kcp = await StatusAsync("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", "tenant-1", "prod-control-plane");
        var md = await StatusAsync("cluster.x-k8s.io/v1beta1", "MachineDeployment", "tenant-1", "prod-workers");
        Assert.Equal("Provisioning", cluster.Phase);
        Assert.Equal("NetworkReconcileInProgress", cluster.Condition("InfrastructureReady")?.Reason);
        Assert.False(cluster.Condition("Ready")!.IsTrue);
        Assert.Equal("WaitingForInfrastructure", kcp.Condition("Ready")?.Reason);
        Assert.Equal("WaitingForControlPlane", md.Condition("Ready")?.Reason);
        Assert.Equal("ScalingUp", md.Phase);
    }

    [Fact]
    public async Task ClusterApi_ControlPlaneVersionChange_RollsMachinesBeforeReportingTheNewVersion()
    {
        using var fast = With(new DemoKubernetesOptions { Delays = DemoControllerDelays.Instant with { ControlPlaneMachine = TimeSpan.FromSeconds(10) } });
        foreach (var manifest in CapiCluster("prod", "tenant-1", controlPlanes: 3))
            Assert.True((await fast._client.ApplyAsync(manifest)).Succeeded);
        await fast.RunUntilAsync(async () => (await fast._client.GetStatusAsync("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", "tenant-1", "prod-control-plane")).Value!.Condition("Ready")?.IsTrue == true);

        var upgrade = CapiCluster("prod", "tenant-1", controlPlanes: 3).Single(m => (string?)m["kind"] == "KubeadmControlPlane");
        upgrade["spec"]!["version"] = "v1.33.1";
        Assert.True((await fast._client.ApplyAsync(upgrade)).Succeeded);
        fast._clock.Advance(TimeSpan.FromSeconds(1));
        fast._api.Tick();
        var rolling = (await fast._client.GetStatusAsync("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", "tenant-1", "prod-control-plane")).Value!;
        var doneAfter = await fast.RunUntilAsync(async () =>
            (string?)(await fast._client.GetStatusAsync("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", "tenant-1", "prod-control-plane")).Value!.Status["version"] == "v1.33.1");

        Assert.Equal("v1.32.3", (string?)rolling.Status["version"]);
        Assert.Equal("RollingUpdateInProgress", rolling.Condition("Ready")?.Reason);
        Assert.InRange(doneAfter, 25, 35);
    }

    [Fact]
    public async Task ClusterApi_DeletingTheCluster_RunsThroughItsFinalizerAndRemovesEverything()
    {
        using var fast = With(new DemoKubernetesOptions { Delays = DemoControllerDelays.Instant with { ClusterDeletion = TimeSpan.FromSeconds(5) } });
        foreach (var manifest in CapiCluster("prod", "tenant-1", controlPlanes: 1, ("workers", 1)))
            Assert.True((await fast._client.ApplyAsync(manifest)).Succeeded);
        await fast.RunUntilAsync(async () => (await fast._client.GetAsync("v1", "Secret", "tenant-1", "prod-kubeconfig")).Succeeded);
        var workload = fast._factory.Create(DemoKubernetesApi.KubeconfigFor($"prod.tenant-1.{DemoKubernetesApi.Host}", "prod")).Value!;
        Assert.True((await workload.VersionAsync()).Succeeded);

        var deleted = await fast._client.DeleteAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod");
        fast._api.Tick();
        var deleting = (await fast._client.GetStatusAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod")).Value!;
        var goneAfter = await fast.RunUntilAsync(async () => (await fast._client.GetAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod")).IsNotFound);

        Assert.Equal(KubeDeleteOutcome.DeletionPending, deleted.Value);
        Assert.Equal("Deleting", deleting.Phase);
        Assert.NotNull(deleting.DeletionTimestamp);
        Assert.InRange(goneAfter, 4, 6);
        Assert.Empty((await fast._client.ListAsync("cluster.x-k8s.io/v1beta1", "MachineDeployment", "tenant-1")).Value!);
        Assert.Empty((await fast._client.ListAsync("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", "tenant-1")).Value!);
        Assert.Empty((await fast._client.ListAsync("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackCluster", "tenant-1")).Value!);
        Assert.Empty((await fast._client.ListAsync("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackMachineTemplate", "tenant-1")).Value!);
        Assert.True((await fast._client.GetAsync("v1", "Secret", "tenant-1", "prod-kubeconfig")).IsNotFound);
        Assert.Equal(RemoteErrorKind.Unreachable, (await workload.VersionAsync()).Error?.Kind);
    }

    // ---- Failure injection ------------------------------------------------------------------------------------

    [Fact]
    public async Task FailNext_PostgresCluster_SetsReadyFalseWithTheReasonAndMessageUntilHealed()
    {
        _api.FailNext("Cluster.postgresql.cnpg.io", "orders", "InstanceCreationFailed", "pod orders-1 could not be scheduled: 0/3 nodes have enough memory");
        await ApplyAsync(PostgresCluster("orders", instances: 1));

        _api.Tick();
        _clock.Advance(TimeSpan.FromMinutes(1));
        _api.Tick();
        var failed = await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders");
        _api.Heal("Cluster", "orders");
        var recoveredAfter = await RunUntilAsync(async () => (await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders")).Condition("Ready")?.IsTrue == true);

        var ready = failed.Condition("Ready")!;
        Assert.True(ready.IsFalse);
        Assert.Equal("InstanceCreationFailed", ready.Reason);
        Assert.Equal("pod orders-1 could not be scheduled: 0/3 nodes have enough memory", ready.Message);
        Assert.Equal("Cluster is in an unrecoverable state, needs manual intervention", failed.Phase);
        Assert.Equal(0, (long?)failed.Status["readyInstances"] ?? 0);
        Assert.InRange(recoveredAfter, 0, 8);
    }

    [Fact]
    public async Task FailNext_ThenANewSpec_IsANewAttemptThatRecovers()
    {
        _api.FailNext("Cluster", null, "ImagePullBackOff", "image ghcr.io/cloudnative-pg/postgresql:99 not found");
        await ApplyAsync(PostgresCluster("orders", instances: 1));
        _api.Tick();
        Assert.Equal("ImagePullBackOff", (await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders")).Condition("Ready")?.Reason);

        var fixedSpec = PostgresCluster("orders", instances: 1);
        fixedSpec["spec"]!["imageName"] = "ghcr.io/cloudnative-pg/postgresql:17.5";
        await ApplyAsync(fixedSpec);

        await RunUntilAsync(async () => (await StatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders")).Condition("Ready")?.IsTrue == true, maxSeconds: 20);
    }

    [Fact]
    public async Task FailNext_Deployment_MakesItUnavailableWithTheReason()
    {
        _api.FailNext("Deployment", "cnpg-controller-manager", "ImagePullBackOff", "Back-off pulling image \"ghcr.io/cloudnative-pg/cloudnative-pg:9.9.9\"");
        await ApplyAsync(Deployment("cnpg-controller-manager", "cnpg-system"));

        _clock.Advance(TimeSpan.FromMinutes(1));
        _api.Tick();

        var status = await StatusAsync("apps/v1", "Deployment", "cnpg-system", "cnpg-controller-manager");
        Assert.Equal("ImagePullBackOff", status.Condition("Available")?.Reason);
        Assert.True(status.Condition("Available")!.IsFalse);
        Assert.Equal("ProgressDeadlineExceeded", status.Condition("Progressing")?.Reason);
    }

    [Fact]
    public async Task FailNext_OneMachineDeploymentByName_FailsOnlyThatPool()
    {
        using var fast = With(new DemoKubernetesOptions { Delays = DemoControllerDelays.Instant });
        fast._api.FailNext("MachineDeployment", "prod-gpu", "InsufficientQuota", "Quota exceeded for instances: Requested 2, but already used 50 of 50 instances");
        foreach (var manifest in CapiCluster("prod", "tenant-1", controlPlanes: 1, ("workers", 1), ("gpu", 2)))
            Assert.True((await fast._client.ApplyAsync(manifest)).Succeeded);

        await fast.RunUntilAsync(async () =>
            (await fast._client.GetStatusAsync("cluster.x-k8s.io/v1beta1", "MachineDeployment", "tenant-1", "prod-workers")).Value!.Phase == "Running");

        var gpu = (await fast._client.GetStatusAsync("cluster.x-k8s.io/v1beta1", "MachineDeployment", "tenant-1", "prod-gpu")).Value!;
        Assert.Equal("Failed", gpu.Phase);
        var ready = gpu.Condition("Ready")!;
        Assert.True(ready.IsFalse);
        Assert.Equal("InsufficientQuota", ready.Reason);
        Assert.Equal("Error", ready.Severity);
        Assert.StartsWith("Quota exceeded", ready.Message);
    }

    [Fact]
    public async Task FailNext_ClusterApiCluster_SetsFailedPhaseAndFailureMessage()
    {
        _api.FailNext("Cluster.cluster.x-k8s.io", "prod", "ExternalNetworkNotFound", "no external network named \"public\"");
        foreach (var manifest in CapiCluster("prod", "tenant-1", controlPlanes: 1))
            await ApplyAsync(manifest);

        _api.Tick();

        var cluster = await StatusAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod");
        Assert.Equal("Failed", cluster.Phase);
        Assert.Equal("no external network named \"public\"", (string?)cluster.Status["failureMessage"]);
        Assert.Equal("ExternalNetworkNotFound", cluster.Condition("Ready")?.Reason);
    }

    [Fact]
    public async Task RejectNext_ServiceUnavailableTwice_TheClientRetriesAndSucceeds()
    {
        await ApplyAsync(ConfigMap("settings"));
        _api.RejectNext(HttpStatusCode.ServiceUnavailable, count: 2);

        var result = await _client.GetAsync("v1", "ConfigMap", "team-a", "settings");

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task RejectNext_ServerErrorEveryTime_IsServerErrorWithTheMessage()
    {
        await ApplyAsync(ConfigMap("settings"));
        _api.RejectNext(HttpStatusCode.InternalServerError, count: 10, message: "etcdserver: leader changed");

        var result = await _client.ApplyAsync(ConfigMap("settings"));

        Assert.Equal(RemoteErrorKind.ServerError, result.Error?.Kind);
        Assert.Contains("etcdserver: leader changed", result.Error!.Message);
        _api.ClearFailures();
    }

    [Fact]
    public async Task RejectNext_Forbidden_IsForbidden()
    {
        await _client.VersionAsync();
        await ApplyAsync(ConfigMap("settings"));
        _api.RejectNext(HttpStatusCode.Forbidden, message: "configmaps \"settings\" is forbidden: User \"portal\" cannot delete resource");

        var result = await _client.DeleteAsync("v1", "ConfigMap", "team-a", "settings");

        Assert.Equal(RemoteErrorKind.Forbidden, result.Error?.Kind);
        Assert.Contains("cannot delete resource", result.Error!.Message);
    }

    // ---- Types --------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ApplyAsync_CustomResourceDefinition_ServesTheNewKind()
    {
        var crd = Manifest("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com", null, new JsonObject
        {
            ["group"] = "example.com",
            ["scope"] = "Namespaced",
            ["names"] = new JsonObject { ["kind"] = "Widget", ["plural"] = "widgets", ["singular"] = "widget", ["listKind"] = "WidgetList" },
            ["versions"] = new JsonArray(new JsonObject
            {
                ["name"] = "v1alpha1", ["served"] = true, ["storage"] = true, ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
            }),
        });
        var before = await _client.ApplyAsync(Manifest("example.com/v1alpha1", "Widget", "w", "team-a"));

        var installed = await ApplyAsync(crd);
        var widget = await _client.ApplyAsync(Manifest("example.com/v1alpha1", "Widget", "w", "team-a", new JsonObject { ["size"] = 3 }));
        var type = await _client.ResolveTypeAsync("example.com/v1alpha1", "Widget");

        Assert.Equal(RemoteErrorKind.NotFound, before.Error?.Kind);
        Assert.Contains("is the custom resource definition for Widget installed?", before.Error!.Message);
        Assert.Equal("Established", (string?)installed["status"]!["conditions"]![1]!["type"]);
        Assert.True(widget.Succeeded, widget.ToString());
        Assert.Equal("widgets", type.Value?.Plural);
    }

    [Fact]
    public void RegisterKind_NewType_IsServedByEveryCluster()
    {
        _api.RegisterKind(new DemoResourceKind("kamaji.clastix.io", "v1alpha1", "TenantControlPlane", "tenantcontrolplanes", true));

        var created = _api.Default.Apply(Manifest("kamaji.clastix.io/v1alpha1", "TenantControlPlane", "tcp", "tenant-1"));

        Assert.Equal("tcp", (string?)created["metadata"]!["name"]);
        Assert.NotNull(_api.Default.FindKind("kamaji.clastix.io/v1alpha1", "TenantControlPlane"));
    }

    // ---- Dependency injection and the controller loop ---------------------------------------------------------

    [Fact]
    public async Task AddDemoKubernetesAndAddKubernetesClients_RegisterFactoryDemoAndAControllerLoopThatTicks()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDemoKubernetes(new DemoKubernetesOptions { Tick = TimeSpan.FromMilliseconds(20), Delays = DemoControllerDelays.Instant });
        services.AddDemoKubernetes();
        services.AddKubernetesClients();
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().OfType<DemoKubernetesControllerHost>().ToList();
        var factory = provider.GetRequiredService<IKubernetesClientFactory>();

        Assert.Single(hosted);
        Assert.Same(provider.GetRequiredService<KubernetesClientFactory>(), factory);
        await hosted[0].StartAsync(CancellationToken.None);
        try
        {
            var client = factory.Create(DemoKubernetesApi.Kubeconfig).Value!;
            Assert.True((await client.ApplyAsync(PostgresCluster("orders", instances: 2))).Succeeded);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            KubeResourceStatus? status = null;
            while (DateTime.UtcNow < deadline)
            {
                status = (await client.GetStatusAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders")).Value;
                if (status?.Phase == "Cluster in healthy state")
                    break;
                await Task.Delay(20);
            }
            Assert.Equal("Cluster in healthy state", status?.Phase);
            Assert.True(provider.GetRequiredService<DemoKubernetesApi>().TickCount > 0);
        }
        finally
        {
            await hosted[0].StopAsync(CancellationToken.None);
        }
    }
}
