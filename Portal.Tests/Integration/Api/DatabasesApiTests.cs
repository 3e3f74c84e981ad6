using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Domain.Clusters;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Api;

/// <summary>The databases API over the real app: shapes, rules, access, If-Match, the audited connection, operations.</summary>
public sealed class DatabasesApiTests(DatabasesApiScenario scenario) : IClassFixture<DatabasesApiScenario>
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";

    [Fact]
    public async Task CreateDatabase_Member_AcceptedWithOperationThenActiveWithETagAndNoSecrets()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var name = Unique("orders");

        using var response = await client.PostJsonAsync("/api/v1/databases", scenario.CreateBody(name, backups: true));

        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        var id = accepted.GetProperty("resourceId").GetGuid();
        Assert.Equal($"/api/v1/operations/{accepted.GetProperty("operationId").GetGuid()}", response.Headers.Location!.ToString());
        Assert.Equal($"/api/v1/databases/{id}", accepted.GetProperty("resourceUrl").GetString());
        await scenario.WaitForOperationAsync(client, response.Headers.Location!.ToString());
        await scenario.WaitForStateAsync(client, id, "active");

        using var get = await client.GetAsync($"/api/v1/databases/{id}");
        var text = await get.Content.ReadAsStringAsync();
        var body = await get.JsonAsync();
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal("web", body.GetProperty("projectName").GetString());
        Assert.StartsWith("16.", body.GetProperty("postgresVersion").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("backups").GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("actions").GetProperty("revealConnection").ValueKind);
        Assert.Equal(ApiPreconditions.ETagOf(body.GetProperty("version").GetInt32()), get.Headers.ETag!.ToString());
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(DatabasesApiScenario.BackupSecretKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDatabase_NoName_UnprocessableNamingTheField()
    {
        using var client = await scenario.Client(scenario.AcmeMember);

        using var response = await client.PostJsonAsync("/api/v1/databases", new { projectId = scenario.WebProjectId, serviceConfigId = scenario.ConfigId });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "name");
    }

    [Fact]
    public async Task CreateDatabase_BadVersion_UnprocessableNamingPostgresVersion()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var body = JsonSerializer.SerializeToElement(scenario.CreateBody(Unique("v")));
        var changed = JsonSerializer.Deserialize<Dictionary<string, object?>>(body.GetRawText())!;
        changed["major"] = 9;

        using var response = await client.PostJsonAsync("/api/v1/databases", changed);

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "postgresVersion");
    }

    [Fact]
    public async Task CreateDatabase_TenantViewer_Forbidden()
    {
        using var client = await scenario.Client(scenario.AcmeViewer);

        using var response = await client.PostJsonAsync("/api/v1/databases", scenario.CreateBody(Unique("viewer")));

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task CreateDatabase_ReadOnlyToken_ForbiddenAndNothingCreated()
    {
        using var client = scenario.ClientWith(await scenario.TokenAsync(scenario.AcmeMember, Portal.Domain.Api.ApiScope.ReadOnly));
        var name = Unique("ro");

        using var response = await client.PostJsonAsync("/api/v1/databases", scenario.CreateBody(name));

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await using var db = scenario.NewContext();
        Assert.False(await db.Databases.AnyAsync(d => d.Name == name));
    }

    [Fact]
    public async Task GetDatabase_MemberOfAnotherTenant_NotFoundWithoutItsName()
    {
        using var member = await scenario.Client(scenario.AcmeMember);
        var name = Unique("secretive");
        var id = await scenario.CreateActiveAsync(member, name);
        using var outsider = await scenario.Client(scenario.GlobexMember);

        using var get = await outsider.GetAsync($"/api/v1/databases/{id}");
        using var reveal = await outsider.GetAsync($"/api/v1/databases/{id}/connection");
        using var restart = await outsider.PostJsonAsync<object?>($"/api/v1/databases/{id}/actions/restart", null);
        var list = await (await outsider.GetAsync("/api/v1/databases")).JsonAsync();

        var problem = await get.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        Assert.DoesNotContain(name, problem.GetRawText(), StringComparison.Ordinal);
        await reveal.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        await restart.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task GetConnection_Member_RevealsNotCachedAndAuditedWithTheTokenName_AndNowhereElse()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var name = Unique("conn");
        var id = await scenario.CreateActiveAsync(client, name);

        using var response = await client.GetAsync($"/api/v1/databases/{id}/connection");

        var connection = await response.JsonAsync();
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var password = connection.GetProperty("password").GetString()!;
        Assert.False(string.IsNullOrEmpty(password));
        Assert.Equal(5432, connection.GetProperty("port").GetInt32());
        Assert.Equal("app", connection.GetProperty("database").GetString());
        Assert.StartsWith($"{name}-rw.", connection.GetProperty("host").GetString(), StringComparison.Ordinal);
        Assert.StartsWith($"{name}-ro.", connection.GetProperty("readOnlyHost").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("postgresql://", connection.GetProperty("uri").GetString(), StringComparison.Ordinal);
        await using (var db = scenario.NewContext())
        {
            var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "postgres-database.reveal-connection" && a.TargetId == id.ToString()).ToListAsync();
            var entry = Assert.Single(audit);
            Assert.Contains("(token tests)", entry.ActorName, StringComparison.Ordinal);
            Assert.DoesNotContain(password, entry.Parameters, StringComparison.Ordinal);
        }
        foreach (var path in new[] { $"/api/v1/databases/{id}", "/api/v1/databases?pageSize=200", $"/api/v1/databases/placements?projectId={scenario.WebProjectId}" })
        {
            var text = await (await client.GetAsync(path)).Content.ReadAsStringAsync();
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetConnection_TenantViewer_ForbiddenAndAuditedAsRefused()
    {
        using var member = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(member, Unique("peek"));
        using var viewer = await scenario.Client(scenario.AcmeViewer);

        using var get = await viewer.GetAsync($"/api/v1/databases/{id}");
        using var reveal = await viewer.GetAsync($"/api/v1/databases/{id}/connection");
        using var restart = await viewer.PostJsonAsync<object?>($"/api/v1/databases/{id}/actions/restart", null);

        await get.JsonAsync();
        await reveal.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await restart.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        Assert.Contains("no-store", reveal.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateDatabase_Instances_AcceptedThenScaled()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(client, Unique("scale"));
        using var get = await client.GetAsync($"/api/v1/databases/{id}");
        var etag = get.Headers.ETag!.ToString();

        using var response = await client.PatchJsonAsync($"/api/v1/databases/{id}", new { instances = 2 }, ifMatch: etag);

        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(id, accepted.GetProperty("resourceId").GetGuid());
        await scenario.WaitForOperationAsync(client, response.Headers.Location!.ToString());
        var after = await scenario.WaitForStateAsync(client, id, "active");
        Assert.Equal(2, after.GetProperty("instances").GetInt32());
    }

    [Fact]
    public async Task UpdateDatabase_TwoSizesAtOnce_UnprocessableAndNothingStarted()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(client, Unique("two"));

        using var response = await client.PatchJsonAsync($"/api/v1/databases/{id}", new { instances = 2, storageGiB = 20 });

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "storageGiB");
        Assert.Contains("one size per request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(Portal.Domain.Clusters.ClusterState.Active, await scenario.StateInTableAsync(id));
    }

    [Fact]
    public async Task UpdateDatabase_ShrinkStorage_UnprocessableNamingStorage()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(client, Unique("shrink"));

        using var response = await client.PatchJsonAsync($"/api/v1/databases/{id}", new { storageGiB = 5 });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "storageGiB");
    }

    [Fact]
    public async Task UpdateDatabase_StaleIfMatch_PreconditionFailedAndNothingStarted()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(client, Unique("stale"));
        using var get = await client.GetAsync($"/api/v1/databases/{id}");
        var version = (await get.JsonAsync()).GetProperty("version").GetInt32();

        using var response = await client.PatchJsonAsync($"/api/v1/databases/{id}", new { instances = 2 }, ifMatch: ApiPreconditions.ETagOf(version + 7));
        using var action = await client.PostJsonAsync<object?>($"/api/v1/databases/{id}/actions/restart", null, ifMatch: ApiPreconditions.ETagOf(version + 7));

        await response.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        await action.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);
        await using var db = scenario.NewContext();
        Assert.Equal(1, await db.Operations.CountAsync(o => o.TargetId == id.ToString()));
    }

    [Fact]
    public async Task UpdateDatabase_ReadOnlyToken_Forbidden()
    {
        using var member = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(member, Unique("rop"));
        using var client = scenario.ClientWith(await scenario.TokenAsync(scenario.AcmeMember, Portal.Domain.Api.ApiScope.ReadOnly));

        using var response = await client.PatchJsonAsync($"/api/v1/databases/{id}", new { instances = 2 });

        await response.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
    }

    [Fact]
    public async Task RestoreDatabase_SourceWithBackupsOff_ConflictSayingThereIsNothingToRestore()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(client, Unique("nobk"));

        using var response = await client.PostJsonAsync($"/api/v1/databases/{id}/restore", new { name = Unique("copy"), restorePoint = DateTimeOffset.UtcNow });

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
        Assert.Contains("Backups are off", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartAction_Member_AcceptedAndOperationSucceeds()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(client, Unique("restart"));

        using var response = await client.PostJsonAsync<object?>($"/api/v1/databases/{id}/actions/restart", null);

        await response.JsonAsync(HttpStatusCode.Accepted);
        await scenario.WaitForOperationAsync(client, response.Headers.Location!.ToString());
        await scenario.WaitForStateAsync(client, id, "active");
        await using var db = scenario.NewContext();
        Assert.Contains(await db.Operations.Where(o => o.TargetId == id.ToString()).Select(o => o.Kind).ToListAsync(), k => k.Contains("restart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WakeAction_DatabaseNotHibernated_ConflictSayingWhy()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(client, Unique("awake"));

        using var response = await client.PostJsonAsync<object?>($"/api/v1/databases/{id}/actions/wake", null);

        await response.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
    }

    [Fact]
    public async Task SwitchoverAction_UnknownInstance_UnprocessableNamingInstance()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var id = await scenario.CreateActiveAsync(client, Unique("sw"), instances: 2);

        using var response = await client.PostJsonAsync($"/api/v1/databases/{id}/actions/switchover", new { instance = "no-such-instance" });

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "instance");
    }

    [Fact]
    public async Task DeleteDatabase_WrongConfirmName_UnprocessableThenRightName_AcceptedAndGone()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var name = Unique("bye");
        var id = await scenario.CreateActiveAsync(client, name);

        using var wrong = await client.DeleteAsync($"/api/v1/databases/{id}?confirmName=nope", ifMatch: null);
        await wrong.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "confirmName");
        using var stale = await client.DeleteAsync($"/api/v1/databases/{id}?confirmName={name}", ifMatch: "\"999\"");
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, ApiProblemCodes.PreconditionFailed);

        using var response = await client.DeleteAsync($"/api/v1/databases/{id}?confirmName={name}", ifMatch: null);

        await response.JsonAsync(HttpStatusCode.Accepted);
        await scenario.WaitForOperationAsync(client, response.Headers.Location!.ToString());
        await DatabasesApiScenario.PollAsync(async () => (await client.GetAsync($"/api/v1/databases/{id}")).StatusCode,
            s => s == HttpStatusCode.NotFound, s => $"GET answers {s}");
    }

    [Fact]
    public async Task BackupThenRestore_PointInsideTheWindow_NewActiveDatabaseRestoredFromTheSource_OutsideIsUnprocessable()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var source = Unique("src");
        var id = await scenario.CreateActiveAsync(client, source, backups: true);

        using var backup = await client.PostJsonAsync<object?>($"/api/v1/databases/{id}/actions/backup", null);
        await backup.JsonAsync(HttpStatusCode.Accepted);
        await scenario.WaitForOperationAsync(client, backup.Headers.Location!.ToString());
        var withWindow = await DatabasesApiScenario.PollAsync(async () => await (await client.GetAsync($"/api/v1/databases/{id}")).JsonAsync(),
            d => d.GetProperty("backups").GetProperty("windowTo").ValueKind == JsonValueKind.String, d => $"backups: {d.GetProperty("backups")}");
        var windowFrom = withWindow.GetProperty("backups").GetProperty("windowFrom").GetDateTimeOffset();
        var windowTo = withWindow.GetProperty("backups").GetProperty("windowTo").GetDateTimeOffset();

        using var outside = await client.PostJsonAsync($"/api/v1/databases/{id}/restore", new { name = Unique("copy"), restorePoint = windowFrom.AddHours(-1) });
        await outside.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "restorePoint");
        var copyName = Unique("copy");
        using var restore = await client.PostJsonAsync($"/api/v1/databases/{id}/restore", new { name = copyName, restorePoint = windowTo });

        var accepted = await restore.JsonAsync(HttpStatusCode.Accepted);
        var copyId = accepted.GetProperty("resourceId").GetGuid();
        Assert.NotEqual(id, copyId);
        await scenario.WaitForOperationAsync(client, restore.Headers.Location!.ToString());
        var copy = await scenario.WaitForStateAsync(client, copyId, "active");
        Assert.Equal(copyName, copy.GetProperty("name").GetString());
        Assert.Equal(source, copy.GetProperty("restoredFrom").GetProperty("name").GetString());
        Assert.Equal("active", (await (await client.GetAsync($"/api/v1/databases/{id}")).JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task ListDatabases_PagedByTwo_WalksPagesAndRefusesTheTokenUnderOtherFilters()
    {
        using var client = await scenario.Client(scenario.AcmeMember);
        var prefix = Unique("page");
        foreach (var i in Enumerable.Range(1, 3))
        {
            using var created = await client.PostJsonAsync("/api/v1/databases", scenario.CreateBody($"{prefix}-{i}"));
            await created.JsonAsync(HttpStatusCode.Accepted);
        }

        var first = await (await client.GetAsync($"/api/v1/databases?pageSize=2&search={prefix}&sort=name&order=asc")).JsonAsync();
        var token = first.GetProperty("nextPageToken").GetString();
        var second = await (await client.GetAsync($"/api/v1/databases?pageSize=2&search={prefix}&sort=name&order=asc&pageToken={token}")).JsonAsync();
        using var replayed = await client.GetAsync($"/api/v1/databases?pageSize=2&search={prefix}&sort=name&order=asc&projectId={scenario.WebProjectId}&pageToken={token}");
        using var badState = await client.GetAsync("/api/v1/databases?state=sleepy");

        Assert.Equal(3, first.GetProperty("totalCount").GetInt32());
        Assert.Equal([$"{prefix}-1", $"{prefix}-2"], first.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToArray());
        Assert.Equal([$"{prefix}-3"], second.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextPageToken").ValueKind);
        await replayed.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "pageToken");
        await badState.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "state");
    }

    [Fact]
    public async Task UpdatePlatform_BackupStoreAccessKey_ChangedAndTheSecretKeyKeptButNeverShown()
    {
        using var admin = await scenario.Client(scenario.Admin);
        using var tenant = await scenario.Client(scenario.AcmeMember);
        var path = $"/api/v1/service-configs/{scenario.ConfigId}/platforms/{scenario.PostgresPlatformId}";
        using var before = await admin.GetAsync(path);

        using var response = await admin.PatchJsonAsync(path, new { backupStore = new { accessKeyId = "AKIAAPI" } }, ifMatch: before.Headers.ETag!.ToString());
        using var forbidden = await tenant.PatchJsonAsync(path, new { backupStore = new { accessKeyId = "AKIATENANT" } });
        using var badDestination = await admin.PatchJsonAsync(path, new { backupStore = new { destinationPath = "ftp://nope" } });

        var text = await response.Content.ReadAsStringAsync();
        var platform = await response.JsonAsync();
        Assert.Equal("AKIAAPI", platform.GetProperty("backupStore").GetProperty("accessKeyId").GetString());
        Assert.Equal("s3://backups/portal", platform.GetProperty("backupStore").GetProperty("destinationPath").GetString());
        Assert.DoesNotContain(DatabasesApiScenario.BackupSecretKey, text, StringComparison.Ordinal);
        var stored = await scenario.Services.GetRequiredService<ServiceConfigService>().GetBackupStoreAsync(scenario.PostgresPlatformId);
        Assert.Equal(DatabasesApiScenario.BackupSecretKey, stored!.SecretAccessKey);
        await forbidden.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        await badDestination.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "backupStore.destinationPath");
    }

    [Fact]
    public async Task ListDatabasePlacements_Member_OffersThePostgresPlatform_OutsiderNotFound()
    {
        using var member = await scenario.Client(scenario.AcmeMember);
        using var outsider = await scenario.Client(scenario.GlobexMember);

        var placements = await (await member.GetAsync($"/api/v1/databases/placements?projectId={scenario.WebProjectId}")).JsonAsync();
        using var foreign = await outsider.GetAsync($"/api/v1/databases/placements?projectId={scenario.WebProjectId}");

        var placement = Assert.Single(placements.EnumerateArray());
        Assert.Equal(scenario.ConfigId, placement.GetProperty("serviceConfigId").GetGuid());
        Assert.Equal(scenario.PostgresPlatformId, placement.GetProperty("platformId").GetGuid());
        Assert.Contains(16, placement.GetProperty("majors").EnumerateArray().Select(m => m.GetInt32()));
        await foreign.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
    }
}


