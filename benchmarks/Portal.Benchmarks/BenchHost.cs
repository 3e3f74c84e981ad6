using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.DemoCloud;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.OpenStack;

namespace Portal.Benchmarks;

/// <summary>
/// The domain and jobs services wired as <c>PortalHost</c> wires them (minus the web parts) on a fresh,
/// migrated SQLite file in its own folder. The folder is deleted on dispose.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    /// <summary>Who the benchmark acts as. Audit entries only record the id; no account is needed.</summary>
    public static readonly Actor Admin = new("benchmark-admin", "Benchmark", PlatformRole.Admin);

    private readonly ServiceProvider _services;

    private BenchHost(string folder, string file, ServiceProvider services)
    {
        Folder = folder;
        File = file;
        _services = services;
    }

    public string Folder { get; }
    public string File { get; }

    public InfrastructureService Infrastructures => _services.GetRequiredService<InfrastructureService>();
    public CatalogService Catalog => _services.GetRequiredService<CatalogService>();
    public CloudCatalogReader Reader => _services.GetRequiredService<CloudCatalogReader>();
    public DemoCloudService DemoCloud => _services.GetRequiredService<DemoCloudService>();
    public IOpenStackClientFactory Clients => _services.GetRequiredService<IOpenStackClientFactory>();

    public static async Task<BenchHost> CreateAsync(string root, DemoCloudOptions? demoOptions = null)
    {
        var folder = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, DatabaseSetup.DatabaseFileName);

        var services = new ServiceCollection();
        services.AddLogging();
        // The portal's domain registrations; only the cloud side of the jobs (no engine).
        services.AddPortalDomain(PortalDataOptions.ForSqliteFile(file, applicationName: "Portal.Benchmarks"));
        services.AddDemoCloud(demoOptions);
        services.AddOpenStackClients();
        services.AddSingleton<ConnectionProbe>();
        services.AddSingleton<CloudCatalogReader>();

        var host = new BenchHost(folder, file, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
        await using var db = host.NewContext();
        await DatabaseSetup.MigrateAsync(db);
        return host;
    }

    public PortalDbContext NewContext() => _services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    /// <summary>Registers the demo cloud with an inline region and zone, as the wizard does.</summary>
    public async Task<Guid> RegisterDemoAsync(string name = "Demo cloud")
    {
        var request = new RegistrationRequest(name, null, InfrastructureProvider.Demo, Placement.NewRegionAndZone("Benchmark", "bench-a"),
            null, null, new ConnectionCheck(true, "Benchmark."), [], []);
        var result = await Infrastructures.RegisterAsync(Admin, request);
        return result.Succeeded ? result.Value : throw new InvalidOperationException($"Registration refused: {result.Refusal}");
    }

    public async Task<(int Flavors, int Images)> CountCatalogAsync(Guid infrastructureId)
    {
        await using var db = NewContext();
        return (await db.Flavors.CountAsync(f => f.InfrastructureId == infrastructureId),
            await db.Images.CountAsync(i => i.InfrastructureId == infrastructureId));
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        using (var connection = new SqliteConnection(SqlitePragmas.ConnectionString(File)))
            SqliteConnection.ClearPool(connection);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
