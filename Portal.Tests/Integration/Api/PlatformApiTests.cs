using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.DemoCloud;
using Portal.Domain.Api;
using Portal.Domain.Infrastructures;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Api;

/// <summary>
/// The platform API: regions, infrastructures (connections without secrets), catalog entries, Service Configs (all for
/// platform readers, only those offered to them for tenants' members) and platforms.
/// </summary>
public sealed class PlatformApiTests(ApiScenario scenario) : IClassFixture<ApiScenario>
{
    private const string ConnectionSecret = "pa55-w0rd-never-returned";

    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid().ToString("N")[..6]}";

    // ---------------------------------------------------------------- regions

    [Fact]
    public async Task ListRegions_PlatformViewer_RegionsWithTheirZones()
    {
        using var client = await scenario.Client(scenario.PlatformViewer);

        var page = await (await client.GetAsync("/api/v1/regions")).JsonAsync();

        var region = Assert.Single(page.GetProperty("items").EnumerateArray(), r => r.GetProperty("name").GetString() == "Region Demo");
        var zone = Assert.Single(region.GetProperty("zones").EnumerateArray());
        Assert.Equal("zone-a", zone.GetProperty("name").GetString());
        Assert.Equal(region.GetProperty("id").GetGuid(), zone.GetProperty("regionId").GetGuid());
    }

    [Fact]
    public async Task ListRegions_TenantMember_Forbidden()
    {
        using var client = await scenario.Client(scenario.AcmeMember);

        using var response = await client.GetAsync("/api/v1/regions");

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    // ---------------------------------------------------------------- infrastructures

    [Fact]
    public async Task GetInfrastructure_OpenStack_ConnectionWithoutTheSecretAndAnETag()
    {
        var id = await RegisterOpenStackAsync(Unique("Cloud"));
        using var client = await scenario.Client(scenario.PlatformViewer);

        using var response = await client.GetAsync($"/api/v1/infrastructures/{id}");

        var text = await response.Content.ReadAsStringAsync();
        var body = await response.JsonAsync();
        var connection = body.GetProperty("connection");
        Assert.Equal("https://keystone.example.test:5000/v3", connection.GetProperty("authUrl").GetString());
        Assert.Equal("svc-portal", connection.GetProperty("userName").GetString());
        Assert.Equal("platform", connection.GetProperty("projectName").GetString());
        Assert.Equal("Default", connection.GetProperty("userDomain").GetString());
        Assert.Equal("RegionOne", connection.GetProperty("regionName").GetString());
        Assert.Equal("password", connection.GetProperty("credentialType").GetString());
        Assert.True(body.GetProperty("hasSecret").GetBoolean());
        Assert.Equal("openStack", body.GetProperty("provider").GetString());
        Assert.Equal(ApiPreconditions.ETagOf(body.GetProperty("version").GetInt32()), response.Headers.ETag!.ToString());
        Assert.DoesNotContain(ConnectionSecret, text, StringComparison.Ordinal);
        var list = await (await client.GetAsync("/api/v1/infrastructures?pageSize=200")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(ConnectionSecret, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListInfrastructures_PagedByOne_WalksAndRefusesTheTokenWithAnotherSearch()
    {
        await RegisterOpenStackAsync(Unique("Paged"));
        using var client = await scenario.Client(scenario.PlatformViewer);

        var first = await (await client.GetAsync("/api/v1/infrastructures?pageSize=1")).JsonAsync();
        var token = first.GetProperty("nextPageToken").GetString();
        var second = await (await client.GetAsync($"/api/v1/infrastructures?pageSize=1&pageToken={token}")).JsonAsync();
        using var replayed = await client.GetAsync($"/api/v1/infrastructures?pageSize=1&search=Paged&pageToken={token}");

        Assert.True(first.GetProperty("totalCount").GetInt32() >= 2);
        Assert.NotEqual(first.GetProperty("items")[0].GetProperty("id").GetGuid(), second.GetProperty("items")[0].GetProperty("id").GetGuid());
        await replayed.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "pageToken");
    }

    [Fact]
    public async Task GetInfrastructure_TenantMember_Forbidden()
    {
        using var client = await scenario.Client(scenario.AcmeMember);

        using var response = await client.GetAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}");

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task GetInfrastructure_Unknown_NotFound()
    {
        using var client = await scenario.Client(scenario.PlatformViewer);

        using var response = await client.GetAsync($"/api/v1/infrastructures/{Guid.NewGuid()}");

        await response.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    [Fact]
    public async Task UpdateInfrastructure_Admin_RenamedWithANewETagAndTheRestKept()
    {
        var id = await RegisterOpenStackAsync(Unique("Rename"));
        using var client = await scenario.Client(scenario.Admin);
        using var before = await client.GetAsync($"/api/v1/infrastructures/{id}");
        var original = await before.JsonAsync();
        var name = Unique("Renamed");

        using var response = await client.PatchJsonAsync($"/api/v1/infrastructures/{id}", new { name }, ifMatch: before.Headers.ETag!.ToString());

        var body = await response.JsonAsync();
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal(original.GetProperty("zoneId").GetGuid(), body.GetProperty("zoneId").GetGuid());
        Assert.Equal(original.GetProperty("description").GetString(), body.GetProperty("description").GetString());
        Assert.NotEqual(before.Headers.ETag!.ToString(), response.Headers.ETag!.ToString());
        Assert.Equal(ApiPreconditions.ETagOf(body.GetProperty("version").GetInt32()), response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task UpdateInfrastructure_StaleIfMatch_PreconditionFailedAndUnchanged()
    {
        var name = Unique("Stale");
        var id = await RegisterOpenStackAsync(name);
        using var client = await scenario.Client(scenario.Admin);

        using var response = await client.PatchJsonAsync($"/api/v1/infrastructures/{id}", new { name = Unique("Other") }, ifMatch: "\"4242\"");

        await response.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        Assert.Equal(name, (await (await client.GetAsync($"/api/v1/infrastructures/{id}")).JsonAsync()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateInfrastructure_BlankName_UnprocessableNamingName()
    {
        var id = await RegisterOpenStackAsync(Unique("Blank"));
        using var client = await scenario.Client(scenario.Admin);

        using var response = await client.PatchJsonAsync($"/api/v1/infrastructures/{id}", new { name = "  " });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "name");
    }

    [Fact]
    public async Task UpdateInfrastructure_PlatformViewer_Forbidden()
    {
        using var client = await scenario.Client(scenario.PlatformViewer);

        using var response = await client.PatchJsonAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}", new { name = "Mine now" });

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task UpdateInfrastructure_AdminsReadOnlyToken_Forbidden()
    {
        using var client = scenario.ClientWith(await scenario.TokenAsync(scenario.Admin, ApiScope.ReadOnly));

        using var response = await client.PatchJsonAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}", new { description = "read-only tries" });

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task UpdateInfrastructure_ConnectionTheCloudAccepts_SavedWithTheSecretWriteOnly()
    {
        var id = await RegisterOpenStackAsync(Unique("Reconnect"));
        using var client = await scenario.Client(scenario.Admin);

        using var response = await client.PatchJsonAsync($"/api/v1/infrastructures/{id}", new
        {
            connection = new
            {
                authUrl = DemoCloudService.AuthUrl.ToString(), regionName = DemoCloudService.Region, userName = DemoCloudService.UserName,
                projectName = DemoCloudService.ProjectName, password = DemoCloudService.Password,
            },
        });

        var body = await response.JsonAsync();
        var text = body.GetRawText();
        Assert.Equal(DemoCloudService.AuthUrl.ToString(), body.GetProperty("connection").GetProperty("authUrl").GetString());
        Assert.True(body.GetProperty("hasSecret").GetBoolean());
        Assert.False(body.GetProperty("connection").TryGetProperty("password", out _), text);
        Assert.False(body.GetProperty("connection").TryGetProperty("applicationCredentialSecret", out _), text);
        var stored = await scenario.Services.GetRequiredService<InfrastructureService>().GetCredentialsAsync(id);
        Assert.Equal(DemoCloudService.Password, stored!.Value.Secret);
        await using var db = scenario.NewContext();
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "infrastructure.update-connection" && a.TargetId == id.ToString());
        Assert.Contains("(replaced)", audit.Parameters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateInfrastructure_ConnectionTheCloudRefuses_UnprocessableNamingConnectionAndUnchanged()
    {
        var id = await RegisterOpenStackAsync(Unique("Refused"));
        using var client = await scenario.Client(scenario.Admin);

        using var response = await client.PatchJsonAsync($"/api/v1/infrastructures/{id}", new
        {
            connection = new
            {
                authUrl = DemoCloudService.AuthUrl.ToString(), regionName = DemoCloudService.Region, userName = DemoCloudService.UserName,
                projectName = DemoCloudService.ProjectName, password = "wrong-password",
            },
        });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "connection");
        var after = await (await client.GetAsync($"/api/v1/infrastructures/{id}")).JsonAsync();
        Assert.Equal("https://keystone.example.test:5000/v3", after.GetProperty("connection").GetProperty("authUrl").GetString());
        Assert.Equal(ConnectionSecret, (await scenario.Services.GetRequiredService<InfrastructureService>().GetCredentialsAsync(id))!.Value.Secret);
    }

    [Fact]
    public async Task UpdateInfrastructure_ConnectionOfTheDemoCloud_UnprocessableNamingProvider_ViewerForbidden()
    {
        using var admin = await scenario.Client(scenario.Admin);
        using var viewer = await scenario.Client(scenario.PlatformViewer);
        var change = new { connection = new { authUrl = "https://keystone.example.test:5000/v3", password = "x" } };

        using var demo = await admin.PatchJsonAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}", change);
        using var forbidden = await viewer.PatchJsonAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}", change);

        await demo.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "provider");
        await forbidden.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task OpenApiDocument_PlatformAndDatabaseOperations_AreDescribed()
    {
        using var client = scenario.ClientWith(null);

        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/regions", "/api/v1/infrastructures/{id}", "/api/v1/infrastructures/{id}/flavors/{entryId}",
                     "/api/v1/service-configs/{id}/platforms/{platformId}", "/api/v1/databases/{id}", "/api/v1/databases/{id}/connection",
                     "/api/v1/databases/{id}/actions/restart" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the document");
        var patch = paths.GetProperty("/api/v1/databases/{id}").GetProperty("patch");
        Assert.Equal("updateDatabase", patch.GetProperty("operationId").GetString());
        Assert.True(patch.GetProperty("responses").TryGetProperty("412", out _));
        Assert.Contains(patch.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "If-Match");
    }

    // ---------------------------------------------------------------- catalog

    [Fact]
    public async Task ListFlavors_PagedByTwo_WalksAndRefusesTheTokenWithAnotherEnabledFilter()
    {
        using var client = await scenario.Client(scenario.PlatformViewer);
        var path = $"/api/v1/infrastructures/{scenario.InfrastructureId}/flavors?pageSize=2&search=m1.&sort=name";

        var first = await (await client.GetAsync(path)).JsonAsync();
        var token = first.GetProperty("nextPageToken").GetString();
        var second = await (await client.GetAsync($"{path}&pageToken={token}")).JsonAsync();
        using var replayed = await client.GetAsync($"{path}&enabled=true&pageToken={token}");
        using var badSort = await client.GetAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}/flavors?sort=price");

        var names = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(f => f.GetProperty("name").GetString()!).ToList();
        Assert.Equal(4, names.Count);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.True(first.GetProperty("totalCount").GetInt32() >= 4);
        var flavor = first.GetProperty("items")[0];
        Assert.True(flavor.GetProperty("vcpus").GetInt32() > 0);
        Assert.Equal(JsonValueKind.True, flavor.GetProperty("enabled").ValueKind);
        await replayed.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "pageToken");
        await badSort.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "sort");
    }

    [Fact]
    public async Task ListImages_PlatformViewer_ImagesWithKubernetesVersions()
    {
        using var client = await scenario.Client(scenario.PlatformViewer);

        var page = await (await client.GetAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}/images?pageSize=200")).JsonAsync();

        Assert.NotEmpty(page.GetProperty("items").EnumerateArray());
        Assert.Contains(page.GetProperty("items").EnumerateArray(), i => i.GetProperty("kubernetesVersion").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task ListFlavors_UnknownInfrastructure_NotFound_TenantMember_Forbidden()
    {
        using var viewer = await scenario.Client(scenario.PlatformViewer);
        using var member = await scenario.Client(scenario.AcmeMember);

        using var unknown = await viewer.GetAsync($"/api/v1/infrastructures/{Guid.NewGuid()}/flavors");
        using var tenant = await member.GetAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}/flavors");

        await unknown.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        await tenant.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task UpdateFlavor_AdminDisables_ThenListedAsDisabledAndLeftOutOfEnabledOnly()
    {
        using var client = await scenario.Client(scenario.Admin);
        var flavor = await FlavorAsync(client, "m1.xlarge");
        var path = $"/api/v1/infrastructures/{scenario.InfrastructureId}/flavors/{flavor.GetProperty("id").GetGuid()}";
        using var get = await client.GetAsync(path);

        using var response = await client.PatchJsonAsync(path, new { enabled = false }, ifMatch: get.Headers.ETag!.ToString());

        try
        {
            var body = await response.JsonAsync();
            Assert.False(body.GetProperty("enabled").GetBoolean());
            Assert.Equal("m1.xlarge", body.GetProperty("name").GetString());
            var enabledOnly = await (await client.GetAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}/flavors?pageSize=200&enabled=true")).JsonAsync();
            Assert.DoesNotContain(enabledOnly.GetProperty("items").EnumerateArray(), f => f.GetProperty("name").GetString() == "m1.xlarge");
            await using var db = scenario.NewContext();
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "catalog.flavor.update" && a.TargetId == flavor.GetProperty("id").GetGuid().ToString()));
        }
        finally
        {
            (await client.PatchJsonAsync(path, new { enabled = true })).Dispose();
        }
    }

    [Fact]
    public async Task UpdateImage_StaleIfMatch_PreconditionFailed_PlatformViewer_Forbidden()
    {
        using var admin = await scenario.Client(scenario.Admin);
        using var viewer = await scenario.Client(scenario.PlatformViewer);
        var images = await (await admin.GetAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}/images?pageSize=1")).JsonAsync();
        var path = $"/api/v1/infrastructures/{scenario.InfrastructureId}/images/{images.GetProperty("items")[0].GetProperty("id").GetGuid()}";

        using var stale = await admin.PatchJsonAsync(path, new { description = "stale" }, ifMatch: "\"999\"");
        using var forbidden = await viewer.PatchJsonAsync(path, new { description = "viewer" });
        using var otherInfrastructure = await admin.GetAsync($"/api/v1/infrastructures/{Guid.NewGuid()}/images/{images.GetProperty("items")[0].GetProperty("id").GetGuid()}");

        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        await forbidden.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await otherInfrastructure.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    // ---------------------------------------------------------------- Service Configs and platforms

    [Fact]
    public async Task ListServiceConfigs_PlatformViewer_AllWithOffersAndPlatforms()
    {
        var globexOnly = await CreateConfigAsync(Unique("Globex only"), offeredToAll: false, scenario.GlobexId);
        using var client = await scenario.Client(scenario.PlatformViewer);

        var page = await (await client.GetAsync($"/api/v1/service-configs?pageSize=200&infrastructureId={scenario.InfrastructureId}")).JsonAsync();

        var standard = Assert.Single(page.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == scenario.ConfigId);
        Assert.True(standard.GetProperty("offeredToAllTenants").GetBoolean());
        var mks = Assert.Single(standard.GetProperty("platforms").EnumerateArray());
        Assert.Equal("mks", mks.GetProperty("kind").GetString());
        Assert.Equal(scenario.MksId, mks.GetProperty("id").GetGuid());
        var offered = Assert.Single(page.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == globexOnly);
        Assert.Equal(["Globex"], offered.GetProperty("offeredTenantNames").EnumerateArray().Select(n => n.GetString()!).ToArray());
    }

    [Fact]
    public async Task ListServiceConfigs_TenantMember_OnlyThoseOfferedToTheirTenantsAndNotWhomElse()
    {
        var globexOnly = await CreateConfigAsync(Unique("Globex only"), offeredToAll: false, scenario.GlobexId);
        using var acme = await scenario.Client(scenario.AcmeMember);
        using var globex = await scenario.Client(scenario.GlobexMember);

        var acmePage = await (await acme.GetAsync("/api/v1/service-configs?pageSize=200")).JsonAsync();
        var globexPage = await (await globex.GetAsync("/api/v1/service-configs?pageSize=200")).JsonAsync();
        using var hidden = await acme.GetAsync($"/api/v1/service-configs/{globexOnly}");
        using var shown = await globex.GetAsync($"/api/v1/service-configs/{globexOnly}");

        var acmeIds = acmePage.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(scenario.ConfigId, acmeIds);
        Assert.DoesNotContain(globexOnly, acmeIds);
        Assert.Contains(globexPage.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == globexOnly);
        await hidden.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        var config = await shown.JsonAsync();
        Assert.Equal(JsonValueKind.Null, config.GetProperty("offeredTenantNames").ValueKind);
        Assert.Equal(JsonValueKind.Null, config.GetProperty("offeredToAllTenants").ValueKind);
        Assert.Equal("Region Demo / zone-a", config.GetProperty("location").GetString());
    }

    [Fact]
    public async Task ListServiceConfigs_TenantViewer_NoneAsTheyMayDeployNothing()
    {
        using var client = await scenario.Client(scenario.AcmeViewer);

        var page = await (await client.GetAsync("/api/v1/service-configs")).JsonAsync();

        Assert.Equal(0, page.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task GetPlatform_PlatformViewer_MksWithETag_TenantMember_Forbidden_WrongConfig_NotFound()
    {
        using var viewer = await scenario.Client(scenario.PlatformViewer);
        using var member = await scenario.Client(scenario.AcmeMember);

        using var response = await viewer.GetAsync($"/api/v1/service-configs/{scenario.ConfigId}/platforms/{scenario.MksId}");
        using var tenant = await member.GetAsync($"/api/v1/service-configs/{scenario.ConfigId}/platforms/{scenario.MksId}");
        using var wrong = await viewer.GetAsync($"/api/v1/service-configs/{Guid.NewGuid()}/platforms/{scenario.MksId}");

        var platform = await response.JsonAsync();
        Assert.Equal("mks", platform.GetProperty("kind").GetString());
        Assert.Equal("active", platform.GetProperty("state").GetString());
        Assert.Equal(ApiPreconditions.ETagOf(platform.GetProperty("version").GetInt32()), response.Headers.ETag!.ToString());
        await tenant.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await wrong.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    [Fact]
    public async Task UpdatePlatform_AdminDisablesThenEnables_StaleIfMatch412_ViewerForbidden_NoValue422()
    {
        var configId = await CreateConfigAsync(Unique("Toggle"), offeredToAll: true);
        var platformId = (await scenario.Services.GetRequiredService<ServiceConfigService>().CreateMksPlatformAsync(scenario.Admin, configId, "ext-net", "ext-net"))
            .ShouldSucceed();
        using var admin = await scenario.Client(scenario.Admin);
        using var viewer = await scenario.Client(scenario.PlatformViewer);
        var path = $"/api/v1/service-configs/{configId}/platforms/{platformId}";
        using var before = await admin.GetAsync(path);

        using var disabled = await admin.PatchJsonAsync(path, new { enabled = false }, ifMatch: before.Headers.ETag!.ToString());
        using var stale = await admin.PatchJsonAsync(path, new { enabled = true }, ifMatch: before.Headers.ETag!.ToString());
        using var forbidden = await viewer.PatchJsonAsync(path, new { enabled = true });
        using var empty = await admin.PatchJsonAsync(path, new { });
        using var enabled = await admin.PatchJsonAsync(path, new { enabled = true }, ifMatch: disabled.Headers.ETag!.ToString());

        Assert.False((await disabled.JsonAsync()).GetProperty("enabled").GetBoolean());
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        await forbidden.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await empty.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "enabled");
        Assert.True((await enabled.JsonAsync()).GetProperty("enabled").GetBoolean());
        var config = await (await admin.GetAsync($"/api/v1/service-configs/{configId}")).JsonAsync();
        Assert.True(Assert.Single(config.GetProperty("platforms").EnumerateArray()).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Regions_AdminCreatesRegionAndZone_RefusedDeleteWhileZoned_StaleZone412_ThenDeletesBoth()
    {
        using var client = await scenario.Client(scenario.Admin);
        var name = Unique("Region");

        using var created = await client.PostJsonAsync("/api/v1/regions", new { name, description = "made by the API" });
        var region = await created.JsonAsync(HttpStatusCode.Created);
        var regionId = region.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/regions/{regionId}", created.Headers.Location!.ToString());
        Assert.Equal(ApiPreconditions.ETagOf(region.GetProperty("version").GetInt32()), created.Headers.ETag!.ToString());
        using var zoneCreated = await client.PostJsonAsync($"/api/v1/regions/{regionId}/zones", new { name = "zone-x" });
        var zone = await zoneCreated.JsonAsync(HttpStatusCode.Created);
        var zonePath = $"/api/v1/regions/{regionId}/zones/{zone.GetProperty("id").GetGuid()}";
        Assert.Equal(zonePath, zoneCreated.Headers.Location!.ToString());

        using var zoned = await client.DeleteAsync($"/api/v1/regions/{regionId}", ifMatch: null);
        await zoned.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
        using var stale = await client.PatchJsonAsync(zonePath, new { name = "zone-y" }, ifMatch: "\"77\"");
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        using var renamed = await client.PatchJsonAsync(zonePath, new { name = "zone-y" }, ifMatch: zoneCreated.Headers.ETag!.ToString());
        Assert.Equal("zone-y", (await renamed.JsonAsync()).GetProperty("name").GetString());
        var listed = await (await client.GetAsync($"/api/v1/regions/{regionId}")).JsonAsync();
        Assert.Equal("zone-y", Assert.Single(listed.GetProperty("zones").EnumerateArray()).GetProperty("name").GetString());

        using var zoneDeleted = await client.DeleteAsync(zonePath, ifMatch: null);
        Assert.Equal(HttpStatusCode.NoContent, zoneDeleted.StatusCode);
        using var regionDeleted = await client.DeleteAsync($"/api/v1/regions/{regionId}", ifMatch: null);
        Assert.Equal(HttpStatusCode.NoContent, regionDeleted.StatusCode);
        using var gone = await client.GetAsync($"/api/v1/regions/{regionId}");
        await gone.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    [Fact]
    public async Task CreateRegion_BlankName_Unprocessable_PlatformViewer_Forbidden()
    {
        using var admin = await scenario.Client(scenario.Admin);
        using var viewer = await scenario.Client(scenario.PlatformViewer);

        using var blank = await admin.PostJsonAsync("/api/v1/regions", new { description = "no name" });
        using var forbidden = await viewer.PostJsonAsync("/api/v1/regions", new { name = Unique("Viewer region") });

        await blank.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "name");
        await forbidden.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task ServiceConfigs_AdminCreatesOfferedToGlobex_WidensTheOffer_DeletesPlatformThenConfig()
    {
        using var admin = await scenario.Client(scenario.Admin);
        using var acme = await scenario.Client(scenario.AcmeMember);
        var name = Unique("Api config");

        using var created = await admin.PostJsonAsync("/api/v1/service-configs", new { infrastructureId = scenario.InfrastructureId, name, tenantIds = new[] { scenario.GlobexId } });
        var config = await created.JsonAsync(HttpStatusCode.Created);
        var id = config.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/service-configs/{id}", created.Headers.Location!.ToString());
        Assert.False(config.GetProperty("offeredToAllTenants").GetBoolean());
        using var hidden = await acme.GetAsync($"/api/v1/service-configs/{id}");
        await hidden.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);

        using var stale = await admin.PatchJsonAsync($"/api/v1/service-configs/{id}", new { offeredToAllTenants = true }, ifMatch: "\"55\"");
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        using var widened = await admin.PatchJsonAsync($"/api/v1/service-configs/{id}", new { offeredToAllTenants = true, tenantIds = Array.Empty<Guid>() },
            ifMatch: created.Headers.ETag!.ToString());
        Assert.True((await widened.JsonAsync()).GetProperty("offeredToAllTenants").GetBoolean());
        Assert.Equal(name, (await (await acme.GetAsync($"/api/v1/service-configs/{id}")).JsonAsync()).GetProperty("name").GetString());

        var platformId = (await scenario.Services.GetRequiredService<ServiceConfigService>().CreateMksPlatformAsync(scenario.Admin, id, "ext-net", "ext-net")).ShouldSucceed();
        using var withPlatform = await admin.DeleteAsync($"/api/v1/service-configs/{id}", ifMatch: null);
        await withPlatform.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
        using var platformDeleted = await admin.DeleteAsync($"/api/v1/service-configs/{id}/platforms/{platformId}", ifMatch: null);
        Assert.Equal(HttpStatusCode.NoContent, platformDeleted.StatusCode);
        using var deleted = await admin.DeleteAsync($"/api/v1/service-configs/{id}", ifMatch: null);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await admin.GetAsync($"/api/v1/service-configs/{id}")).ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    [Fact]
    public async Task CreateServiceConfig_TenantMember_Forbidden_NoInfrastructure_Unprocessable()
    {
        using var admin = await scenario.Client(scenario.Admin);
        using var member = await scenario.Client(scenario.AcmeMember);

        using var forbidden = await member.PostJsonAsync("/api/v1/service-configs", new { infrastructureId = scenario.InfrastructureId, name = Unique("Mine") });
        using var missing = await admin.PostJsonAsync("/api/v1/service-configs", new { name = Unique("Nowhere") });

        await forbidden.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await missing.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "infrastructure");
    }

    [Fact]
    public async Task DeleteInfrastructure_WithServiceConfigs_Conflict_WithoutThem_NoContent()
    {
        var id = await RegisterOpenStackAsync(Unique("Doomed"));
        using var admin = await scenario.Client(scenario.Admin);

        using var busy = await admin.DeleteAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}", ifMatch: null);
        using var deleted = await admin.DeleteAsync($"/api/v1/infrastructures/{id}", ifMatch: null);

        await busy.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await admin.GetAsync($"/api/v1/infrastructures/{id}")).ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }

    // ---------------------------------------------------------------- helpers

    private async Task<Guid> RegisterOpenStackAsync(string name)
    {
        Guid zoneId;
        await using (var db = scenario.NewContext())
            zoneId = await db.Infrastructures.Where(i => i.Id == scenario.InfrastructureId).Select(i => i.ZoneId).SingleAsync();
        var connection = new ConnectionSettings("https://keystone.example.test:5000/v3", "RegionOne", EndpointInterfaceKind.Public, CredentialKind.Password,
            null, "svc-portal", "Default", "platform", "Default", null);
        var request = new RegistrationRequest(name, "for API tests", InfrastructureProvider.OpenStack, Placement.Existing(zoneId), connection, ConnectionSecret,
            new ConnectionCheck(true, "Authenticated (test)."), [], []);
        return (await scenario.Services.GetRequiredService<InfrastructureService>().RegisterAsync(scenario.Admin, request)).ShouldSucceed();
    }

    private async Task<Guid> CreateConfigAsync(string name, bool offeredToAll, params Guid[] tenants) =>
        (await scenario.Services.GetRequiredService<ServiceConfigService>().CreateAsync(scenario.Admin, scenario.InfrastructureId, name, null, offeredToAll, tenants))
        .ShouldSucceed();

    private async Task<JsonElement> FlavorAsync(HttpClient client, string name)
    {
        var page = await (await client.GetAsync($"/api/v1/infrastructures/{scenario.InfrastructureId}/flavors?pageSize=200&search={name}")).JsonAsync();
        return Assert.Single(page.GetProperty("items").EnumerateArray(), f => f.GetProperty("name").GetString() == name);
    }
}
