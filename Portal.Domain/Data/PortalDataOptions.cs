using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Portal.Domain.Data;

/// <summary>
/// Where the portal keeps its data: the database (provider and connection string) and the folder where earlier
/// versions kept the data-protection keys as files (imported into the database once; see
/// <see cref="LegacyKeyImport"/>). Registered as a singleton by <c>AddPortalDomain</c> so other parts can ask which
/// database the portal runs on.
/// </summary>
public sealed record PortalDataOptions(DatabaseProvider Provider, string ConnectionString, string? LegacyKeysFolder = null,
    string ApplicationName = "Portal")
{
    public const string ProviderSetting = "Portal:Database:Provider";
    public const string ConnectionStringName = "Portal";
    public const string ConnectionStringSetting = "ConnectionStrings:" + ConnectionStringName;

    /// <summary>Extra set-up of every context (tests add interceptors here).</summary>
    public Action<DbContextOptionsBuilder>? ConfigureDatabase { get; init; }

    /// <summary>The SQLite file the connection string names; null on PostgreSQL or for an in-memory SQLite database.</summary>
    public string? SqliteFile
    {
        get
        {
            if (Provider != DatabaseProvider.Sqlite) return null;
            var source = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            return string.IsNullOrEmpty(source) || source == ":memory:" ? null : Path.GetFullPath(source);
        }
    }

    /// <summary>SQLite on <paramref name="databaseFile"/>: what the portal uses unless told otherwise, and what most tests use.</summary>
    public static PortalDataOptions ForSqliteFile(string databaseFile, string? legacyKeysFolder = null, string applicationName = "Portal") =>
        new(DatabaseProvider.Sqlite, SqlitePragmas.ConnectionString(databaseFile), legacyKeysFolder, applicationName);

    /// <summary>
    /// The options from the two settings: <see cref="ProviderSetting"/> (<c>Sqlite</c>, the default, or <c>PostgreSQL</c>,
    /// any case) and the connection string <see cref="ConnectionStringSetting"/> (required for PostgreSQL; for SQLite it
    /// defaults to <see cref="DatabaseSetup.DatabaseFileName"/> in <paramref name="dataFolder"/>). Throws
    /// <see cref="PortalStartupException"/> with a message for the person starting the portal.
    /// </summary>
    public static PortalDataOptions FromSettings(string? provider, string? connectionString, string dataFolder)
    {
        var keys = Path.Combine(dataFolder, "keys");
        var chosen = ParseProvider(provider);
        if (chosen == DatabaseProvider.Sqlite)
            return string.IsNullOrWhiteSpace(connectionString)
                ? ForSqliteFile(Path.Combine(dataFolder, DatabaseSetup.DatabaseFileName), keys)
                : new PortalDataOptions(DatabaseProvider.Sqlite, connectionString, keys);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new PortalStartupException(
                $"{ProviderSetting} is PostgreSQL, but the connection string {ConnectionStringSetting} is not set " +
                "(environment variable ConnectionStrings__Portal), e.g. \"Host=db.example;Database=portal;Username=portal;Password=...\".");
        return new PortalDataOptions(DatabaseProvider.PostgreSql, connectionString, keys);
    }

    private static DatabaseProvider ParseProvider(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return DatabaseProvider.Sqlite;
        // Names only: Enum.TryParse would also take "1".
        foreach (var provider in Enum.GetValues<DatabaseProvider>())
        {
            if (string.Equals(provider.ToString(), value.Trim(), StringComparison.OrdinalIgnoreCase))
                return provider;
        }
        throw new PortalStartupException(
            $"{ProviderSetting} is '{value}', which is not a database the portal supports. Use Sqlite (the default) or PostgreSQL.");
    }
}

/// <summary>Why the portal cannot start (a setting, another process on its database); the message says what to do.</summary>
public sealed class PortalStartupException(string message) : Exception(message);
