using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Portal.Jobs.Operations.Dispatch;

/// <summary>
/// Lets one run of an operation proceed at a time — in this process (<see cref="OperationGate"/>) and, on PostgreSQL,
/// across every replica (a session-level advisory lock keyed by the operation id). A second delivery of the same
/// operation (a retry dispatched while the last run is finishing, the sweep, Hangfire handing a dead replica's job to
/// another) waits for the first, then sees the state it left. PostgreSQL releases a session's advisory locks when the
/// session ends, so a replica killed mid-step frees its operations for the others without any heartbeat of ours.
/// </summary>
public sealed class OperationRunLocks(OperationGate gate, OperationsOptions options, TimeProvider clock, ILogger<OperationRunLocks> logger)
    : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    // One session holds every advisory lock of this process: a connection per running operation would take up to
    // MaxConcurrency connections per replica. Npgsql connections are not thread-safe: only the pump uses it, and it
    // sends the requests that wait in one statement.
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _pump;
    private NpgsqlConnection? _connection;

    /// <summary>
    /// Waits for the operation's turn. Null when the token was cancelled, or when another replica held the operation
    /// for longer than <see cref="OperationsOptions.RunLockWait"/> (that replica is running it).
    /// </summary>
    public async Task<IAsyncDisposable?> TryEnterAsync(Guid operationId, CancellationToken ct)
    {
        IDisposable local;
        try
        {
            local = await gate.EnterAsync(operationId, ct);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        if (!options.UsesPostgreSql) return new Turn(this, operationId, local, shared: false);

        try
        {
            var deadline = clock.GetUtcNow() + options.RunLockWait;
            while (!await TryLockAsync(operationId, ct))
            {
                if (clock.GetUtcNow() >= deadline)
                {
                    local.Dispose();
                    return null;
                }
                await Task.Delay(Poll, clock, ct);
            }
            return new Turn(this, operationId, local, shared: true);
        }
        catch
        {
            local.Dispose();
            if (ct.IsCancellationRequested) return null;
            throw;
        }
    }

    /// <summary>
    /// Whether a run of the operation holds it in another replica (PostgreSQL). Ask only about operations this process
    /// does not run: the probe cannot tell this process's own locks from free ones.
    /// </summary>
    public async Task<bool> IsHeldElsewhereAsync(Guid operationId, CancellationToken ct) =>
        (await HeldElsewhereAsync([operationId], ct)).Count == 1;

    /// <summary>
    /// Those of <paramref name="operationIds"/> that a run holds in another replica (PostgreSQL), probed together: the
    /// probes share a round trip or two however many there are (the start-up sweep asks about its whole backlog).
    /// The same caveat as <see cref="IsHeldElsewhereAsync"/>: ask only about operations this process does not run.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> HeldElsewhereAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct)
    {
        if (!options.UsesPostgreSql || operationIds.Count == 0) return new HashSet<Guid>();
        var probes = operationIds.Distinct().Select(async id => (Id: id, Free: await TryLockAsync(id, ct))).ToList();
        var results = await Task.WhenAll(probes);
        await Task.WhenAll(results.Where(r => r.Free).Select(r => UnlockAsync(r.Id)));
        return results.Where(r => !r.Free).Select(r => r.Id).ToHashSet();
    }

    private async Task<bool> TryLockAsync(Guid operationId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var request = Submit(Key(operationId), take: true);
        try
        {
            return await request.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The request may still be granted once its round trip returns: give such a lock back, or it stays with the session.
            _ = request.ContinueWith(granted => granted.Result ? UnlockAsync(operationId) : Task.CompletedTask, CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    private async Task UnlockAsync(Guid operationId)
    {
        try
        {
            await Submit(Key(operationId), take: false);
        }
        catch (Exception)
        {
            // The session ended and its locks went with it (the pump logged why), or this process is shutting down.
        }
    }

    /// <summary>Queues a try-lock (<paramref name="take"/>) or an unlock for the session's next round trip.</summary>
    private Task<bool> Submit(long key, bool take)
    {
        var request = new Request(key, take);
        if (!_requests.Writer.TryWrite(request))
            throw new ObjectDisposedException(nameof(OperationRunLocks));
        lock (_requests)
            _pump ??= Task.Run(PumpAsync);
        return request.Result.Task;
    }

    /// <summary>
    /// The session's only user: takes every request that waits (up to <see cref="OperationsOptions.MaxLockBatch"/>),
    /// sends them as one statement, and answers each. One round trip carries many runs' locks at once, so runs do not
    /// queue behind each other's round trips as they did when each call had the session to itself.
    /// </summary>
    private async Task PumpAsync()
    {
        var batch = new List<Request>(OperationsOptions.MaxLockBatch);
        while (await _requests.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < OperationsOptions.MaxLockBatch && _requests.Reader.TryRead(out var request))
                batch.Add(request);
            try
            {
                var connection = await SessionAsync();
                // unnest keeps the requests' order, so row i answers request i. A try-lock never waits for another session.
                await using var command = new NpgsqlCommand(
                    "SELECT CASE WHEN r.take THEN pg_try_advisory_lock(r.key) ELSE pg_advisory_unlock(r.key) END " +
                    "FROM unnest($1::bigint[], $2::boolean[]) WITH ORDINALITY AS r(key, take, i) ORDER BY r.i", connection)
                {
                    Parameters = { new() { Value = batch.Select(r => r.Key).ToArray() }, new() { Value = batch.Select(r => r.Take).ToArray() } },
                };
                var answers = new List<bool>(batch.Count);
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                        answers.Add(reader.GetBoolean(0));
                }
                if (answers.Count != batch.Count)
                    throw new InvalidOperationException($"The lock session answered {answers.Count} of {batch.Count} requests.");
                for (var i = 0; i < batch.Count; i++)
                    batch[i].Result.TrySetResult(answers[i]);
            }
            catch (Exception ex)
            {
                // Every lock of this process went with the session (or none was taken): callers of a try-lock see the failure.
                await DropSessionAsync(ex);
                foreach (var request in batch)
                    request.Result.TrySetException(ex);
            }
        }
    }

    private async Task<NpgsqlConnection> SessionAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open } open) return open;
        if (_connection is not null) await _connection.DisposeAsync();
        // Not pooled: the session is this object's for the life of the process, and closing it must end it.
        var builder = new NpgsqlConnectionStringBuilder(options.PostgreSqlConnectionString) { Pooling = false, ApplicationName = "portal-operation-locks" };
        _connection = new NpgsqlConnection(builder.ConnectionString);
        await _connection.OpenAsync();
        return _connection;
    }

    private async Task DropSessionAsync(Exception reason)
    {
        // Every lock of this process went with the session. Runs in flight carry on (their steps are idempotent); other
        // replicas may now start a second delivery of them, which the operation rows' version checks keep apart.
        logger.LogWarning(reason, "Lost the database session that holds this replica's operation locks; opening a new one");
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
    }

    /// <summary>The operation's advisory lock key: its id folded to 64 bits.</summary>
    internal static long Key(Guid operationId)
    {
        Span<byte> bytes = stackalloc byte[16];
        operationId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        Task? pump;
        lock (_requests)
            pump = _pump;
        if (pump is not null) await pump;
        if (_connection is not null) await _connection.DisposeAsync();
    }

    private sealed record Request(long Key, bool Take)
    {
        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Turn(OperationRunLocks owner, Guid operationId, IDisposable local, bool shared) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            try
            {
                if (shared) await owner.UnlockAsync(operationId);
            }
            finally
            {
                local.Dispose();
            }
        }
    }
}
