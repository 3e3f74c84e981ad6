using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Portal.Domain.Data;

namespace Portal.Migrations.PostgreSql;

/// <summary>
/// How <c>dotnet ef</c> builds the context when it scaffolds a PostgreSQL migration (tools/add-migration.sh): the
/// portal's own provider wiring. Scaffolding never connects, so the connection string only has to be well formed.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(options, new PortalDataOptions(DatabaseProvider.PostgreSql, "Host=localhost;Database=portal_design"));
        return new PortalDbContext(options.Options);
    }
}
