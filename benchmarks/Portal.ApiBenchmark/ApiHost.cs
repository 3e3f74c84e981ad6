using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.DemoCloud.Kubernetes;
using Portal.Domain.Api;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Hosting;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.ServiceConfigs;

namespace Portal.ApiBenchmark;

/// <summary>
/// The real portal — the same <c>AddPortal</c>/<c>UsePortal</c> as Program, Production environment, Kestrel on a
/// loopback port, SQLite in a fresh data folder — with the demo cloud made fast (the only change from production), and
/// seeded like a new installation: the demo infrastructure with its catalog, a Service Config with an MKS platform for
/// every tenant, tenant "Bench" with one project and one member (with an API token) per client.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@bench.test";
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, string folder, Uri address)
    {
        _app = app;
        Folder = folder;
        Address = address;
    }

    public string Folder { get; }
    public Uri Address { get; }
    public IServiceProvider Services => _app.Services;
    public string DatabaseFile => Path.Combine(Folder, DatabaseSetup.DatabaseFileName);
    public Actor Admin { get; private set; } = null!;
    public string AdminToken { get; private set; } = "";
    public Guid ConfigId { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid FlavorId { get; private set; }
    public string Version { get; private set; } = "";
    public List<(Guid ProjectId, Actor Member, string Token)> Clients { get; } = [];

    public static async Task<ApiHost> StartAsync(string folder, int clients, DemoControllerDelays delays, int rateBurst, int ratePerSecond)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            Args =
            [
                $"--Portal:DataPath={folder}",
                $"--BootstrapAdmin:Email={AdminEmail}",
                "--BootstrapAdmin:Password=bench-admin-password-1",
                "--Logging:LogLevel:Default=Warning",
                $"--Api:RateLimit:Burst={rateBurst}",
                $"--Api:RateLimit:PerSecond={ratePerSecond}",
                "--urls=http://127.0.0.1:0",
                // The periodic reconcile would read back thousands of copied clusters the demo never made: off for the run.
                "--Clusters:ReconcileInterval=1.00:00:00",
                "--Databases:ReconcileInterval=1.00:00:00",
            ],
        });
        builder.AddPortal();
        var demo = new DemoKubernetesOptions { Delays = delays, Tick = TimeSpan.FromMilliseconds(100), StateFolder = null };
        builder.Services.Replace(ServiceDescriptor.Singleton(demo));
        var app = builder.Build();
        await app.InitializePortalAsync();
        app.UsePortal();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var host = new ApiHost(app, folder, address);
        await host.SeedAsync(clients);
        return host;
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromMinutes(2),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task SeedAsync(int clients)
    {
        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var admin = await users.FindByEmailAsync(AdminEmail) ?? throw new InvalidOperationException("No bootstrap admin.");
            Admin = new Actor(admin.Id, admin.DisplayName, admin.PlatformRole);
        }
        var tokens = Services.GetRequiredService<ApiTokenService>();
        AdminToken = Must(await tokens.CreatePersonalTokenAsync(Admin, "bench-admin", DateTimeOffset.UtcNow.AddDays(1), ApiScope.ReadWrite, [])).PlainText;

        var request = new RegistrationRequest("Demo", null, InfrastructureProvider.Demo, Placement.NewRegionAndZone("Region Demo", "zone-a"), null, null,
            new ConnectionCheck(true, "Authenticated; demo."), [], []);
        var infrastructureId = Must(await Services.GetRequiredService<InfrastructureService>().RegisterAsync(Admin, request));
        var listing = Must(await Services.GetRequiredService<CloudCatalogReader>().ReadAsync(Admin, infrastructureId));
        Must(await Services.GetRequiredService<CatalogService>().ImportAsync(Admin, infrastructureId, listing.Flavors, listing.Images));
        ConfigId = Must(await Services.GetRequiredService<ServiceConfigService>().CreateAsync(Admin, infrastructureId, "Standard", null, true, []));
        Must(await Services.GetRequiredService<PlatformCommands>().CreateMksAsync(Admin, ConfigId, listing.ExternalNetworks[0].Id));

        var tenancy = Services.GetRequiredService<TenancyService>();
        TenantId = Must(await tenancy.CreateTenantAsync(Admin, "Bench", null, null));
        await using var db = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        FlavorId = await db.Flavors.Where(f => f.InfrastructureId == infrastructureId && f.ProviderName == "m1.medium").Select(f => f.Id).SingleAsync();
        Version = (await db.Images.Where(i => i.InfrastructureId == infrastructureId && i.KubernetesVersion != null).Select(i => i.KubernetesVersion!).ToListAsync())
            .Max(StringComparer.Ordinal)!;
        var userAdmin = Services.GetRequiredService<UserAdminService>();
        for (var i = 0; i < clients; i++)
        {
            var projectId = Must(await tenancy.CreateProjectAsync(Admin, TenantId, $"team-{i:D2}", null));
            var email = $"ci-{i:D2}@bench.test";
            var userId = Must(await userAdmin.CreateUserAsync(Admin, email, email, "bench-user-password-1", PlatformRole.None));
            Must(await tenancy.AddMemberAsync(Admin, TenantId, email, TenantRole.Member));
            var member = new Actor(userId, email, PlatformRole.None);
            var token = Must(await tokens.CreatePersonalTokenAsync(member, $"pipeline-{i:D2}", DateTimeOffset.UtcNow.AddDays(1), ApiScope.ReadWrite, [])).PlainText;
            Clients.Add((projectId, member, token));
        }
    }

    private static T Must<T>(Result<T> result) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException($"Seeding was refused: {result.Refusal!.Message}");

    private static void Must(Result result)
    {
        if (!result.Succeeded) throw new InvalidOperationException($"Seeding was refused: {result.Refusal!.Message}");
    }

    public async ValueTask DisposeAsync()
    {
        // Stopped first, so background services end on their stopping token before the container goes.
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
