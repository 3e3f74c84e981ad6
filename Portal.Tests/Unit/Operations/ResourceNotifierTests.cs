using Microsoft.Extensions.Logging.Abstractions;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;

namespace Portal.Tests.Unit.Operations;

public sealed class ResourceNotifierTests
{
    [Fact]
    public void Publish_OperationChanged_AnnouncesItsTargetAsChanged()
    {
        var operations = new OperationNotifier(NullLogger<OperationNotifier>.Instance);
        using var resources = new ResourceNotifier(operations, NullLogger<ResourceNotifier>.Instance);
        var seen = new List<ResourceChanged>();
        using var subscription = resources.Subscribe(_ => true, change => { seen.Add(change); return Task.CompletedTask; });

        operations.Publish(new OperationChanged(Guid.NewGuid(), "mks-node-pool.scale", "NodePool", "pool-1", OperationState.Running, 0, StepState.Running));

        Assert.Equal([new ResourceChanged("NodePool", "pool-1")], seen);
    }

    [Fact]
    public void Subscribe_WithAFilterAndDisposed_HearsOnlyMatchingChangesUntilDisposed()
    {
        using var resources = new ResourceNotifier(new OperationNotifier(NullLogger<OperationNotifier>.Instance), NullLogger<ResourceNotifier>.Instance);
        var seen = new List<string>();
        var subscription = resources.Subscribe(c => c.Type == "KubernetesCluster", change => { seen.Add(change.Id); return Task.CompletedTask; });

        resources.Publish(new ResourceChanged("KubernetesCluster", "c-1"));
        resources.Publish(new ResourceChanged("ServicePlatform", "p-1"));
        subscription.Dispose();
        resources.Publish(new ResourceChanged("KubernetesCluster", "c-2"));

        Assert.Equal(["c-1"], seen);
        Assert.Equal(0, resources.SubscriberCount);
    }

    [Fact]
    public void Publish_SubscriberThrows_DoesNotReachThePublisherOrTheOtherSubscribers()
    {
        using var resources = new ResourceNotifier(new OperationNotifier(NullLogger<OperationNotifier>.Instance), NullLogger<ResourceNotifier>.Instance);
        var heard = 0;
        using var failing = resources.Subscribe(_ => true, _ => throw new InvalidOperationException("The page went away."));
        using var listening = resources.Subscribe(_ => true, _ => { heard++; return Task.CompletedTask; });

        resources.Publish(new ResourceChanged("KubernetesCluster", "c-1"));

        Assert.Equal(1, heard);
    }

    [Fact]
    public void Publish_OperationRefresh_ReachesEverySubscriberOfBothNotifiersWhateverItsFilter()
    {
        var operations = new OperationNotifier(NullLogger<OperationNotifier>.Instance);
        using var resources = new ResourceNotifier(operations, NullLogger<ResourceNotifier>.Instance);
        var seenOperations = new List<OperationChanged>();
        var seenResources = new List<ResourceChanged>();
        using var one = operations.SubscribeToOperation(Guid.NewGuid(), change => { seenOperations.Add(change); return Task.CompletedTask; });
        using var target = operations.SubscribeToTarget("NodePool", "pool-1", change => { seenOperations.Add(change); return Task.CompletedTask; });
        using var none = resources.Subscribe(_ => false, change => { seenResources.Add(change); return Task.CompletedTask; });

        operations.Publish(OperationChanged.Refresh);

        Assert.Equal([OperationChanged.Refresh, OperationChanged.Refresh], seenOperations);
        Assert.Equal([ResourceChanged.Refresh], seenResources);
        Assert.True(seenResources[0].IsRefresh);
    }
}
