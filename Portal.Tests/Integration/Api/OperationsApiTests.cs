using System.Net;
using System.Text.Json;
using Portal.Api.Common;
using Portal.Domain.Clusters;
using Portal.Domain.Databases;
using Portal.Domain.Operations;

namespace Portal.Tests.Integration.Api;

/// <summary>
/// Operations over HTTP: who sees which (platform readers all; tenant members those of their tenants' clusters), retry
/// and cancel through the service that owns the target, the typed state, error and steps.
/// </summary>
[Collection(ClustersApiCollection.Name)]
public sealed class OperationsApiTests(ClustersApiScenario scenario)
{
    private const string NoValidHost = "No valid host was found. There are not enough hosts available.";

    private ClustersApiScenario S => scenario;

    [Fact]
    public async Task PostRetry_TenantMemberOnTheirClustersFailedCreate_AcceptedThenSucceededAndTheClusterActive()
    {
        using var member = await S.Client(S.AcmeMember);
        var name = ClustersApiScenario.Name("retry");
        S.Kube.FailNext("MachineDeployment", $"{name}-workers", "InstanceStateError", NoValidHost);
        using var created = await member.PostJsonAsync("/api/v1/clusters", S.CreateBody(name));
        var accepted = await created.JsonAsync(HttpStatusCode.Accepted);
        var operationUrl = created.Headers.Location!.ToString();
        var failed = await ClustersApiScenario.FinishedAsync(member, operationUrl);
        var id = accepted.GetProperty("resourceId").GetGuid();
        using var globex = await S.Client(S.GlobexMember);
        using var viewer = await S.Client(S.AcmeViewer);
        using var outsiderRetry = await globex.PostJsonAsync<object?>($"{operationUrl}/retry", null);
        using var viewerRetry = await viewer.PostJsonAsync<object?>($"{operationUrl}/retry", null);
        S.Kube.Heal("MachineDeployment", $"{name}-workers");

        using var retried = await member.PostJsonAsync<object?>($"{operationUrl}/retry", null);
        var retriedBody = await retried.JsonAsync(HttpStatusCode.Accepted);
        var succeeded = await ClustersApiScenario.FinishedAsync(member, retried.Headers.Location!.ToString());
        var (cluster, _) = await ClustersApiScenario.ClusterAsync(member, id);

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("No valid host", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        var failedStep = failed.GetProperty("failedStep").GetInt32();
        Assert.Equal("failed", failed.GetProperty("steps")[failedStep].GetProperty("state").GetString());
        Assert.True(failed.GetProperty("canRetry").GetBoolean());
        await outsiderRetry.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        await viewerRetry.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        Assert.Equal(operationUrl, retried.Headers.Location!.ToString());
        Assert.Equal(id, retriedBody.GetProperty("resourceId").GetGuid());
        Assert.Equal("succeeded", succeeded.GetProperty("state").GetString());
        Assert.Equal(2, succeeded.GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.Null, succeeded.GetProperty("error").ValueKind);
        Assert.Equal("active", cluster.GetProperty("state").GetString());
    }

    [Fact]
    public async Task GetOperation_GlobexMemberOnAcmesOperation_NotFoundAndItsCancelToo()
    {
        using var member = await S.Client(S.AcmeMember);
        var name = ClustersApiScenario.Name("opsee");
        using var created = await member.PostJsonAsync("/api/v1/clusters", S.CreateBody(name));
        await created.JsonAsync(HttpStatusCode.Accepted);
        var operationUrl = created.Headers.Location!.ToString();
        using var globex = await S.Client(S.GlobexMember);

        using var get = await globex.GetAsync(operationUrl);
        using var cancel = await globex.PostJsonAsync<object?>($"{operationUrl}/cancel", null);
        var own = await (await member.GetAsync(operationUrl)).JsonAsync();

        var problem = await get.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        Assert.DoesNotContain(name, problem.ToString(), StringComparison.Ordinal);
        await cancel.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        Assert.Equal(name, own.GetProperty("target").GetProperty("name").GetString());
        Assert.Contains("(token tests)", own.GetProperty("requestedBy").GetString(), StringComparison.Ordinal);
        await ClustersApiScenario.FinishedAsync(member, operationUrl);
    }

    [Fact]
    public async Task PostCancel_SucceededOperation_ConflictSayingItIsFinished()
    {
        using var member = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(member, ClustersApiScenario.Name("done"));
        var (cluster, _) = await ClustersApiScenario.ClusterAsync(member, id);
        var operationUrl = ApiResults.OperationUrl(cluster.GetProperty("lastOperationId").GetGuid());

        using var response = await member.PostJsonAsync<object?>($"{operationUrl}/cancel", null);

        await response.ProblemAsync(HttpStatusCode.Conflict, ApiProblemCodes.Conflict);
    }

    [Fact]
    public async Task ListOperations_ByTarget_MemberWalksTwoPagesOutsiderSeesNoneAndATokenWithAnotherFilterIsRefused()
    {
        using var member = await S.Client(S.AcmeMember);
        var id = await S.CreateActiveAsync(member, ClustersApiScenario.Name("twops"));
        using var resync = await member.PostJsonAsync<object?>($"/api/v1/clusters/{id}/actions/resync", null);
        await ClustersApiScenario.FinishedAsync(member, resync.Headers.Location!.ToString());
        using var globex = await S.Client(S.GlobexMember);

        var first = await (await member.GetAsync($"/api/v1/operations?target={id}&pageSize=1")).JsonAsync();
        var token = first.GetProperty("nextPageToken").GetString();
        var second = await (await member.GetAsync($"/api/v1/operations?target={id}&pageSize=1&pageToken={token}")).JsonAsync();
        using var replayed = await member.GetAsync($"/api/v1/operations?target={id}&pageSize=1&state=failed&pageToken={token}");
        var outsider = await (await globex.GetAsync($"/api/v1/operations?target={id}")).JsonAsync();
        var platform = await (await (await S.Client(S.PlatformViewer)).GetAsync($"/api/v1/operations?target={id}")).JsonAsync();

        Assert.Equal(2, first.GetProperty("totalCount").GetInt32());
        Assert.Equal("mks-cluster.resync", first.GetProperty("items")[0].GetProperty("kind").GetString());
        Assert.Equal("mks-cluster.create", second.GetProperty("items")[0].GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextPageToken").ValueKind);
        await replayed.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, ApiPaging.PageTokenField);
        Assert.Equal(0, outsider.GetProperty("totalCount").GetInt32());
        Assert.Equal(2, platform.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task GetOperation_PlatformOperation_NotFoundForTenantMembersVisibleToPlatformReadersWhoMayNotRetryIt()
    {
        // A platform operation that already failed (the engine leaves finished ones alone).
        var now = DateTimeOffset.UtcNow;
        var platform = Operation.Create("platform-test.noop", new OperationTarget("ServicePlatform", S.MksId.ToString(), "Standard / MKS"), "{}", S.Admin,
            ["Do nothing"], now);
        platform.Start(now);
        platform.Fail("Nothing to do.", now);
        await using (var db = S.NewContext())
        {
            db.Operations.Add(platform);
            await db.SaveChangesAsync();
        }
        var url = ApiResults.OperationUrl(platform.Id);
        using var member = await S.Client(S.AcmeMember);
        using var viewer = await S.Client(S.PlatformViewer);

        using var memberGet = await member.GetAsync(url);
        using var memberRetry = await member.PostJsonAsync<object?>($"{url}/retry", null);
        var viewerGet = await (await viewer.GetAsync(url)).JsonAsync();
        using var viewerRetry = await viewer.PostJsonAsync<object?>($"{url}/retry", null);
        var memberList = await (await member.GetAsync("/api/v1/operations?pageSize=200")).JsonAsync();

        await memberGet.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        await memberRetry.ProblemAsync(HttpStatusCode.NotFound, ApiProblemCodes.NotFound);
        Assert.Equal("failed", viewerGet.GetProperty("state").GetString());
        Assert.Equal("ServicePlatform", viewerGet.GetProperty("target").GetProperty("type").GetString());
        await viewerRetry.ProblemAsync(HttpStatusCode.Forbidden, ApiProblemCodes.Forbidden);
        Assert.All(memberList.GetProperty("items").EnumerateArray(), o => Assert.True(
            o.GetProperty("target").GetProperty("type").GetString() is ClusterOperations.ClusterTarget or ClusterOperations.PoolTarget or DatabaseOperations.Target,
            o.ToString()));
    }

    [Fact]
    public async Task ListOperations_UnknownState_UnprocessableNamingState()
    {
        using var member = await S.Client(S.AcmeMember);

        using var response = await member.GetAsync("/api/v1/operations?state=paused");

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ApiProblemCodes.Invalid, "state");
    }
}
