namespace Portal.Domain.Operations;

/// <summary>
/// Hands committed operations to the operations engine. <see cref="Common.CommandRunner"/> calls it once a command's
/// change is committed, for the operations that commit added or queued again (a retry), and for those whose
/// cancellation it recorded; so no command hands anything over by hand. Never called inside a transaction: the engine
/// may start running an operation at once, and it must find the row committed. A hand-over that fails loses nothing:
/// the rows are the record of truth, and the engine's sweep picks up queued operations it was not told about.
/// </summary>
public interface IOperationDispatcher
{
    /// <summary>Operations that are Queued now (new, or retried): run them.</summary>
    Task DispatchAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct);

    /// <summary>Operations someone asked to cancel: drop them if they were cancelled before they ran, interrupt them if they run.</summary>
    Task SignalCancelAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct);
}

/// <summary>
/// The domain's default: nothing runs operations (a host without the engine, such as the domain's own tests). The rows
/// stay Queued; an engine started later on the same database picks them up.
/// </summary>
public sealed class NoOperationDispatcher : IOperationDispatcher
{
    public Task DispatchAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct) => Task.CompletedTask;

    public Task SignalCancelAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct) => Task.CompletedTask;
}
