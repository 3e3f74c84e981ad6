using Microsoft.EntityFrameworkCore;

namespace Portal.Domain.Data;

public static class DatabaseSetup
{
    public const string DatabaseFileName = "portal.db";

    /// <summary>Options for the portal context on a SQLite file; the one place the provider is wired.</summary>
    public static void Configure(DbContextOptionsBuilder options, string databaseFile) =>
        options.UseSqlite(SqlitePragmas.ConnectionString(databaseFile))
            .AddInterceptors(new SqlitePragmas());

    /// <summary>Switches the file to WAL (persisted in the file) and applies pending migrations.</summary>
    public static async Task MigrateAsync(PortalDbContext db, CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.MigrateAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
