using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Domain.Data;

/// <summary>
/// Prepares every connection to a SQLite portal database: wait for a lock instead of failing at once, the
/// write-ahead-log durability level that suits WAL mode, foreign keys, and an <c>upper()</c> that folds every script
/// the way .NET and PostgreSQL do (SQLite's own folds ASCII only), so searches ignore case alike on both databases
/// (see <see cref="Common.TextSearch"/>). WAL itself is persisted in the file and set once at start-up
/// (<see cref="DatabaseSetup"/>).
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public const string Sql = "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        RegisterFunctions(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RegisterFunctions(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void RegisterFunctions(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
            sqlite.CreateFunction("upper", (string? text) => text?.ToUpperInvariant(), isDeterministic: true);
    }

    public static string ConnectionString(string databaseFile) =>
        new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = true }.ToString();
}
