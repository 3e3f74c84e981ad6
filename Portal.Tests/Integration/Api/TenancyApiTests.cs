using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Domain.Api;
using Portal.Domain.Common;

namespace Portal.Tests.Integration.Api;

/// <summary>Tenants, projects and members over HTTP: the pages' rules, ETags and If-Match, paging, idempotent creates.</summary>
public sealed class TenancyApiTests(ApiScenario s) : IClassFixture<ApiScenario>
{
    [Fact]
    public async Task ListTenants_TenantMember_SeesOnlyTheirTenantWithTheirRole()
    {
        using var client = await s.Client(s.AcmeMember);

        var page = await (await client.GetAsync("/api/v1/tenants")).JsonAsync();

        var tenant = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("Acme", tenant.GetProperty("name").GetString());
        Assert.Equal("member", tenant.GetProperty("myRole").GetString());
        Assert.Equal(1, page.GetProperty("totalCount").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, page.GetProperty("nextPageToken").ValueKind);
    }

    [Fact]
    public async Task GetTenant_AnotherTenantsMember_NotFoundWithoutItsName()
    {
        using var client = await s.Client(s.GlobexMember);

        using var response = await client.GetAsync($"/api/v1/tenants/{s.AcmeId}");

        var problem = await response.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        Assert.DoesNotContain("Acme", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTenant_PlatformAdmin_CreatedWithLocationAndETag()
    {
        using var client = await s.Client(s.Admin);

        using var response = await client.PostJsonAsync("/api/v1/tenants", new { name = "Initech", description = "TPS reports" });

        var body = await response.JsonAsync(HttpStatusCode.Created);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/tenants/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("initech", body.GetProperty("slug").GetString());
        var fetched = await client.GetAsync($"/api/v1/tenants/{id}");
        Assert.Equal(response.Headers.ETag, fetched.Headers.ETag);
    }

    [Fact]
    public async Task CreateTenant_TenantAdmin_ForbiddenProblem()
    {
        using var client = await s.Client(s.AcmeAdmin);

        using var response = await client.PostJsonAsync("/api/v1/tenants", new { name = "Rogue" });

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await using var db = s.NewContext();
        Assert.False(await db.Tenants.AnyAsync(t => t.Name == "Rogue"));
    }

    [Fact]
    public async Task CreateTenant_NoName_InvalidProblemNamingTheField()
    {
        using var client = await s.Client(s.Admin);

        using var response = await client.PostJsonAsync("/api/v1/tenants", new { description = "nameless" });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, Fields.Name.Code);
    }

    [Fact]
    public async Task CreateTenant_BodyNotJson_MalformedRequestProblem()
    {
        using var client = await s.Client(s.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tenants") { Content = new StringContent("{ name: ", System.Text.Encoding.UTF8, "application/json") };

        using var response = await client.SendAsync(request);

        await response.ProblemAsync(HttpStatusCode.BadRequest, ApiProblemCodes.MalformedRequest);
    }

    [Fact]
    public async Task CreateTenant_DuplicateName_ConflictProblemNamingTheField()
    {
        using var client = await s.Client(s.Admin);

        using var response = await client.PostJsonAsync("/api/v1/tenants", new { name = "Acme" });

        await response.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict, Fields.Name.Code);
    }

    [Fact]
    public async Task CreateTenant_SameIdempotencyKeyTwice_OneTenantAndTheSameAnswerReplayed()
    {
        using var client = await s.Client(s.Admin);
        var key = Guid.NewGuid().ToString();

        using var first = await client.PostJsonAsync("/api/v1/tenants", new { name = "Umbrella" }, key);
        using var second = await client.PostJsonAsync("/api/v1/tenants", new { name = "Umbrella" }, key);

        var a = await first.JsonAsync(HttpStatusCode.Created);
        var b = await second.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(a.GetProperty("id").GetGuid(), b.GetProperty("id").GetGuid());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.True(second.Headers.TryGetValues(ApiIdempotency.ReplayedHeader, out var replayed) && replayed.Single() == "true");
        Assert.False(first.Headers.Contains(ApiIdempotency.ReplayedHeader));
        await using var db = s.NewContext();
        Assert.Equal(1, await db.Tenants.CountAsync(t => t.Name == "Umbrella"));
    }

    [Fact]
    public async Task CreateTenant_SameIdempotencyKeyConcurrently_ExactlyOneTenant()
    {
        using var client = await s.Client(s.Admin);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostJsonAsync("/api/v1/tenants", new { name = "Hooli" }, key)));

        // Each is either the one creation, its replay, or told the first is still running; none is a second tenant or a 409 name clash.
        Assert.All(responses, r => Assert.True(r.StatusCode == HttpStatusCode.Created
            || (r.StatusCode == HttpStatusCode.Conflict && r.Content.ReadAsStringAsync().Result.Contains(ApiProblemCodes.IdempotencyKeyInUse, StringComparison.Ordinal)),
            $"{(int)r.StatusCode}: {r.Content.ReadAsStringAsync().Result}"));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        await using var db = s.NewContext();
        Assert.Equal(1, await db.Tenants.CountAsync(t => t.Name == "Hooli"));
        foreach (var response in responses) response.Dispose();
    }

