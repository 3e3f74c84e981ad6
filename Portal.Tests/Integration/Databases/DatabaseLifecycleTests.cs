using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Databases;

/// <summary>Databases through the real engine against the demo cloud's CloudNativePG: create, day-2, delete, and how failures land.</summary>
public sealed class DatabaseLifecycleTests : IAsyncLifetime
{
    private DatabaseScenario _s = null!;

    public async Task InitializeAsync() => _s = await DatabaseScenario.CreateAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task CreateAsync_ThreeInstances_BecomesActiveWithAPrimaryAndTwoReplicas()
    {
        var database = await _s.CreateActiveAsync();

        Assert.Equal(3, database.ReadyInstances);
        Assert.Equal(3, database.InstanceList.Count);
        Assert.NotNull(database.CurrentPrimary);
        Assert.Equal(ManagedDatabase.HealthyPhase, database.OperatorPhase);
        var cluster = await _s.ClusterObjectAsync(database.Id);
        Assert.Equal(3, cluster!["spec"]!["instances"]!.GetValue<int>());
        Assert.Equal("ghcr.io/cloudnative-pg/postgresql:16.9", cluster["spec"]!["imageName"]!.GetValue<string>());
        var operation = await _s.FinishedAsync(database.Id, DatabaseOperations.Create);
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
    }

    [Fact]
    public async Task ScaleAsync_ToOneAndBack_AppliesAndReturnsToActive()
    {
        var database = await _s.CreateActiveAsync();

        (await _s.Databases.ScaleAsync(_s.Member, database.Id, database.Version, 1)).ShouldSucceed();
        var scaled = await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, Instances: 1 });
        await _s.FinishedAsync(database.Id, DatabaseOperations.Scale);
        scaled = await _s.FindAsync(database.Id);
        Assert.Equal(1, scaled!.ReadyInstances);
        Assert.Equal(1, (await _s.ClusterObjectAsync(database.Id))!["spec"]!["instances"]!.GetValue<int>());

        (await _s.Databases.ScaleAsync(_s.Member, database.Id, scaled.Version, 3)).ShouldSucceed();
        await _s.WaitForAsync(database.Id, d => d is { State: ClusterState.Active, Instances: 3, ReadyInstances: 3 });
    }

    [Fact]
    public async Task RevealAsync_ActiveDatabase_ReadsTheAppSecretAndAuditsWithoutTheSecret()
    {
        var database = await _s.CreateActiveAsync();

        var details = (await _s.Connections.RevealAsync(_s.Member, database.Id)).ShouldSucceed();

        Assert.Equal("app", details.Database);
        Assert.Equal("app", details.User);
        Assert.False(string.IsNullOrEmpty(details.Password));
        Assert.StartsWith($"postgresql://app:", details.Uri);
        Assert.Contains($"orders-rw.{DatabaseService.NamespaceFor(_s.ProjectId)}", details.Uri);
        Assert.Contains("orders-ro", details.ReadOnlyHost);
        await using var db = _s.Host.NewContext();
        var audit = db.AuditEntries.Where(a => a.Action == "postgres-database.reveal-connection").ToList();
        var entry = Assert.Single(audit);
        Assert.DoesNotContain(details.Password, entry.Parameters);
        Assert.DoesNotContain(details.Password, entry.TargetName);
    }

    [Fact]
    public async Task DeleteAsync_ActiveDatabase_RemovesTheClusterAndTheRow()
    {
        var database = await _s.CreateActiveAsync();

        (await _s.Databases.DeleteAsync(_s.Member, database.Id, "orders")).ShouldSucceed();

        await _s.WaitForAsync(database.Id, d => d is null);
        Assert.Null(await _s.ClusterObjectAsync(database));
    }
}
