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

namespace Portal.CrashTrials;

/// <summary>
/// The portal as the child process the trials kill: the same <c>AddPortal</c>/<c>UsePortal</c> as Program, Production
/// environment, SQLite and the demo cloud's saved state in one data folder, Kestrel on a loopback port. The demo cloud is
/// made faster (machines in a second or two) and the wait limit shorter, so a wait that can never end shows up within a
/// trial. The first start seeds a new installation (the demo infrastructure and its catalog, a Service Config with an
/// MKS platform, a tenant with a project and a member's API token) and writes it to <c>seed.txt</c>; every start writes
/// its address to <c>address.txt</c> once it listens.
/// </summary>
internal static class PortalProcess
{
    public const string SeedFile = "seed.txt";
    public const string AddressFile = "address.txt";
    private const string AdminEmail = "admin@crash.test";

    public static readonly DemoControllerDelays Delays = DemoControllerDelays.Instant with
    {
        InfrastructureProvisioning = TimeSpan.FromSeconds(1),
        ControlPlaneMachine = TimeSpan.FromSeconds(2),
        WorkerMachine = TimeSpan.FromSeconds(1.5),
        ClusterDeletion = TimeSpan.FromSeconds(2),
        NamespaceTermination = TimeSpan.FromSeconds(1),
    };

    public static async Task<int> ServeAsync(string folder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            Args =
            [
                $"--Portal:DataPath={folder}",
                $"--BootstrapAdmin:Email={AdminEmail}",
                "--BootstrapAdmin:Password=crash-admin-password-1",
                "--Logging:LogLevel:Default=Warning",
                "--urls=http://127.0.0.1:0",
                "--Clusters:WaitLimit=00:01:30",
                "--Clusters:PollInterval=00:00:00.250",
            ],
        });
        builder.AddPortal();
        var demo = new DemoKubernetesOptions
        {
            Delays = Delays,
            Tick = TimeSpan.FromMilliseconds(100),
            StateFolder = Path.Combine(folder, PortalHost.DemoStateFolderName),
        };
        builder.Services.Replace(ServiceDescriptor.Singleton(demo));
        var app = builder.Build();
        await app.InitializePortalAsync();
        app.UsePortal();
        await app.StartAsync();
        if (!File.Exists(Path.Combine(folder, SeedFile)))
            await SeedAsync(app.Services, folder);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var temporary = Path.Combine(folder, AddressFile + ".tmp");
        await File.WriteAllTextAsync(temporary, address);
        File.Move(temporary, Path.Combine(folder, AddressFile), overwrite: true);
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static async Task SeedAsync(IServiceProvider services, string folder)
    {
        Actor admin;
        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = await users.FindByEmailAsync(AdminEmail) ?? throw new InvalidOperationException("No bootstrap admin.");
            admin = new Actor(user.Id, user.DisplayName, user.PlatformRole);
        }
        var request = new RegistrationRequest("Demo", null, InfrastructureProvider.Demo, Placement.NewRegionAndZone("Region Demo", "zone-a"), null, null,
            new ConnectionCheck(true, "Authenticated; demo."), [], []);
        var infrastructureId = Must(await services.GetRequiredService<InfrastructureService>().RegisterAsync(admin, request));
        var listing = Must(await services.GetRequiredService<CloudCatalogReader>().ReadAsync(admin, infrastructureId));
        Must(await services.GetRequiredService<CatalogService>().ImportAsync(admin, infrastructureId, listing.Flavors, listing.Images));
        var configId = Must(await services.GetRequiredService<ServiceConfigService>().CreateAsync(admin, infrastructureId, "Standard", null, true, []));
        Must(await services.GetRequiredService<PlatformCommands>().CreateMksAsync(admin, configId, listing.ExternalNetworks[0].Id));

        var tenancy = services.GetRequiredService<TenancyService>();
        var tenantId = Must(await tenancy.CreateTenantAsync(admin, "Crash", null, null));
        var projectId = Must(await tenancy.CreateProjectAsync(admin, tenantId, "trials", null));
        const string email = "ci@crash.test";
        var userId = Must(await services.GetRequiredService<UserAdminService>().CreateUserAsync(admin, email, email, "crash-user-password-1", PlatformRole.None));
        Must(await tenancy.AddMemberAsync(admin, tenantId, email, TenantRole.Member));
        var token = Must(await services.GetRequiredService<ApiTokenService>().CreatePersonalTokenAsync(new Actor(userId, email, PlatformRole.None), "trials",
            DateTimeOffset.UtcNow.AddDays(1), ApiScope.ReadWrite, [])).PlainText;
        await using var db = services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        var flavorId = await db.Flavors.Where(f => f.InfrastructureId == infrastructureId && f.ProviderName == "m1.medium").Select(f => f.Id).SingleAsync();
        var versions = (await db.Images.Where(i => i.InfrastructureId == infrastructureId && i.KubernetesVersion != null).Select(i => i.KubernetesVersion!).ToListAsync())
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var temporary = Path.Combine(folder, SeedFile + ".tmp");
        await File.WriteAllLinesAsync(temporary, [token, projectId.ToString(), configId.ToString(), flavorId.ToString(), versions[^2], versions[^1]]);
        File.Move(temporary, Path.Combine(folder, SeedFile), overwrite: true);
    }

    private static T Must<T>(Result<T> result) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException($"Seeding was refused: {result.Refusal!.Message}");

    private static void Must(Result result)
    {
        if (!result.Succeeded) throw new InvalidOperationException($"Seeding was refused: {result.Refusal!.Message}");
    }
}
