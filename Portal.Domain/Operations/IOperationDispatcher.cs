namespace Portal.Domain.Operations;

/// <summary>
/// Hands committed operations to the operations engine. <see cref="Common.CommandRunner"/> calls it for the operations
/// a command's change added or queued again (a retry), and for those whose cancellation it recorded; so no command hands
/// anything over by hand. Where the engine's job store lives in the portal's own database (PostgreSQL), each operation's
/// job is created inside the transaction that commits its row (<see cref="EnqueueInTransactionAsync"/>): the row and its
/// job commit together or not at all. Elsewhere (SQLite, whose jobs live in memory) the rows are the durable queue and
/// <see cref="DispatchAsync"/> creates the jobs after the commit. A hand-over that fails loses nothing: the engine's
/// sweep picks up queued operations it was not told about.
/// </summary>
public interface IOperationDispatcher
{
    /// <summary>
    /// Whether <see cref="EnqueueInTransactionAsync"/> creates jobs that join the ambient transaction
    /// (<see cref="System.Transactions.Transaction.Current"/>) of the command that records the operations.
    /// </summary>
    bool EnqueuesInTransaction => false;

    /// <summary>
    /// Creates the jobs of operations whose rows the ambient transaction is about to commit (only when
    /// <see cref="EnqueuesInTransaction"/>). Nothing runs before the commit; a rollback removes the jobs with the rows.
    /// </summary>
    Task EnqueueInTransactionAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Operations that are Queued now (new, or retried), after their commit: announce them, and run them — their jobs
    /// already exist when <see cref="EnqueuesInTransaction"/>. Never called inside a transaction: the engine may start
    /// running an operation at once, and it must find the row committed.
    /// </summary>
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
