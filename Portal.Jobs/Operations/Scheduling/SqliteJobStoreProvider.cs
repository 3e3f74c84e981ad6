using System.Data;
using System.Data.Common;
using Quartz.Impl.AdoJobStore.Common;

namespace Portal.Jobs.Operations.Scheduling;

/// <summary>
/// Quartz's connection provider for the portal's SQLite file: Microsoft.Data.Sqlite ("SQLite-Microsoft"), with the
/// per-connection pragmas every connection to the file needs. Microsoft.Data.Sqlite rejects <c>Busy Timeout=</c> and
/// <c>Journal Mode=</c> in connection strings, so the pragmas run when each connection opens; without the busy
/// timeout, Quartz and EF writing the same file meet "database is locked". WAL is persisted in the file by the
/// migration step at start-up. Quartz creates this type by name and sets <see cref="DbProvider.ConnectionString"/>
/// from its properties, hence the parameterless constructor.
/// </summary>
public sealed class SqliteJobStoreProvider() : DbProvider("SQLite-Microsoft", "")
{
    /// <summary>The pragmas measured to let Quartz and EF share the file with no lock errors.</summary>
    public const string PragmasSql = "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";

    public override DbConnection CreateConnection()
    {
        var connection = base.CreateConnection();
        connection.StateChange += ApplyPragmas;
        return connection;
    }

    private static void ApplyPragmas(object sender, StateChangeEventArgs e)
    {
        if (e.CurrentState != ConnectionState.Open || sender is not DbConnection connection) return;
        using var command = connection.CreateCommand();
        command.CommandText = PragmasSql;
        command.ExecuteNonQuery();
    }
}
