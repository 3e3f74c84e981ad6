using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Databases;
using Portal.Tests.Integration.Clusters;
using Portal.Tests.Support;
using DbSteps = Portal.Domain.Databases.DatabaseOperations.Steps;

namespace Portal.Tests.Integration.Databases;

/// <summary>
/// A database operation stopped in its wait and resumed on a platform cluster that lost what its apply step did (a demo
/// state saved before the apply, as a kill -9 leaves it): the resumed wait applies the database again and ends Succeeded.
/// </summary>
public sealed class DatabaseCrashResumeTests
{
    private static readonly DemoControllerDelays Slow = DemoControllerDelays.Instant with
    {
        PostgresPrimary = TimeSpan.FromSeconds(3),
        PostgresReplica = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public async Task CreateAsync_RestartedOnADemoStateSavedBeforeTheApply_AppliesTheDatabaseAgainAndEndsSucceeded()
    {
        var rewind = new DemoStateRewind();
        await using var s = await StartAsync(rewind);
        var before = rewind.Save(s.Host);

        var id = (await Databases(s).CreateAsync(s.Member, Request(s, instances: 1))).ShouldSucceed().DatabaseId;
        var create = await OperationAsync(s, id, DatabaseOperations.Create);
        await CrashResumeTests.CrashDuringAsync(s, rewind, before, create.Id, DbSteps.WaitForPrimary);

        CrashResumeTests.AssertSucceeded(await s.Host.WaitForOperationAsync(create.Id, timeout: TimeSpan.FromSeconds(90)));
        var database = (await Databases(s).FindAsync(id))!.Database;
        Assert.Equal(ClusterState.Active, database.State);
        Assert.Equal(1, database.ReadyInstances);
    }

    [Fact]
    public async Task ScaleAsync_RestartedOnADemoStateSavedBeforeTheApply_AppliesTheNewCountAgainAndEndsSucceeded()
    {
        var rewind = new DemoStateRewind();
        await using var s = await StartAsync(rewind);
        var id = (await Databases(s).CreateAsync(s.Member, Request(s, instances: 1))).ShouldSucceed().DatabaseId;
        CrashResumeTests.AssertSucceeded(await s.Host.WaitForOperationAsync((await OperationAsync(s, id, DatabaseOperations.Create)).Id, timeout: TimeSpan.FromSeconds(30)));
        var before = rewind.Save(s.Host);

        (await Databases(s).ScaleAsync(s.Member, id, (await Databases(s).FindAsync(id))!.Database.Version, 3)).ShouldSucceed();
        var scale = await OperationAsync(s, id, DatabaseOperations.Scale);
        await CrashResumeTests.CrashDuringAsync(s, rewind, before, scale.Id, DbSteps.WaitForInstances);

        CrashResumeTests.AssertSucceeded(await s.Host.WaitForOperationAsync(scale.Id, timeout: TimeSpan.FromSeconds(90)));
        var database = (await Databases(s).FindAsync(id))!.Database;
        Assert.Equal(3, database.ReadyInstances);
    }

    /// <summary>The cluster scenario remembering its demo state, with an active Managed PostgreSQL platform.</summary>
    private static async Task<ClusterScenario> StartAsync(DemoStateRewind rewind)
    {
        var s = await ClusterScenario.CreateAsync(Slow, rememberDemo: true, configure: rewind.Register);
        try
        {
            var started = (await s.Host.Configs.CreatePostgresPlatformAsync(s.Host.Admin, s.ConfigId, PostgresMode.Managed, "1.26.1", null, null)).ShouldSucceed();
            await s.Host.WaitForPlatformAsync(started.PlatformId, p => p?.State == PlatformState.Active, TimeSpan.FromSeconds(30));
            return s;
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }

    private static DatabaseService Databases(ClusterScenario s) => s.Host.Services.GetRequiredService<DatabaseService>();

    private static CreateDatabaseRequest Request(ClusterScenario s, int instances) =>
        new(s.ProjectId, "orders", s.ConfigId, 16, instances, "small", 10, "app", "app", false, null, null, null, null);

    private static async Task<Operation> OperationAsync(ClusterScenario s, Guid databaseId, string kind) =>
        (await Databases(s).HistoryAsync(s.Member, databaseId, new PageRequest(0, 100))).ShouldSucceed().Items.First(o => o.Kind == kind);
}
