using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Portal.Domain.Operations;

namespace Portal.Jobs.Operations.Dispatch;

/// <summary>
/// Carries the change events pages listen to between the portal replicas that share one PostgreSQL database, through
/// <c>LISTEN</c>/<c>NOTIFY</c> on <see cref="Channel"/>, so that a page hears of an operation whichever replica runs
/// it. The notifiers stay the only place pages subscribe to: what is published in this process is delivered here at
/// once, as before, and handed to this feed, which gathers it for <see cref="OperationsOptions.ChangeFeedBatchWindow"/>
/// (repeated changes of one operation or resource travel as the latest) and sends it as few payloads of at most
/// <see cref="ChangeFeedMessage.MaxPayloadBytes"/> as fit. One long-lived connection per process listens; what it hears
/// from another replica is delivered to this process's subscribers (its own echoes are skipped by the instance id
/// each payload carries). When that connection drops it reconnects with backoff, logging once per outage, and then
/// announces a refresh (<see cref="OperationChanged.Refresh"/>): open pages reload, as they may have missed events.
/// A cancel request heard from another replica interrupts the step running here at once; the engine's poll
/// (<see cref="OperationsOptions.CancelPollInterval"/>) stays as the fallback. Not registered on SQLite (one process).
/// </summary>
public sealed class PostgresChangeFeed : IHostedService, IAsyncDisposable, IChangeRelay
{
    /// <summary>The NOTIFY channel, in the portal's own database (channels are per database).</summary>
    public const string Channel = "portal_changes";

    /// <summary>
    /// Changes gathered and not sent yet, at most (distinct operations and resources; a burst of changes to one
    /// operation is one). Beyond it, while the database is unreachable for instance, the details are dropped and the
    /// other replicas are told to reload everything instead.
    /// </summary>
    internal const int MaxPendingChanges = 5_000;

    /// <summary>How long the listening connection may be silent before it is checked with a query (a dead peer sends nothing).</summary>
    internal static readonly TimeSpan ListenerHeartbeat = TimeSpan.FromSeconds(30);

    /// <summary>How long a stop waits to send what is still gathered.</summary>
    internal static readonly TimeSpan FinalSendTimeout = TimeSpan.FromSeconds(2);

    private readonly OperationsOptions _options;
    private readonly OperationNotifier _operations;
    private readonly IServiceProvider _services;
    private readonly OperationsEngine _engine;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly string _listenConnectionString;
    private readonly NpgsqlDataSource _sendSource;

    private readonly Lock _lock = new();
    private Dictionary<Guid, OperationChanged> _pendingOperations = [];
    private Dictionary<(string Type, string Id), ResourceChanged> _pendingResources = [];
    private bool _pendingRefresh;
    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private ResourceNotifier? _resources;
    private CancellationTokenSource? _stopping;
    private Task? _sender;
    private Task? _listener;
    private volatile NpgsqlConnection? _listening;
    private long _notificationsSent;
    private long _messagesDelivered;
    private int _stopped;

