using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Jobs;
using Portal.Jobs.Clusters;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.OpenStack;
using Portal.Jobs.Operations;
using Portal.Jobs.ServiceConfigs;

namespace Portal.ClustersBenchmark;

/// <summary>What the benchmark may change from production: the demo cloud's speed, and (to compare) the engine's concurrency.</summary>
/// <param name="RememberDemo">The demo cloud keeps its state in the host's folder (as the portal does in its data folder).</param>
internal sealed record HostSettings(DemoControllerDelays Delays, TimeSpan Tick, int? MaxConcurrency, TimeSpan? PollInterval, bool RememberDemo = false);

/// <summary>
/// A generic host wired as <c>PortalHost</c> wires Managed Kubernetes (minus the web parts) on a fresh, migrated SQLite
/// file in its own folder: production defaults for the operations engine, the cluster operations, the OpenStack and
/// Kubernetes clients; the demo cloud with the delays given. Seeded like a new installation after a platform admin's
/// set-up: the demo infrastructure registered with its catalog imported, a Service Config with an MKS platform offered
/// to every tenant, and tenant "Acme" with <see cref="ProjectCount"/> projects and a member. The folder is deleted on dispose.
/// </summary>
internal sealed class ClusterHost : IAsyncDisposable
{
    public const int ProjectCount = 10;

    private readonly IHost _host;
    private readonly HostSettings _settings;
    private readonly bool _keep;
    private bool _stopped;
    private bool _handedOver;

    private ClusterHost(string folder, string file, IHost host, CommandCapture capture, HostSettings settings, bool keep)
    {
        Folder = folder;
        File = file;
        _host = host;
        Capture = capture;
        _settings = settings;
        _keep = keep;
    }

    public string Folder { get; }
    public string File { get; }
    public CommandCapture Capture { get; }
    public IServiceProvider Services => _host.Services;

    public ClusterService Clusters => Services.GetRequiredService<ClusterService>();
    public ClusterCommands Commands => Services.GetRequiredService<ClusterCommands>();
    public ClusterReconciler Reconciler => Services.GetRequiredService<ClusterReconciler>();
    public DemoKubernetesApi Kube => Services.GetRequiredService<DemoKubernetesApi>();
    public OperationsOptions EngineOptions => Services.GetRequiredService<OperationsOptions>();
    public ClusterOperationOptions ClusterOptions => Services.GetRequiredService<ClusterOperationOptions>();

    public Actor Admin { get; private set; } = null!;
    public Actor Member { get; private set; } = null!;
    public Guid ConfigId { get; private set; }
    public Guid TenantId { get; private set; }
    public IReadOnlyList<Guid> ProjectIds { get; private set; } = [];
    public Guid FlavorId { get; private set; }

    public static async Task<ClusterHost> CreateAsync(string root, HostSettings settings, bool keep)
    {
        var folder = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, DatabaseSetup.DatabaseFileName);
        var host = Build(folder, file, settings, keep);
        try
        {
            await using (var db = host.NewContext())
                await DatabaseSetup.MigrateAsync(db);
            await host._host.StartAsync();
            await host.SeedAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops this host as the portal stops and starts a new one on the same folder, as a restart of the portal would;
    /// returns it with how long building and starting it took (the demo's saved state is taken up during the start).
    /// This instance is done afterwards; the new one owns the folder.
    /// </summary>
    public async Task<(ClusterHost Host, TimeSpan Start)> RestartAsync()
    {
        _handedOver = true;
        await StopAsync();
        _host.Dispose();
        using (var connection = new SqliteConnection(SqlitePragmas.ConnectionString(File)))
            SqliteConnection.ClearPool(connection);
        var began = System.Diagnostics.Stopwatch.GetTimestamp();
        var next = Build(Folder, File, _settings, _keep);
        await next._host.StartAsync();
        var took = System.Diagnostics.Stopwatch.GetElapsedTime(began);
        next.Admin = Admin;
        next.Member = Member;
        next.ConfigId = ConfigId;
        next.TenantId = TenantId;
        next.ProjectIds = ProjectIds;
        next.FlavorId = FlavorId;
        return (next, took);
    }

    private static ClusterHost Build(string folder, string file, HostSettings settings, bool keep)
    {
        var capture = new CommandCapture();
        var demoState = settings.RememberDemo ? Path.Combine(folder, "demo") : null;

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var services = builder.Services;
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        // The portal's own registrations; the demo cloud made fast is the one departure from production besides the
        // optional overrides below.
        services.AddPortalDomain(PortalDataOptions.ForSqliteFile(file, applicationName: "Portal.ClustersBenchmark") with
        {
            ConfigureDatabase = options => options.AddInterceptors(capture),
        });
        services.AddDemoCloud(new DemoCloudOptions { StateFolder = demoState },
            new DemoKubernetesOptions { Tick = settings.Tick, Delays = settings.Delays, StateFolder = demoState });
        services.AddPortalJobs(new PortalJobsOptions
        {
            Operations = options =>
            {
                if (settings.MaxConcurrency is { } concurrency) options.MaxConcurrency = concurrency;
            },
            Clusters = settings.PollInterval is { } poll ? new ClusterOperationOptions { PollInterval = poll } : null,
        });

        return new ClusterHost(folder, file, builder.Build(), capture, settings, keep);
    }

    public PortalDbContext NewContext() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    /// <summary>Stops the hosted services (engine, demo controllers); the services stay usable for reads.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync(TimeSpan.FromSeconds(30));
    }

