using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.ClustersBenchmark;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Databases;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs;
using Portal.Jobs.Databases;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.Operations;
using Portal.Jobs.ServiceConfigs;

namespace Portal.DatabasesBenchmark;

/// <summary>What the benchmark may change from production: the demo cloud's delays, and (to compare) the engine's concurrency and poll.</summary>
/// <param name="PostgresServer">A PostgreSQL server's connection string: the host makes a database of its own there (and drops it
/// afterwards) instead of a SQLite file; the engine then keeps its jobs there too, as the portal does on PostgreSQL.</param>
internal sealed record HostSettings(DemoControllerDelays Delays, int? MaxConcurrency, TimeSpan? PollInterval, string? PostgresServer = null);

/// <summary>
/// A generic host wired as <c>PortalHost</c> wires Managed PostgreSQL (minus the web parts) on a fresh, migrated SQLite
/// file in its own folder: production defaults for the operations engine, the database operations, the Kubernetes
/// client; the demo cloud with its default controller tick and the delays given. Seeded like an installation after a
/// platform admin's set-up: the demo infrastructure with its catalog, a Service Config offered to every tenant with
/// the MKS platform and a Managed PostgreSQL platform (CloudNativePG 1.26.1, created through
/// <see cref="ServiceConfigService.CreatePostgresPlatformAsync"/> and waited for until Active), optionally its backup
/// store; tenant "Acme" with <see cref="ProjectCount"/> projects and a member, and <see cref="OtherTenants"/> more
/// tenants (2 projects each, nobody in them) whose databases only the platform admin sees.
/// </summary>
internal sealed class DatabaseHost : IAsyncDisposable
{
    public const int ProjectCount = 10;
    public const int OtherTenants = 4;
    public const string OperatorVersion = "1.26.1";

    private readonly IHost _host;
    private readonly bool _keep;
    private readonly string? _postgresServer;
    private bool _stopped;

    private DatabaseHost(string folder, string file, string? postgresServer, string? postgresDatabase, IHost host, CommandCapture capture, bool keep)
    {
        Folder = folder;
        File = file;
        _postgresServer = postgresServer;
        PostgresDatabase = postgresDatabase;
        _host = host;
        Capture = capture;
        _keep = keep;
    }

    public string Folder { get; }
    public string File { get; }
    /// <summary>The PostgreSQL database of this run, or null on SQLite.</summary>
    public string? PostgresDatabase { get; }
    public bool OnPostgres => PostgresDatabase is not null;
    public CommandCapture Capture { get; }
    public IServiceProvider Services => _host.Services;

    public DatabaseService Databases => Services.GetRequiredService<DatabaseService>();
    public DatabaseReconciler Reconciler => Services.GetRequiredService<DatabaseReconciler>();
    public DemoKubernetesApi Kube => Services.GetRequiredService<DemoKubernetesApi>();
    public OperationsOptions EngineOptions => Services.GetRequiredService<OperationsOptions>();
    public DatabaseOperationOptions DatabaseOptions => Services.GetRequiredService<DatabaseOperationOptions>();

    public Actor Admin { get; private set; } = null!;
    public Actor Member { get; private set; } = null!;
    public Guid ConfigId { get; private set; }
    public Guid PlatformId { get; private set; }
    public Guid InfrastructureId { get; private set; }
    public Guid TenantId { get; private set; }
    public IReadOnlyList<Guid> ProjectIds { get; private set; } = [];
    /// <summary>Every project of every tenant (Acme's first), for the list's seeding.</summary>
    public IReadOnlyList<(Guid TenantId, IReadOnlyList<Guid> Projects)> Tenants { get; private set; } = [];
    public TimeSpan PlatformTook { get; private set; }

    public static async Task<DatabaseHost> CreateAsync(string root, HostSettings settings, bool backupStore, bool keep)
    {
        var folder = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, DatabaseSetup.DatabaseFileName);
        string? postgresDatabase = null;
        if (settings.PostgresServer is { } server)
        {
            postgresDatabase = $"portal_dbbench_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..8]}";
            await ExecuteAsync(server, $"CREATE DATABASE \"{postgresDatabase}\" TEMPLATE template0");
        }
        var host = Build(folder, file, postgresDatabase, settings, keep);
        try
        {
            await using (var db = host.NewContext())
                await DatabaseSetup.MigrateAsync(db);
            await host._host.StartAsync();
            await host.SeedAsync(backupStore);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static DatabaseHost Build(string folder, string file, string? postgresDatabase, HostSettings settings, bool keep)
    {
        var capture = new CommandCapture();
        var data = postgresDatabase is null
            ? PortalDataOptions.ForSqliteFile(file, applicationName: "Portal.DatabasesBenchmark")
            : new PortalDataOptions(DatabaseProvider.PostgreSql,
                new Npgsql.NpgsqlConnectionStringBuilder(settings.PostgresServer) { Database = postgresDatabase, Pooling = true, MaxPoolSize = 300 }.ConnectionString,
                ApplicationName: "Portal.DatabasesBenchmark");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var services = builder.Services;
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddPortalDomain(data with
        {
            ConfigureDatabase = options => options.AddInterceptors(capture),
        });
        // The demo's own tick (200 ms) and the delays given (by default the demo's: primary 8 s, each replica 4 s).
        services.AddDemoCloud(new DemoCloudOptions(), new DemoKubernetesOptions { Delays = settings.Delays });
        services.AddPortalJobs(new PortalJobsOptions
        {
            Operations = options =>
            {
                if (settings.MaxConcurrency is { } concurrency) options.MaxConcurrency = concurrency;
            },
            Databases = settings.PollInterval is { } poll ? new DatabaseOperationOptions { PollInterval = poll } : null,
        });
        return new DatabaseHost(folder, file, settings.PostgresServer, postgresDatabase, builder.Build(), capture, keep);
    }

    public PortalDbContext NewContext() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    /// <summary>Stops the hosted services (engine, demo controllers); the services stay usable for reads.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync(TimeSpan.FromSeconds(30));
    }

