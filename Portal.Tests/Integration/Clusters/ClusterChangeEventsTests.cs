using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>
/// "Resource changed" events, which pages refresh on instead of a timer: every change of a cluster's operations, and every
/// read-back of the periodic reconcile that changed what a person sees (and only those).
/// </summary>
public sealed class ClusterChangeEventsTests
{
    [Fact]
    public async Task ScalePoolAsync_ToTheEnd_AnnouncesThePoolFromTheCommandUntilTheOperationSucceeded()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();
        using var events = new EventLog(s);

        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 3)).ShouldSucceed();
        var scale = await s.FinishedAsync(cluster.Id, ClusterOperations.ScalePool);

        Assert.Equal(OperationState.Succeeded, scale.State);
        // Queued (the command's hand-over), each step, and the end: all announced as changes of the pool. The end is
        // announced after its commit, so a reader of the row may see it a moment before the announcement arrives.
        var expected = 1 + scale.Steps.Count + 1;
        await Integration.ServiceConfigs.ServiceConfigTestHost.PollAsync(() => Task.FromResult(events.Of(ClusterOperations.PoolTarget, pool.Id)),
            count => count >= expected, TimeSpan.FromSeconds(5), count => $"only {count} of {expected} changes of the pool were announced");
    }

    [Fact]
    public async Task ReconcileAllAsync_OnlyWhenWhatItReadChangedARow_AnnouncesTheCluster()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        await s.Reconciler.ReconcileAllAsync(default);
        using var events = new EventLog(s);

        await s.Reconciler.ReconcileAllAsync(default);
        Assert.Equal(0, events.Of(ClusterOperations.ClusterTarget, cluster.Id));

        s.Kube.FailNext("MachineDeployment", "web-prod-workers", "QuotaExceeded", "Quota exceeded for instances");
        await Integration.ServiceConfigs.ServiceConfigTestHost.PollAsync(async () =>
        {
            await s.Reconciler.ReconcileAllAsync(default);
            return (await s.FindAsync(cluster.Id))!;
        }, c => c.Pools.Single().State == ClusterState.Degraded, TimeSpan.FromSeconds(10), c => $"pool is {c.Pools.Single().State}");
        Assert.True(events.Of(ClusterOperations.ClusterTarget, cluster.Id) >= 1, "The fault that degraded the pool was not announced.");
    }

    /// <summary>Counts the resource-changed events the portal's notifier publishes while it lives.</summary>
    private sealed class EventLog : IDisposable
    {
        private readonly ConcurrentQueue<ResourceChanged> _events = new();
        private readonly IDisposable _subscription;

        public EventLog(ClusterScenario s) =>
            _subscription = s.Host.Services.GetRequiredService<IResourceNotifier>().Subscribe(_ => true, change =>
            {
                _events.Enqueue(change);
                return Task.CompletedTask;
            });

        public int Of(string type, Guid id) => _events.Count(e => e.Type == type && e.Id == id.ToString());

        public void Dispose() => _subscription.Dispose();
    }
}