    private async Task SeedAsync()
    {
        Admin = await AddUserAsync("admin@bench.test", PlatformRole.Admin);
        Member = await AddUserAsync("member@acme.test", PlatformRole.None);

        var infrastructures = Services.GetRequiredService<InfrastructureService>();
        var registration = new RegistrationRequest("Demo", null, InfrastructureProvider.Demo, Placement.NewRegionAndZone("Region Demo", "zone-bench"), null, null,
            new ConnectionCheck(true, "Authenticated; demo."), [], []);
        var infrastructureId = Expect(await infrastructures.RegisterAsync(Admin, registration), "register the demo infrastructure");
        var listing = Expect(await Services.GetRequiredService<CloudCatalogReader>().ReadAsync(Admin, infrastructureId), "read the demo cloud's catalog");
        Expect(await Services.GetRequiredService<CatalogService>().ImportAsync(Admin, infrastructureId, listing.Flavors, listing.Images), "import the catalog");
        ConfigId = Expect(await Services.GetRequiredService<ServiceConfigService>().CreateAsync(Admin, infrastructureId, "Standard", null, true, []),
            "create the Service Config");
        Expect(await Services.GetRequiredService<PlatformCommands>().CreateMksAsync(Admin, ConfigId, listing.ExternalNetworks[0].Id), "add the MKS platform");

        await using var db = NewContext();
        var now = DateTimeOffset.UtcNow;
        var tenant = Expect(Tenant.Create("Acme", null, null, now), "create the tenant");
        var projects = Enumerable.Range(1, ProjectCount).Select(i => Expect(Project.Create(tenant.Id, $"project-{i:D2}", null, now), "create a project")).ToList();
        db.Add(tenant);
        db.AddRange(projects);
        db.Memberships.Add(new TenantMembership(tenant.Id, Member.UserId, TenantRole.Member, now));
        await db.SaveChangesAsync();
        TenantId = tenant.Id;
        ProjectIds = projects.Select(p => p.Id).ToList();
        FlavorId = await db.Flavors.Where(f => f.InfrastructureId == infrastructureId && f.ProviderName == "m1.medium").Select(f => f.Id).SingleAsync();
    }

    private async Task<Actor> AddUserAsync(string email, PlatformRole role)
    {
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = email,
            PlatformRole = role,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var scope = Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().CreateAsync(user);
        if (!created.Succeeded)
            throw new InvalidOperationException($"Could not create {email}: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        return new Actor(user.Id, user.DisplayName, role);
    }

    public static T Expect<T>(Result<T> result, string doing) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException($"Could not {doing}: {result.Refusal!.Message}");

    public static void Expect(Result result, string doing)
    {
        if (!result.Succeeded) throw new InvalidOperationException($"Could not {doing}: {result.Refusal!.Message}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_handedOver) return;
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _host.Dispose();
        using (var connection = new SqliteConnection(SqlitePragmas.ConnectionString(File)))
            SqliteConnection.ClearPool(connection);
        if (_keep) return;
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
