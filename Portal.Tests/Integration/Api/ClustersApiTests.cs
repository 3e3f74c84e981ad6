using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.DemoCloud.Kubernetes;
using Portal.Domain.Api;
using Portal.Domain.Auditing;

namespace Portal.Tests.Integration.Api;

/// <summary>Clusters, node pools and kubeconfigs over HTTP, on the services the cluster pages use.</summary>
[Collection(ClustersApiCollection.Name)]
public sealed class ClustersApiTests(ClustersApiScenario scenario)
{
    private ClustersApiScenario S => scenario;

    [Fact]
    public async Task PostCluster_ValidBody_AcceptedWithLocationThatEndsSucceededAndTheClusterActive()
    {
        using var client = await S.Client(S.AcmeMember);
        var name = ClustersApiScenario.Name("create");

        using var response = await client.PostJsonAsync("/api/v1/clusters", S.CreateBody(name), idempotencyKey: Guid.NewGuid().ToString());
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        var location = response.Headers.Location!.ToString();
        var operation = await ClustersApiScenario.FinishedAsync(client, location);
        var id = accepted.GetProperty("resourceId").GetGuid();
        var (cluster, etag) = await ClustersApiScenario.ClusterAsync(client, id);

        Assert.Equal(accepted.GetProperty("operationUrl").GetString(), location);
        Assert.Equal($"/api/v1/operations/{accepted.GetProperty("operationId").GetGuid()}", location);
        Assert.Equal($"/api/v1/clusters/{id}", accepted.GetProperty("resourceUrl").GetString());
        Assert.Equal("succeeded", operation.GetProperty("state").GetString());
        Assert.Equal("mks-cluster.create", operation.GetProperty("kind").GetString());
        Assert.Equal("KubernetesCluster", operation.GetProperty("target").GetProperty("type").GetString());
        Assert.All(operation.GetProperty("steps").EnumerateArray(), s => Assert.Equal("succeeded", s.GetProperty("state").GetString()));
        Assert.Equal("active", cluster.GetProperty("state").GetString());
        Assert.Equal(name, cluster.GetProperty("name").GetString());
        Assert.Equal("standalone", cluster.GetProperty("controlPlane").GetProperty("type").GetString());
        Assert.Equal(ApiPreconditions.ETagOf(cluster.GetProperty("version").GetInt32()), etag);
        var pool = Assert.Single(cluster.GetProperty("nodePools").EnumerateArray());
        Assert.Equal("workers", pool.GetProperty("name").GetString());
        Assert.Equal("m1.medium", pool.GetProperty("flavor").GetProperty("name").GetString());
        Assert.DoesNotContain("kubeconfig", cluster.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PostCluster_NoName_UnprocessableNamingTheField()
    {
        using var client = await S.Client(S.AcmeMember);

        using var response = await client.PostJsonAsync("/api/v1/clusters", S.CreateBody(""));

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "name");
    }

    [Fact]
    public async Task PostCluster_PoolWithoutFlavor_UnprocessableNamingThatPoolsFlavor()
    {
        using var client = await S.Client(S.AcmeMember);

        using var response = await client.PostJsonAsync("/api/v1/clusters",
            S.CreateBody(ClustersApiScenario.Name("noflavor"), S.Pool("workers"), new { name = "batch", nodeCount = 1 }));

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "pools[1].flavor");
    }

