using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Api;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Api;

/// <summary>
/// Every API route × every kind of caller × the other tenant's ids: the exact status each gets, and that no response
/// carries anything of a tenant the caller has no part in. The routes come from the running application, so a route
/// added without a line in <see cref="Rules"/> fails <see cref="Matrix_EveryRoute_HasARule"/> until someone decides who
/// may call it.
/// </summary>
public sealed class IsolationMatrixTests(IsolationScenario s) : IClassFixture<IsolationScenario>
{
    /// <summary>The kinds of caller.</summary>
    public enum Caller { PlatformAdmin, PlatformViewer, TenantAdmin, Member, Viewer, OtherTenantMember, RevokedToken, ExpiredToken, Anonymous }

    /// <summary>Whose resources a route's ids name: the callers' tenant's (Acme) or the other tenant's (Globex).</summary>
    public enum Side { Acme, Globex }

    private enum Access
    {
        /// <summary>/me: anyone with a live token.</summary>
        Self,
        /// <summary>A list filtered to what the caller may see: everyone authenticated, 200.</summary>
        List,
        /// <summary>A tenant's resource: platform readers and its tenant's people read it; anyone else: 404.</summary>
        Read,
        /// <summary>A tenant's secret (kubeconfig, connection): its members and admins only; its viewers and the platform's people 403.</summary>
        Secret,
        /// <summary>A change its tenant's members and admins may make: viewers and platform viewers 403, other tenants 404.</summary>
        MemberWrite,
        /// <summary>A change only its tenant's admins (and platform admins) may make.</summary>
        AdminWrite,
        /// <summary>A change only platform admins may make to a tenant's record (rename, delete the tenant).</summary>
        PlatformAdminWriteOnTenant,
        /// <summary>Platform configuration read by platform readers only: tenant people get 403.</summary>
        PlatformRead,
        /// <summary>Platform configuration tenant people may also read (what they deploy on).</summary>
        SharedRead,
        /// <summary>Platform configuration only platform admins change: everyone else 403.</summary>
        PlatformWrite,
        /// <summary>Platform readers only (the audit trail): tenant people 403.</summary>
        PlatformList,
        /// <summary>
        /// Where a project may deploy (its placements): the tenant's members and admins, who deploy; anyone else — its
        /// viewers, the platform's people, other tenants — is told the project is not there to deploy in (404).
        /// </summary>
        DeployRead,
        /// <summary>
        /// A Service Config offered to every tenant (the scenario's): platform readers and every tenant's members and
        /// admins (who may deploy on it) read it; viewers, who deploy nothing, are shown none (404).
        /// </summary>
        OfferedRead,
        /// <summary>A change to that Service Config: platform admins only; those who can read it 403, viewers 404.</summary>
        OfferedWrite,
        /// <summary>A create whose tenant comes in the body (the matrix sends the other side's): refused for the other tenant.</summary>
        CreateInBody,
    }

