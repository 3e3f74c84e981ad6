using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Portal.Domain.Data;

namespace Portal.Migrations.Sqlite;

/// <summary>
/// How <c>dotnet ef</c> builds the context when it scaffolds a SQLite migration (tools/add-migration.sh): the portal's
/// own provider wiring on a throw-away file, so the tool never starts the web host or touches a real database.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(options, Path.Combine(Path.GetTempPath(), "portal-migrations-design.db"));
        return new PortalDbContext(options.Options);
    }
}