    public PostgresChangeFeed(OperationsOptions options, OperationNotifier operations, IServiceProvider services, OperationsEngine engine,
        ILogger<PostgresChangeFeed> logger, TimeProvider clock)
    {
        _options = options;
        _operations = operations;
        _services = services;
        _engine = engine;
        _logger = logger;
        _clock = clock;
        var connectionString = options.PostgreSqlConnectionString
            ?? throw new InvalidOperationException("The PostgreSQL change feed needs OperationsOptions.PostgreSqlConnectionString.");
        // Not pooled: the session is this feed's for the life of the process, and closing it must end it.
        _listenConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "portal-change-feed" }.ConnectionString;
        // One send at a time; pooled so that a connection the server closed is replaced on the next send.
        _sendSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
            { Pooling = true, MinPoolSize = 0, MaxPoolSize = 2, ApplicationName = "portal-change-feed-send" });
    }

    /// <summary>This process's id in the payloads it sends.</summary>
    internal string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The backend process id of the listening connection, while it is up (tests terminate it).</summary>
    internal int? ListenerProcessId => _listening is { } connection ? connection.ProcessID : null;

    /// <summary>NOTIFYs sent so far (for measuring the cost).</summary>
    internal long NotificationsSent => Interlocked.Read(ref _notificationsSent);

    /// <summary>Messages from other replicas delivered here so far.</summary>
    internal long MessagesDelivered => Interlocked.Read(ref _messagesDelivered);

    /// <summary>
    /// Attaches to the notifiers and starts listening; returns once the first <c>LISTEN</c> is in place or failed (it
    /// is then retried in the background). Does nothing when another feed already serves these notifiers.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_stopping is not null) return;
        if (!_operations.TryAttach(this))
        {
            _logger.LogInformation("Another change feed already carries this process's changes; this one stays idle");
            return;
        }
        if (_services.GetService<IResourceNotifier>() is ResourceNotifier resources && resources.TryAttach(this))
            _resources = resources;
        _stopping = new CancellationTokenSource();
        NpgsqlConnection? first = null;
        try
        {
            first = await ListenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Could not listen for other replicas' changes; retrying in the background (pages hear only this replica's changes meanwhile)");
        }
        _listener = Task.Run(() => ListenLoopAsync(first, _stopping.Token));
        _sender = Task.Run(() => SendLoopAsync(_stopping.Token));
        _logger.LogInformation("Change feed started: this replica's changes reach the others' pages through PostgreSQL channel {Channel}", Channel);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null || Interlocked.Exchange(ref _stopped, 1) == 1) return;
        _operations.Detach(this);
        _resources?.Detach(this);
        await _stopping.CancelAsync();
        // The sender sends what is left (bounded by FinalSendTimeout) before it returns.
        await Task.WhenAll(new[] { _listener, _sender }.OfType<Task>()).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping?.Dispose();
        await _sendSource.DisposeAsync();
    }

    void IChangeRelay.Send(OperationChanged change)
    {
        lock (_lock)
        {
            if (change.IsRefresh)
                _pendingRefresh = true;
            else
            {
                if (!_pendingOperations.ContainsKey(change.OperationId)) MakeRoom();
                _pendingOperations[change.OperationId] = change;
            }
        }
        _wake.Writer.TryWrite(true);
    }

    void IChangeRelay.Send(ResourceChanged change)
    {
        lock (_lock)
        {
            if (change.IsRefresh)
                _pendingRefresh = true;
            else
            {
                if (!_pendingResources.ContainsKey((change.Type, change.Id))) MakeRoom();
                _pendingResources[(change.Type, change.Id)] = change;
            }
        }
        _wake.Writer.TryWrite(true);
    }

    // Under _lock, before a change that adds an entry. Full: the details go, the others reload everything; gathering starts again.
    private void MakeRoom()
    {
        if (_pendingOperations.Count + _pendingResources.Count < MaxPendingChanges) return;
        _logger.LogDebug("More than {Max} changes waiting to be sent; the other replicas are told to reload everything instead", MaxPendingChanges);
        _pendingOperations = [];
        _pendingResources = [];
        _pendingRefresh = true;
    }

    private (List<OperationChanged> Operations, List<ResourceChanged> Resources, bool Refresh) TakePending()
    {
        lock (_lock)
        {
            var taken = (_pendingOperations.Values.ToList(), _pendingResources.Values.ToList(), _pendingRefresh);
            _pendingOperations = [];
            _pendingResources = [];
            _pendingRefresh = false;
            return taken;
        }
    }

    // A send failed: its changes wait for the next, unless newer ones of the same operation or resource came meanwhile.
    private void PutBack((List<OperationChanged> Operations, List<ResourceChanged> Resources, bool Refresh) batch)
    {
        lock (_lock)
        {
            foreach (var change in batch.Operations)
                _pendingOperations.TryAdd(change.OperationId, change);
            foreach (var change in batch.Resources)
                _pendingResources.TryAdd((change.Type, change.Id), change);
            _pendingRefresh |= batch.Refresh;
            if (_pendingOperations.Count + _pendingResources.Count > MaxPendingChanges)
            {
                _pendingOperations = [];
                _pendingResources = [];
                _pendingRefresh = true;
            }
        }
        _wake.Writer.TryWrite(true);
    }

    private async Task SendLoopAsync(CancellationToken stopping)
    {
        var delay = _options.ChangeFeedReconnectDelay;
        var failing = false;
        try
        {
            while (true)
            {
                await _wake.Reader.ReadAsync(stopping);
                // Gather: a burst leaves as one batch.
                await Task.Delay(_options.ChangeFeedBatchWindow, _clock, stopping);
                var batch = TakePending();
                try
                {
                    await SendAsync(batch, stopping);
                    if (failing)
                        _logger.LogInformation("Sending changes to the other replicas again");
                    failing = false;
                    delay = _options.ChangeFeedReconnectDelay;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    PutBack(batch);
                    if (!failing)
                        _logger.LogWarning(ex, "Could not send changes to the other replicas; retrying with backoff (their pages miss this replica's changes meanwhile)");
                    else
                        _logger.LogDebug(ex, "Still cannot send changes to the other replicas");
                    failing = true;
                    await Task.Delay(delay, _clock, stopping);
                    delay = Min(delay * 2, _options.ChangeFeedMaxReconnectDelay);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping: send what is left, briefly
        }
        var rest = TakePending();
        try
        {
            using var timeout = new CancellationTokenSource(FinalSendTimeout);
            await SendAsync(rest, timeout.Token);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Could not send the last changes to the other replicas while stopping");
        }
    }

    private async Task SendAsync((List<OperationChanged> Operations, List<ResourceChanged> Resources, bool Refresh) batch, CancellationToken ct)
    {
        var payloads = ChangeFeedMessage.Encode(InstanceId, batch.Operations, batch.Resources, batch.Refresh);
        if (payloads.Count == 0) return;
        await using var connection = await _sendSource.OpenConnectionAsync(ct);
        await using var notify = new NpgsqlBatch(connection);
        foreach (var payload in payloads)
            notify.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = Channel }, new() { Value = payload } } });
        await notify.ExecuteNonQueryAsync(ct);
        Interlocked.Add(ref _notificationsSent, payloads.Count);
    }

    /// <summary>Opens the listening session and subscribes it to <see cref="Channel"/>.</summary>
    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_listenConnectionString);
        connection.Notification += OnNotification;
        try
        {
            await connection.OpenAsync(ct);
            await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                await listen.ExecuteNonQueryAsync(ct);
            _listening = connection;
            return connection;
        }
        catch
        {
            connection.Notification -= OnNotification;
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task ListenLoopAsync(NpgsqlConnection? connection, CancellationToken stopping)
    {
        DateTimeOffset? outageSince = connection is null ? _clock.GetUtcNow() : null;
        var delay = _options.ChangeFeedReconnectDelay;
        try
        {
            while (true)
            {
                try
                {
                    if (connection is null)
                    {
                        await Task.Delay(Jitter(delay), _clock, stopping);
                        delay = Min(delay * 2, _options.ChangeFeedMaxReconnectDelay);
                        connection = await ListenAsync(stopping);
                        _logger.LogInformation("Listening for other replicas' changes again after {Seconds:0} s; open pages reload, as they may have missed some",
                            (_clock.GetUtcNow() - outageSince!.Value).TotalSeconds);
                        outageSince = null;
                        delay = _options.ChangeFeedReconnectDelay;
                        _operations.Deliver(OperationChanged.Refresh);
                    }
                    // Notifications arrive through OnNotification while this waits.
                    if (!await connection.WaitAsync(ListenerHeartbeat, stopping))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = (int)ListenerHeartbeat.TotalSeconds };
                        await ping.ExecuteScalarAsync(stopping);
                    }
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    if (outageSince is null)
                    {
                        outageSince = _clock.GetUtcNow();
                        _logger.LogWarning(ex, "Lost the connection that hears other replicas' changes; reconnecting with backoff (open pages reload once it is back)");
                    }
                    else
                    {
                        _logger.LogDebug(ex, "Still cannot listen for other replicas' changes");
                    }
                    await DropAsync(connection);
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            await DropAsync(connection);
        }
    }

    private async Task DropAsync(NpgsqlConnection? connection)
    {
        _listening = null;
        if (connection is null) return;
        connection.Notification -= OnNotification;
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Closing the broken change feed connection failed");
        }
    }

    /// <summary>Runs on the listening connection's wait: delivers another replica's changes here, and interrupts a step whose cancel was asked there.</summary>
    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel != Channel) return;
        if (ChangeFeedMessage.Decode(e.Payload) is not { } message)
        {
            // Not logged: whatever else NOTIFYs on this channel is none of ours to print.
            _logger.LogWarning("Ignored a notification on channel {Channel} that is not a change feed message ({Bytes} bytes)", Channel, e.Payload.Length);
            return;
        }
        if (message.From == InstanceId) return; // delivered here when it was published
        Interlocked.Increment(ref _messagesDelivered);
        if (message.Refresh)
            _operations.Deliver(OperationChanged.Refresh);
        foreach (var item in message.Operations)
        {
            var change = item.ToChange();
            _operations.Deliver(change);
            if (change is { CancelRequested: true, State: OperationState.Running })
                _ = InterruptAsync(change.OperationId);
        }
        foreach (var item in message.Resources)
            _resources?.Deliver(item.ToChange());
    }

    private async Task InterruptAsync(Guid operationId)
    {
        try
        {
            await _engine.InterruptAsync(operationId);
        }
        catch (Exception ex)
        {
            // The engine's poll still finds the request.
            _logger.LogWarning(ex, "Could not interrupt operation {OperationId} on another replica's cancel request", operationId);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    // Up to a quarter more, so that replicas that lost the database together do not all come back at once.
    private static TimeSpan Jitter(TimeSpan delay) => delay + TimeSpan.FromTicks((long)(delay.Ticks * 0.25 * Random.Shared.NextDouble()));
}

public static class PostgresChangeFeedServiceCollectionExtensions
{
    /// <summary>
    /// The change feed between replicas (<see cref="PostgresChangeFeed"/>), started with the host before the engine so
    /// that the engine's first changes already travel. For PostgreSQL only.
    /// </summary>
    public static IServiceCollection AddPostgresChangeFeed(this IServiceCollection services)
    {
        services.AddSingleton<PostgresChangeFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeFeed>());
        return services;
    }
}
