using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;
using Portal.Jobs.Operations;

namespace Portal.OperationsBenchmark;

/// <summary>
/// The operations engine wired as <c>AddOperationsEngine</c> wires it (production defaults) on a fresh, migrated
/// SQLite file in its own folder, with the no-op handler. The folder is deleted on dispose.
/// </summary>
internal sealed class EngineHost : IAsyncDisposable
{
    public static readonly Actor Admin = new("benchmark-admin", "Benchmark", PlatformRole.Admin);

    private readonly ServiceProvider _services;
    private readonly string _folder;
    private readonly string _file;

    private EngineHost(string folder, string file, ServiceProvider services)
    {
        _folder = folder;
        _file = file;
        _services = services;
    }

    public NoOpHandler Handler => (NoOpHandler)_services.GetRequiredService<IOperationHandler>();
    public OperationService Operations => _services.GetRequiredService<OperationService>();
    public OperationsEngine Engine => _services.GetRequiredService<OperationsEngine>();
    public OperationNotifier Notifier => _services.GetRequiredService<OperationNotifier>();

    /// <summary>
    /// A fresh database: a SQLite file under <paramref name="root"/>, or, with <paramref name="postgresServer"/> (a
    /// connection string to a server), a new PostgreSQL database there — where Hangfire then keeps its jobs too.
    /// </summary>
    public static async Task<EngineHost> CreateAsync(string root, string? postgresServer = null)
    {
        var folder = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, DatabaseSetup.DatabaseFileName);
        var data = PortalDataOptions.ForSqliteFile(file);
        if (postgresServer is not null)
        {
            var name = $"benchmark_{Guid.NewGuid():N}";
            await using (var server = new Npgsql.NpgsqlConnection(postgresServer))
            {
                await server.OpenAsync();
                await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
                await create.ExecuteNonQueryAsync();
            }
            data = new PortalDataOptions(DatabaseProvider.PostgreSql, new Npgsql.NpgsqlConnectionStringBuilder(postgresServer) { Database = name }.ConnectionString);
        }

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(data);
        services.AddDbContextFactory<PortalDbContext>(options => DatabaseSetup.Configure(options, data));
        services.AddSingleton<AuditLog>();
        services.AddOperationsEngine();
        services.AddOperationHandler<NoOpHandler>();

        var host = new EngineHost(folder, file, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
        await using (var db = host.NewContext())
            await DatabaseSetup.MigrateAsync(db);
        return host;
    }

    public PortalDbContext NewContext() => _services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public Task<Guid> EnqueueAsync(int n) =>
        Operations.EnqueueAsync(Admin, new OperationRequest(NoOpHandler.KindName, new OperationTarget("Benchmark", $"target-{n % 50}", $"Target {n % 50}")));

    public async Task<int> CountAsync(OperationState state)
    {
        await using var db = NewContext();
        return await db.Operations.CountAsync(o => o.State == state);
    }

    public async ValueTask DisposeAsync()
    {
        if (Engine.IsRunning)
            await Engine.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        using (var connection = new SqliteConnection(SqlitePragmas.ConnectionString(_file)))
            SqliteConnection.ClearPool(connection);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
