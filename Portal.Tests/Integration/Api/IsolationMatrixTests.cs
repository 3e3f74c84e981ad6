using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Api;
using Portal.Domain.Tenancy;

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
        /// <summary>A tenant's secret (kubeconfig, connection): platform admins and its members and admins; its viewers and platform viewers: 403.</summary>
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
    };

    /// <summary>Which of the scenario's ids a route parameter takes, by the path segment before it.</summary>
    private static readonly Dictionary<string, string> ParameterKinds = new(StringComparer.Ordinal)
    {
        ["tenants"] = "tenant", ["members"] = "member", ["projects"] = "project", ["clusters"] = "cluster", ["node-pools"] = "pool",
        ["operations"] = "operation", ["databases"] = "database", ["infrastructures"] = "infrastructure", ["flavors"] = "flavor",
        ["images"] = "image", ["service-configs"] = "config", ["platforms"] = "platform",
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
                var path = Fill(route.Template, side);
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
                if (!HttpMethods.IsGet(route.Method) && !HttpMethods.IsDelete(route.Method))
                    request.Content = JsonContent.Create(Body(side));
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
        Assert.True(calls >= Rules.Count, $"only {calls} calls were made");
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
            Access.Secret => caller == Caller.PlatformAdmin || (own && role >= TenantRole.Member) ? 200 : platform || own ? 403 : 404,
            Access.MemberWrite => Change(caller == Caller.PlatformAdmin || (own && role >= TenantRole.Member)),
            Access.AdminWrite => Change(caller == Caller.PlatformAdmin || (own && role == TenantRole.Admin)),
            Access.PlatformAdminWriteOnTenant => Change(caller == Caller.PlatformAdmin),
            Access.PlatformRead or Access.PlatformList => platform ? 200 : 403,
            Access.SharedRead => 200,
            Access.PlatformWrite => caller == Caller.PlatformAdmin ? null : 403,
            // The body names the other side's tenant or project: for a tenant person outside it, that is nothing they can see.
            Access.CreateInBody => caller == Caller.PlatformAdmin || (own && role >= TenantRole.Member) ? null : platform ? 403 : own ? 403 : 422,
            _ => throw new ArgumentOutOfRangeException(nameof(access)),
        };
    }

    /// <summary>A body for a change: names of the matrix's own, and the side's tenant and project (for creates).</summary>
    private object Body(Side side)
    {
        var ids = s.Ids(side);
        return new { tenantId = ids["tenant"], projectId = ids["project"], name = "matrix-made", description = "made by the isolation matrix" };
    }

    private string Fill(string template, Side side)
    {
        var ids = s.Ids(side);
        var segments = template.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (!segments[i].StartsWith('{')) continue;
            var kind = ParameterKinds[segments[i - 1]];
            segments[i] = ids[kind].ToString();
        }
        return string.Join('/', segments);
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

    private sealed record Route(string Method, string Template)
    {
        public string Key => $"{Method} {Template}";
    }

    /// <summary>The API's routes as the running application has them, constraints stripped ("{id:guid}" → "{id}").</summary>
    private IReadOnlyList<Route> Routes() =>
        s.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.OrdinalIgnoreCase) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => new Route(m, Template(e.RoutePattern.RawText!))))
            .Distinct().OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();

    private static string Template(string raw)
    {
        var text = new StringBuilder();
        var inParameter = false;
        var skipping = false;
        foreach (var c in raw.TrimEnd('/'))
        {
            if (c == '{') { inParameter = true; skipping = false; }
            else if (c == '}') { inParameter = false; skipping = false; }
            else if (inParameter && c == ':') { skipping = true; continue; }
            if (!skipping) text.Append(c);
        }
        return text.ToString();
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>
/// The API scenario with something of every kind on both sides: in Acme ("web") and in Globex ("shop") a cluster with a
/// node pool, a database, their operations and a membership; raised rate limits (the matrix makes many calls per token).
/// </summary>
public sealed class IsolationScenario : DatabasesApiScenario
{
    private readonly Dictionary<Side, Dictionary<string, Guid>> _ids = [];
    private readonly Dictionary<Side, List<string>> _secrets = [];

    private static IsolationMatrixTests.Side Other(IsolationMatrixTests.Side side) => side == IsolationMatrixTests.Side.Acme ? IsolationMatrixTests.Side.Globex : IsolationMatrixTests.Side.Acme;

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
            var databaseId = await CreateActiveAsync(client, databaseName, project: projectId.ToString());
            await using var db = NewContext();
            var poolId = await db.NodePools.Where(p => p.ClusterId == clusterId).Select(p => p.Id).FirstAsync();
            var memberId = await db.Memberships.Where(m => m.TenantId == tenantId && m.UserId == person.UserId).Select(m => m.Id).SingleAsync();
            var flavor = await db.Flavors.Where(f => f.InfrastructureId == InfrastructureId).Select(f => f.Id).FirstAsync();
            var image = await db.Images.Where(i => i.InfrastructureId == InfrastructureId).Select(i => i.Id).FirstAsync();
            _ids[side] = new Dictionary<string, Guid>
            {
                ["tenant"] = tenantId, ["project"] = projectId, ["member"] = memberId, ["cluster"] = clusterId, ["pool"] = poolId,
                ["operation"] = operationId, ["database"] = databaseId,
                // Platform resources are the same for both sides.
                ["infrastructure"] = InfrastructureId, ["flavor"] = flavor, ["image"] = image, ["config"] = ConfigId, ["platform"] = MksId,
            };
            _secrets[side] =
            [
                acme ? "Acme" : "Globex", acme ? "admin@acme.test" : "member@globex.test", clusterName, databaseName,
                tenantId.ToString(), projectId.ToString(), clusterId.ToString(), poolId.ToString(), operationId.ToString(), databaseId.ToString(),
                memberId.ToString(),
            ];
        }
    }

    /// <summary>A cluster created through the API by <paramref name="client"/>'s person, Active; its id and its create operation's.</summary>
    private async Task<(Guid ClusterId, Guid OperationId)> CreateClusterAsync(HttpClient client, Guid projectId, string name)
    {
        await using var db = NewContext();
        var flavor = await db.Flavors.Where(f => f.InfrastructureId == InfrastructureId && f.ProviderName == "m1.medium").Select(f => f.Id).SingleAsync();
        var version = (await db.Images.Where(i => i.InfrastructureId == InfrastructureId && i.KubernetesVersion != null).Select(i => i.KubernetesVersion!).ToListAsync())
            .Max(StringComparer.Ordinal);
        using var response = await client.PostJsonAsync("/api/v1/clusters", new
        {
            projectId, serviceConfigId = ConfigId, name, version,
            controlPlane = new { type = "standalone", replicas = 1, flavorId = flavor },
            pools = new[] { new { name = "workers", flavorId = flavor, nodeCount = 1 } },
        });
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        await WaitForOperationAsync(client, response.Headers.Location!.ToString());
        return (accepted.GetProperty("resourceId").GetGuid(), accepted.GetProperty("operationId").GetGuid());
    }

    /// <summary>A token of Acme's admin's, revoked.</summary>
    public async Task<string> RevokedTokenAsync()
    {
        var text = await TokenAsync(AcmeAdmin, name: "revoked");
        var tokens = Services.GetRequiredService<ApiTokenService>();
        var row = (await tokens.ListMineAsync(AcmeAdmin)).Single(t => t.Name == "revoked" && t.RevokedAt is null);
        Portal.Tests.Support.ResultAssertions.ShouldSucceed(await tokens.RevokeAsync(AcmeAdmin, row.Id));
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
