using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;
using Portal.Jobs.Operations.Dispatch;
using Portal.Tests.Support;
using Xunit.Abstractions;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// The change feed between replicas: two engine hosts with their own notifiers on one PostgreSQL database stand for two
/// portal processes. Always on PostgreSQL (the feed exists only there), except the test that SQLite has none.
/// </summary>
public sealed class ChangeFeedTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private EngineDatabase? _database;
    private readonly List<OperationsTestHost> _hosts = [];

    private EngineDatabase Database => _database ??= new EngineDatabase(DatabaseProvider.PostgreSql);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
            await host.DisposeAsync();
        _database?.Dispose();
    }

    [Fact]
    public async Task Operation_RunOnAnotherReplica_IsHeardThereUpToSucceededInOrder()
    {
        // Steps longer than the feed's batch window, so that each change leaves in a batch of its own.
        var handler = new ScriptedHandler("test.feed", ("first", Slow), ("second", Slow));
        var a = await ReplicaAsync([handler], startEngine: true);
        var b = await ReplicaAsync([handler]);
        using var publishedOnA = Heard.Operations(a);
        using var heardOnB = Heard.Operations(b);
        using var resourcesOnB = Heard.Resources(b, c => c.Type == "Platform");

        var id = await a.EnqueueAsync("test.feed", targetId: "feed-1");

        await heardOnB.WaitForAsync(c => c.OperationId == id && c.State == OperationState.Succeeded, "B hears that the operation succeeded");
        await resourcesOnB.WaitForAsync(c => c == new ResourceChanged("Platform", "feed-1"), "B hears that the operation's target changed");
        var onA = publishedOnA.All.Where(c => c.OperationId == id).ToList();
        var onB = heardOnB.All.Where(c => c.OperationId == id).ToList();
        output.WriteLine($"A published {onA.Count} changes of the operation; B heard {onB.Count}; A sent {Feed(a).NotificationsSent} NOTIFYs");
        Assert.Single(onB, c => c.State == OperationState.Succeeded);
        Assert.Contains(onB, c => c.State == OperationState.Running && c.StepIndex == 0);
        Assert.Contains(onB, c => c.State == OperationState.Running && c.StepIndex == 1);
        // Coalescing drops intermediate changes but never reorders: what B heard is what A published, in A's order.
        Assert.True(IsSubsequence(onB, onA), $"B heard [{string.Join(", ", onB)}], not in A's order [{string.Join(", ", onA)}]");
    }

    [Fact]
    public async Task Publish_OwnChange_IsHeardOnceByItsOwnReplica()
    {
        var a = await ReplicaAsync([]);
        var b = await ReplicaAsync([]);
        using var onA = Heard.Operations(a);
        using var onB = Heard.Operations(b);
        using var resourcesOnA = Heard.Resources(a, _ => true);
        using var resourcesOnB = Heard.Resources(b, _ => true);
        var fromA = Change(OperationState.Running);
        var clusterOnA = new ResourceChanged("KubernetesCluster", Guid.NewGuid().ToString());

        a.Notifier.Publish(fromA);
        Resources(a).Publish(clusterOnA);
        await onB.WaitForAsync(c => c == fromA, "B hears A's operation change");
        await resourcesOnB.WaitForAsync(c => c == clusterOnA, "B hears A's resource change");
        // A's echoes were sent before B's answer, and PostgreSQL delivers notifications in commit order: once A hears
        // B's answer, it has handled its own echoes too.
        var fromB = Change(OperationState.Succeeded);
        b.Notifier.Publish(fromB);
        await onA.WaitForAsync(c => c == fromB, "A hears B's change");

        Assert.Equal(1, onA.All.Count(c => c == fromA));
        Assert.Equal(1, onA.All.Count(c => c == fromB));
        Assert.Equal(1, onB.All.Count(c => c == fromA));
        Assert.Equal(1, onB.All.Count(c => c == fromB));
        Assert.Equal(1, resourcesOnA.All.Count(c => c == clusterOnA));
        Assert.Equal(1, resourcesOnB.All.Count(c => c == clusterOnA));
        // The operation's target is derived in each process from the operation change, not sent a second time.
        Assert.Equal(1, resourcesOnB.All.Count(c => c == new ResourceChanged(fromA.TargetType, fromA.TargetId)));
    }

    [Fact]
    public async Task Listener_ConnectionTerminatedAndRefusedForAWhile_ReconnectsLogsOnceAndAnnouncesOneRefresh()
    {
        var logs = new LogCapture();
        var a = await ReplicaAsync([]);
        var b = await ReplicaAsync([], logs: logs);
        // Subscribers whose own filters accept no real change: the refresh reaches them anyway.
        using var operationOnB = Heard.Operation(b, Guid.NewGuid());
        using var nothingOnB = Heard.Resources(b, _ => false);
        using var allOnB = Heard.Operations(b);
        var feed = Feed(b);
        var listener = feed.ListenerProcessId ?? throw new InvalidOperationException("B's feed is not listening.");

        await SetConnectionsAllowedAsync(false);
        try
        {
            await TerminateAsync(listener);
            // Each reconnect attempt is refused: one warning for the outage, the attempts after it at debug level.
            await PollAsync(() => logs.Count(LogLevel.Debug, "Still cannot listen") >= 2, "B's feed retries while the database refuses connections");
            Assert.Null(feed.ListenerProcessId);
        }
        finally
        {
            await SetConnectionsAllowedAsync(true);
        }
        await operationOnB.WaitForAsync(c => c.IsRefresh, "B's operation subscriber hears the refresh");
        await nothingOnB.WaitForAsync(c => c.IsRefresh, "B's resource subscriber hears the refresh");
        var change = Change(OperationState.Running);
        a.Notifier.Publish(change);
        await allOnB.WaitForAsync(c => c == change, "B hears A again after reconnecting");

        Assert.NotNull(feed.ListenerProcessId);
        Assert.NotEqual(listener, feed.ListenerProcessId);
        Assert.Single(operationOnB.All);
        Assert.Single(nothingOnB.All);
        Assert.Equal(1, logs.Count(LogLevel.Warning, "Lost the connection that hears other replicas' changes"));
        Assert.Equal(1, logs.Count(LogLevel.Information, "Listening for other replicas' changes again"));
    }

    [Fact]
    public async Task Payload_OperationWithASecret_CarriesIdsKindsAndStatesOnly()
    {
        var secret = $"hunter2-{Guid.NewGuid():N}";
        var handler = new ScriptedHandler("test.feed-secret",
            ("sign in", async (context, ct) =>
            {
                await context.ReportAsync($"signed in with {secret}", ct);
                return StepOutcome.Succeeded($"used {secret}");
            }));
        var a = await ReplicaAsync([handler], startEngine: true);
        using var published = Heard.Operations(a);
        await using var raw = await RawListener.StartAsync(Database.Options.ConnectionString);

        var id = await a.EnqueueAsync("test.feed-secret", targetId: "feed-secret", parameters: new { password = secret, apiKey = secret });

        await a.WaitUntilFinishedAsync(id);
        await PollAsync(() => raw.Payloads.Any(p => p.Contains(id.ToString()) && p.Contains("\"Succeeded\"")), "the operation's end is sent");
        var payloads = raw.Payloads;
        output.WriteLine($"One 1-step operation: {published.All.Count(c => c.OperationId == id)} changes published, {payloads.Count} NOTIFYs, " +
            $"{payloads.Sum(p => Encoding.UTF8.GetByteCount(p))} bytes");
        Assert.NotEmpty(payloads);
        Assert.True(payloads.Count <= published.All.Count(c => c.OperationId == id), "More NOTIFYs than changes.");
        Assert.All(payloads, payload =>
        {
            Assert.DoesNotContain(secret, payload);
            Assert.True(Encoding.UTF8.GetByteCount(payload) < 8000);
            using var json = JsonDocument.Parse(payload);
            Assert.Subset(new HashSet<string> { "v", "from", "refresh", "ops", "res" }, json.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet());
            foreach (var operation in json.RootElement.GetProperty("ops").EnumerateArray())
                Assert.Subset(new HashSet<string> { "id", "kind", "tt", "ti", "s", "si", "ss", "c" }, operation.EnumerateObject().Select(p => p.Name).ToHashSet());
        });
    }

    [Fact]
    public async Task Publish_BurstOfChanges_TravelsCoalescedInFewNotificationsUnderTheLimit()
    {
        var a = await ReplicaAsync([]);
        var b = await ReplicaAsync([]);
        using var heardOnB = Heard.Operations(b);
        await using var raw = await RawListener.StartAsync(Database.Options.ConnectionString);
        var ids = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToList();
        OperationState[] states = [OperationState.Queued, OperationState.Running, OperationState.Running, OperationState.Succeeded];

        var clock = Stopwatch.StartNew();
        foreach (var (state, step) in states.Select((s, i) => (s, i)))
            foreach (var id in ids)
                a.Notifier.Publish(Change(state, id, step));
        await PollAsync(() => heardOnB.All.Where(c => c.State == OperationState.Succeeded).Select(c => c.OperationId).Distinct().Count() == ids.Count,
            "B hears every operation's end");
        var elapsed = clock.Elapsed;

        var fromA = raw.Payloads.Where(p => p.Contains(Feed(a).InstanceId)).ToList();
        output.WriteLine($"{ids.Count * states.Length} changes of {ids.Count} operations published at once: {fromA.Count} NOTIFYs " +
            $"(largest {fromA.Max(p => Encoding.UTF8.GetByteCount(p))} bytes), B heard {heardOnB.All.Count} changes, all ends within {elapsed.TotalMilliseconds:0} ms");
        Assert.InRange(fromA.Count, 1, 40);
        Assert.All(fromA, p => Assert.True(Encoding.UTF8.GetByteCount(p) < 8000));
        // Per operation, B heard A's changes in A's order (later ones may replace earlier ones, never the reverse).
        foreach (var id in ids)
        {
            var steps = heardOnB.All.Where(c => c.OperationId == id).Select(c => c.StepIndex).ToList();
            Assert.Equal(steps.Order().ToList(), steps);
            Assert.Equal(1, heardOnB.All.Count(c => c.OperationId == id && c.State == OperationState.Succeeded));
        }
    }

    [Fact]
    public async Task CancelAsync_OnAnotherReplica_InterruptsTheRunningStepAtOnce()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler("test.feed-cancel",
            ("wait for the cluster", async (_, ct) =>
            {
                entered.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return StepOutcome.Succeeded();
            }),
            ("verify", ScriptedHandler.Succeeds()));
        // The engine's poll for cancel requests would take minutes: only the notification can be this quick.
        var a = await ReplicaAsync([handler], startEngine: true, configure: options => options.CancelPollInterval = TimeSpan.FromMinutes(10));
        var b = await ReplicaAsync([handler]);
        var id = await a.EnqueueAsync("test.feed-cancel", targetId: "feed-cancel");
        await entered.Task.WaitAsync(Patience);

        var clock = Stopwatch.StartNew();
        (await b.Operations.CancelAsync(OperationsTestHost.Admin, id)).ShouldSucceed();
        var operation = await a.WaitUntilFinishedAsync(id, Patience);
        output.WriteLine($"Cancelled on B, the step on A stopped and the operation finished {clock.ElapsedMilliseconds} ms later");

        Assert.Equal(OperationState.Cancelled, operation.State);
        Assert.Equal(StepState.Skipped, operation.Steps[0].State);
        Assert.Equal(0, handler.Entered("verify"));
    }

    [Fact]
    public async Task AddOperationsEngine_OnSqlite_RegistersNoChangeFeed()
    {
        using var sqlite = new EngineDatabase(DatabaseProvider.Sqlite);
        await using var host = await OperationsTestHost.CreateAsync(sqlite, [], start: false,
            services: services => services.AddSingleton<IResourceNotifier, ResourceNotifier>());

        Assert.Null(host.Services.GetService<PostgresChangeFeed>());
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), service => service is PostgresChangeFeed);
    }

    private static async Task<StepOutcome> Slow(StepContext context, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        return StepOutcome.Succeeded();
    }

    /// <summary>A replica: an engine host with its own notifiers (both of them, as the portal has) and its change feed started.</summary>
    private async Task<OperationsTestHost> ReplicaAsync(IEnumerable<IOperationHandler> handlers, bool startEngine = false,
        Action<OperationsOptions>? configure = null, LogCapture? logs = null)
    {
        var host = await OperationsTestHost.CreateAsync(Database, handlers, startEngine, options =>
        {
            options.ChangeFeedReconnectDelay = TimeSpan.FromMilliseconds(100);
            options.ChangeFeedMaxReconnectDelay = TimeSpan.FromMilliseconds(400);
            configure?.Invoke(options);
        }, services =>
        {
            services.AddSingleton<IResourceNotifier, ResourceNotifier>();
            if (logs is not null)
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        });
        _hosts.Add(host);
        await Feed(host).StartAsync(CancellationToken.None);
        Assert.NotNull(Feed(host).ListenerProcessId);
        return host;
    }

    private static PostgresChangeFeed Feed(OperationsTestHost host) => host.Services.GetRequiredService<PostgresChangeFeed>();

    private static IResourceNotifier Resources(OperationsTestHost host) => host.Services.GetRequiredService<IResourceNotifier>();

    /// <summary>A change of operation <paramref name="id"/> (a new one by default), whose target is named after it.</summary>
    private static OperationChanged Change(OperationState state, Guid? id = null, int step = 0)
    {
        var operationId = id ?? Guid.NewGuid();
        return new(operationId, "test.synthetic", "Platform", $"synthetic-{operationId:N}", state, step,
            state == OperationState.Succeeded ? StepState.Succeeded : StepState.Running);
    }

    private static bool IsSubsequence<T>(IReadOnlyList<T> part, IReadOnlyList<T> whole)
    {
        var at = 0;
        foreach (var item in part)
        {
            while (at < whole.Count && !Equals(whole[at], item)) at++;
            if (at == whole.Count) return false;
            at++;
        }
        return true;
    }

    private async Task TerminateAsync(int processId)
    {
        await using var connection = new NpgsqlConnection(MaintenanceConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend($1)", connection) { Parameters = { new() { Value = processId } } };
        Assert.Equal(true, await command.ExecuteScalarAsync());
    }

    /// <summary>Lets new sessions into the test's database, or refuses them (sessions already open carry on).</summary>
    private async Task SetConnectionsAllowedAsync(bool allowed)
    {
        var name = new NpgsqlConnectionStringBuilder(Database.Options.ConnectionString).Database;
        await using var connection = new NpgsqlConnection(MaintenanceConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", connection);
        await command.ExecuteNonQueryAsync();
    }

    private string MaintenanceConnectionString() =>
        new NpgsqlConnectionStringBuilder(Database.Options.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    private static async Task PollAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not within {Patience.TotalSeconds:0} s: {what}.");
            await Task.Delay(20);
        }
    }

    /// <summary>What one subscription heard, in order.</summary>
    private sealed class Heard<T>(Func<Func<T, Task>, IDisposable> subscribe) : IDisposable
    {
        private readonly ConcurrentQueue<T> _heard = new();
        private IDisposable? _subscription;

        public IReadOnlyList<T> All => _heard.ToList();

        public Heard<T> Start()
        {
            _subscription = subscribe(change =>
            {
                _heard.Enqueue(change);
                return Task.CompletedTask;
            });
            return this;
        }

        public Task WaitForAsync(Func<T, bool> condition, string what) => PollAsync(() => _heard.Any(condition), what);

        public void Dispose() => _subscription?.Dispose();
    }

    private static class Heard
    {
        public static Heard<OperationChanged> Operations(OperationsTestHost host) => new Heard<OperationChanged>(host.Notifier.Subscribe).Start();

        public static Heard<OperationChanged> Operation(OperationsTestHost host, Guid id) =>
            new Heard<OperationChanged>(callback => host.Notifier.SubscribeToOperation(id, callback)).Start();

        public static Heard<ResourceChanged> Resources(OperationsTestHost host, Func<ResourceChanged, bool> matches) =>
            new Heard<ResourceChanged>(callback => ChangeFeedTests.Resources(host).Subscribe(matches, callback)).Start();
    }

    /// <summary>A plain LISTEN on the feed's channel, as anyone with access to the database could do.</summary>
    private sealed class RawListener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly ConcurrentQueue<string> _payloads = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        private RawListener(NpgsqlConnection connection) => _connection = connection;

        public IReadOnlyList<string> Payloads => _payloads.ToList();

        public static async Task<RawListener> StartAsync(string connectionString)
        {
            var listener = new RawListener(new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString));
            listener._connection.Notification += (_, e) => listener._payloads.Enqueue(e.Payload);
            await listener._connection.OpenAsync();
            await using (var listen = new NpgsqlCommand($"LISTEN {PostgresChangeFeed.Channel}", listener._connection))
                await listen.ExecuteNonQueryAsync();
            listener._loop = Task.Run(async () =>
            {
                while (!listener._stop.IsCancellationRequested)
                    await listener._connection.WaitAsync(listener._stop.Token);
            });
            return listener;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _connection.DisposeAsync();
            _stop.Dispose();
        }
    }

    /// <summary>Log messages of the change feed, to count how often an outage is reported.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

        public int Count(LogLevel level, string text) => _entries.Count(e => e.Level == level && e.Message.Contains(text, StringComparison.Ordinal));

        public ILogger CreateLogger(string categoryName) => categoryName == typeof(PostgresChangeFeed).FullName ? new Logger(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
