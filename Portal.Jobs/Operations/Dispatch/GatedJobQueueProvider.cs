using System.Data;
using Hangfire.PostgreSql;
using Hangfire.Storage;

namespace Portal.Jobs.Operations.Dispatch;

/// <summary>
/// Hangfire.PostgreSql's own job queue for the operations queue, with at most
/// <see cref="OperationsOptions.QueuePollers"/> of this process's idle workers asking the database for a job at once.
/// </summary>
/// <remarks>
/// Every idle Hangfire worker polls on its own, every <see cref="OperationsOptions.QueuePollInterval"/>: with 50 workers
/// that is 250 small transactions a second per replica while nothing happens, and 200 a second beside a burst from the
/// workers that have nothing to run — measured at about a fifth of a core of the portal's CPU plus the database's share
/// on a 2-core machine. The workers still run up to <see cref="OperationsOptions.MaxConcurrency"/> operations at once; only
/// the waiting for the next one is shared. The queries are Hangfire.PostgreSql's, unchanged (FOR UPDATE SKIP LOCKED,
/// the sliding invisibility timeout), so which job a worker gets and what happens after a crash do not change. A worker
/// that got a job lets the next one ask at once, so a backlog is fetched as fast as the pollers' round trips allow; jobs
/// enqueued in this process wake a poller at once (Hangfire.PostgreSql signals them), those of other replicas within a
/// poll interval, as before.
/// </remarks>
internal sealed class GatedJobQueueProvider(PostgreSqlStorage storage, PostgreSqlStorageOptions storageOptions, int pollers) : IPersistentJobQueueProvider
{
    private readonly SemaphoreSlim _pollers = new(pollers, pollers);
    private readonly PostgreSqlJobQueueProvider _inner = new(storage, storageOptions);

    public IPersistentJobQueue GetJobQueue() => new GatedJobQueue(_inner.GetJobQueue(), _pollers);

    /// <summary>
    /// The dashboard asks every provider for its queues and lists what each returns: the default provider already lists
    /// every queue in the table (this one's too), so this one lists none and answers for its queue when asked by name.
    /// </summary>
    public IPersistentJobQueueMonitoringApi GetJobQueueMonitoringApi() => new UnlistedMonitoringApi(_inner.GetJobQueueMonitoringApi());

    private sealed class GatedJobQueue(IPersistentJobQueue inner, SemaphoreSlim pollers) : IPersistentJobQueue
    {
        public IFetchedJob Dequeue(string[] queues, CancellationToken cancellationToken)
        {
            // Hangfire's worker threads are its own (not the thread pool's): waiting here blocks nothing else.
            pollers.Wait(cancellationToken);
            try
            {
                return inner.Dequeue(queues, cancellationToken);
            }
            finally
            {
                pollers.Release();
            }
        }

        public void Enqueue(IDbConnection connection, string queue, string jobId) => inner.Enqueue(connection, queue, jobId);
    }

    private sealed class UnlistedMonitoringApi(IPersistentJobQueueMonitoringApi inner) : IPersistentJobQueueMonitoringApi
    {
        public IEnumerable<string> GetQueues() => [];

        public IEnumerable<long> GetEnqueuedJobIds(string queue, int from, int perPage) => inner.GetEnqueuedJobIds(queue, from, perPage);

        public IEnumerable<long> GetFetchedJobIds(string queue, int from, int perPage) => inner.GetFetchedJobIds(queue, from, perPage);

        public EnqueuedAndFetchedCountDto GetEnqueuedAndFetchedCount(string queue) => inner.GetEnqueuedAndFetchedCount(queue);
    }
}
