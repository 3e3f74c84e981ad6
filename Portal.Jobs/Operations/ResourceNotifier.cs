using Microsoft.Extensions.Logging;
using Portal.Jobs.Operations.Dispatch;

namespace Portal.Jobs.Operations;

/// <summary>
/// A resource changed: its state, its spec or what the cloud reports about it. <paramref name="Type"/> and
/// <paramref name="Id"/> are the resource's as its operations name it (<c>KubernetesCluster</c>, <c>NodePool</c>,
/// <c>ServicePlatform</c> and the id as text), so one event type serves every kind of resource.
/// </summary>
public sealed record ResourceChanged(string Type, string Id)
{
    /// <summary>
    /// "Anything may have changed": this process may have missed events (its connection to the other replicas was
    /// down). Every subscriber hears it, whatever its filter; it names no resource.
    /// </summary>
    public static readonly ResourceChanged Refresh = new("", "");

    /// <summary>This is <see cref="Refresh"/>: reload whatever is shown.</summary>
    public bool IsRefresh => Type.Length == 0 && Id.Length == 0;
}

/// <summary>
/// Tells pages that a resource changed, so they reload when something changes instead of on a timer. Raised after the
/// change is saved: by the engine for every change of an operation (the operation's target; the outcome commits with the
/// operation's last change) and by the periodic reconcile when what it read back changed a row. On PostgreSQL the
/// change feed (<see cref="PostgresChangeFeed"/>) carries them between replicas. A subscriber that filters inside its
/// callback must let <see cref="ResourceChanged.IsRefresh"/> through (the subscription's own filter is skipped for it).
/// </summary>
public interface IResourceNotifier
{
    void Publish(ResourceChanged change);

    /// <summary>Calls <paramref name="callback"/> for each change <paramref name="matches"/> accepts; dispose the subscription with its page.</summary>
    IDisposable Subscribe(Func<ResourceChanged, bool> matches, Func<ResourceChanged, Task> callback);
}

/// <summary>The <see cref="IResourceNotifier"/>; it also turns every operation change into a change of the operation's target.</summary>
public sealed class ResourceNotifier : IResourceNotifier, IDisposable
{
    private readonly Broadcast<ResourceChanged> _changes;
    private readonly IDisposable _operations;
    private IChangeRelay? _relay;

    public ResourceNotifier(OperationNotifier operations, ILogger<ResourceNotifier> logger)
    {
        _changes = new Broadcast<ResourceChanged>(logger, c => c.IsRefresh ? "a refresh" : $"{c.Type} {c.Id}");
        // Derived here in every process, from local and relayed operation changes alike: never relayed themselves.
        _operations = operations.Subscribe(change =>
        {
            Deliver(change.IsRefresh ? ResourceChanged.Refresh : new ResourceChanged(change.TargetType, change.TargetId));
            return Task.CompletedTask;
        });
    }

    public int SubscriberCount => _changes.SubscriberCount;

    /// <summary>Calls each matching subscriber, then hands the change to the other replicas, if any listen.</summary>
    public void Publish(ResourceChanged change)
    {
        Deliver(change);
        Volatile.Read(ref _relay)?.Send(change);
    }

    public IDisposable Subscribe(Func<ResourceChanged, bool> matches, Func<ResourceChanged, Task> callback) => _changes.Subscribe(matches, callback);

    /// <summary>Calls this process's subscribers only: for a change another replica published.</summary>
    internal void Deliver(ResourceChanged change)
    {
        if (change.IsRefresh)
            _changes.PublishToAll(change);
        else
            _changes.Publish(change);
    }

    /// <inheritdoc cref="OperationNotifier.TryAttach"/>
    internal bool TryAttach(IChangeRelay relay) => Interlocked.CompareExchange(ref _relay, relay, null) is null;

    internal void Detach(IChangeRelay relay) => Interlocked.CompareExchange(ref _relay, null, relay);

    public void Dispose() => _operations.Dispose();
}