    private async Task SeedAsync(bool backupStore)
    {
        Admin = await AddUserAsync("admin@bench.test", PlatformRole.Admin);
        Member = await AddUserAsync("member@acme.test", PlatformRole.None);

        var infrastructures = Services.GetRequiredService<InfrastructureService>();
        var registration = new RegistrationRequest("Demo", null, InfrastructureProvider.Demo, Placement.NewRegionAndZone("Region Demo", "zone-bench"), null, null,
            new ConnectionCheck(true, "Authenticated; demo."), [], []);
        InfrastructureId = Expect(await infrastructures.RegisterAsync(Admin, registration), "register the demo infrastructure");
        var listing = Expect(await Services.GetRequiredService<CloudCatalogReader>().ReadAsync(Admin, InfrastructureId), "read the demo cloud's catalog");
        Expect(await Services.GetRequiredService<CatalogService>().ImportAsync(Admin, InfrastructureId, listing.Flavors, listing.Images), "import the catalog");
        var configs = Services.GetRequiredService<ServiceConfigService>();
        ConfigId = Expect(await configs.CreateAsync(Admin, InfrastructureId, "Standard", null, true, []), "create the Service Config");
        Expect(await Services.GetRequiredService<PlatformCommands>().CreateMksAsync(Admin, ConfigId, listing.ExternalNetworks[0].Id), "add the MKS platform");

        var began = System.Diagnostics.Stopwatch.GetTimestamp();
        var started = Expect(await configs.CreatePostgresPlatformAsync(Admin, ConfigId, PostgresMode.Managed, OperatorVersion, null, null), "add the PostgreSQL platform");
        PlatformId = started.PlatformId;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            await using var db = NewContext();
            var platform = await db.ServicePlatforms.AsNoTracking().SingleAsync(p => p.Id == PlatformId);
            if (platform.State == PlatformState.Active) break;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"The PostgreSQL platform is still {platform.State} ('{platform.StateReason}') after 3 minutes.");
            await Task.Delay(200);
        }
        PlatformTook = System.Diagnostics.Stopwatch.GetElapsedTime(began);
        if (backupStore)
        {
            var platform = Expect(await configs.GetPlatformAsync(Admin, PlatformId), "read the platform");
            Expect(await configs.ConfigureBackupStoreAsync(Admin, PlatformId, platform.Version, "s3://backups/portal", "https://s3.demo.test", "AKIADEMO", "bench-secret"),
                "configure the backup store");
        }

        await using (var db = NewContext())
        {
            var now = DateTimeOffset.UtcNow;
            var tenants = new List<(Guid, IReadOnlyList<Guid>)>();
            var acme = Expect(Tenant.Create("Acme", null, null, now), "create the tenant");
            var projects = Enumerable.Range(1, ProjectCount).Select(i => Expect(Project.Create(acme.Id, $"project-{i:D2}", null, now), "create a project")).ToList();
            db.Add(acme);
            db.AddRange(projects);
            db.Memberships.Add(new TenantMembership(acme.Id, Member.UserId, TenantRole.Member, now));
            tenants.Add((acme.Id, projects.Select(p => p.Id).ToList()));
            for (var t = 1; t <= OtherTenants; t++)
            {
                var other = Expect(Tenant.Create($"Other {t}", null, null, now), "create a tenant");
                var theirs = Enumerable.Range(1, 2).Select(i => Expect(Project.Create(other.Id, $"other-{t}-{i}", null, now), "create a project")).ToList();
                db.Add(other);
                db.AddRange(theirs);
                tenants.Add((other.Id, theirs.Select(p => p.Id).ToList()));
            }
            await db.SaveChangesAsync();
            TenantId = acme.Id;
            ProjectIds = projects.Select(p => p.Id).ToList();
            Tenants = tenants;
        }
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

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static T Expect<T>(Result<T> result, string doing) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException($"Could not {doing}: {result.Refusal!.Message}");

    public static void Expect(Result result, string doing)
    {
        if (!result.Succeeded) throw new InvalidOperationException($"Could not {doing}: {result.Refusal!.Message}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _host.Dispose();
        if (OnPostgres)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (!_keep)
                await ExecuteAsync(_postgresServer!, $"DROP DATABASE IF EXISTS \"{PostgresDatabase}\" WITH (FORCE)");
        }
        else
        {
            using var connection = new SqliteConnection(SqlitePragmas.ConnectionString(File));
            SqliteConnection.ClearPool(connection);
        }
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
