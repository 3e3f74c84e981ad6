using Microsoft.Extensions.Logging;
using Portal.Domain.Operations;
using Portal.Jobs.Operations.Dispatch;

namespace Portal.Jobs.Operations;

/// <summary>
/// Something about an operation changed: its state, a step, or a step's message. <see cref="StepIndex"/> and
/// <see cref="StepState"/> describe the step running now or, when none is, the one that finished last (null before
/// any step ran).
/// </summary>
public sealed record OperationChanged(Guid OperationId, string Kind, string TargetType, string TargetId, OperationState State,
    int? StepIndex, StepState? StepState)
{
    /// <summary>
    /// "Anything may have changed": this process may have missed events (its connection to the other replicas was
    /// down). Every subscriber hears it, whatever its filter; its fields name no operation.
    /// </summary>
    public static readonly OperationChanged Refresh = new(Guid.Empty, "", "", "", default, null, null);

    /// <summary>Someone asked to cancel the operation: the replica running it interrupts the running step on hearing it.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>This is <see cref="Refresh"/>: reload whatever is shown.</summary>
    public bool IsRefresh => OperationId == Guid.Empty;

    public static OperationChanged Of(Operation operation)
    {
        var step = operation.Steps.FirstOrDefault(s => s.State == Domain.Operations.StepState.Running)
            ?? operation.Steps.LastOrDefault(s => s.State != Domain.Operations.StepState.Pending);
        return new(operation.Id, operation.Kind, operation.TargetType, operation.TargetId, operation.State, step?.Index, step?.State)
        {
            CancelRequested = operation.CancelRequested,
        };
    }
}

/// <summary>
/// Tells whoever listens (pages showing operations) that an operation changed, so they reload without polling.
/// It is raised after each change is saved, by the engine and by <see cref="OperationService"/>; on PostgreSQL the
/// change feed (<see cref="PostgresChangeFeed"/>) also carries it to every other replica and delivers theirs here, so
/// a page hears of an operation whichever replica runs it. Every change of an operation is also a change of its
/// target, announced by <see cref="IResourceNotifier"/>. A subscriber typically reloads its data and calls
/// <c>InvokeAsync(StateHasChanged)</c>; dispose the subscription when the component goes away. A subscriber that
/// filters inside its callback must let <see cref="OperationChanged.IsRefresh"/> through.
/// </summary>
public sealed class OperationNotifier(ILogger<OperationNotifier> logger)
{
    private readonly Broadcast<OperationChanged> _changes = new(logger, c => c.IsRefresh ? "a refresh" : $"operation {c.OperationId}");
    private IChangeRelay? _relay;

    /// <summary>Every change to every operation.</summary>
    public IDisposable Subscribe(Func<OperationChanged, Task> callback) => _changes.Subscribe(_ => true, callback);

    /// <summary>Changes to the operations of one resource (its action history).</summary>
    public IDisposable SubscribeToTarget(string targetType, string targetId, Func<OperationChanged, Task> callback) =>
        _changes.Subscribe(c => c.TargetType == targetType && c.TargetId == targetId, callback);

    /// <summary>Changes to one operation.</summary>
    public IDisposable SubscribeToOperation(Guid operationId, Func<OperationChanged, Task> callback) =>
        _changes.Subscribe(c => c.OperationId == operationId, callback);

    public int SubscriberCount => _changes.SubscriberCount;

    /// <summary>Calls each matching subscriber (see <see cref="Broadcast{T}"/>), then hands the change to the other replicas, if any listen.</summary>
    public void Publish(OperationChanged change)
    {
        Deliver(change);
        Volatile.Read(ref _relay)?.Send(change);
    }

    /// <summary>Calls this process's subscribers only: for a change another replica published (it reached the others from there).</summary>
    internal void Deliver(OperationChanged change)
    {
        if (change.IsRefresh)
            _changes.PublishToAll(change);
        else
            _changes.Publish(change);
    }

    /// <summary>
    /// Makes <paramref name="relay"/> the one that carries this process's changes to the other replicas. False when
    /// another already does (two hosts of one test process sharing these notifiers): that one's replica id stands.
    /// </summary>
    internal bool TryAttach(IChangeRelay relay) => Interlocked.CompareExchange(ref _relay, relay, null) is null;

    internal void Detach(IChangeRelay relay) => Interlocked.CompareExchange(ref _relay, null, relay);
}
