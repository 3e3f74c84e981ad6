using Portal.Jobs;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;

namespace Portal.Tests.Unit.Kubernetes;

/// <summary>The client against canned API server answers: paths, discovery, apply, list paging, delete, status, errors.</summary>
public sealed class KubernetesClientTests
{
    private static JsonObject Secret(string name, string ns = "team-a") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["resourceVersion"] = "17" },
        ["type"] = "Opaque",
    };

    private static JsonObject PostgresCluster(string name = "orders-db") => new()
    {
        ["apiVersion"] = "postgresql.cnpg.io/v1",
        ["kind"] = "Cluster",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["instances"] = 3, ["storage"] = new JsonObject { ["size"] = "10Gi" } },
    };

    // ---- Paths and discovery -----------------------------------------------------------------------------------

    [Fact]
    public async Task GetAsync_CoreKind_ReadsTheNamespacedCoreV1Path()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/db-credentials", () => KubeReply.Json(Secret("db-credentials")));
        var client = KubeTestClients.Create(api);

        var result = await client.GetAsync("v1", "Secret", "team-a", "db-credentials");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("db-credentials", (string?)result.Value["metadata"]!["name"]);
    }

    [Fact]
    public async Task GetAsync_GroupedKind_ReadsTheApisGroupVersionPath()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/apis/postgresql.cnpg.io/v1/namespaces/databases/clusters/orders-db", () => KubeReply.Json(PostgresCluster()));
        var client = KubeTestClients.Create(api);

        var result = await client.GetAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders-db");

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task GetAsync_ClusterScopedKind_ReadsAPathWithoutNamespace()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/databases", () => KubeReply.Json(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "databases" } }));
        var client = KubeTestClients.Create(api);

        var result = await client.GetAsync("v1", "Namespace", "ignored-for-cluster-scoped", "databases");

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task GetAsync_NoNamespace_UsesTheConnectionsNamespace()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/configmaps/settings", () => KubeReply.Json(new JsonObject { ["kind"] = "ConfigMap" }));
        var client = KubeTestClients.Create(api, KubeTestClients.Connection(ns: "team-a"));

        var result = await client.GetAsync("v1", "ConfigMap", null, "settings");

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task ResolveTypeAsync_IrregularPlural_ComesFromDiscovery()
    {
        var api = new FakeKubeApi().WithDiscovery();
        var client = KubeTestClients.Create(api);

        var policy = await client.ResolveTypeAsync("networking.k8s.io/v1", "NetworkPolicy");
        var ingressClass = await client.ResolveTypeAsync("networking.k8s.io/v1", "IngressClass");
        var endpoints = await client.ResolveTypeAsync("v1", "Endpoints");

        Assert.Equal("networkpolicies", policy.Value?.Plural);
        Assert.True(policy.Value!.Namespaced);
        Assert.Equal("ingressclasses", ingressClass.Value?.Plural);
        Assert.False(ingressClass.Value!.Namespaced);
        Assert.Equal("endpoints", endpoints.Value?.Plural);
        Assert.Equal("/apis/networking.k8s.io/v1/namespaces/x/networkpolicies/deny-all", policy.Value.ObjectPath("x", "deny-all"));
    }

    [Fact]
    public async Task GetAsync_SeveralCallsOnOneGroupVersion_AskDiscoveryOnce()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/a", () => KubeReply.Json(Secret("a")))
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/configmaps/b", () => KubeReply.Json(new JsonObject { ["kind"] = "ConfigMap" }));
        var client = KubeTestClients.Create(api);

        await client.GetAsync("v1", "Secret", "team-a", "a");
        await client.GetAsync("v1", "Secret", "team-a", "a");
        await client.GetAsync("v1", "ConfigMap", "team-a", "b");

        Assert.Equal(1, api.Count(HttpMethod.Get, "/api/v1"));
    }

    [Fact]
    public async Task ResolveTypeAsync_GroupVersionWithoutDiscovery_FallsBackToLowercasePlusS()
    {
        var api = new FakeKubeApi();
        var client = KubeTestClients.Create(api);

        var widget = await client.ResolveTypeAsync("example.com/v1alpha1", "Widget");
        var policy = await client.ResolveTypeAsync("example.com/v1alpha1", "RetentionPolicy");
        var address = await client.ResolveTypeAsync("example.com/v1alpha1", "Address");

        Assert.Equal("widgets", widget.Value?.Plural);
        Assert.True(widget.Value!.Namespaced);
        Assert.Equal("retentionpolicies", policy.Value?.Plural);
        Assert.Equal("addresses", address.Value?.Plural);
    }

    [Fact]
    public async Task ResolveTypeAsync_DiscoveryThrottledEveryTime_IsServerErrorNotAGuess()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/apis/postgresql.cnpg.io/v1", () =>
            KubeReply.Status(HttpStatusCode.TooManyRequests, "TooManyRequests", "too many requests"));
        var client = KubeTestClients.Create(api, options: KubeTestClients.FastOptions with { MaxRetries = 1 });

        var result = await client.ResolveTypeAsync("postgresql.cnpg.io/v1", "Cluster");

        Assert.Equal(RemoteErrorKind.ServerError, result.Error?.Kind);
        Assert.Equal(2, api.Count(HttpMethod.Get, "/apis/postgresql.cnpg.io/v1"));
    }

    [Fact]
    public async Task ResolveTypeAsync_DiscoveryRejectsTheCredentials_IsUnauthorized()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/api/v1", () => KubeReply.Status(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized"));
        var client = KubeTestClients.Create(api);

        var result = await client.GetAsync("v1", "Secret", "team-a", "s");

        Assert.Equal(RemoteErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task GetAsync_TypeNotServedAndObjectMissing_IsNotFoundHintingAtTheCrd()
    {
        var client = KubeTestClients.Create(new FakeKubeApi());

        var result = await client.GetAsync("postgresql.cnpg.io/v1", "Cluster", "databases", "orders-db");

        Assert.Equal(RemoteErrorKind.NotFound, result.Error?.Kind);
        Assert.Contains("Cluster \"databases/orders-db\" does not exist (404 Not Found).", result.Error!.Message);
        Assert.Contains("is the custom resource definition for Cluster installed?", result.Error.Message);
    }

    [Fact]
    public async Task ResolveTypeAsync_KindMissingFromDiscovery_IsNotFoundNamingWhatIsServed()
    {
        var api = new FakeKubeApi().WithDiscovery();
        var client = KubeTestClients.Create(api);

        var result = await client.ResolveTypeAsync("postgresql.cnpg.io/v1", "Database");

        Assert.Equal(RemoteErrorKind.NotFound, result.Error?.Kind);
        Assert.Contains("serves postgresql.cnpg.io/v1 but no kind \"Database\" in it (it has Backup, Cluster, ClusterImageCatalog, Pooler, ScheduledBackup)", result.Error!.Message);
        Assert.Equal(2, api.Count(HttpMethod.Get, "/apis/postgresql.cnpg.io/v1") + 1);
    }

    [Fact]
    public async Task ResolveTypeAsync_BadApiVersion_IsInvalidConfigurationWithoutARequest()
    {
        var api = new FakeKubeApi();
        var client = KubeTestClients.Create(api);

        var result = await client.ResolveTypeAsync("a/b/c", "Secret");

        Assert.Equal(RemoteErrorKind.InvalidConfiguration, result.Error?.Kind);
        Assert.Empty(api.Requests);
    }

    // ---- Apply -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ApplyAsync_Manifest_SendsServerSideApplyPatchWithFieldManagerAndForce()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Patch, "/apis/postgresql.cnpg.io/v1/namespaces/team-a/clusters/orders-db", (request, _) =>
            {
                var stored = JsonNode.Parse(request.Body!)!.AsObject();
                stored["metadata"]!["uid"] = "5b1c";
                stored["metadata"]!["resourceVersion"] = "901";
                return KubeReply.Json(stored, HttpStatusCode.Created);
            });
        var client = KubeTestClients.Create(api);
        var manifest = PostgresCluster();
        manifest["status"] = new JsonObject { ["phase"] = "made up" };
        manifest["metadata"]!["resourceVersion"] = "1";

        var result = await client.ApplyAsync(manifest);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("901", (string?)result.Value["metadata"]!["resourceVersion"]);
        var sent = Assert.Single(api.Requests, r => r.Method == HttpMethod.Patch);
        Assert.StartsWith("application/apply-patch+yaml", sent.ContentType);
        Assert.Equal("portal", sent.Query("fieldManager"));
        Assert.Equal("true", sent.Query("force"));
        var body = JsonNode.Parse(sent.Body!)!.AsObject();
        Assert.Equal("postgresql.cnpg.io/v1", (string?)body["apiVersion"]);
        Assert.Equal("Cluster", (string?)body["kind"]);
        Assert.Equal("team-a", (string?)body["metadata"]!["namespace"]);
        Assert.Equal(3, (int?)body["spec"]!["instances"]);
        Assert.Null(body["status"]);
        Assert.Null(body["metadata"]!["resourceVersion"]);
        Assert.Equal("made up", (string?)manifest["status"]!["phase"]);
    }

    [Fact]
    public async Task ApplyAsync_ClusterScopedManifestWithNamespace_DropsTheNamespace()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Patch, "/api/v1/namespaces/databases", (request, _) => KubeReply.Json(request.Body!));
        var client = KubeTestClients.Create(api);

        var result = await client.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = "databases", ["namespace"] = "default" },
        });

        Assert.True(result.Succeeded, result.ToString());
        Assert.Null(JsonNode.Parse(api.Requests.Last().Body!)!["metadata"]!["namespace"]);
    }

    [Fact]
    public async Task ApplyAsync_CustomFieldManager_IsSent()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Patch, "/api/v1/namespaces/team-a/secrets/s", (request, _) => KubeReply.Json(request.Body!));
        var client = KubeTestClients.Create(api, options: KubeTestClients.FastOptions with { FieldManager = "portal-operations" });

        await client.ApplyAsync(Secret("s"));

        Assert.Equal("portal-operations", api.Requests.Last().Query("fieldManager"));
    }

    [Fact]
    public async Task ApplyAsync_ManifestWithoutName_IsInvalidConfigurationAndSendsNothing()
    {
        var api = new FakeKubeApi().WithDiscovery();
        var client = KubeTestClients.Create(api);

        var result = await client.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject() });

        Assert.Equal(RemoteErrorKind.InvalidConfiguration, result.Error?.Kind);
        Assert.Equal("The manifest to apply needs apiVersion, kind and metadata.name.", result.Error!.Message);
        Assert.Empty(api.Requests);
    }

    // ---- List --------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ListAsync_ContinueToken_FollowsEveryPageAndCompletesItems()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets", (request, hit) => request.Query("continue") is null
                ? KubeReply.Fixture("secretlist_page1.json")
                : KubeReply.Fixture("secretlist_page2.json"));
        var client = KubeTestClients.Create(api, options: KubeTestClients.FastOptions with { ListPageSize = 2 });

        var result = await client.ListAsync("v1", "Secret", "team-a", "app=orders");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(["a-secret", "b-secret", "c-secret"], result.Value.Select(s => (string?)s["metadata"]!["name"]));
        Assert.All(result.Value, s => Assert.Equal("v1", (string?)s["apiVersion"]));
        Assert.All(result.Value, s => Assert.Equal("Secret", (string?)s["kind"]));
        var pages = api.Requests.Where(r => r.Path == "/api/v1/namespaces/team-a/secrets").ToList();
        Assert.Equal(2, pages.Count);
        Assert.All(pages, p => Assert.Equal("app=orders", p.Query("labelSelector")));
        Assert.All(pages, p => Assert.Equal("2", p.Query("limit")));
        Assert.Equal(KubeFixtures.Node("secretlist_page1.json")["metadata"]!["continue"]!.GetValue<string>(), pages[1].Query("continue"));
    }

    [Fact]
    public async Task ListAsync_NoNamespace_ListsAllNamespaces()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/apis/postgresql.cnpg.io/v1/clusters", () => KubeReply.Json("""{"kind":"ClusterList","apiVersion":"postgresql.cnpg.io/v1","metadata":{},"items":[]}"""));
        var client = KubeTestClients.Create(api);

        var result = await client.ListAsync("postgresql.cnpg.io/v1", "Cluster");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(result.Value);
    }

    [Fact]
    public async Task ListAsync_ContinueTokensThatRepeat_IsMalformedInsteadOfLoopingForever()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets", () => KubeReply.Fixture("secretlist_page1.json"));
        var client = KubeTestClients.Create(api);

        var result = await client.ListAsync("v1", "Secret", "team-a");

        Assert.Equal(RemoteErrorKind.Malformed, result.Error?.Kind);
        Assert.Contains("continue tokens go in circles", result.Error!.Message);
    }

    [Fact]
    public async Task ListAsync_ExpiredContinueToken_StartsOverOnce()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets", (request, hit) => hit switch
            {
                0 => KubeReply.Fixture("secretlist_page1.json"),
                1 => KubeReply.Status(HttpStatusCode.Gone, "Expired", "The provided continue parameter is too old to display a consistent list result."),
                2 => KubeReply.Fixture("secretlist_page1.json"),
                _ => KubeReply.Fixture("secretlist_page2.json"),
            });
        var client = KubeTestClients.Create(api);

        var result = await client.ListAsync("v1", "Secret", "team-a");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(3, result.Value.Count);
    }

    // ---- Delete ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task DeleteAsync_ObjectAlreadyGone_IsAlreadyGoneSuccess()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Delete, "/api/v1/namespaces/team-a/secrets/db-credentials", () => KubeReply.Fixture("status_404_not_found.json", HttpStatusCode.NotFound));
        var client = KubeTestClients.Create(api);

        var result = await client.DeleteAsync("v1", "Secret", "team-a", "db-credentials");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(KubeDeleteOutcome.AlreadyGone, result.Value);
    }

    [Fact]
    public async Task DeleteAsync_StatusSuccess_IsDeletedWithBackgroundPropagation()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Delete, "/api/v1/namespaces/team-a/secrets/db-credentials", () => KubeReply.Json(
                """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"db-credentials","kind":"secrets","uid":"0f0c"}}"""));
        var client = KubeTestClients.Create(api);

        var result = await client.DeleteAsync("v1", "Secret", "team-a", "db-credentials");

        Assert.Equal(KubeDeleteOutcome.Deleted, result.Value);
        Assert.Equal("Background", api.Requests.Last().Query("propagationPolicy"));
    }

    [Fact]
    public async Task DeleteAsync_ObjectWithFinalizers_IsDeletionPending()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Delete, "/apis/postgresql.cnpg.io/v1/namespaces/team-a/clusters/orders-db", () =>
            {
                var marked = PostgresCluster();
                marked["metadata"]!["deletionTimestamp"] = "2026-02-03T10:15:00Z";
                marked["metadata"]!["finalizers"] = new JsonArray("cnpg.io/cleanup");
                return KubeReply.Json(marked, HttpStatusCode.Accepted);
            });
        var client = KubeTestClients.Create(api);

        var result = await client.DeleteAsync("postgresql.cnpg.io/v1", "Cluster", "team-a", "orders-db");

        Assert.Equal(KubeDeleteOutcome.DeletionPending, result.Value);
    }

    [Fact]
    public async Task DeleteAsync_KindNotServedAnyMore_IsAlreadyGone()
    {
        var api = new FakeKubeApi().WithDiscovery();
        var client = KubeTestClients.Create(api);

        var result = await client.DeleteAsync("postgresql.cnpg.io/v1", "Database", "team-a", "orders");

        Assert.Equal(KubeDeleteOutcome.AlreadyGone, result.Value);
    }

    // ---- Status and version ----------------------------------------------------------------------------------

    [Fact]
    public async Task GetStatusAsync_ClusterApiConditions_AreParsedIntoRecords()
    {
        var api = new FakeKubeApi()
            .On(HttpMethod.Get, "/apis/cluster.x-k8s.io/v1beta1", () => KubeReply.Json(
                """{"kind":"APIResourceList","groupVersion":"cluster.x-k8s.io/v1beta1","resources":[{"name":"clusters","singularName":"cluster","namespaced":true,"kind":"Cluster","verbs":["get"]}]}"""))
            .On(HttpMethod.Get, "/apis/cluster.x-k8s.io/v1beta1/namespaces/tenant-1/clusters/prod", () => KubeReply.Json("""
                {"apiVersion":"cluster.x-k8s.io/v1beta1","kind":"Cluster","metadata":{"name":"prod","namespace":"tenant-1","generation":3,"resourceVersion":"7781"},
                 "status":{"phase":"Provisioned","observedGeneration":2,"infrastructureReady":true,"conditions":[
                   {"type":"Ready","status":"False","severity":"Warning","reason":"ScalingUp","message":"Scaling up control plane to 3 replicas (actual 1)","lastTransitionTime":"2026-02-03T10:15:00Z"},
                   {"type":"InfrastructureReady","status":"True","lastTransitionTime":"2026-02-03T10:10:00Z"}]}}
                """));
        var client = KubeTestClients.Create(api);

        var result = await client.GetStatusAsync("cluster.x-k8s.io/v1beta1", "Cluster", "tenant-1", "prod");

        Assert.True(result.Succeeded, result.ToString());
        var status = result.Value;
        Assert.Equal("Provisioned", status.Phase);
        Assert.Equal(3, status.Generation);
        Assert.Equal(2, status.ObservedGeneration);
        Assert.False(status.IsCurrent);
        Assert.Equal("7781", status.ResourceVersion);
        var ready = status.Condition("Ready")!;
        Assert.True(ready.IsFalse);
        Assert.Equal("ScalingUp", ready.Reason);
        Assert.Equal("Scaling up control plane to 3 replicas (actual 1)", ready.Message);
        Assert.Equal("Warning", ready.Severity);
        Assert.Equal(new DateTimeOffset(2026, 2, 3, 10, 15, 0, TimeSpan.Zero), ready.LastTransitionTime);
        Assert.True(status.Condition("InfrastructureReady")!.IsTrue);
        Assert.Null(status.Condition("ControlPlaneReady"));
        Assert.True((bool)status.Status["infrastructureReady"]!);
    }

    [Fact]
    public async Task GetStatusAsync_ObjectWithoutStatus_IsAnEmptyStatus()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/s", () => KubeReply.Json(Secret("s")));
        var client = KubeTestClients.Create(api);

        var result = await client.GetStatusAsync("v1", "Secret", "team-a", "s");

        Assert.Empty(result.Value!.Conditions);
        Assert.Null(result.Value.Phase);
    }

    [Fact]
    public async Task VersionAsync_Answer_ReturnsTheVersion()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/version", () => KubeReply.Fixture("version.json"));
        var client = KubeTestClients.Create(api);

        var result = await client.VersionAsync();

        Assert.Equal(new KubeVersionInfo("1", "32", "v1.32.3", "linux/amd64"), result.Value);
    }

    [Fact]
    public async Task VersionAsync_ServerBehindAPathPrefix_KeepsThePrefix()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/k8s/clusters/c-m-4x2/version", () => KubeReply.Fixture("version.json"));
        var client = KubeTestClients.Create(api, KubeTestClients.Connection("https://rancher.example.com/k8s/clusters/c-m-4x2"));

        var result = await client.VersionAsync();

        Assert.True(result.Succeeded, result.ToString());
    }

    // ---- Credentials -------------------------------------------------------------------------------------------

    [Fact]
    public async Task EveryRequest_CarriesTheBearerToken()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/s", () => KubeReply.Json(Secret("s")));
        var client = KubeTestClients.Create(api);

        await client.GetAsync("v1", "Secret", "team-a", "s");

        Assert.All(api.Requests, r => Assert.Equal($"Bearer {KubeTestClients.Token}", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Unauthorized_ServerEchoingTheToken_NeitherMessageNorLogsContainIt()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/version", () =>
            KubeReply.Status(HttpStatusCode.Unauthorized, "Unauthorized", $"invalid bearer token {KubeTestClients.Token}"));
        var logs = new KubeLogCapture();
        var client = KubeTestClients.Create(api, logs: logs);

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.Unauthorized, result.Error?.Kind);
        Assert.StartsWith("The API server at kube.test:6443 rejected the credentials (401 Unauthorized) when asked to read the server version.", result.Error!.Message);
        Assert.Contains("The token may have expired", result.Error.Message);
        Assert.DoesNotContain(KubeTestClients.Token, result.Error.Message);
        Assert.NotEmpty(logs.Lines);
        Assert.All(logs.Lines, line => Assert.DoesNotContain(KubeTestClients.Token, line));
        Assert.All(logs.Lines, line => Assert.DoesNotContain(KubeTestClients.Token[..30], line));
    }

    [Fact]
    public async Task AnyCall_InvalidConnection_ReportsTheConfigurationErrorWithoutSending()
    {
        var api = new FakeKubeApi();
        var client = KubeTestClients.Create(api, new KubeConnection(new Uri("ftp://kube.test"), KubeCredential.FromToken("t")));

        var result = await client.GetAsync("v1", "Secret", "x", "y");

        Assert.Equal(RemoteErrorKind.InvalidConfiguration, result.Error?.Kind);
        Assert.Contains("must be an https:// (or http://) URL", result.Error!.Message);
        Assert.Empty(api.Requests);
    }

    // ---- Error classes ----------------------------------------------------------------------------------------

    public static TheoryData<int, string, RemoteErrorKind, string> StatusErrors => new()
    {
        { 403, "status_403_forbidden.json", RemoteErrorKind.Forbidden,
            "The API server refused to read Secret \"team-a/db-credentials\" (403 Forbidden): the kubeconfig's user lacks the permission (RBAC) for it. The API server said: \"secrets \"db-credentials\" is forbidden: User \"system:serviceaccount:portal:portal\" cannot get resource \"secrets\" in API group \"\" in the namespace \"team-a\"\"" },
        { 404, "status_404_not_found.json", RemoteErrorKind.NotFound, "Secret \"team-a/db-credentials\" does not exist (404 Not Found)." },
        { 409, "status_409_conflict.json", RemoteErrorKind.Conflict, "Could not read Secret \"team-a/db-credentials\": conflict (409 Conflict). The API server said: \"Apply failed with 1 conflict: conflict with \"kubectl-edit\"" },
        { 422, "status_422_invalid.json", RemoteErrorKind.Invalid, "The API server refused to read Secret \"team-a/db-credentials\": Cluster.postgresql.cnpg.io \"orders-db\" is invalid: spec.instances: Invalid value: 0: spec.instances in body should be greater than or equal to 1 (422 Unprocessable Entity)." },
    };

    [Theory]
    [MemberData(nameof(StatusErrors))]
    public async Task GetAsync_ErrorStatus_MapsToItsKindWithTheStatusMessage(int status, string fixture, RemoteErrorKind kind, string expected)
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/db-credentials", () => KubeReply.Fixture(fixture, (HttpStatusCode)status));
        var client = KubeTestClients.Create(api);

        var result = await client.GetAsync("v1", "Secret", "team-a", "db-credentials");

        Assert.Equal(kind, result.Error?.Kind);
        Assert.Equal(status, result.Error!.StatusCode);
        Assert.Contains(expected, result.Error.Message);
        Assert.Equal(1, api.Count(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/db-credentials"));
    }

    [Fact]
    public async Task ApplyAsync_Invalid422_CarriesTheStatusMessageAndReason()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Patch, "/apis/postgresql.cnpg.io/v1/namespaces/team-a/clusters/orders-db", () => KubeReply.Fixture("status_422_invalid.json", (HttpStatusCode)422));
        var client = KubeTestClients.Create(api);

        var result = await client.ApplyAsync(PostgresCluster());

        Assert.Equal(RemoteErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("Invalid", result.Error!.Reason);
        Assert.Equal(
            "The API server refused to apply Cluster \"team-a/orders-db\": Cluster.postgresql.cnpg.io \"orders-db\" is invalid: spec.instances: Invalid value: 0: " +
            "spec.instances in body should be greater than or equal to 1 (422 Unprocessable Entity).",
            result.Error.Message);
    }

    [Fact]
    public async Task ApplyAsync_BadRequest_IsInvalid()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Patch, "/api/v1/namespaces/team-a/secrets/s", () => KubeReply.Status(HttpStatusCode.BadRequest, "BadRequest", "error decoding patch"));
        var client = KubeTestClients.Create(api);

        var result = await client.ApplyAsync(Secret("s"));

        Assert.Equal(RemoteErrorKind.Invalid, result.Error?.Kind);
        Assert.Contains("as malformed (400 Bad Request). The API server said: \"error decoding patch\"", result.Error!.Message);
    }

    [Fact]
    public async Task ApplyAsync_UnsupportedMediaType_SaysServerSideApplyIsMissing()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Patch, "/api/v1/namespaces/team-a/secrets/s", () => KubeReply.Status(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", "the body of the request was in an unknown format"));
        var client = KubeTestClients.Create(api);

        var result = await client.ApplyAsync(Secret("s"));

        Assert.Equal(RemoteErrorKind.Unexpected, result.Error?.Kind);
        Assert.Contains("does not accept server-side apply", result.Error!.Message);
    }

    [Fact]
    public async Task GetAsync_ServerErrorEveryTime_IsServerErrorAfterBoundedRetries()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/s", () => KubeReply.Status(HttpStatusCode.InternalServerError, "InternalError", "etcdserver: request timed out"));
        var client = KubeTestClients.Create(api, options: KubeTestClients.FastOptions with { MaxRetries = 2 });

        var result = await client.GetAsync("v1", "Secret", "team-a", "s");

        Assert.Equal(RemoteErrorKind.ServerError, result.Error?.Kind);
        Assert.Contains("failed to read Secret \"team-a/s\" (500 Internal Server Error) (3 attempts)", result.Error!.Message);
        Assert.Contains("etcdserver: request timed out", result.Error.Message);
        Assert.Equal(3, api.Count(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/s"));
    }

    [Fact]
    public async Task GetAsync_ServiceUnavailableThenOk_RetriesAndSucceeds()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/s", (_, hit) => hit == 0
                ? KubeReply.Status(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "the server is currently unable to handle the request")
                : KubeReply.Json(Secret("s")));
        var client = KubeTestClients.Create(api);

        var result = await client.GetAsync("v1", "Secret", "team-a", "s");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(2, api.Count(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/s"));
    }

    [Fact]
    public async Task ApplyAsync_TooManyRequestsWithRetryAfter_WaitsAndRetries()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Patch, "/api/v1/namespaces/team-a/secrets/s", (request, hit) =>
            {
                if (hit > 0)
                    return KubeReply.Json(request.Body!);
                var throttled = KubeReply.Status(HttpStatusCode.TooManyRequests, "TooManyRequests", "too many requests, please try again later");
                throttled.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(30));
                return throttled;
            });
        var client = KubeTestClients.Create(api);

        var result = await client.ApplyAsync(Secret("s"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(2, api.Count(HttpMethod.Patch, "/api/v1/namespaces/team-a/secrets/s"));
    }

    [Fact]
    public async Task DeleteAsync_ConnectionResetOnce_RetriesAndSucceeds()
    {
        var handler = new KubeLambdaHandler((request, call, _) =>
        {
            if (request.RequestUri!.AbsolutePath == "/api/v1")
                return Task.FromResult(KubeReply.Fixture("apiresourcelist_core_v1.json"));
            if (call == 1)
                throw new HttpRequestException(HttpRequestError.Unknown, "Connection reset by peer", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));
            return Task.FromResult(KubeReply.Fixture("status_404_not_found.json", HttpStatusCode.NotFound));
        });
        var client = KubeTestClients.Create(handler);

        var result = await client.DeleteAsync("v1", "Secret", "team-a", "db-credentials");

        Assert.Equal(KubeDeleteOutcome.AlreadyGone, result.Value);
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task GetAsync_ServerThatNeverAnswers_IsTimeoutAfterRetries()
    {
        var handler = new KubeLambdaHandler(async (request, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return KubeReply.Json("{}");
        });
        var client = KubeTestClients.Create(handler, options: KubeTestClients.FastOptions with { RequestTimeout = TimeSpan.FromMilliseconds(100), MaxRetries = 1 });

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.Timeout, result.Error?.Kind);
        Assert.StartsWith("The API server at kube.test:6443 did not answer within 100 ms (2 attempts) when asked to read the server version.", result.Error!.Message);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task GetAsync_CallerCancels_Throws()
    {
        var handler = new KubeLambdaHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return KubeReply.Json("{}");
        });
        var client = KubeTestClients.Create(handler);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.VersionAsync(cts.Token));
    }

    [Fact]
    public async Task GetAsync_HtmlInsteadOfJson_IsMalformed()
    {
        var api = new FakeKubeApi().WithDiscovery()
            .On(HttpMethod.Get, "/api/v1/namespaces/team-a/secrets/s", () => KubeReply.Text(HttpStatusCode.OK, "<html><body>Sign in</body></html>", "text/html"));
        var client = KubeTestClients.Create(api);

        var result = await client.GetAsync("v1", "Secret", "team-a", "s");

        Assert.Equal(RemoteErrorKind.Malformed, result.Error?.Kind);
        Assert.Contains("its answer is text/html, not JSON; check that the server address points at the Kubernetes API itself", result.Error!.Message);
    }

    [Fact]
    public async Task GetAsync_Redirect_IsUnexpectedSuggestingTheRealAddress()
    {
        var api = new FakeKubeApi().On(HttpMethod.Get, "/version", () =>
        {
            var redirect = new HttpResponseMessage(HttpStatusCode.MovedPermanently);
            redirect.Headers.Location = new Uri("https://kube.test:6443/version");
            return redirect;
        });
        var client = KubeTestClients.Create(api, KubeTestClients.Connection("http://kube.test:6443"));

        var result = await client.VersionAsync();

        Assert.Equal(RemoteErrorKind.Unexpected, result.Error?.Kind);
        Assert.Contains("redirects (301 Moved Permanently) to https://kube.test:6443/version", result.Error!.Message);
    }
}
