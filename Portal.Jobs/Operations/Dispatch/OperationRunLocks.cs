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
    // MaxConcurrency connections per replica. Npgsql connections are not thread-safe, hence the semaphore.
    private readonly SemaphoreSlim _session = new(1, 1);
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
    public async Task<bool> IsHeldElsewhereAsync(Guid operationId, CancellationToken ct)
    {
        if (!options.UsesPostgreSql) return false;
        if (!await TryLockAsync(operationId, ct)) return true;
        await UnlockAsync(operationId);
        return false;
    }

    private async Task<bool> TryLockAsync(Guid operationId, CancellationToken ct)
    {
        await _session.WaitAsync(ct);
        try
        {
            var connection = await SessionAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = Key(operationId) } } };
            try
            {
                return (bool)(await command.ExecuteScalarAsync(ct))!;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                await DropSessionAsync(ex);
                throw;
            }
        }
        finally
        {
            _session.Release();
        }
    }

    private async Task UnlockAsync(Guid operationId)
    {
        await _session.WaitAsync();
        try
        {
            if (_connection is not { State: System.Data.ConnectionState.Open } connection) return; // the session ended: its locks went with it
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = Key(operationId) } } };
            await command.ExecuteScalarAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            await DropSessionAsync(ex);
        }
        finally
        {
            _session.Release();
        }
    }

    private async Task<NpgsqlConnection> SessionAsync(CancellationToken ct)
    {
        if (_connection is { State: System.Data.ConnectionState.Open } open) return open;
        if (_connection is not null) await _connection.DisposeAsync();
        // Not pooled: the session is this object's for the life of the process, and closing it must end it.
        var builder = new NpgsqlConnectionStringBuilder(options.PostgreSqlConnectionString) { Pooling = false, ApplicationName = "portal-operation-locks" };
        _connection = new NpgsqlConnection(builder.ConnectionString);
        await _connection.OpenAsync(ct);
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
        if (_connection is not null) await _connection.DisposeAsync();
        _session.Dispose();
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
