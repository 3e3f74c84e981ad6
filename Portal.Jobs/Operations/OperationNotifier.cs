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
/// Every change of an operation is also a change of its target, announced by <see cref="IResourceNotifier"/>.
/// A subscriber typically reloads its data and calls <c>InvokeAsync(StateHasChanged)</c>; dispose the
/// subscription when the component goes away.
/// </summary>
public sealed class OperationNotifier(ILogger<OperationNotifier> logger)
{
    private readonly Broadcast<OperationChanged> _changes = new(logger, c => $"operation {c.OperationId}");

    /// <summary>Every change to every operation.</summary>
    public IDisposable Subscribe(Func<OperationChanged, Task> callback) => _changes.Subscribe(_ => true, callback);

    /// <summary>Changes to the operations of one resource (its action history).</summary>
    public IDisposable SubscribeToTarget(string targetType, string targetId, Func<OperationChanged, Task> callback) =>
        _changes.Subscribe(c => c.TargetType == targetType && c.TargetId == targetId, callback);

    /// <summary>Changes to one operation.</summary>
    public IDisposable SubscribeToOperation(Guid operationId, Func<OperationChanged, Task> callback) =>
        _changes.Subscribe(c => c.OperationId == operationId, callback);

    public int SubscriberCount => _changes.SubscriberCount;

    /// <summary>Calls each matching subscriber (see <see cref="Broadcast{T}"/>).</summary>
    public void Publish(OperationChanged change) => _changes.Publish(change);
}
