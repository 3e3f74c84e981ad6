using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
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
using Portal.Tests.Support;

namespace Portal.Tests.Integration.ServiceConfigs;

/// <summary>
/// A generic host wired as <c>PortalHost</c> wires the Service Config feature (minus the web parts) on a real, migrated
/// database of its own (<see cref="ScratchDatabase"/>): Data Protection with keys in the database, Identity core, audit, the
/// infrastructure and catalog services with the in-process demo cloud, the Kubernetes client factory with the demo
/// Kubernetes API (its controllers ticking every 20 ms), the real operations engine (Hangfire, in memory or in the
/// PostgreSQL database), the Service Config services and the three PostgreSQL platform handlers. Started like the portal
/// starts: migrate first, then the hosted services. The clock is the system clock (Hangfire and the waits need real
/// time). A <see cref="SaveHook"/> on every context lets a test act "at the same moment" as a command.
/// </summary>
public sealed class ServiceConfigTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly Settings _settings;
    private bool _handedOver;

    /// <summary>What a host was created with, so that <see cref="RestartAsync"/> builds the same one again.</summary>
    private sealed record Settings(DemoControllerDelays? Delays, int TransientRetries, TimeSpan? Latency, Action<IServiceCollection>? Configure, bool RememberDemo);

    private ServiceConfigTestHost(ScratchDatabase store, IHost host, SaveHook hook, Settings settings)
    {
        Store = store;
        _host = host;
        Hook = hook;
        _settings = settings;
    }

    public ScratchDatabase Store { get; }
    public SaveHook Hook { get; }
    public IServiceProvider Services => _host.Services;

    public ServiceConfigService Configs => Services.GetRequiredService<ServiceConfigService>();
    public PlatformCommands Platforms => Services.GetRequiredService<PlatformCommands>();
    public InfrastructureService Infrastructures => Services.GetRequiredService<InfrastructureService>();
    public CloudCatalogReader Cloud => Services.GetRequiredService<CloudCatalogReader>();
    public OperationService Operations => Services.GetRequiredService<OperationService>();
    public DemoKubernetesApi Kube => Services.GetRequiredService<DemoKubernetesApi>();

    public Actor Admin { get; private set; } = null!;
    public Actor Viewer { get; private set; } = null!;

    /// <summary>
    /// A started host with a platform admin and a platform viewer. <paramref name="delays"/> are the demo
    /// controllers' (default: every step completes on the next tick); <paramref name="latency"/> is added to every
    /// answer of the demo Kubernetes API.
    /// </summary>
    /// <param name="rememberDemo">The demo cloud keeps its state in <see cref="DemoStateFolder"/>, as the portal does in its
    /// data folder (otherwise in memory, as every other test host).</param>
    public static async Task<ServiceConfigTestHost> CreateAsync(DemoControllerDelays? delays = null, int transientRetries = 4, TimeSpan? latency = null,
        Action<IServiceCollection>? configure = null, bool rememberDemo = false)
    {
        var store = await ScratchDatabase.CreateAsync("service-configs");
        var host = await StartAsync(store, new Settings(delays, transientRetries, latency, configure, rememberDemo));
        try
        {
            host.Admin = await host.AddUserAsync("admin@portal.test", PlatformRole.Admin);
            host.Viewer = await host.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Where the demo cloud keeps its state when the host was created with <c>rememberDemo</c>.</summary>
    public string DemoStateFolder => Path.Combine(Store.Folder, "demo");

    /// <summary>
    /// Stops this host as the portal stops (hosted services first: the engine, the demo's controllers, the demo's last
    /// save) and starts a new one on the same database and folder, as a restart of the portal would. This instance is
    /// done afterwards; use the one returned (it owns the database now).
    /// </summary>
    public async Task<ServiceConfigTestHost> RestartAsync()
    {
        _handedOver = true;
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
        var restarted = await StartAsync(Store, _settings);
        restarted.Admin = Admin;
        restarted.Viewer = Viewer;
        return restarted;
    }

    private static async Task<ServiceConfigTestHost> StartAsync(ScratchDatabase store, Settings settings)
    {
        var (delays, transientRetries, latency, configure, rememberDemo) = settings;
        var hook = new SaveHook();
        var data = store.Options() with { ConfigureDatabase = options => options.AddInterceptors(hook) };
        var demoState = rememberDemo ? Path.Combine(store.Folder, "demo") : null;

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var services = builder.Services;
        services.AddLogging();
        // The portal's own registrations, tuned for tests: instant demo controllers, fast retries and polls.
        services.AddPortalDomain(data);
        services.AddDemoCloud(new DemoCloudOptions { StateFolder = demoState }, new DemoKubernetesOptions
        {
            Tick = TimeSpan.FromMilliseconds(20),
            Delays = delays ?? DemoControllerDelays.Instant,
            Latency = latency ?? TimeSpan.Zero,
            StateFolder = demoState,
        });
        services.AddPortalJobs(new PortalJobsOptions
        {
            OpenStack = new OpenStackClientOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5) },
            Kubernetes = new KubernetesClientOptions
            {
                // One quick retry inside the client, so that a burst of faults reaches the engine's own retries.
                MaxRetries = 1,
                RetryBaseDelay = TimeSpan.FromMilliseconds(1),
                MaxRetryDelay = TimeSpan.FromMilliseconds(5),
                ConnectTimeout = TimeSpan.FromSeconds(2),
                RequestTimeout = TimeSpan.FromSeconds(5),
            },
            Operations = options =>
            {
                options.TransientRetries = transientRetries;
                options.TransientRetryDelay = TimeSpan.FromMilliseconds(5);
                options.MaxTransientRetryDelay = TimeSpan.FromMilliseconds(20);
                options.ShutdownTimeout = TimeSpan.FromSeconds(5);
            },
            // The periodic reconcile is run by the tests themselves.
            Clusters = new ClusterOperationOptions
            {
                PollInterval = TimeSpan.FromMilliseconds(20),
                WaitLimit = TimeSpan.FromSeconds(30),
                FaultConfirmation = TimeSpan.FromMilliseconds(200),
                ReconcileInterval = TimeSpan.FromHours(1),
            },
            Databases = new Portal.Jobs.Databases.DatabaseOperationOptions
            {
                PollInterval = TimeSpan.FromMilliseconds(20),
                WaitLimit = TimeSpan.FromSeconds(30),
                FaultConfirmation = TimeSpan.FromMilliseconds(200),
                SettleTime = TimeSpan.FromMilliseconds(100),
                ReconcileInterval = TimeSpan.FromHours(1),
            },
        });
        configure?.Invoke(services);

        var host = new ServiceConfigTestHost(store, builder.Build(), hook, settings);
        try
        {
            await host._host.StartAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public PortalDbContext NewContext() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public async Task<Actor> AddUserAsync(string email, PlatformRole role)
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
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        return new Actor(user.Id, user.DisplayName, role);
    }

    /// <summary>Registers the demo cloud through the service, in a new region and zone, as the wizard does.</summary>
    public async Task<Guid> RegisterDemoAsync(string name = "Demo")
    {
        var request = new RegistrationRequest(name, null, InfrastructureProvider.Demo,
            Placement.NewRegionAndZone("Region " + name, "zone-" + Guid.NewGuid().ToString("N")[..8]), null, null,
            new ConnectionCheck(true, "Authenticated; demo."), [], []);
        return (await Infrastructures.RegisterAsync(Admin, request)).ShouldSucceed();
    }

    public async Task<Guid> SeedTenantAsync(string name)
    {
        await using var db = NewContext();
        var tenant = Tenant.Create(name, null, null, DateTimeOffset.UtcNow).ShouldSucceed();
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync();
        return tenant.Id;
    }

    public async Task<Guid> CreateConfigAsync(Guid infrastructureId, string name = "Standard") =>
        (await Configs.CreateAsync(Admin, infrastructureId, name, null, true, [])).ShouldSucceed();

    public async Task<ServiceConfigRow> ConfigAsync(Guid infrastructureId, Guid configId) =>
        Assert.Single((await Configs.ListAsync(Admin, infrastructureId)).ShouldSucceed(), c => c.Id == configId);

    /// <summary>The first external network the demo cloud lists right now.</summary>
    public async Task<string> ExternalNetworkAsync(Guid infrastructureId) =>
        (await Cloud.ReadAsync(Admin, infrastructureId)).ShouldSucceed().ExternalNetworks[0].Id;

    /// <summary>Adds the MKS platform on the first external network; returns its id.</summary>
    public async Task<Guid> AddMksAsync(Guid infrastructureId, Guid configId)
    {
        (await Platforms.CreateMksAsync(Admin, configId, await ExternalNetworkAsync(infrastructureId))).ShouldSucceed();
        return await PlatformIdAsync(configId, PlatformKind.Mks);
    }

    /// <summary>A registered demo infrastructure with one Service Config holding an MKS platform.</summary>
    public async Task<(Guid InfrastructureId, Guid ConfigId, Guid MksId)> SeedWithMksAsync(string configName = "Standard")
    {
        var infrastructureId = await RegisterDemoAsync();
        var configId = await CreateConfigAsync(infrastructureId, configName);
        return (infrastructureId, configId, await AddMksAsync(infrastructureId, configId));
    }

    public async Task<Guid> PlatformIdAsync(Guid configId, PlatformKind kind)
    {
        await using var db = NewContext();
        return await db.ServicePlatforms.Where(p => p.ServiceConfigId == configId && p.Kind == kind).Select(p => p.Id).SingleAsync();
    }

    public async Task<ServicePlatform?> FindPlatformRowAsync(Guid platformId)
    {
        await using var db = NewContext();
        return await db.ServicePlatforms.AsNoTracking().SingleOrDefaultAsync(p => p.Id == platformId);
    }

    public async Task<PlatformDetail> PlatformAsync(Guid platformId) => (await Configs.GetPlatformAsync(Admin, platformId)).ShouldSucceed();

    /// <summary>The platform's operations, newest first.</summary>
    public async Task<IReadOnlyList<Operation>> OperationsOfAsync(Guid platformId)
    {
        await using var db = NewContext();
        var operations = await db.Operations.AsNoTracking().Include(o => o.Steps)
            .Where(o => o.TargetType == ServiceConfigService.PlatformTargetType && o.TargetId == platformId.ToString()).ToListAsync();
        return operations.OrderByDescending(o => o.CreatedAt).ToList();
    }

    /// <summary>The newest operation of <paramref name="kind"/> on the platform.</summary>
    public async Task<Operation> LatestOperationAsync(Guid platformId, string kind) =>
        (await OperationsOfAsync(platformId)).First(o => o.Kind == kind);

    public async Task<Operation> LoadOperationAsync(Guid operationId)
    {
        await using var db = NewContext();
        return await db.Operations.AsNoTracking().Include(o => o.Steps).SingleAsync(o => o.Id == operationId);
    }

    /// <summary>Polls the operation until it finished; fails with what it last saw after <paramref name="timeout"/>.</summary>
    public Task<Operation> WaitForOperationAsync(Guid operationId, Func<Operation, bool>? condition = null, TimeSpan? timeout = null) =>
        PollAsync(() => LoadOperationAsync(operationId), condition ?? (o => o.IsFinished), timeout,
            o => $"operation {o.Kind} is {o.State} with steps {string.Join(", ", o.Steps.Select(s => $"{s.Name}={s.State} ({s.Message})"))} and error '{o.Error}'");

    /// <summary>Polls the platform row until <paramref name="condition"/> holds (a null row is passed as null).</summary>
    public Task<ServicePlatform?> WaitForPlatformAsync(Guid platformId, Func<ServicePlatform?, bool> condition, TimeSpan? timeout = null) =>
        PollAsync(() => FindPlatformRowAsync(platformId), condition, timeout,
            p => p is null ? "the platform row is gone" : $"the platform is {p.State} ('{p.StateReason}'), operator {p.OperatorVersion}, target {p.TargetOperatorVersion}");

    public static async Task<T> PollAsync<T>(Func<Task<T>> load, Func<T, bool> condition, TimeSpan? timeout, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = await load();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out: {describe(value)}.");
            await Task.Delay(15);
        }
    }

    /// <summary>The operator Deployment in the cluster at <paramref name="cluster"/>, or null.</summary>
    public static System.Text.Json.Nodes.JsonObject? OperatorDeployment(DemoKubeCluster cluster) =>
        cluster.Get("apps/v1", "Deployment", PlatformManifests.OperatorNamespace, PlatformManifests.OperatorDeployment);

    /// <summary>The operator image of a Deployment.</summary>
    public static string? Image(System.Text.Json.Nodes.JsonObject deployment) =>
        deployment["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"]?.GetValue<string>();

    /// <summary>Every text value of every table, read without EF: to prove a secret is nowhere in the database.</summary>
    public Task<string> WholeDatabaseTextAsync() => Store.AllTextAsync();

    /// <summary>The raw ProtectedKubeconfig column, read without the model.</summary>
    public Task<string?> RawKubeconfigColumnAsync(Guid platformId) =>
        Store.ScalarAsync<string>($"SELECT \"ProtectedKubeconfig\" AS \"Value\" FROM \"ServicePlatforms\" WHERE \"Id\" = {platformId}");

    public async Task<IReadOnlyList<AuditEntry>> AuditEntriesAsync()
    {
        await using var db = NewContext();
        var entries = await db.AuditEntries.AsNoTracking().ToListAsync();
        return entries.OrderBy(e => e.At).ToList();
    }

    public async Task<int> CountAsync<T>() where T : class
    {
        await using var db = NewContext();
        return await db.Set<T>().CountAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_handedOver)
            return;
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started (creation failed before the hosted services ran).
        }
        _host.Dispose();
        await Store.DisposeAsync();
    }
}

/// <summary>
/// Tests that run platform operations share the static poll interval of the PostgreSQL platform handlers: they run
/// one after another in this collection, which sets it to 20 ms and restores it afterwards.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PlatformOperationsCollection : ICollectionFixture<FastPlatformPolling>
{
    public const string Name = "Service platform operations";
}

public sealed class FastPlatformPolling : IDisposable
{
    private readonly TimeSpan _previous;

    public FastPlatformPolling()
    {
        _previous = PostgresPlatformHandler.PollInterval;
        PostgresPlatformHandler.PollInterval = TimeSpan.FromMilliseconds(20);
    }

    public void Dispose() => PostgresPlatformHandler.PollInterval = _previous;
}