    [Fact]
    public async Task PostCluster_TenantViewer_Forbidden()
    {
        using var client = await S.Client(S.AcmeViewer);

        using var response = await client.PostJsonAsync("/api/v1/clusters", S.CreateBody(ClustersApiScenario.Name("viewer")));

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task PostCluster_ReadOnlyToken_ForbiddenAndNothingCreated()
    {
        using var client = S.ClientWith(await S.TokenAsync(S.AcmeMember, ApiScope.ReadOnly));
        var name = ClustersApiScenario.Name("readonly");

        using var response = await client.PostJsonAsync("/api/v1/clusters", S.CreateBody(name));

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await using var db = S.NewContext();
        Assert.False(await db.Clusters.AnyAsync(c => c.Name == name));
    }

    [Fact]
    public async Task GetCluster_GlobexMemberOnAcmesCluster_NotFoundForTheClusterItsPoolsKubeconfigAndHistory()
    {
        using var acme = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(acme, ClustersApiScenario.Name("hidden"));
        var (cluster, _) = await ClustersApiScenario.ClusterAsync(acme, id);
        var poolId = cluster.GetProperty("nodePools")[0].GetProperty("id").GetGuid();
        using var globex = await S.Client(S.GlobexMember);

        foreach (var path in new[] { $"/api/v1/clusters/{id}", $"/api/v1/clusters/{id}/node-pools", $"/api/v1/clusters/{id}/node-pools/{poolId}",
                     $"/api/v1/clusters/{id}/kubeconfig", $"/api/v1/clusters/{id}/operations" })
        {
            using var response = await globex.GetAsync(path);
            var problem = await response.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
            Assert.DoesNotContain(cluster.GetProperty("name").GetString()!, problem.ToString(), StringComparison.Ordinal);
        }
        using var delete = await globex.DeleteAsync($"/api/v1/clusters/{id}?confirmName={cluster.GetProperty("name").GetString()}", ifMatch: null);
        await delete.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        var list = await (await globex.GetAsync("/api/v1/clusters")).JsonAsync();
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task ListClusters_PageSizeOne_WalksTwoPagesAndRefusesTheTokenWithAnotherFilter()
    {
        using var client = await S.Client(S.AcmeMember);
        var tag = Guid.NewGuid().ToString("N")[..6];
        foreach (var prefix in new[] { "pa", "pb" })
            (await client.PostJsonAsync("/api/v1/clusters", S.CreateBody($"{prefix}-{tag}"))).Dispose();

        var first = await (await client.GetAsync($"/api/v1/clusters?pageSize=1&search={tag}&sort=name&order=asc")).JsonAsync();
        var token = first.GetProperty("nextPageToken").GetString();
        var second = await (await client.GetAsync($"/api/v1/clusters?pageSize=1&search={tag}&sort=name&order=asc&pageToken={token}")).JsonAsync();
        using var replayed = await client.GetAsync($"/api/v1/clusters?pageSize=1&search={tag}&sort=name&order=asc&tenantId={S.GlobexId}&pageToken={token}");

        Assert.Equal(2, first.GetProperty("totalCount").GetInt32());
        Assert.Equal($"pa-{tag}", Assert.Single(first.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal($"pb-{tag}", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextPageToken").ValueKind);
        await replayed.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, ApiPaging.PageTokenField);
    }

    [Fact]
    public async Task ListClusters_UnknownState_UnprocessableNamingState()
    {
        using var client = await S.Client(S.AcmeMember);

        using var response = await client.GetAsync("/api/v1/clusters?state=sleeping");

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "state");
    }

    [Fact]
    public async Task PatchCluster_ControlPlaneReplicasWithCurrentETag_AcceptedAndScaledThenStaleETagPreconditionFailed()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("scale"));
        var (_, etag) = await ClustersApiScenario.ClusterAsync(client, id);

        using var response = await client.PatchJsonAsync($"/api/v1/clusters/{id}", new { controlPlaneReplicas = 3 }, ifMatch: etag);
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        var operation = await ClustersApiScenario.FinishedAsync(client, response.Headers.Location!.ToString());
        var (cluster, newETag) = await ClustersApiScenario.ClusterAsync(client, id);
        using var stale = await client.PatchJsonAsync($"/api/v1/clusters/{id}", new { controlPlaneReplicas = 1 }, ifMatch: etag);

        Assert.Equal(id, accepted.GetProperty("resourceId").GetGuid());
        Assert.Equal("succeeded", operation.GetProperty("state").GetString());
        Assert.Equal("mks-cluster.scale-control-plane", operation.GetProperty("kind").GetString());
        Assert.Equal(3, cluster.GetProperty("controlPlane").GetProperty("replicas").GetInt32());
        Assert.Equal("active", cluster.GetProperty("state").GetString());
        Assert.NotEqual(etag, newETag);
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
    }

    [Fact]
    public async Task PatchCluster_SameReplicas_UnprocessableNamingControlPlaneReplicas()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("same"));

