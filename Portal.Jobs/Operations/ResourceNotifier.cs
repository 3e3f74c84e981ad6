using Microsoft.Extensions.Logging;

namespace Portal.Jobs.Operations;

/// <summary>
/// A resource changed: its state, its spec or what the cloud reports about it. <paramref name="Type"/> and
/// <paramref name="Id"/> are the resource's as its operations name it (<c>KubernetesCluster</c>, <c>NodePool</c>,
/// <c>ServicePlatform</c> and the id as text), so one event type serves every kind of resource.
/// </summary>
public sealed record ResourceChanged(string Type, string Id);

/// <summary>
/// Tells pages that a resource changed, so they reload when something changes instead of on a timer. Raised after the
/// change is saved: by the engine for every change of an operation (the operation's target; the outcome commits with the
/// operation's last change) and by the periodic reconcile when what it read back changed a row. Behind an interface so
/// that the events can later travel between portal replicas; today they stay in the process that saved the change.
/// </summary>
public interface IResourceNotifier
{
    void Publish(ResourceChanged change);

    /// <summary>Calls <paramref name="callback"/> for each change <paramref name="matches"/> accepts; dispose the subscription with its page.</summary>
    IDisposable Subscribe(Func<ResourceChanged, bool> matches, Func<ResourceChanged, Task> callback);
}

/// <summary>The in-process <see cref="IResourceNotifier"/>; it also turns every operation change into a change of the operation's target.</summary>
public sealed class ResourceNotifier : IResourceNotifier, IDisposable
{
    private readonly Broadcast<ResourceChanged> _changes;
    private readonly IDisposable _operations;

    public ResourceNotifier(OperationNotifier operations, ILogger<ResourceNotifier> logger)
    {
        _changes = new Broadcast<ResourceChanged>(logger, c => $"{c.Type} {c.Id}");
        _operations = operations.Subscribe(change =>
        {
            Publish(new ResourceChanged(change.TargetType, change.TargetId));
            return Task.CompletedTask;
        });
    }

    public int SubscriberCount => _changes.SubscriberCount;

    public void Publish(ResourceChanged change) => _changes.Publish(change);

    public IDisposable Subscribe(Func<ResourceChanged, bool> matches, Func<ResourceChanged, Task> callback) => _changes.Subscribe(matches, callback);

    public void Dispose() => _operations.Dispose();
}