    /// <summary>Who may call each route. Keys are "METHOD /template" as the route table spells them.</summary>
    private static readonly Dictionary<string, Access> Rules = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/me"] = Access.Self,
        // tenancy
        ["GET /api/v1/tenants"] = Access.List,
        ["POST /api/v1/tenants"] = Access.PlatformWrite,
        ["GET /api/v1/tenants/{tenantId}"] = Access.Read,
        ["PATCH /api/v1/tenants/{tenantId}"] = Access.PlatformAdminWriteOnTenant,
        ["DELETE /api/v1/tenants/{tenantId}"] = Access.PlatformAdminWriteOnTenant,
        ["GET /api/v1/tenants/{tenantId}/members"] = Access.Read,
        ["POST /api/v1/tenants/{tenantId}/members"] = Access.AdminWrite,
        ["GET /api/v1/tenants/{tenantId}/members/{memberId}"] = Access.Read,
        ["PATCH /api/v1/tenants/{tenantId}/members/{memberId}"] = Access.AdminWrite,
        ["DELETE /api/v1/tenants/{tenantId}/members/{memberId}"] = Access.AdminWrite,
        ["GET /api/v1/projects"] = Access.List,
        ["POST /api/v1/projects"] = Access.CreateInBody,
        ["GET /api/v1/projects/{projectId}"] = Access.Read,
        ["PATCH /api/v1/projects/{projectId}"] = Access.AdminWrite,
        ["DELETE /api/v1/projects/{projectId}"] = Access.AdminWrite,
        // audit
        ["GET /api/v1/audit-entries"] = Access.PlatformList,
        // clusters and node pools
        ["GET /api/v1/clusters"] = Access.List,
        ["POST /api/v1/clusters"] = Access.CreateInBody,
        ["GET /api/v1/clusters/{id}"] = Access.Read,
        ["PATCH /api/v1/clusters/{id}"] = Access.MemberWrite,
        ["DELETE /api/v1/clusters/{id}"] = Access.MemberWrite,
        ["POST /api/v1/clusters/{id}/actions/resync"] = Access.MemberWrite,
        ["GET /api/v1/clusters/{id}/kubeconfig"] = Access.Secret,
        ["GET /api/v1/clusters/{id}/operations"] = Access.Read,
        ["GET /api/v1/clusters/{id}/node-pools"] = Access.Read,
        ["POST /api/v1/clusters/{id}/node-pools"] = Access.MemberWrite,
        ["GET /api/v1/clusters/{id}/node-pools/{poolId}"] = Access.Read,
        ["PATCH /api/v1/clusters/{id}/node-pools/{poolId}"] = Access.MemberWrite,
        ["DELETE /api/v1/clusters/{id}/node-pools/{poolId}"] = Access.MemberWrite,
        // databases
        ["GET /api/v1/databases"] = Access.List,
        ["POST /api/v1/databases"] = Access.CreateInBody,
        ["GET /api/v1/databases/placements"] = Access.DeployRead,
        ["GET /api/v1/databases/{id}"] = Access.Read,
        ["PATCH /api/v1/databases/{id}"] = Access.MemberWrite,
        ["DELETE /api/v1/databases/{id}"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/restore"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/actions/backup"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/actions/hibernate"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/actions/restart"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/actions/resync"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/actions/switchover"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/actions/update-minor"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/actions/upgrade-major"] = Access.MemberWrite,
        ["POST /api/v1/databases/{id}/actions/wake"] = Access.MemberWrite,
        ["GET /api/v1/databases/{id}/connection"] = Access.Secret,
        // operations
        ["GET /api/v1/operations"] = Access.List,
        ["GET /api/v1/operations/{id}"] = Access.Read,
        ["POST /api/v1/operations/{id}/retry"] = Access.MemberWrite,
        ["POST /api/v1/operations/{id}/cancel"] = Access.MemberWrite,
        // platform: regions, infrastructures and their catalogs, Service Configs and platforms
        ["GET /api/v1/regions"] = Access.PlatformRead,
        ["POST /api/v1/regions"] = Access.PlatformWrite,
        ["GET /api/v1/regions/{id}"] = Access.PlatformRead,
        ["PATCH /api/v1/regions/{id}"] = Access.PlatformWrite,
        ["DELETE /api/v1/regions/{id}"] = Access.PlatformWrite,
        ["POST /api/v1/regions/{id}/zones"] = Access.PlatformWrite,
        ["GET /api/v1/regions/{id}/zones/{zoneId}"] = Access.PlatformRead,
        ["PATCH /api/v1/regions/{id}/zones/{zoneId}"] = Access.PlatformWrite,
        ["DELETE /api/v1/regions/{id}/zones/{zoneId}"] = Access.PlatformWrite,
        ["GET /api/v1/infrastructures"] = Access.PlatformRead,
        ["GET /api/v1/infrastructures/{id}"] = Access.PlatformRead,
        ["PATCH /api/v1/infrastructures/{id}"] = Access.PlatformWrite,
        ["DELETE /api/v1/infrastructures/{id}"] = Access.PlatformWrite,
        ["GET /api/v1/infrastructures/{id}/flavors"] = Access.PlatformRead,
        ["GET /api/v1/infrastructures/{id}/flavors/{entryId}"] = Access.PlatformRead,
        ["PATCH /api/v1/infrastructures/{id}/flavors/{entryId}"] = Access.PlatformWrite,
        ["GET /api/v1/infrastructures/{id}/images"] = Access.PlatformRead,
        ["GET /api/v1/infrastructures/{id}/images/{entryId}"] = Access.PlatformRead,
        ["PATCH /api/v1/infrastructures/{id}/images/{entryId}"] = Access.PlatformWrite,
        ["GET /api/v1/service-configs"] = Access.List,
        ["POST /api/v1/service-configs"] = Access.PlatformWrite,
        ["GET /api/v1/service-configs/{id}"] = Access.OfferedRead,
        ["PATCH /api/v1/service-configs/{id}"] = Access.OfferedWrite,
        ["DELETE /api/v1/service-configs/{id}"] = Access.OfferedWrite,
        ["GET /api/v1/service-configs/{id}/platforms/{platformId}"] = Access.PlatformRead,
        ["PATCH /api/v1/service-configs/{id}/platforms/{platformId}"] = Access.PlatformWrite,
        ["DELETE /api/v1/service-configs/{id}/platforms/{platformId}"] = Access.PlatformWrite,
        ["POST /api/v1/service-configs/{id}/platforms/{platformId}/actions/upgrade"] = Access.PlatformWrite,
    };

    /// <summary>Query strings a route needs to name what it is about, filled like path parameters.</summary>
    private static readonly Dictionary<string, string> Queries = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/databases/placements"] = "?projectId={project}",
    };

    /// <summary>Which of the scenario's ids a route parameter takes, by the path segment before it.</summary>
    private static readonly Dictionary<string, string> ParameterKinds = new(StringComparer.Ordinal)
    {
        ["tenants"] = "tenant", ["members"] = "member", ["projects"] = "project", ["clusters"] = "cluster", ["node-pools"] = "pool",
        ["operations"] = "operation", ["databases"] = "database", ["infrastructures"] = "infrastructure", ["flavors"] = "flavor",
        ["images"] = "image", ["service-configs"] = "config", ["platforms"] = "platform", ["regions"] = "region", ["zones"] = "zone",
    };

    public static TheoryData<Caller> Callers => new(Enum.GetValues<Caller>());

    [Fact]
    public void Matrix_EveryRoute_HasARule()
    {
        var missing = Routes().Where(r => !Rules.ContainsKey(r.Key)).Select(r => r.Key).ToList();
        var stale = Rules.Keys.Except(Routes().Select(r => r.Key)).ToList();

        Assert.True(missing.Count == 0, "Routes without an isolation rule (decide who may call them): " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Rules for routes that no longer exist: " + string.Join(", ", stale));
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task EveryRoute_Caller_GetsTheExactStatusAndNothingOfAnotherTenant(Caller caller)
    {
        using var client = await ClientAsync(caller);
        var failures = new List<string>();
        var calls = 0;
        foreach (var route in Routes().Where(r => Rules.ContainsKey(r.Key)))
        {
            foreach (var side in Enum.GetValues<Side>())
            {
                var expected = Expect(Rules[route.Key], caller, side, HttpMethods.IsGet(route.Method));
                if (expected is null) continue; // a change this caller may make: the resource's own tests make it
                var path = Fill(route.Template + Queries.GetValueOrDefault(route.Key, ""), side);
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
                if (!HttpMethods.IsGet(route.Method) && !HttpMethods.IsDelete(route.Method))
                    request.Content = JsonContent.Create(Body(route, side));
                using var response = await client.SendAsync(request);
                calls++;
                var body = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode != expected)
                    failures.Add($"{route.Method} {path} ({side}): expected {expected}, got {(int)response.StatusCode}: {Shorten(body)}");
                foreach (var leak in Forbidden(caller).Where(secret => body.Contains(secret, StringComparison.OrdinalIgnoreCase) && !path.Contains(secret, StringComparison.OrdinalIgnoreCase)))
                    failures.Add($"{route.Method} {path} ({side}): the body shows '{leak}', which {caller} must not see: {Shorten(body)}");
                if (side == Side.Acme && caller is Caller.RevokedToken or Caller.ExpiredToken or Caller.Anonymous) break;
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls as {caller}:\n" + string.Join("\n", failures));
        Assert.True(calls >= Rules.Keys.Count(k => k.StartsWith("GET ", StringComparison.Ordinal)), $"only {calls} calls were made");
    }

    /// <summary>The status a caller gets, or null when the call would change something it may change.</summary>
    private static int? Expect(Access access, Caller caller, Side side, bool read)
    {
        if (caller is Caller.RevokedToken or Caller.ExpiredToken or Caller.Anonymous) return 401;
        var platform = caller is Caller.PlatformAdmin or Caller.PlatformViewer;
        var own = caller switch
        {
            Caller.TenantAdmin or Caller.Member or Caller.Viewer => side == Side.Acme,
            Caller.OtherTenantMember => side == Side.Globex,
            _ => false,
        };
        var role = caller switch
        {
            Caller.TenantAdmin => TenantRole.Admin,
            Caller.Member or Caller.OtherTenantMember => TenantRole.Member,
            Caller.Viewer => TenantRole.Viewer,
            _ => (TenantRole?)null,
        };
        int? Change(bool allowed) => allowed ? null : platform ? 403 : own ? 403 : 404;
        return access switch
        {
            Access.Self or Access.List => 200,
            Access.Read => platform || own ? 200 : 404,
            Access.Secret => own && role >= TenantRole.Member ? 200 : platform || own ? 403 : 404,
            Access.MemberWrite => Change(caller == Caller.PlatformAdmin || (own && role >= TenantRole.Member)),
            Access.AdminWrite => Change(caller == Caller.PlatformAdmin || (own && role == TenantRole.Admin)),
            Access.PlatformAdminWriteOnTenant => Change(caller == Caller.PlatformAdmin),
            Access.PlatformRead or Access.PlatformList => platform ? 200 : 403,
            Access.SharedRead => 200,
            Access.DeployRead => own && role >= TenantRole.Member ? 200 : 404,
            Access.OfferedRead => platform || role >= TenantRole.Member ? 200 : 404,
            Access.OfferedWrite => caller == Caller.PlatformAdmin ? null : platform || role >= TenantRole.Member ? 403 : 404,
            Access.PlatformWrite => caller == Caller.PlatformAdmin ? null : 403,
            // The body names the other side's tenant or project: for a tenant person outside it, that is nothing they can see.
            Access.CreateInBody => caller == Caller.PlatformAdmin || (own && role >= TenantRole.Member) ? null : platform ? 403 : own ? 403 : 422,
            _ => throw new ArgumentOutOfRangeException(nameof(access)),
        };
    }

    /// <summary>
    /// The body of a change, as a real client would send it (a refusal must come from who is asking, not from a body the
    /// API cannot read): the route's own when it has one, else names of the matrix's and the side's tenant and project.
    /// </summary>
    private object Body(ApiRoute route, Side side)
    {
        var ids = s.Ids(side);
        return route.Key switch
        {
            "POST /api/v1/clusters" => s.ClusterBody(ids["project"], "matrix-made"),
            "PATCH /api/v1/clusters/{id}" => new { controlPlaneReplicas = 3 },
            "POST /api/v1/clusters/{id}/node-pools" => new { name = "matrix", flavorId = s.FlavorId, nodeCount = 1 },
            "PATCH /api/v1/clusters/{id}/node-pools/{poolId}" => new { nodeCount = 3 },
            "POST /api/v1/databases" => s.CreateBody("matrixmade", project: ids["project"].ToString()),
            "PATCH /api/v1/databases/{id}" => new { instances = 2 },
            "POST /api/v1/databases/{id}/restore" => new { name = "matrixcopy" },
            "POST /api/v1/databases/{id}/actions/upgrade-major" => new { major = 17 },
            "POST /api/v1/tenants/{tenantId}/members" => new { email = "viewer@platform.test", role = "viewer" },
            "PATCH /api/v1/tenants/{tenantId}/members/{memberId}" => new { role = "viewer" },
            "POST /api/v1/service-configs" => new { infrastructureId = ids["infrastructure"], name = "matrix-made" },
            "PATCH /api/v1/service-configs/{id}/platforms/{platformId}" => new { enabled = false },
            "PATCH /api/v1/infrastructures/{id}/flavors/{entryId}" or "PATCH /api/v1/infrastructures/{id}/images/{entryId}" => new { enabled = false },
            _ => new { tenantId = ids["tenant"], projectId = ids["project"], name = "matrix-made", description = "made by the isolation matrix" },
        };
    }

    private string Fill(string template, Side side)
    {
        var ids = s.Ids(side);
        var query = template.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? template[at..] : "";
        var segments = (query.Length > 0 ? template[..template.IndexOf('?', StringComparison.Ordinal)] : template).Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (!segments[i].StartsWith('{')) continue;
            var kind = ParameterKinds[segments[i - 1]];
            segments[i] = ids[kind].ToString();
        }
        foreach (var (kind, id) in ids)
            query = query.Replace("{" + kind + "}", id.ToString(), StringComparison.Ordinal);
        return string.Join('/', segments) + query;
    }

    /// <summary>What the caller must never read: names and ids of the tenant it has no part in (both, without a token).</summary>
    private IEnumerable<string> Forbidden(Caller caller) => caller switch
    {
        Caller.PlatformAdmin or Caller.PlatformViewer => [],
        Caller.TenantAdmin or Caller.Member or Caller.Viewer => s.Secrets(Side.Globex),
        Caller.OtherTenantMember => s.Secrets(Side.Acme),
        _ => s.Secrets(Side.Acme).Concat(s.Secrets(Side.Globex)),
    };

    private async Task<HttpClient> ClientAsync(Caller caller) => caller switch
    {
        Caller.PlatformAdmin => s.ClientWith(await s.TokenAsync(s.Admin)),
        Caller.PlatformViewer => s.ClientWith(await s.TokenAsync(s.PlatformViewer)),
        Caller.TenantAdmin => s.ClientWith(await s.TokenAsync(s.AcmeAdmin)),
        Caller.Member => s.ClientWith(await s.TokenAsync(s.AcmeMember)),
        Caller.Viewer => s.ClientWith(await s.TokenAsync(s.AcmeViewer)),
        Caller.OtherTenantMember => s.ClientWith(await s.TokenAsync(s.GlobexMember)),
        Caller.RevokedToken => s.ClientWith(await s.RevokedTokenAsync()),
        Caller.ExpiredToken => s.ClientWith(await s.ExpiredTokenAsync()),
        Caller.Anonymous => s.ClientWith(null),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    /// <summary>The API's routes as the running application has them.</summary>
    private IReadOnlyList<ApiRoute> Routes() => ApiRoute.All(s.Services);

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>
/// The API scenario with something of every kind on both sides: in Acme ("web") and in Globex ("shop") a cluster with a
/// node pool, a database, their operations and a membership; raised rate limits (the matrix makes many calls per token).
/// </summary>
public sealed class IsolationScenario : DatabasesApiScenario
{
    private readonly Dictionary<IsolationMatrixTests.Side, Dictionary<string, Guid>> _ids = [];
    private readonly Dictionary<IsolationMatrixTests.Side, List<string>> _secrets = [];

    public IReadOnlyDictionary<string, Guid> Ids(IsolationMatrixTests.Side side) => _ids[side];

    /// <summary>The side's names, and its ids that appear in no other side's answer.</summary>
    public IEnumerable<string> Secrets(IsolationMatrixTests.Side side) => _secrets[side];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var side in Enum.GetValues<IsolationMatrixTests.Side>())
        {
            var acme = side == IsolationMatrixTests.Side.Acme;
            var person = acme ? AcmeMember : GlobexMember;
            var projectId = acme ? WebProjectId : ShopProjectId;
            var tenantId = acme ? AcmeId : GlobexId;
            using var client = await Client(person);
            var clusterName = acme ? "acme-secret-cluster" : "globex-secret-cluster";
            var databaseName = acme ? "acmesecretdb" : "globexsecretdb";
            var (clusterId, operationId) = await CreateClusterAsync(client, projectId, clusterName);
            var databaseId = await CreateDatabaseAsync(client, databaseName, projectId);
            await using var db = NewContext();
            var poolId = await db.NodePools.Where(p => p.ClusterId == clusterId).Select(p => p.Id).FirstAsync();
            var memberId = await db.Memberships.Where(m => m.TenantId == tenantId && m.UserId == person.UserId).Select(m => m.Id).SingleAsync();
            var flavor = await db.Flavors.Where(f => f.InfrastructureId == InfrastructureId).Select(f => f.Id).FirstAsync();
            var image = await db.Images.Where(i => i.InfrastructureId == InfrastructureId).Select(i => i.Id).FirstAsync();
            var region = await db.Zones.Select(z => new { Id = z.RegionId, Zone = z.Id }).FirstAsync();
            _ids[side] = new Dictionary<string, Guid>
            {
                ["tenant"] = tenantId, ["project"] = projectId, ["member"] = memberId, ["cluster"] = clusterId, ["pool"] = poolId,
                ["operation"] = operationId, ["database"] = databaseId,
                // Platform resources are the same for both sides.
                ["infrastructure"] = InfrastructureId, ["flavor"] = flavor, ["image"] = image, ["config"] = ConfigId, ["platform"] = MksId,
                ["region"] = region.Id, ["zone"] = region.Zone,
            };
            _secrets[side] =
            [
                acme ? "Acme" : "Globex", acme ? "admin@acme.test" : "member@globex.test", clusterName, databaseName,
                tenantId.ToString(), projectId.ToString(), clusterId.ToString(), poolId.ToString(), operationId.ToString(), databaseId.ToString(),
                memberId.ToString(),
            ];
        }
    }

    public Guid FlavorId { get; private set; }

    private string _version = "";

    /// <summary>A valid creation body for a small cluster in <paramref name="projectId"/>.</summary>
    public object ClusterBody(Guid projectId, string name) => new
    {
        projectId, serviceConfigId = ConfigId, name, version = _version,
        controlPlane = new { type = "standalone", replicas = 1, flavorId = FlavorId },
        pools = new[] { new { name = "workers", flavorId = FlavorId, nodeCount = 1 } },
    };

    /// <summary>A cluster created through the API by <paramref name="client"/>'s person, Active; its id and its create operation's.</summary>
    private async Task<(Guid ClusterId, Guid OperationId)> CreateClusterAsync(HttpClient client, Guid projectId, string name)
    {
        await using (var db = NewContext())
        {
            FlavorId = await db.Flavors.Where(f => f.InfrastructureId == InfrastructureId && f.ProviderName == "m1.medium").Select(f => f.Id).SingleAsync();
            _version = (await db.Images.Where(i => i.InfrastructureId == InfrastructureId && i.KubernetesVersion != null).Select(i => i.KubernetesVersion!).ToListAsync())
                .Max(StringComparer.Ordinal)!;
        }
        using var response = await client.PostJsonAsync("/api/v1/clusters", ClusterBody(projectId, name));
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        await WaitForOperationAsync(client, response.Headers.Location!.ToString());
        return (accepted.GetProperty("resourceId").GetGuid(), accepted.GetProperty("operationId").GetGuid());
    }

    private async Task<Guid> CreateDatabaseAsync(HttpClient client, string name, Guid projectId)
    {
        using var response = await client.PostJsonAsync("/api/v1/databases", CreateBody(name, project: projectId.ToString()));
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        await WaitForOperationAsync(client, response.Headers.Location!.ToString());
        return accepted.GetProperty("resourceId").GetGuid();
    }

    /// <summary>A token of Acme's admin's, revoked.</summary>
    public async Task<string> RevokedTokenAsync()
    {
        var text = await TokenAsync(AcmeAdmin, name: "revoked");
        var tokens = Services.GetRequiredService<ApiTokenService>();
        var row = (await tokens.ListMineAsync(AcmeAdmin)).Single(t => t.Name == "revoked" && t.RevokedAt is null);
        (await tokens.RevokeAsync(AcmeAdmin, row.Id)).ShouldSucceed();
        return text;
    }

    /// <summary>A token of Acme's admin's whose expiry has passed.</summary>
    public async Task<string> ExpiredTokenAsync()
    {
        var text = await TokenAsync(AcmeAdmin, name: "expired");
        await using var db = NewContext();
        await db.ApiTokens.Where(t => t.Name == "expired").ExecuteUpdateAsync(u => u.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        return text;
    }
}
