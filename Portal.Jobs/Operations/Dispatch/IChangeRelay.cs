namespace Portal.Jobs.Operations.Dispatch;

/// <summary>
/// Where the notifiers hand each change published in this process, besides its own subscribers: the pages served by
/// the other replicas. Attached by <see cref="PostgresChangeFeed"/> on PostgreSQL; on SQLite there is none (one process).
/// Must return at once: the engine publishes from its workers.
/// </summary>
internal interface IChangeRelay
{
    void Send(OperationChanged change);

    void Send(ResourceChanged change);
}