    [Fact]
    public async Task CreateTenant_IdempotencyKeyReusedForAnotherBody_RefusedAndNothingCreated()
    {
        using var client = await s.Client(s.Admin);
        var key = Guid.NewGuid().ToString();
        (await client.PostJsonAsync("/api/v1/tenants", new { name = "Vandelay" }, key)).Dispose();

        using var response = await client.PostJsonAsync("/api/v1/tenants", new { name = "Kramerica" }, key);

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.IdempotencyKeyReused, ApiIdempotency.Header);
        await using var db = s.NewContext();
        Assert.False(await db.Tenants.AnyAsync(t => t.Name == "Kramerica"));
    }

    [Fact]
    public async Task CreateTenant_SameKeyFromAnotherCaller_IsTheirOwnRequest()
    {
        using var admin = await s.Client(s.Admin);
        using var other = s.ClientWith(await s.TokenAsync(s.Admin, name: "second-token"));
        var key = Guid.NewGuid().ToString();
        (await admin.PostJsonAsync("/api/v1/tenants", new { name = "Soylent" }, key)).Dispose();
        var secondAdmin = await s.AddUserAsync($"pa-{Guid.NewGuid():N}@platform.test", Portal.Domain.Tenancy.PlatformRole.Admin);
        using var someoneElse = await s.Client(secondAdmin);

        using var response = await someoneElse.PostJsonAsync("/api/v1/tenants", new { name = "Soylent" }, key);

        // Not a replay of the admin's answer: this caller's own request runs, and clashes on the name.
        await response.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict, Fields.Name.Code);
        Assert.False(response.Headers.Contains(ApiIdempotency.ReplayedHeader));
        // The same person with another token shares the key: the answer is replayed.
        using var replay = await other.PostJsonAsync("/api/v1/tenants", new { name = "Soylent" }, key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
    }

    [Fact]
    public async Task UpdateTenant_StaleIfMatch_PreconditionFailedAndUnchanged()
    {
        using var client = await s.Client(s.Admin);
        var created = await (await client.PostJsonAsync("/api/v1/tenants", new { name = "Cyberdyne" })).JsonAsync(HttpStatusCode.Created);
        var url = $"/api/v1/tenants/{created.GetProperty("id").GetGuid()}";
        var etag = (await client.GetAsync(url)).Headers.ETag!.ToString();
        using (var renamed = await client.PatchJsonAsync(url, new { description = "Skynet" }, ifMatch: etag))
        {
            await renamed.JsonAsync();
            Assert.NotEqual(etag, renamed.Headers.ETag!.ToString());
        }

        using var stale = await client.PatchJsonAsync(url, new { name = "Cyberdyne Systems" }, ifMatch: etag);

        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        var now = await (await client.GetAsync(url)).JsonAsync();
        Assert.Equal("Cyberdyne", now.GetProperty("name").GetString());
        Assert.Equal("Skynet", now.GetProperty("description").GetString());
    }

    [Fact]
    public async Task UpdateTenant_IfMatchNotAnETag_InvalidProblemNamingTheHeader()
    {
        using var client = await s.Client(s.Admin);

        using var response = await client.PatchJsonAsync($"/api/v1/tenants/{s.AcmeId}", new { description = "x" }, ifMatch: "yesterday");

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "If-Match");
    }

    [Fact]
    public async Task DeleteTenant_StaleIfMatch_PreconditionFailedAndKept_CurrentIfMatch_Deleted()
    {
        using var client = await s.Client(s.Admin);
        var created = await (await client.PostJsonAsync("/api/v1/tenants", new { name = "Tyrell" })).JsonAsync(HttpStatusCode.Created);
        var url = $"/api/v1/tenants/{created.GetProperty("id").GetGuid()}";
        var stale = (await client.GetAsync(url)).Headers.ETag!.ToString();
        using var renamed = await client.PatchJsonAsync(url, new { description = "More human than human" });
        var current = renamed.Headers.ETag!.ToString();

        using (var refused = await client.DeleteAsync(url, stale))
            await refused.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        using var deleted = await client.DeleteAsync(url, current);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await client.GetAsync(url)).ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    [Fact]
    public async Task DeleteTenant_WithProjects_ConflictProblemSayingWhy()
    {
        using var client = await s.Client(s.Admin);

        using var response = await client.DeleteAsync($"/api/v1/tenants/{s.AcmeId}", ifMatch: null);

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
        Assert.Contains("web", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListProjects_PagedByOne_WalksEveryPageAndRefusesATokenReplayedWithOtherFilters()
    {
        using var client = await s.Client(s.AcmeAdmin);
        for (var i = 0; i < 2; i++)
            await (await client.PostJsonAsync("/api/v1/projects", new { tenantId = s.AcmeId, name = $"paged-{i}" })).JsonAsync(HttpStatusCode.Created);

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await (await client.GetAsync($"/api/v1/projects?tenantId={s.AcmeId}&search=paged&pageSize=1" + (token is null ? "" : $"&pageToken={token}"))).JsonAsync();
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()!));
            Assert.Equal(2, page.GetProperty("totalCount").GetInt32());
            token = page.GetProperty("nextPageToken").GetString();
            if (pages++ == 0)
            {
                Assert.NotNull(token);
                using var replayed = await client.GetAsync($"/api/v1/projects?tenantId={s.GlobexId}&search=paged&pageSize=1&pageToken={token}");
                await replayed.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, ApiPaging.PageTokenField);
                using var forged = await client.GetAsync($"/api/v1/projects?tenantId={s.AcmeId}&search=paged&pageSize=1&pageToken=p1.AAAA");
                await forged.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, ApiPaging.PageTokenField);
            }
        }
        while (token is not null);

        Assert.Equal(["paged-0", "paged-1"], names);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task ListProjects_PageSizeOutOfRange_InvalidProblemNamingPageSize()
    {
        using var client = await s.Client(s.AcmeMember);

        using var response = await client.GetAsync("/api/v1/projects?pageSize=100000");

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, ApiPaging.PageSizeField);
    }

    [Fact]
    public async Task CreateProject_Viewer_Forbidden_ReadOnlyTokenOfAnAdmin_Forbidden()
    {
        using var viewer = await s.Client(s.AcmeViewer);
        using var readOnly = s.ClientWith(await s.TokenAsync(s.AcmeAdmin, ApiScope.ReadOnly));

        using var byViewer = await viewer.PostJsonAsync("/api/v1/projects", new { tenantId = s.AcmeId, name = "viewer-made" });
        using var byReadOnly = await readOnly.PostJsonAsync("/api/v1/projects", new { tenantId = s.AcmeId, name = "token-made" });

        await byViewer.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        var problem = await byReadOnly.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        Assert.Contains("read-only", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await using var db = s.NewContext();
        Assert.False(await db.Projects.AnyAsync(p => p.Name == "viewer-made" || p.Name == "token-made"));
    }

    [Fact]
    public async Task CreateProject_ByToken_AuditedWithTheTokensName()
    {
        var token = await s.TokenAsync(s.AcmeAdmin, name: "terraform");
        using var client = s.ClientWith(token);

        await (await client.PostJsonAsync("/api/v1/projects", new { tenantId = s.AcmeId, name = "audited" })).JsonAsync(HttpStatusCode.Created);

        await using var db = s.NewContext();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "project.create" && a.TargetName == "audited");
        Assert.Contains("token terraform", entry.ActorName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_AddChangeRoleRemove_TenantAdmin_RoundTripsWithETags()
    {
        var person = await s.AddUserAsync($"new-{Guid.NewGuid():N}@acme.test");
        using var client = await s.Client(s.AcmeAdmin);
        var members = $"/api/v1/tenants/{s.AcmeId}/members";

        using var added = await client.PostJsonAsync(members, new { email = person.DisplayName, role = "viewer" });
        var member = await added.JsonAsync(HttpStatusCode.Created);
        var url = added.Headers.Location!.OriginalString;
        using var changed = await client.PatchJsonAsync(url, new { role = "member" }, ifMatch: added.Headers.ETag!.ToString());
        Assert.Equal("member", (await changed.JsonAsync()).GetProperty("role").GetString());
        using var stale = await client.DeleteAsync(url, added.Headers.ETag!.ToString());
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        using var removed = await client.DeleteAsync(url, changed.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal("local", member.GetProperty("source").GetString());
        await (await client.GetAsync(url)).ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    [Fact]
    public async Task AddMember_UnknownRole_InvalidProblemNamingRole_NoAccount_InvalidNamingEmail()
    {
        using var client = await s.Client(s.AcmeAdmin);
        var members = $"/api/v1/tenants/{s.AcmeId}/members";

        using var noRole = await client.PostJsonAsync(members, new { email = "viewer@acme.test" });
        using var nobody = await client.PostJsonAsync(members, new { email = "nobody@acme.test", role = "member" });

        await noRole.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, Fields.Role.Code);
        await nobody.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, Fields.Email.Code);
    }

    [Fact]
    public async Task GetMember_OfAnotherTenantThroughThisTenantsPath_NotFound()
    {
        using var admin = await s.Client(s.Admin);
        var globexMembers = await (await admin.GetAsync($"/api/v1/tenants/{s.GlobexId}/members")).JsonAsync();
        var globexMember = globexMembers.GetProperty("items")[0].GetProperty("id").GetGuid();
        using var acmeAdmin = await s.Client(s.AcmeAdmin);

        using var response = await acmeAdmin.GetAsync($"/api/v1/tenants/{s.AcmeId}/members/{globexMember}");

        await response.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }
}
