using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.EntityFrameworkCore.Sqlite.Design.Internal;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Data;

// Scaffolds a migration capturing the difference between the model and the latest snapshot.
if (args.Length != 1 || string.IsNullOrWhiteSpace(args[0]))
{
    Console.Error.WriteLine("usage: dotnet run --project tools/Portal.Migrations -- <MigrationName>");
    return 2;
}

var repoRoot = FindRepoRoot();
var projectDir = Path.Combine(repoRoot, "Portal.Domain");
var options = new DbContextOptionsBuilder<PortalDbContext>();
DatabaseSetup.Configure(options, Path.Combine(Path.GetTempPath(), "portal-migrations-design.db"));
await using var context = new PortalDbContext(options.Options);

var services = new ServiceCollection()
    .AddEntityFrameworkDesignTimeServices()
    .AddDbContextDesignTimeServices(context);
#pragma warning disable EF1001 // the SQLite provider's design-time services are internal API by design
new SqliteDesignTimeServices().ConfigureDesignTimeServices(services);
#pragma warning restore EF1001
await using var provider = services.BuildServiceProvider();
var scaffolder = provider.GetRequiredService<IMigrationsScaffolder>();
var migration = scaffolder.ScaffoldMigration(args[0], "Portal.Domain", "Data.Migrations", "C#");
var files = scaffolder.Save(projectDir, migration, Path.Combine(projectDir, "Data", "Migrations"));
Console.WriteLine($"Wrote {files.MigrationFile}");
Console.WriteLine($"Wrote {files.MetadataFile}");
Console.WriteLine($"Wrote {files.SnapshotFile}");
return 0;

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
        dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("Run this tool from inside the repository.");
}
