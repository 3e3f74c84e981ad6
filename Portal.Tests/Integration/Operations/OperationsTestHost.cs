using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;
using Portal.Jobs.Operations;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// The operations engine wired as <c>AddOperationsEngine</c> wires it — real Hangfire servers, dispatching from memory —
/// on a real, migrated SQLite file, and the system clock (Hangfire and the retry backoff wait on real time). Retry
/// delays are shortened. Several hosts can use one <see cref="EngineDatabase"/> one after another, as a restarted portal
/// does: that is how the crash-recovery test runs a second "process" on the same database file.
/// </summary>
public sealed class OperationsTestHost : IAsyncDisposable
{
    public static readonly Actor Admin = new("user-admin", "Ada Admin", PlatformRole.Admin);
    public static readonly Actor Viewer = new("user-viewer", "Vic Viewer", PlatformRole.Viewer);

    private readonly ServiceProvider _services;

    private OperationsTestHost(EngineDatabase folder, ServiceProvider services)
    {
        Folder = folder;
        _services = services;
    }

    public EngineDatabase Folder { get; }
    public IServiceProvider Services => _services;
    public OperationService Operations => _services.GetRequiredService<OperationService>();
    public OperationsEngine Engine => _services.GetRequiredService<OperationsEngine>();
    public OperationNotifier Notifier => _services.GetRequiredService<OperationNotifier>();

    /// <summary>
    /// A host on <paramref name="folder"/>'s database (migrated first) with <paramref name="handlers"/>; the engine is
    /// started unless <paramref name="start"/> is false.
    /// </summary>
    public static async Task<OperationsTestHost> CreateAsync(EngineDatabase folder, IEnumerable<IOperationHandler> handlers, bool start = true,
        Action<OperationsOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton(TimeProvider.System);
        collection.AddDbContextFactory<PortalDbContext>(options => DatabaseSetup.Configure(options, folder.Options));
        collection.AddOperationsEngine(options =>
        {
            if (folder.Provider == DatabaseProvider.PostgreSql)
                options.PostgreSqlConnectionString = folder.Options.ConnectionString;
            options.TransientRetryDelay = TimeSpan.FromMilliseconds(5);
            options.MaxTransientRetryDelay = TimeSpan.FromMilliseconds(20);
            options.ShutdownTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(options);
        });
        foreach (var handler in handlers)
            collection.AddSingleton(handler);
        services?.Invoke(collection);

        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var host = new OperationsTestHost(folder, provider);
        try
        {
            await using (var db = host.NewContext())
                await DatabaseSetup.MigrateAsync(db);
            if (start)
                await host.Engine.StartAsync(CancellationToken.None);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public PortalDbContext NewContext() => _services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public Task<Guid> EnqueueAsync(string kind, string targetId = "target-1", Actor? requestedBy = null, object? parameters = null) =>
        Operations.EnqueueAsync(requestedBy ?? Admin, new OperationRequest(kind, new OperationTarget("Platform", targetId, $"Platform {targetId}"), parameters));

    public async Task<Operation> LoadAsync(Guid operationId)
    {
        await using var db = NewContext();
        return await db.Operations.AsNoTracking().Include(o => o.Steps).SingleAsync(o => o.Id == operationId);
    }

    /// <summary>Polls the row until <paramref name="condition"/> holds; fails with the last state seen after <paramref name="timeout"/>.</summary>
    public async Task<Operation> WaitForAsync(Guid operationId, Func<Operation, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var operation = await LoadAsync(operationId);
            if (condition(operation)) return operation;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Operation {operationId} did not reach the expected state; it is {operation.State} with steps " +
                    string.Join(", ", operation.Steps.Select(s => $"{s.Name}={s.State}")) + $" and error '{operation.Error}'.");
            await Task.Delay(20);
        }
    }

    public Task<Operation> WaitUntilFinishedAsync(Guid operationId, TimeSpan? timeout = null) =>
        WaitForAsync(operationId, o => o.IsFinished, timeout);

    /// <summary>
    /// The closest an in-process test gets to kill -9: the engine is abandoned without waiting for the running job
    /// (which stays blocked and never records anything again), and the host is dropped without a graceful stop.
    /// </summary>
    public async Task CrashAsync()
    {
        Engine.Abandon();
        await _services.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Engine.IsRunning)
            await Engine.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}

/// <summary>
/// One test's database on the run's provider, which several engine hosts use one after another (a restarted portal) or
/// at once (replicas). Created empty: each host migrates it as the portal does at start-up. Dropped on dispose.
/// </summary>
public sealed class EngineDatabase : IDisposable
{
    // xunit runs tests without a synchronization context, so waiting here cannot dead-lock; it keeps the test classes'
    // field initializers as simple as they were.
    private readonly ScratchDatabase _database;

    public EngineDatabase() : this(null)
    {
    }

    /// <summary>On <paramref name="provider"/>, whatever the run's is (the replica tests need PostgreSQL).</summary>
    public EngineDatabase(DatabaseProvider? provider) =>
        _database = ScratchDatabase.CreateAsync("operations", migrated: false, provider: provider).GetAwaiter().GetResult();

    public PortalDataOptions Options => _database.Options();

    public DatabaseProvider Provider => _database.Provider;

    public void Dispose() => _database.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>A handler built from lambdas, counting how often each step was entered.</summary>
public sealed class ScriptedHandler : IOperationHandler
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _entered = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _order = new();

    public ScriptedHandler(string kind, params (string Name, Func<StepContext, CancellationToken, Task<StepOutcome>> Run)[] steps)
    {
        Kind = kind;
        Steps = steps.Select(s => new OperationStepDefinition(s.Name, (context, ct) =>
        {
            _entered.AddOrUpdate(s.Name, 1, (_, n) => n + 1);
            _order.Enqueue(s.Name);
            return s.Run(context, ct);
        })).ToList();
    }

    public string Kind { get; }
    public IReadOnlyList<OperationStepDefinition> Steps { get; }

    /// <summary>Step names in the order they were entered, across every run.</summary>
    public IReadOnlyList<string> Order => _order.ToList();

    public int Entered(string step) => _entered.GetValueOrDefault(step);

    public static Func<StepContext, CancellationToken, Task<StepOutcome>> Succeeds(string? message = null) =>
        (_, _) => Task.FromResult(StepOutcome.Succeeded(message));
}
