namespace Portal.Jobs.Operations;

/// <summary>
/// Lets one run per operation proceed at a time in this process; a second delivery of the same operation (a retry
/// scheduled while the previous run is still finishing, a redelivery, a duplicate trigger) waits for the first, then
/// sees the state it left. Across replicas <see cref="Dispatch.OperationRunLocks"/> adds a PostgreSQL advisory lock.
/// </summary>
public sealed class OperationGate
{
    private readonly Dictionary<Guid, Entry> _entries = [];

    public async Task<IDisposable> EnterAsync(Guid operationId, CancellationToken ct)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(operationId, out entry!))
                _entries[operationId] = entry = new Entry();
            entry.Users++;
        }
        try
        {
            await entry.Semaphore.WaitAsync(ct);
        }
        catch
        {
            Leave(operationId, entry, release: false);
            throw;
        }
        return new Releaser(this, operationId, entry);
    }

    private void Leave(Guid operationId, Entry entry, bool release)
    {
        if (release)
            entry.Semaphore.Release();
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(operationId);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);
        public int Users { get; set; }
    }

    private sealed class Releaser(OperationGate gate, Guid operationId, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                gate.Leave(operationId, entry, release: true);
        }
    }
}
