using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Data;

namespace Portal.Tests.Support;

/// <summary>
/// A fresh database for one test, and its own temporary folder (for a SQLite file, legacy key files): where every test
/// database comes from. The provider is the run's:
/// <c>PORTAL_TEST_DATABASE=postgresql</c> makes every test database a new PostgreSQL database on the server named by
/// <c>PORTAL_TEST_POSTGRES</c> (tools/test-postgres.sh starts a throwaway one); otherwise each is a SQLite file. Tests
/// about one provider's own behaviour ask for it explicitly. On PostgreSQL the schema is migrated once per test run into
/// a template database, which each test copies (<c>CREATE DATABASE … TEMPLATE …</c>, milliseconds instead of a
/// migration). Disposing drops the database and deletes the folder.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    public const string ProviderVariable = "PORTAL_TEST_DATABASE";
    public const string ServerVariable = "PORTAL_TEST_POSTGRES";

    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _template;
    private readonly string? _postgresName;

    private ScratchDatabase(DatabaseProvider provider, string folder, string connectionString, string? postgresName)
    {
        Provider = provider;
        Folder = folder;
        ConnectionString = connectionString;
        _postgresName = postgresName;
    }

    /// <summary>The provider this run's tests use unless a test asks for one.</summary>
    public static DatabaseProvider RunProvider { get; } = ReadRunProvider();

    public DatabaseProvider Provider { get; }

    /// <summary>The test's own temporary folder (deleted on dispose).</summary>
    public string Folder { get; }

    public string ConnectionString { get; }

    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite ? Path.Combine(Folder, DatabaseSetup.DatabaseFileName) : null;

    /// <summary>The portal's data options for this database; the legacy keys folder is the folder's <c>keys</c>.</summary>
    public PortalDataOptions Options(string applicationName = "Portal.Tests") =>
        new(Provider, ConnectionString, Path.Combine(Folder, "keys"), applicationName);

    /// <summary>
    /// A new database on <paramref name="provider"/> (default: the run's). <paramref name="migrated"/> false gives an
    /// empty one, for tests of migrating and for hosts that migrate at start-up.
    /// </summary>
    public static async Task<ScratchDatabase> CreateAsync(string purpose, bool migrated = true, DatabaseProvider? provider = null)
    {
        var chosen = provider ?? RunProvider;
        var folder = Path.Combine(Path.GetTempPath(), "portal-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (chosen == DatabaseProvider.Sqlite)
        {
            var sqlite = new ScratchDatabase(chosen, folder, SqlitePragmas.ConnectionString(Path.Combine(folder, DatabaseSetup.DatabaseFileName)), null);
            if (migrated)
                await sqlite.MigrateAsync();
            return sqlite;
        }

        var server = ServerConnectionString();
        string name;
        if (migrated)
        {
            // The copy for the next test is made while this one runs: copying takes longer than most domain tests.
            var ready = Prepared.TryDequeue(out var prepared) ? prepared : CopyTemplateAsync(server);
            Prepared.Enqueue(CopyTemplateAsync(server));
            name = await ready;
        }
        else
        {
            name = NewDatabaseName("test");
            await ExecuteAsync(server, $"CREATE DATABASE \"{name}\" TEMPLATE template0");
        }
        // Pooled, as the portal's would be (the maintenance connection is not).
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true };
        return new ScratchDatabase(chosen, folder, builder.ConnectionString, name);
    }

    /// <summary>A context on this database, configured as the portal configures its own.</summary>
    public PortalDbContext NewContext()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(options, Options());
        return new PortalDbContext(options.Options);
    }

    public async Task MigrateAsync()
    {
        await using var db = NewContext();
        await DatabaseSetup.MigrateAsync(db);
    }

    /// <summary>One value read with plain SQL (identifiers in double quotes work on both providers).</summary>
    public async Task<T?> ScalarAsync<T>(FormattableString sql)
    {
        await using var db = NewContext();
        return (await db.Database.SqlQuery<T>(sql).ToListAsync()).SingleOrDefault();
    }

    /// <summary>Every value of every table as text, read without the model: to prove a secret is nowhere in the database.</summary>
    public async Task<string> AllTextAsync()
    {
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = Provider == DatabaseProvider.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    text.Append(value switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        _ => value?.ToString(),
                    }).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            // Pooled connections keep the file open; release this file's pool only (other tests run in parallel).
            using var connection = new SqliteConnection(ConnectionString);
            SqliteConnection.ClearPool(connection);
        }
        else
        {
            using (var connection = new NpgsqlConnection(ConnectionString))
                NpgsqlConnection.ClearPool(connection);
            await ExecuteAsync(ServerConnectionString(), $"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)");
        }
        try
        {
            if (Directory.Exists(Folder))
                Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static DatabaseProvider ReadRunProvider()
    {
        var value = Environment.GetEnvironmentVariable(ProviderVariable);
        if (string.IsNullOrWhiteSpace(value) || value.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
            return DatabaseProvider.Sqlite;
        if (value.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
            return DatabaseProvider.PostgreSql;
        throw new InvalidOperationException($"{ProviderVariable} is '{value}'; use sqlite (the default) or postgresql.");
    }

    /// <summary>The maintenance connection to the test server, without pooling (a pooled idle connection to the template would block copying it).</summary>
    private static string ServerConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException(
                $"PostgreSQL was requested for the tests, but {ServerVariable} is not set. Run ./test.sh (it starts a throwaway " +
                "server), or start one with tools/test-postgres.sh and export the connection string it prints, e.g. " +
                $"{ServerVariable}=\"Host=127.0.0.1;Port=54329;Username=postgres;Database=postgres\".");
        return new NpgsqlConnectionStringBuilder(value) { Pooling = false }.ConnectionString;
    }

    private static readonly System.Collections.Concurrent.ConcurrentQueue<Task<string>> Prepared = new();

    /// <summary>A new database copied from the migrated template.</summary>
    private static async Task<string> CopyTemplateAsync(string server)
    {
        var template = await MigratedTemplateAsync(server);
        var name = NewDatabaseName("test");
        // FILE_COPY (PostgreSQL 15 and later) copies a small template about twice as fast as the default WAL_LOG.
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"{(await ServerVersionAsync(server) >= 15 ? " STRATEGY FILE_COPY" : "")}");
        return name;
    }

    /// <summary>
    /// The template database with every migration applied: made once per test process. When the process exits, the
    /// template and the copies no test took are dropped.
    /// </summary>
    private static async Task<string> MigratedTemplateAsync(string server)
    {
        await TemplateGate.WaitAsync();
        try
        {
            if (_template is not null) return _template;
            await DropLeftoversAsync(server);
            var name = NewDatabaseName("template");
            await ExecuteAsync(server, $"CREATE DATABASE \"{name}\" TEMPLATE template0");
            var options = new DbContextOptionsBuilder<PortalDbContext>();
            DatabaseSetup.Configure(options, new PortalDataOptions(DatabaseProvider.PostgreSql,
                new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString));
            await using (var db = new PortalDbContext(options.Options))
                await DatabaseSetup.MigrateAsync(db);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                while (Prepared.TryDequeue(out var unused))
                {
                    if (unused.Wait(TimeSpan.FromSeconds(10)))
                        ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{unused.Result}\" WITH (FORCE)").GetAwaiter().GetResult();
                }
                ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").GetAwaiter().GetResult();
            };
            return _template = name;
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    /// <summary>A database name that says which test process made it (PostgreSQL keeps 63 characters of a name).</summary>
    private static string NewDatabaseName(string kind) => $"portal_{kind}_{Environment.ProcessId}_{Guid.NewGuid():N}";

    /// <summary>
    /// Drops the databases of test processes that are gone: the test host is usually stopped before its exit handlers
    /// run. Without FORCE, so a database still in use (another run on a shared server) stays.
    /// </summary>
    private static async Task DropLeftoversAsync(string server)
    {
        var leftovers = new List<string>();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT datname FROM pg_database WHERE datname LIKE 'portal\\_test\\_%' OR datname LIKE 'portal\\_template\\_%'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) leftovers.Add(reader.GetString(0));
        }
        foreach (var name in leftovers)
        {
            var parts = name.Split('_');
            if (parts.Length < 4 || !int.TryParse(parts[2], out var pid) || pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}"))
                continue;
            try
            {
                await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\"");
            }
            catch (PostgresException)
            {
                // In use: not a leftover after all.
            }
        }
    }

    private static int? _serverVersion;

    private static async Task<int> ServerVersionAsync(string server)
    {
        if (_serverVersion is { } known) return known;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        return (_serverVersion = connection.PostgreSqlVersion.Major).Value;
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
