using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Jobs;

/// <summary>
/// Where Quartz keeps its job store until the operations engine leaves Quartz: always a SQLite file, since the
/// engine's Quartz settings are SQLite's. On SQLite that is the portal's own file (its tables come from the SQLite
/// migrations). On PostgreSQL it is a side file in the data folder, created by the same SQLite migrations, of which only
/// Quartz's tables are used; the operations themselves are rows in PostgreSQL. The side file serves one process, so
/// several portal processes on one PostgreSQL database have to wait for the engine's move.
/// </summary>
public static class QuartzJobStoreFile
{
    public const string SideFileName = "operations-jobs.db";

    /// <summary>The SQLite file for Quartz: the database itself on SQLite, else the side file in <paramref name="dataFolder"/>.</summary>
    public static string For(PortalDataOptions data, string dataFolder) =>
        data.SqliteFile ?? Path.Combine(dataFolder, SideFileName);

    /// <summary>
    /// Creates or upgrades the side file (on SQLite the portal's own migration already did it). Call it after the
    /// database is migrated and before the host starts.
    /// </summary>
    public static async Task PrepareAsync(PortalDataOptions data, string file, CancellationToken ct = default)
    {
        if (data.SqliteFile is not null) return;
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(options, file);
        await using var db = new PortalDbContext(options.Options);
        await DatabaseSetup.MigrateAsync(db, ct);
    }
}
