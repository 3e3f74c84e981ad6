using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

public sealed class DatabaseSetupTests
{
    [Fact]
    public async Task MigrateAsync_FreshFile_LeavesNoPendingModelChanges()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.NewContext();

        // Fails when the model changed and nobody added a migration for it.
        Assert.False(db.Database.HasPendingModelChanges(),
            "The EF model has changes that no migration captures. Scaffold a migration (tools/Portal.Migrations).");
    }

    [Fact]
    public async Task MigrateAsync_FreshFile_AppliesEveryMigration()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.NewContext();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.True(System.IO.File.Exists(database.File));
    }

    [Fact]
    public async Task MigrateAsync_FreshFile_SwitchesTheFileToWriteAheadLogging()
    {
        await using var database = await TestDatabase.CreateAsync();

        await using var connection = new SqliteConnection(SqlitePragmas.ConnectionString(database.File));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MigrateAsync_CalledAgainOnAMigratedFile_IsHarmlessAndKeepsData()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.SeedRegionAsync("Frankfurt");

        await using (var db = database.NewContext())
            await DatabaseSetup.MigrateAsync(db);

        Assert.Equal(1, await database.CountAsync<Portal.Domain.Regions.Region>());
    }

    [Fact]
    public async Task Configure_EveryConnection_EnforcesForeignKeysAndWaitsForLocks()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.NewContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        await using var foreignKeys = connection.CreateCommand();
        foreignKeys.CommandText = "PRAGMA foreign_keys;";
        Assert.Equal(1L, await foreignKeys.ExecuteScalarAsync());

        await using var busyTimeout = connection.CreateCommand();
        busyTimeout.CommandText = "PRAGMA busy_timeout;";
        Assert.Equal(5000L, await busyTimeout.ExecuteScalarAsync());
    }

    [Fact]
    public async Task SaveChanges_ZoneOfMissingRegion_IsRejectedByTheForeignKey()
    {
        await using var database = await TestDatabase.CreateAsync();

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => database.SeedZoneAsync(Guid.NewGuid(), "orphan"));

        Assert.Equal(787, Assert.IsType<SqliteException>(error.InnerException).SqliteExtendedErrorCode);
    }
}
