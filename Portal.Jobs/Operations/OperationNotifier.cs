using Microsoft.Extensions.Logging;
using Portal.Domain.Operations;

namespace Portal.Jobs.Operations;

/// <summary>
/// Something about an operation changed: its state, a step, or a step's message. <see cref="StepIndex"/> and
/// <see cref="StepState"/> describe the step running now or, when none is, the one that finished last (null before
/// any step ran).
/// </summary>
public sealed record OperationChanged(Guid OperationId, string Kind, string TargetType, string TargetId, OperationState State,
    int? StepIndex, StepState? StepState)
{
    public static OperationChanged Of(Operation operation)
    {
        var step = operation.Steps.FirstOrDefault(s => s.State == Domain.Operations.StepState.Running)
            ?? operation.Steps.LastOrDefault(s => s.State != Domain.Operations.StepState.Pending);
        return new(operation.Id, operation.Kind, operation.TargetType, operation.TargetId, operation.State, step?.Index, step?.State);
    }
}

/// <summary>
/// Tells whoever listens (pages showing operations) that an operation changed, so they reload without polling.
/// In-process only: it is raised after each change is saved, by the engine and by <see cref="OperationService"/>.
/// A subscriber typically reloads its data and calls <c>InvokeAsync(StateHasChanged)</c>; dispose the
/// subscription when the component goes away.
/// </summary>
public sealed class OperationNotifier(ILogger<OperationNotifier> logger)
{
    private readonly Lock _lock = new();
    private Subscription[] _subscriptions = [];

    /// <summary>Every change to every operation.</summary>
    public IDisposable Subscribe(Func<OperationChanged, Task> callback) => Add(_ => true, callback);

    /// <summary>Changes to the operations of one resource (its action history).</summary>
    public IDisposable SubscribeToTarget(string targetType, string targetId, Func<OperationChanged, Task> callback) =>
        Add(c => c.TargetType == targetType && c.TargetId == targetId, callback);

    /// <summary>Changes to one operation.</summary>
    public IDisposable SubscribeToOperation(Guid operationId, Func<OperationChanged, Task> callback) =>
        Add(c => c.OperationId == operationId, callback);

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    /// <summary>
    /// Calls each matching subscriber. A subscriber's failure is logged and does not reach the publisher (the
    /// engine must not fail an operation because a browser tab went away).
    /// </summary>
    public void Publish(OperationChanged change)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!subscription.Matches(change)) continue;
            try
            {
                var pending = subscription.Callback(change);
                if (!pending.IsCompletedSuccessfully)
                    _ = ObserveAsync(pending, change);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "An operation change subscriber failed for operation {OperationId}", change.OperationId);
            }
        }
    }

    private async Task ObserveAsync(Task pending, OperationChanged change)
    {
        try
        {
            await pending;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "An operation change subscriber failed for operation {OperationId}", change.OperationId);
        }
    }

    private Subscription Add(Func<OperationChanged, bool> matches, Func<OperationChanged, Task> callback)
    {
        var subscription = new Subscription(this, matches, callback);
        lock (_lock)
            _subscriptions = [.. _subscriptions, subscription];
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
            _subscriptions = _subscriptions.Where(s => !ReferenceEquals(s, subscription)).ToArray();
    }

    private sealed class Subscription(OperationNotifier owner, Func<OperationChanged, bool> matches, Func<OperationChanged, Task> callback) : IDisposable
    {
        public Func<OperationChanged, Task> Callback { get; } = callback;

        public bool Matches(OperationChanged change) => matches(change);

        public void Dispose() => owner.Remove(this);
    }
}
