using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Tests.Unit.Domain;

public sealed class PortalDataOptionsTests
{
    private const string DataFolder = "/srv/portal/data";

    [Fact]
    public void FromSettings_NothingSet_IsTheSqliteFileInTheDataFolder()
    {
        var options = PortalDataOptions.FromSettings(null, null, DataFolder);

        Assert.Equal(DatabaseProvider.Sqlite, options.Provider);
        Assert.Equal(Path.Combine(DataFolder, DatabaseSetup.DatabaseFileName), options.SqliteFile);
        Assert.Equal(Path.Combine(DataFolder, "keys"), options.LegacyKeysFolder);
        Assert.Equal("Portal", options.ApplicationName);
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("postgresql")]
    [InlineData(" POSTGRESQL ")]
    public void FromSettings_PostgreSqlInAnyCase_UsesTheConnectionString(string provider)
    {
        var options = PortalDataOptions.FromSettings(provider, "Host=db.example;Database=portal", DataFolder);

        Assert.Equal(DatabaseProvider.PostgreSql, options.Provider);
        Assert.Equal("Host=db.example;Database=portal", options.ConnectionString);
        Assert.Null(options.SqliteFile);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("SQLite")]
    public void FromSettings_SqliteWithAConnectionString_UsesItsFile(string provider)
    {
        var options = PortalDataOptions.FromSettings(provider, "Data Source=/var/lib/portal/other.db", DataFolder);

        Assert.Equal(DatabaseProvider.Sqlite, options.Provider);
        Assert.Equal("/var/lib/portal/other.db", options.SqliteFile);
    }

    [Theory]
    [InlineData("mysql")]
    [InlineData("1")]
    [InlineData("Postgres")]
    public void FromSettings_UnknownProvider_RefusesNamingTheSettingAndTheAllowedValues(string provider)
    {
        var error = Assert.Throws<PortalStartupException>(() => PortalDataOptions.FromSettings(provider, "Host=db", DataFolder));

        Assert.Contains(PortalDataOptions.ProviderSetting, error.Message);
        Assert.Contains($"'{provider}'", error.Message);
        Assert.Contains("Use Sqlite (the default) or PostgreSQL.", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void FromSettings_PostgreSqlWithoutAConnectionString_RefusesNamingTheSetting(string? connectionString)
    {
        var error = Assert.Throws<PortalStartupException>(() => PortalDataOptions.FromSettings("PostgreSQL", connectionString, DataFolder));

        Assert.Contains("ConnectionStrings:Portal", error.Message);
        Assert.Contains("ConnectionStrings__Portal", error.Message);
    }

    [Theory]
    [InlineData("Frank", "%FRANK%")]
    [InlineData(" münchen ", "%MÜNCHEN%")]
    [InlineData("50%_a\\b", "%50\\%\\_A\\\\B%")]
    public void ContainsPattern_Text_IsUpperCasedWithWildcardsEscaped(string text, string expected) =>
        Assert.Equal(expected, TextSearch.ContainsPattern(text));
}
