using Microsoft.Extensions.Logging;

namespace Portal.Jobs.Operations;

/// <summary>
/// In-process publish and subscribe of change events, for the notifiers pages listen to. Publishing calls each matching
/// subscriber on the publisher's thread and returns without waiting for what it started; a subscriber's failure is
/// logged and never reaches the publisher (the engine must not fail an operation because a browser tab went away).
/// </summary>
public sealed class Broadcast<T>(ILogger logger, Func<T, string> describe)
{
    private readonly Lock _lock = new();
    private Subscription[] _subscriptions = [];

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    public IDisposable Subscribe(Func<T, bool> matches, Func<T, Task> callback)
    {
        var subscription = new Subscription(this, matches, callback);
        lock (_lock)
            _subscriptions = [.. _subscriptions, subscription];
        return subscription;
    }

    public void Publish(T change) => Deliver(change, everyone: false);

    /// <summary>
    /// Calls every subscriber, whatever its filter accepts: for a "something may have changed" after this process may
    /// have missed events (a subscriber's filter names ids, and the missed event's id is not known).
    /// </summary>
    public void PublishToAll(T change) => Deliver(change, everyone: true);

    private void Deliver(T change, bool everyone)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!everyone && !subscription.Matches(change)) continue;
            try
            {
                var pending = subscription.Callback(change);
                if (!pending.IsCompletedSuccessfully)
                    _ = ObserveAsync(pending, change);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "A subscriber failed on {Change}", describe(change));
            }
        }
    }

    private async Task ObserveAsync(Task pending, T change)
    {
        try
        {
            await pending;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A subscriber failed on {Change}", describe(change));
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
            _subscriptions = _subscriptions.Where(s => !ReferenceEquals(s, subscription)).ToArray();
    }

    private sealed class Subscription(Broadcast<T> owner, Func<T, bool> matches, Func<T, Task> callback) : IDisposable
    {
        public Func<T, Task> Callback { get; } = callback;

        public bool Matches(T change) => matches(change);

        public void Dispose() => owner.Remove(this);
    }
}
