using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Portal.Domain.Data;
using Portal.Domain.Regions;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// Migrations and provider wiring. Tests without a provider in their name run on the run's provider (both, in
/// ./test.sh); the SQLite-only ones say so.
/// </summary>
public sealed class DatabaseSetupTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public void Model_EachProvider_HasNoChangesThatItsMigrationsMiss(DatabaseProvider provider)
    {
        // Compares the model with the provider's migrations snapshot; nothing connects, so no server is needed.
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(options, provider == DatabaseProvider.Sqlite
            ? PortalDataOptions.ForSqliteFile(Path.Combine(Path.GetTempPath(), "portal-never-opened.db"))
            : new PortalDataOptions(DatabaseProvider.PostgreSql, "Host=127.0.0.1;Port=1;Database=never_opened"));
        using var db = new PortalDbContext(options.Options);

        Assert.False(db.Database.HasPendingModelChanges(),
            $"The EF model has changes that no {provider} migration captures. Scaffold one for both providers: tools/add-migration.sh NameByIntent.");
    }

    [Fact]
    public async Task MigrateAsync_SqliteFileFromTheQuartzEra_DropsQuartzsTablesAndKeepsTheOperations()
    {
        await using var database = await ScratchDatabase.CreateAsync("quartz-era", migrated: false, provider: DatabaseProvider.Sqlite);
        await using var db = database.NewContext();
        var migrator = db.GetService<IMigrator>();
        // A file as the last Quartz version left it: its job store, and an operation row that was queued in it.
        await migrator.MigrateAsync("20261205193712_AddUserThemePreference");
        Assert.Equal(11, await CountQuartzTablesAsync(db));
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Operations" ("Id", "Kind", "TargetType", "TargetId", "TargetName", "Parameters", "State", "RequestedById",
                "RequestedByName", "CreatedAt", "UpdatedAt", "Attempt", "CancelRequested", "Version")
            VALUES ('0b6c6a38-4f4e-4a51-9d41-6d7f2c1e0a11', 'postgres-platform.create', 'Platform', 'p-1', 'Platform p-1', '{{}}', 'Queued',
                'user-1', 'Ada', 0, 0, 1, 0, 1)
            """);

        await DatabaseSetup.MigrateAsync(db);

        Assert.Equal(0, await CountQuartzTablesAsync(db));
        Assert.Equal(1, await db.Operations.CountAsync());
    }

    private static async Task<int> CountQuartzTablesAsync(PortalDbContext db) =>
        (await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name LIKE 'QRTZ%'").ToListAsync()).Single();

    [Fact]
    public async Task MigrateAsync_FreshDatabase_LeavesNoPendingModelChanges()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.NewContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            "The EF model has changes that no migration captures. Scaffold a migration: tools/add-migration.sh NameByIntent.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task MigrateAsync_FreshDatabase_AppliesEveryMigration()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);
        await using (var db = database.NewContext())
            await DatabaseSetup.MigrateAsync(db);

        await using var check = database.NewContext();
        Assert.NotEmpty(check.Database.GetMigrations());
        Assert.Equal(check.Database.GetMigrations(), await check.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public void SqliteMigrations_AfterTheMoveToTheirOwnAssembly_KeepTheIdsExistingDatabasesRecorded()
    {
        // Databases created before the move have these ids in __EFMigrationsHistory: a new id would re-run a migration.
        using var db = SqliteContext(Path.Combine(Path.GetTempPath(), "portal-never-opened.db"));

        Assert.Equal(
            ["20261122012338_InitialSchema", "20261122013459_AddOperationHistory", "20261122013520_AddQuartzJobStore",
                "20261122021419_AddServiceConfigsAndPlatforms", "20261122032045_AddDirectoryMemberships",
                "20261122032533_AddManagedKubernetesClusters", "20261122034111_AddClusterStateTransitions",
                "20261205193712_AddUserThemePreference"],
            db.Database.GetMigrations().Take(8));
    }

    [Fact]
    public async Task MigrateAsync_SqliteFileOfTheVersionBeforeTheMove_AppliesOnlyTheNewMigrations()
    {
        await using var store = await ScratchDatabase.CreateAsync("migrate", migrated: false, DatabaseProvider.Sqlite);
        await using (var db = store.NewContext())
            await db.GetService<IMigrator>().MigrateAsync("20261205193712_AddUserThemePreference");
        await using (var db = store.NewContext())
        {
            db.Regions.Add(Region.Create("Frankfurt", null, DateTimeOffset.UtcNow).ShouldSucceed());
            await db.SaveChangesAsync();
        }

        await using (var db = store.NewContext())
        {
            Assert.Equal(db.Database.GetMigrations().Skip(8), await db.Database.GetPendingMigrationsAsync());
            Assert.Contains("20261205223428_AddDataProtectionKeys", await db.Database.GetPendingMigrationsAsync());
            await DatabaseSetup.MigrateAsync(db);
        }

        await using var check = store.NewContext();
        Assert.Empty(await check.Database.GetPendingMigrationsAsync());
        Assert.Equal("Frankfurt", (await check.Regions.SingleAsync()).Name);
    }

    [Fact]
    public async Task MigrateAsync_SqliteFreshFile_SwitchesTheFileToWriteAheadLogging()
    {
        await using var database = await TestDatabase.CreateAsync(provider: DatabaseProvider.Sqlite);

        await using var connection = new SqliteConnection(database.Store.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MigrateAsync_CalledAgainOnAMigratedDatabase_IsHarmlessAndKeepsData()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.SeedRegionAsync("Frankfurt");

        await using (var db = database.NewContext())
            await DatabaseSetup.MigrateAsync(db);

        Assert.Equal(1, await database.CountAsync<Region>());
    }

    [Fact]
    public async Task MigrateAsync_MigrationsAssemblyWithoutMigrations_RefusesInsteadOfApplyingNothing()
    {
        await using var store = await ScratchDatabase.CreateAsync("migrate", migrated: false, DatabaseProvider.Sqlite);
        var options = new DbContextOptionsBuilder<PortalDbContext>()
            .UseSqlite(store.ConnectionString, sqlite => sqlite.MigrationsAssembly(typeof(PortalDbContext).Assembly.GetName().Name));
        await using var db = new PortalDbContext(options.Options);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseSetup.MigrateAsync(db));

        Assert.Contains("No migrations were found", error.Message);
    }

    [Fact]
    public async Task Configure_SqliteConnection_EnforcesForeignKeysAndWaitsForLocks()
    {
        await using var database = await TestDatabase.CreateAsync(provider: DatabaseProvider.Sqlite);
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

        if (database.Provider == DatabaseProvider.Sqlite)
            Assert.Equal(787, Assert.IsType<SqliteException>(error.InnerException).SqliteExtendedErrorCode);
        else
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    [Fact]
    public async Task SaveChanges_TimestampWithAnOffset_IsStoredAsTheSameInstantInUtc()
    {
        await using var database = await TestDatabase.CreateAsync();
        var local = new DateTimeOffset(2026, 12, 5, 14, 30, 0, TimeSpan.FromHours(2));
        await using (var db = database.NewContext())
        {
            db.Regions.Add(Region.Create("Frankfurt", null, local).ShouldSucceed());
            await db.SaveChangesAsync();
        }

        await using var read = database.NewContext();
        // Found by its UTC instant, and read back in UTC.
        var utc = local.ToUniversalTime();
        var stored = await read.Regions.AsNoTracking().SingleAsync(r => r.CreatedAt == utc);
        Assert.Equal(TimeSpan.Zero, stored.CreatedAt.Offset);
        Assert.Equal(local.UtcTicks, stored.CreatedAt.UtcTicks);
        Assert.Equal(1, await read.Regions.CountAsync(r => r.CreatedAt < local.AddSeconds(1) && r.CreatedAt > local.AddSeconds(-1)));
    }

    [Fact]
    public async Task Read_SqliteTimestampWrittenWithAnOffsetByAnEarlierVersion_IsTheSameInstant()
    {
        await using var database = await TestDatabase.CreateAsync(provider: DatabaseProvider.Sqlite);
        var regionId = await database.SeedRegionAsync("Frankfurt");
        var local = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(1));
        // What EF's binary converter wrote before timestamps were normalized: local ticks and the offset.
        var old = (long)new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter().ConvertToProvider(local)!;
        await using (var db = database.NewContext())
            await db.Database.ExecuteSqlAsync($"UPDATE \"Regions\" SET \"CreatedAt\" = {old} WHERE \"Id\" = {regionId}");

        await using var read = database.NewContext();
        var region = await read.Regions.AsNoTracking().SingleAsync(r => r.Id == regionId);

        Assert.Equal(local.UtcTicks, region.CreatedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, region.CreatedAt.Offset);
    }

    private static PortalDbContext SqliteContext(string file)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(options, file);
        return new PortalDbContext(options.Options);
    }
}
