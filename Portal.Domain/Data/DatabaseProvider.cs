namespace Portal.Domain.Data;

/// <summary>The database engines the portal runs on: one EF model, one migrations assembly per engine.</summary>
public enum DatabaseProvider
{
    /// <summary>A single file in the data folder: nothing to install, one portal process per file.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: the choice for several portal processes on one database.</summary>
    PostgreSql,
}
