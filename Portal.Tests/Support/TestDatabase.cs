using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Dashboard;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;

namespace Portal.Tests.Support;

/// <summary>
/// A real, migrated database of its own (a <see cref="ScratchDatabase"/>: a SQLite file, or a PostgreSQL database
/// when the run asks for it), with the domain services wired the way <c>PortalHost</c> wires them (minus the web
/// parts) and a <see cref="ManualTimeProvider"/> as the clock. One per test:
/// <c>await using var db = await TestDatabase.CreateAsync();</c>. The database is dropped on dispose. The only test-only addition is <see cref="SaveHook"/>, to simulate concurrent writers.
/// Seeding helpers write rows directly (no audit entries), so a test sees only what its own calls did.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>A password that satisfies the portal's policy; use it wherever a test needs one.</summary>
    public const string Password = "correct-horse-battery-staple";

    private readonly ServiceProvider _services;

    private TestDatabase(ScratchDatabase store, ServiceProvider services, ManualTimeProvider clock, SaveHook hook)
    {
        Store = store;
        _services = services;
        Clock = clock;
        Hook = hook;
    }

    /// <summary>The database itself: its provider, connection string, folder, and plain-SQL helpers.</summary>
    public ScratchDatabase Store { get; }
    public DatabaseProvider Provider => Store.Provider;
    public IServiceProvider Services => _services;
    public ManualTimeProvider Clock { get; }
    public SaveHook Hook { get; }

    public RegionService Regions => _services.GetRequiredService<RegionService>();
    public TenancyService Tenancy => _services.GetRequiredService<TenancyService>();
    public UserAdminService Users => _services.GetRequiredService<UserAdminService>();
    public AuditQueries AuditQueries => _services.GetRequiredService<AuditQueries>();
    public DashboardService Dashboard => _services.GetRequiredService<DashboardService>();
    public CommandRunner Commands => _services.GetRequiredService<CommandRunner>();

    /// <summary>
    /// Creates the database (migrated unless told not to) and the service provider, on <paramref name="provider"/>
    /// (default: the run's, see <see cref="ScratchDatabase"/>).
    /// </summary>
    public static async Task<TestDatabase> CreateAsync(bool migrate = true, DatabaseProvider? provider = null)
    {
        var store = await ScratchDatabase.CreateAsync("domain", migrate, provider);
        var clock = new ManualTimeProvider();
        var hook = new SaveHook();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddDbContextFactory<PortalDbContext>(options =>
        {
            DatabaseSetup.Configure(options, store.Options());
            options.AddInterceptors(hook);
        });
        services.AddIdentityCore<PortalUser>(IdentitySettings.Configure)
            .AddEntityFrameworkStores<PortalDbContext>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IOperationDispatcher, NoOperationDispatcher>();
        services.AddSingleton<CommandRunner>();
        services.AddSingleton<RegionService>();
        services.AddSingleton<TenancyService>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<DashboardService>();

        return new TestDatabase(store, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }),
            clock, hook);
    }

    /// <summary>A fresh context on the file; dispose it (<c>await using</c>).</summary>
    public PortalDbContext NewContext() =>
        _services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public async Task<int> CountAsync<T>() where T : class
    {
        await using var db = NewContext();
        return await db.Set<T>().CountAsync();
    }

    /// <summary>Every audit entry, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditEntriesAsync()
    {
        await using var db = NewContext();
        var entries = await db.AuditEntries.AsNoTracking().ToListAsync();
        return entries.OrderBy(e => e.At).ToList();
    }

    /// <summary>Runs <paramref name="action"/> with a <see cref="UserManager{TUser}"/> from a fresh scope.</summary>
    public async Task<T> WithUserManagerAsync<T>(Func<UserManager<PortalUser>, Task<T>> action)
    {
        await using var scope = _services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>());
    }

    public Task<PortalUser?> FindUserByEmailAsync(string email) => WithUserManagerAsync(users => users.FindByEmailAsync(email));

    // ---- seeding (direct, unaudited) ----

    /// <summary>
    /// Creates a local account through <see cref="UserManager{TUser}"/> and returns it as an <see cref="Actor"/>.
    /// Without a password the account cannot sign in (faster: no hashing).
    /// </summary>
    public async Task<Actor> AddUserAsync(string email, PlatformRole platformRole = PlatformRole.None, string? password = null,
        string? displayName = null)
    {
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName ?? email,
            PlatformRole = platformRole,
            CreatedAt = Clock.GetUtcNow(),
        };
        var created = await WithUserManagerAsync(users => password is null ? users.CreateAsync(user) : users.CreateAsync(user, password));
        Assert.True(created.Succeeded, $"Seeding user {email} failed: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        return new Actor(user.Id, user.DisplayName, platformRole);
    }

    public Task<Actor> AddPlatformAdminAsync(string email = "admin@portal.test") => AddUserAsync(email, PlatformRole.Admin);

    public async Task<Guid> SeedRegionAsync(string name, string? description = null)
    {
        await using var db = NewContext();
        var region = Region.Create(name, description, Clock.GetUtcNow()).ShouldSucceed();
        db.Regions.Add(region);
        await db.SaveChangesAsync();
        return region.Id;
    }

    public async Task<Guid> SeedZoneAsync(Guid regionId, string name, string? description = null)
    {
        await using var db = NewContext();
        var zone = Zone.Create(regionId, name, description, Clock.GetUtcNow()).ShouldSucceed();
        db.Zones.Add(zone);
        await db.SaveChangesAsync();
        return zone.Id;
    }

    /// <summary>A demo-cloud infrastructure placed in <paramref name="zoneId"/> (no credentials needed).</summary>
    public async Task<Guid> SeedInfrastructureAsync(Guid zoneId, string name)
    {
        await using var db = NewContext();
        var infrastructure = Infrastructure.Create(name, null, InfrastructureProvider.Demo, zoneId, null, null, Clock.GetUtcNow()).ShouldSucceed();
        db.Infrastructures.Add(infrastructure);
        await db.SaveChangesAsync();
        return infrastructure.Id;
    }

    public async Task<Guid> SeedTenantAsync(string name, string? slug = null, string? description = null)
    {
        await using var db = NewContext();
        var tenant = Tenant.Create(name, slug, description, Clock.GetUtcNow()).ShouldSucceed();
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync();
        return tenant.Id;
    }

    public async Task<Guid> SeedProjectAsync(Guid tenantId, string name, string? description = null)
    {
        await using var db = NewContext();
        var project = Project.Create(tenantId, name, description, Clock.GetUtcNow()).ShouldSucceed();
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        return project.Id;
    }

    public async Task<Guid> SeedMembershipAsync(Guid tenantId, Actor user, TenantRole role, MembershipSource source = MembershipSource.Local)
    {
        await using var db = NewContext();
        var membership = new TenantMembership(tenantId, user.UserId, role, Clock.GetUtcNow(), source);
        db.Memberships.Add(membership);
        await db.SaveChangesAsync();
        return membership.Id;
    }

    /// <summary>A new account that belongs to <paramref name="tenantId"/> with <paramref name="role"/>.</summary>
    public async Task<Actor> AddTenantUserAsync(string email, Guid tenantId, TenantRole role)
    {
        var actor = await AddUserAsync(email);
        await SeedMembershipAsync(tenantId, actor, role);
        return actor;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Store.DisposeAsync();
    }
}