/// <summary>
/// The API scenario plus an active Managed PostgreSQL platform (CloudNativePG 1.26.1) on the "Standard" Service Config,
/// with a backup object store.
/// </summary>
public class DatabasesApiScenario : ApiScenario
{
    public const string BackupSecretKey = "s3cr3t-k3y-never-shown";

    public Guid PostgresPlatformId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var configs = Services.GetRequiredService<ServiceConfigService>();
        var started = (await configs.CreatePostgresPlatformAsync(Admin, ConfigId, PostgresMode.Managed, "1.26.1", null, null)).ShouldSucceed();
        PostgresPlatformId = started.PlatformId;
        var platform = await PollAsync(async () =>
        {
            await using var db = NewContext();
            return await db.ServicePlatforms.AsNoTracking().SingleAsync(p => p.Id == started.PlatformId);
        }, p => p.State == PlatformState.Active, p => $"the platform is {p.State}: {p.StateReason}");
        (await configs.ConfigureBackupStoreAsync(Admin, PostgresPlatformId, platform.Version, "s3://backups/portal", "https://s3.demo.test", "AKIADEMO",
            BackupSecretKey)).ShouldSucceed();
    }

    /// <summary>A creation body for a database in Acme's "web" project (PostgreSQL 16, one small instance, backups off unless asked).</summary>
    public object CreateBody(string name, int instances = 1, bool backups = false, string? project = null) => new
    {
        projectId = project is null ? WebProjectId : Guid.Parse(project),
        name,
        serviceConfigId = ConfigId,
        major = 16,
        instances,
        compute = "small",
        storageGiB = 10,
        databaseName = "app",
        ownerName = "app",
        backups = backups ? new { enabled = true, frequency = "daily", hour = 2, retentionDays = 7 } : null,
    };

    /// <summary>Creates a database through the API as <paramref name="client"/>'s person and waits until it is active.</summary>
    public async Task<Guid> CreateActiveAsync(HttpClient client, string name, int instances = 1, bool backups = false)
    {
        using var response = await client.PostJsonAsync("/api/v1/databases", CreateBody(name, instances, backups));
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        var id = accepted.GetProperty("resourceId").GetGuid();
        await WaitForOperationAsync(client, response.Headers.Location!.ToString());
        await WaitForStateAsync(client, id, "active");
        return id;
    }

    /// <summary>
    /// Follows an operation's Location until it ends and asserts it succeeded. Reads the operations endpoint when it
    /// answers; otherwise (the endpoint is not there yet) the Operations table.
    /// </summary>
    public async Task<OperationState> WaitForOperationAsync(HttpClient client, string location, OperationState expected = OperationState.Succeeded)
    {
        Assert.StartsWith("/api/v1/operations/", location, StringComparison.Ordinal);
        var id = Guid.Parse(location["/api/v1/operations/".Length..]);
        var state = await PollAsync(async () =>
        {
            using var response = await client.GetAsync(location);
            if (response.StatusCode == HttpStatusCode.OK
                && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("state", out var wire)
                && Enum.TryParse<OperationState>(wire.GetString(), ignoreCase: true, out var parsed))
                return (State: parsed, Error: (string?)null);
            await using var db = NewContext();
            var operation = await db.Operations.AsNoTracking().SingleAsync(o => o.Id == id);
            return (operation.State, operation.Error);
        }, s => s.State is OperationState.Succeeded or OperationState.Failed or OperationState.Cancelled, s => $"operation {id} is {s.State}");
        Assert.True(state.State == expected, $"operation {id} ended {state.State}: {state.Error}");
        return state.State;
    }

    /// <summary>Polls <c>GET /databases/{id}</c> until its state is <paramref name="state"/>; returns the body.</summary>
    public async Task<JsonElement> WaitForStateAsync(HttpClient client, Guid id, string state) =>
        await PollAsync(async () =>
        {
            using var response = await client.GetAsync($"/api/v1/databases/{id}");
            return await response.JsonAsync();
        }, d => d.GetProperty("state").GetString() == state, d => $"the database is {d.GetProperty("state")} ({d.GetProperty("stateReason")})");

    public async Task<ClusterState?> StateInTableAsync(Guid id)
    {
        await using var db = NewContext();
        return await db.Databases.AsNoTracking().Where(d => d.Id == id).Select(d => (ClusterState?)d.State).SingleOrDefaultAsync();
    }

    public static async Task<T> PollAsync<T>(Func<Task<T>> load, Func<T, bool> condition, Func<T, string> describe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await load();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out: {describe(value)}.");
            await Task.Delay(25);
        }
    }
}