        using var response = await client.PatchJsonAsync($"/api/v1/clusters/{id}", new { controlPlaneReplicas = 1 });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "controlPlane.replicas");
    }

    [Fact]
    public async Task PatchCluster_TenantViewer_Forbidden()
    {
        using var member = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(member, ClustersApiScenario.Name("vpatch"));
        using var viewer = await S.Client(S.AcmeViewer);

        using var response = await viewer.PatchJsonAsync($"/api/v1/clusters/{id}", new { controlPlaneReplicas = 3 });

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task PostResync_ActiveCluster_AcceptedAndSucceeds()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("resync"));

        using var response = await client.PostJsonAsync<object?>($"/api/v1/clusters/{id}/actions/resync", null);
        await response.JsonAsync(HttpStatusCode.Accepted);
        var operation = await ClustersApiScenario.FinishedAsync(client, response.Headers.Location!.ToString());

        Assert.Equal("mks-cluster.resync", operation.GetProperty("kind").GetString());
        Assert.Equal("succeeded", operation.GetProperty("state").GetString());
    }

    [Fact]
    public async Task DeleteCluster_WrongConfirmName_UnprocessableNamingConfirmName()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("keep"));

        using var response = await client.DeleteAsync($"/api/v1/clusters/{id}?confirmName=something-else", ifMatch: null);

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "confirmName");
    }

    [Fact]
    public async Task DeleteCluster_ConfirmName_AcceptedAndTheClusterIsGoneWhileItsRequesterStillReadsTheOperation()
    {
        using var client = await S.Client(S.AcmeMember);
        var name = ClustersApiScenario.Name("gone");
        var id = await S.CreateActiveAsync(client, name);
        var (_, etag) = await ClustersApiScenario.ClusterAsync(client, id);

        using var stale = await client.DeleteAsync($"/api/v1/clusters/{id}?confirmName={name}", ifMatch: "\"9999\"");
        using var response = await client.DeleteAsync($"/api/v1/clusters/{id}?confirmName={name}", ifMatch: etag);
        await response.JsonAsync(HttpStatusCode.Accepted);
        var operation = await ClustersApiScenario.FinishedAsync(client, response.Headers.Location!.ToString());
        using var after = await client.GetAsync($"/api/v1/clusters/{id}");

        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        Assert.Equal("succeeded", operation.GetProperty("state").GetString());
        Assert.Equal("mks-cluster.delete", operation.GetProperty("kind").GetString());
        await after.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    [Fact]
    public async Task PostNodePool_ThenPatchNodeCount_BothSucceedAndThePoolHasTheNewSize()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("pools"));

        using var added = await client.PostJsonAsync($"/api/v1/clusters/{id}/node-pools", S.Pool("batch"));
        var accepted = await added.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("succeeded", (await ClustersApiScenario.FinishedAsync(client, added.Headers.Location!.ToString())).GetProperty("state").GetString());
        var poolUrl = accepted.GetProperty("resourceUrl").GetString()!;
        using var pool = await client.GetAsync(poolUrl);
        var poolBody = await pool.JsonAsync();
        using var scaled = await client.PatchJsonAsync(poolUrl, new { nodeCount = 2 }, ifMatch: pool.Headers.ETag!.ToString());
        await scaled.JsonAsync(HttpStatusCode.Accepted);
        var scaleOperation = await ClustersApiScenario.FinishedAsync(client, scaled.Headers.Location!.ToString());
        var after = await (await client.GetAsync(poolUrl)).JsonAsync();
        using var stale = await client.PatchJsonAsync(poolUrl, new { nodeCount = 3 }, ifMatch: pool.Headers.ETag!.ToString());
        var list = await (await client.GetAsync($"/api/v1/clusters/{id}/node-pools")).JsonAsync();

        Assert.Equal("batch", poolBody.GetProperty("name").GetString());
        Assert.Equal("active", poolBody.GetProperty("state").GetString());
        Assert.Equal("mks-node-pool.scale", scaleOperation.GetProperty("kind").GetString());
        Assert.Equal("NodePool", scaleOperation.GetProperty("target").GetProperty("type").GetString());
        Assert.Equal(2, after.GetProperty("nodeCount").GetInt32());
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        Assert.Equal(2, list.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task PatchNodePool_TwoKindsOfChange_UnprocessableAndNothingStarted()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("twokinds"));
        var (cluster, _) = await ClustersApiScenario.ClusterAsync(client, id);
        var poolId = cluster.GetProperty("nodePools")[0].GetProperty("id").GetGuid();

        using var response = await client.PatchJsonAsync($"/api/v1/clusters/{id}/node-pools/{poolId}", new { nodeCount = 2, flavorId = S.Medium });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "body");
        Assert.Equal("active", (await ClustersApiScenario.ClusterAsync(client, id)).Cluster.GetProperty("nodePools")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task PatchNodePool_UpgradeToAnotherVersionThanTheControlPlanes_UnprocessableNamingVersion()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("poolver"));
        var (cluster, _) = await ClustersApiScenario.ClusterAsync(client, id);
        var poolId = cluster.GetProperty("nodePools")[0].GetProperty("id").GetGuid();

        using var response = await client.PatchJsonAsync($"/api/v1/clusters/{id}/node-pools/{poolId}", new { kubernetesVersion = "1.33.1-1" });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "version");
    }

    [Fact]
    public async Task DeleteNodePool_TheLastPool_ConflictWithTheDomainsReason()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("last"));
        var (cluster, _) = await ClustersApiScenario.ClusterAsync(client, id);
        var poolId = cluster.GetProperty("nodePools")[0].GetProperty("id").GetGuid();

        using var response = await client.DeleteAsync($"/api/v1/clusters/{id}/node-pools/{poolId}", ifMatch: null);

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
        Assert.Contains("at least one node pool", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteNodePool_TwoClientsRemoveTheTwoLastPoolsAtOnce_ExactlyOneIsAcceptedAndTheClusterKeepsAPool()
    {
        using var member = await S.Client(S.AcmeMember);
        using var admin = await S.Client(S.AcmeAdmin);
        var id = await S.CreateActiveAsync(member, ClustersApiScenario.Name("race"), S.Pool("workers"), S.Pool("batch"));
        var (cluster, _) = await ClustersApiScenario.ClusterAsync(member, id);
        var pools = cluster.GetProperty("nodePools").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();

        var responses = await Task.WhenAll(
            member.DeleteAsync($"/api/v1/clusters/{id}/node-pools/{pools[0]}", ifMatch: null),
            admin.DeleteAsync($"/api/v1/clusters/{id}/node-pools/{pools[1]}", ifMatch: null));
        try
        {
            var statuses = responses.Select(r => r.StatusCode).ToList();
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Accepted));
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Conflict));
            // Followed by who asked: once the pool is gone, its removal is theirs to read (or the cluster's history's).
            var winner = responses[0].StatusCode == HttpStatusCode.Accepted ? (responses[0], member) : (responses[1], admin);
            var removal = await ClustersApiScenario.FinishedAsync(winner.Item2, winner.Item1.Headers.Location!.ToString());
            Assert.Equal("succeeded", removal.GetProperty("state").GetString());
            var loser = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
            await loser.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
        var (after, _) = await ClustersApiScenario.ClusterAsync(member, id);

        var history = await (await member.GetAsync($"/api/v1/clusters/{id}/operations")).JsonAsync();

        var left = Assert.Single(after.GetProperty("nodePools").EnumerateArray());
        Assert.Equal("active", left.GetProperty("state").GetString());
        Assert.Single(history.GetProperty("items").EnumerateArray(), o => o.GetProperty("kind").GetString() == "mks-node-pool.delete");
    }

    [Fact]
    public async Task GetKubeconfig_Member_YamlNotCachedAndAuditedUnderTheTokensName()
    {
        using var client = await S.Client(S.AcmeMember);
        var name = ClustersApiScenario.Name("kube");
        var id = await S.CreateActiveAsync(client, name);

        using var response = await client.GetAsync($"/api/v1/clusters/{id}/kubeconfig");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Contains("apiVersion: v1", text, StringComparison.Ordinal);
        await using var db = S.NewContext();
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "mks-cluster.kubeconfig-download" && a.TargetId == id.ToString());
        Assert.Equal(AuditOutcome.Succeeded, audit.Outcome);
        Assert.Equal(S.AcmeMember.UserId, audit.ActorId);
        Assert.Contains("(token tests)", audit.ActorName, StringComparison.Ordinal);
        Assert.Equal(name, audit.TargetName);
    }

    [Fact]
    public async Task GetKubeconfig_ReadOnlyToken_ForbiddenLikeEveryCommandOfSuchAToken()
    {
        using var member = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(member, ClustersApiScenario.Name("kubero"));
        using var readOnly = S.ClientWith(await S.TokenAsync(S.AcmeMember, ApiScope.ReadOnly));

        using var response = await readOnly.GetAsync($"/api/v1/clusters/{id}/kubeconfig");
        using var read = await readOnly.GetAsync($"/api/v1/clusters/{id}");

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await read.JsonAsync();
    }

    [Fact]
    public async Task PatchNodePool_AutoscalerOnThenOff_BothSucceedAndThePoolShowsTheSettings()
    {
        using var client = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(client, ClustersApiScenario.Name("auto"));
        var (cluster, _) = await ClustersApiScenario.ClusterAsync(client, id);
        var poolUrl = cluster.GetProperty("nodePools")[0].GetProperty("url").GetString()!;

        using var on = await client.PatchJsonAsync(poolUrl, new { autoscaler = new { enabled = true, min = 1, max = 3 } });
        await on.JsonAsync(HttpStatusCode.Accepted);
        await ClustersApiScenario.FinishedAsync(client, on.Headers.Location!.ToString());
        var withAutoscaler = await (await client.GetAsync(poolUrl)).JsonAsync();
        using var bad = await client.PatchJsonAsync(poolUrl, new { autoscaler = new { enabled = true, min = 3, max = 1 } });
        using var off = await client.PatchJsonAsync(poolUrl, new { autoscaler = new { enabled = false }, nodeCount = 2 });
        await off.JsonAsync(HttpStatusCode.Accepted);
        await ClustersApiScenario.FinishedAsync(client, off.Headers.Location!.ToString());
        var without = await (await client.GetAsync(poolUrl)).JsonAsync();

        Assert.True(withAutoscaler.GetProperty("autoscaler").GetProperty("enabled").GetBoolean());
        Assert.Equal(3, withAutoscaler.GetProperty("autoscaler").GetProperty("max").GetInt32());
        var problem = await bad.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid);
        Assert.StartsWith("autoscaler.", problem.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.False(without.GetProperty("autoscaler").GetProperty("enabled").GetBoolean());
        Assert.Equal(2, without.GetProperty("nodeCount").GetInt32());
    }

    [Fact]
    public async Task OpenApiDocument_ClusterAndOperationEndpoints_DeclareTheirAcceptedYamlAndProblemResponses()
    {
        using var client = S.ClientWith(null);

        var paths = (await (await client.GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");

        var create = paths.GetProperty("/api/v1/clusters").GetProperty("post").GetProperty("responses");
        Assert.True(create.TryGetProperty("202", out _), create.ToString());
        Assert.True(create.TryGetProperty("422", out _), create.ToString());
        var kubeconfig = paths.GetProperty("/api/v1/clusters/{id}/kubeconfig").GetProperty("get").GetProperty("responses");
        Assert.True(kubeconfig.GetProperty("200").GetProperty("content").TryGetProperty("application/yaml", out _), kubeconfig.ToString());
        Assert.True(paths.GetProperty("/api/v1/clusters/{id}/node-pools/{poolId}").GetProperty("patch").GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(paths.GetProperty("/api/v1/operations/{id}/retry").GetProperty("post").GetProperty("responses").TryGetProperty("202", out _));
    }

    [Fact]
    public async Task GetKubeconfig_TenantViewer_ForbiddenAndTheRefusalAudited()
    {
        using var member = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(member, ClustersApiScenario.Name("kubev"));
        using var viewer = await S.Client(S.AcmeViewer);

        using var response = await viewer.GetAsync($"/api/v1/clusters/{id}/kubeconfig");

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        await using var db = S.NewContext();
        Assert.True(await db.AuditEntries.AsNoTracking().AnyAsync(a => a.Action == "mks-cluster.kubeconfig-download" && a.TargetId == id.ToString()
            && a.ActorId == S.AcmeViewer.UserId && a.Outcome == AuditOutcome.Refused));
    }
}


/// <summary>
/// <see cref="ApiScenario"/> with what cluster tests send: the demo catalog's flavor ids, creation bodies, and waiting
/// for an operation (followed by its URL, as a client does). Shared by the cluster and operation API tests, which run
/// one after another on it; each test creates clusters under names of its own.
/// </summary>
public sealed class ClustersApiScenario : ApiScenario
{
    public const string Version = "1.32.3-5";

    public Guid Medium { get; private set; }

    public DemoKubernetesApi Kube => Services.GetRequiredService<DemoKubernetesApi>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = NewContext();
        Medium = await db.Flavors.Where(f => f.InfrastructureId == InfrastructureId && f.ProviderName == "m1.medium").Select(f => f.Id).SingleAsync();
    }

    /// <summary>A unique cluster name with <paramref name="prefix"/>.</summary>
    public static string Name(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>A Standalone one-replica cluster in Acme's project web, with the given pools (default: "workers", 1 × m1.medium).</summary>
    public object CreateBody(string name, params object[] pools) => new
    {
        projectId = WebProjectId,
        serviceConfigId = ConfigId,
        name,
        version = Version,
        controlPlane = new { type = "standalone", replicas = 1, flavorId = Medium },
        pools = pools.Length > 0 ? pools : [Pool("workers")],
    };

    public object Pool(string name, int nodeCount = 1) => new { name, flavorId = Medium, nodeCount };

    /// <summary>Creates a cluster as Acme's member through the API and waits until its create operation succeeded; returns its id.</summary>
    public async Task<Guid> CreateActiveAsync(HttpClient client, string name, params object[] pools)
    {
        using var response = await client.PostJsonAsync("/api/v1/clusters", CreateBody(name, pools));
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        var operation = await FinishedAsync(client, accepted.GetProperty("operationUrl").GetString()!);
        Assert.True(operation.GetProperty("state").GetString() == "succeeded", operation.ToString());
        return accepted.GetProperty("resourceId").GetGuid();
    }

    /// <summary>Polls an operation until it is finished (or <paramref name="until"/> holds); fails after a timeout.</summary>
    public static async Task<JsonElement> FinishedAsync(HttpClient client, string operationUrl, Func<JsonElement, bool>? until = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var operation = await (await client.GetAsync(operationUrl)).JsonAsync();
            var state = operation.GetProperty("state").GetString();
            if (until?.Invoke(operation) ?? state is "succeeded" or "failed" or "cancelled") return operation;
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(60)))
                Assert.Fail($"Operation {operationUrl} did not finish in time: {operation}");
            await Task.Delay(50);
        }
    }

    /// <summary>The cluster as the API answers it (200), with its ETag.</summary>
    public static async Task<(JsonElement Cluster, string ETag)> ClusterAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/v1/clusters/{id}");
        var body = await response.JsonAsync();
        return (body, response.Headers.ETag!.ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class ClustersApiCollection : ICollectionFixture<ClustersApiScenario>
{
    public const string Name = "Clusters API";
}
