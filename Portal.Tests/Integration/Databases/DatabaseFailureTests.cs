using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Databases;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Databases;

/// <summary>How the operator's faults land: Error for a create, Degraded for a change, visible reasons, retry and cancel.</summary>
public sealed class DatabaseFailureTests : IAsyncLifetime
{
    private DatabaseScenario _s = null!;

    public async Task InitializeAsync() => _s = await DatabaseScenario.CreateAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private string Namespace => DatabaseService.NamespaceFor(_s.ProjectId);

    [Fact]
    public async Task CreateAsync_DiskFullWhileCreating_IsErrorWithTheOperatorsWordsThenRetrySucceedsOnceHealed()
    {
        _s.Kube.InjectDatabaseFault(DemoDatabaseFault.DiskFull, Namespace, "orders");
        var id = await _s.CreateAsync(_s.Request());

        var failed = await _s.WaitForAsync(id, d => d?.State == ClusterState.Error);
        Assert.Contains("disk space", failed!.StateReason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(OperationState.Failed, (await _s.FinishedAsync(id, DatabaseOperations.Create)).State);

        _s.Kube.HealDatabaseFault(DemoDatabaseFault.DiskFull, Namespace, "orders");
        (await _s.Databases.RetryAsync(_s.Member, failed.LastOperationId!.Value)).ShouldSucceed();
        await _s.WaitForAsync(id, d => d is { State: ClusterState.Active, ReadyInstances: 3 });
    }

    [Fact]
    public async Task DiskFullOnAnIdleDatabase_TheReconcileMakesItDegradedAndActiveAgainWhenItClears()
    {
        var database = await _s.CreateActiveAsync();
        _s.Kube.InjectDatabaseFault(DemoDatabaseFault.DiskFull, Namespace, database.Name);

        await ServiceConfigsPoll(async () => { await _s.Reconciler.ReconcileAllAsync(default); return await _s.FindAsync(database.Id); },
            d => d?.State == ClusterState.Degraded);
        var degraded = await _s.FindAsync(database.Id);
        Assert.Contains("disk space", degraded!.ProviderFault, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(degraded.ProviderFault!, (await _s.Databases.ListAsync(_s.Member, new DatabaseFilter(), new PageRequest())).Items.Single().Fault);

        _s.Kube.HealDatabaseFault(DemoDatabaseFault.DiskFull, Namespace, database.Name);
        await ServiceConfigsPoll(async () => { await _s.Reconciler.ReconcileAllAsync(default); return await _s.FindAsync(database.Id); },
            d => d?.State == ClusterState.Active);
    }

    [Fact]
    public async Task BackupNowAsync_BackupsFailing_IsDegradedWithTheStoresErrorAndTheWarningShows()
    {
        var database = await _s.CreateActiveAsync(_s.Request(backups: true));
        _s.Kube.InjectDatabaseFault(DemoDatabaseFault.BackupsFailing, Namespace, database.Name);

        (await _s.Databases.BackupNowAsync(_s.Member, database.Id, database.Version)).ShouldSucceed();

        var degraded = await _s.WaitForAsync(database.Id, d => d?.State == ClusterState.Degraded);
        Assert.Contains("AccessDenied", degraded!.StateReason);
        var row = (await _s.Databases.ListAsync(_s.Member, new DatabaseFilter(), new PageRequest())).Items.Single();
        Assert.Contains("failed", row.BackupWarning);
        var detail = (await _s.Databases.GetAsync(_s.Member, database.Id)).ShouldSucceed();
        Assert.Contains("AccessDenied", detail.Backups.LastFailure);
    }

    [Fact]
    public async Task CancelAsync_RunningCreate_LeavesTheDatabaseInErrorSayingWhoCancelled()
    {
        _s.Kube.InjectDatabaseFault(DemoDatabaseFault.StuckBootstrap, Namespace, "orders");
        var id = await _s.CreateAsync(_s.Request());
        var create = (await _s.HistoryAsync(id)).Single();
        await _s.Host.WaitForOperationAsync(create.Id, o => o.State == OperationState.Running);

        (await _s.Databases.CancelAsync(_s.Member, create.Id)).ShouldSucceed();

        var cancelled = await _s.WaitForAsync(id, d => d?.State == ClusterState.Error);
        Assert.Contains("cancelled by", cancelled!.StateReason);
        Assert.Equal(OperationState.Cancelled, (await _s.Host.WaitForOperationAsync(create.Id)).State);
        // The way out of Error is deletion, which works.
        (await _s.Databases.DeleteAsync(_s.Member, id, "orders")).ShouldSucceed();
        await _s.WaitForAsync(id, d => d is null);
    }

    private static Task<ManagedDatabase?> ServiceConfigsPoll(Func<Task<ManagedDatabase?>> load, Func<ManagedDatabase?, bool> condition) =>
        Portal.Tests.Integration.ServiceConfigs.ServiceConfigTestHost.PollAsync(load, condition, TimeSpan.FromSeconds(20),
            d => d is null ? "gone" : $"{d.State} ('{d.StateReason}', fault '{d.ProviderFault}', phase '{d.OperatorPhase}')");
}

/// <summary>A bootstrap the operator never finishes becomes a visible fault after the configured time, in its own words.</summary>
public sealed class DatabaseStuckPhaseTests : IAsyncLifetime
{
    private DatabaseScenario _s = null!;

    public async Task InitializeAsync() => _s = await DatabaseScenario.CreateAsync(configure: services =>
        services.Replace(ServiceDescriptor.Singleton(new DatabaseOperationOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
            WaitLimit = TimeSpan.FromSeconds(30),
            FaultConfirmation = TimeSpan.FromMilliseconds(200),
            SettleTime = TimeSpan.FromMilliseconds(100),
            StuckPhaseAfter = TimeSpan.FromSeconds(2),
            ReconcileInterval = TimeSpan.FromHours(1),
        })));

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task CreateAsync_PrimaryNeverComesUp_FailsAfterTheLimitNamingThePhaseAndItsReason()
    {
        _s.Kube.InjectDatabaseFault(DemoDatabaseFault.StuckBootstrap, DatabaseService.NamespaceFor(_s.ProjectId), "orders");
        var id = await _s.CreateAsync(_s.Request());

        var failed = await _s.WaitForAsync(id, d => d?.State == ClusterState.Error);

        Assert.Contains("Setting up primary", failed!.StateReason);
        Assert.Contains("orders-1", failed.StateReason);
    }
}
