using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portal.Domain.Data;

/// <summary>
/// How <c>dotnet ef</c> builds the context when it scaffolds a migration (tools/add-migration.sh): the same provider
/// wiring as the portal, on a throw-away file, so the tool never starts the web host or touches a real database.
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
