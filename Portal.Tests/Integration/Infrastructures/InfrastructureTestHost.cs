using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.DemoCloud;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.OpenStack;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Infrastructures;

/// <summary>
/// A real, migrated database of its own (<see cref="ScratchDatabase"/>) with the infrastructure and catalog services wired as
/// <c>PortalHost</c> wires them: Data Protection with keys in the folder, the OpenStack client factory and the
/// in-process demo cloud, the probe and the catalog reader. The clock is a <see cref="ManualTimeProvider"/>.
/// One per test; the database is dropped on dispose.
/// </summary>
public sealed class InfrastructureTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private InfrastructureTestHost(ScratchDatabase store, ServiceProvider services, ManualTimeProvider clock)
    {
        Store = store;
        _services = services;
        Clock = clock;
    }

    public ScratchDatabase Store { get; }
    public ManualTimeProvider Clock { get; }
    public IServiceProvider Services => _services;

    public InfrastructureService Infrastructures => _services.GetRequiredService<InfrastructureService>();
    public CatalogService Catalog => _services.GetRequiredService<CatalogService>();
    public RegionService Regions => _services.GetRequiredService<RegionService>();
    public ConnectionProbe Probe => _services.GetRequiredService<ConnectionProbe>();
    public CloudCatalogReader Reader => _services.GetRequiredService<CloudCatalogReader>();
    public DemoCloudService DemoCloud => _services.GetRequiredService<DemoCloudService>();
    public SecretProtector Secrets => _services.GetRequiredService<SecretProtector>();

    public static async Task<InfrastructureTestHost> CreateAsync(DemoCloudOptions? demoOptions = null)
    {
        var store = await ScratchDatabase.CreateAsync("infrastructures");
        var clock = new ManualTimeProvider();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        // The portal's domain registrations (the manual clock above is kept); only the cloud side, without the engine.
        services.AddPortalDomain(store.Options());
        // Fast retries: a test that makes the cloud fail must not wait for production backoff delays.
        services.AddDemoCloud(demoOptions);
        services.AddOpenStackClients(new OpenStackClientOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5) });
        services.AddSingleton<ConnectionProbe>();
        services.AddSingleton<CloudCatalogReader>();

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new InfrastructureTestHost(store, provider, clock);
    }

    public PortalDbContext NewContext() =>
        _services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public async Task<int> CountAsync<T>() where T : class
    {
        await using var db = NewContext();
        return await db.Set<T>().CountAsync();
    }

    /// <summary>Every audit entry, oldest first (ties in insertion order are not guaranteed).</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditEntriesAsync()
    {
        await using var db = NewContext();
        var entries = await db.AuditEntries.AsNoTracking().ToListAsync();
        return entries.OrderBy(e => e.At).ToList();
    }

    /// <summary>A local account (no password) returned as the actor the services see.</summary>
    public async Task<Actor> AddUserAsync(string email, PlatformRole role)
    {
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = email,
            PlatformRole = role,
            CreatedAt = Clock.GetUtcNow(),
        };
        await using var scope = _services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().CreateAsync(user);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        return new Actor(user.Id, user.DisplayName, role);
    }

    public async Task<(Guid RegionId, Guid ZoneId)> SeedZoneAsync(string regionName = "Frankfurt", string zoneName = "fra-a")
    {
        await using var db = NewContext();
        var region = await db.Regions.SingleOrDefaultAsync(r => r.Name == regionName);
        if (region is null)
        {
            region = Region.Create(regionName, null, Clock.GetUtcNow()).ShouldSucceed();
            db.Regions.Add(region);
        }
        var zone = Zone.Create(region.Id, zoneName, null, Clock.GetUtcNow()).ShouldSucceed();
        db.Zones.Add(zone);
        await db.SaveChangesAsync();
        return (region.Id, zone.Id);
    }

    /// <summary>Registers the demo cloud in a fresh zone through the service (audited, like the wizard).</summary>
    public async Task<Guid> RegisterDemoAsync(Actor admin, string name = "Demo", IReadOnlyList<FlavorSpec>? flavors = null,
        IReadOnlyList<ImageSpec>? images = null)
    {
        var (_, zoneId) = await SeedZoneAsync("Region " + name, "zone-" + Guid.NewGuid().ToString("N")[..8]);
        var request = new RegistrationRequest(name, null, InfrastructureProvider.Demo, Placement.Existing(zoneId), null, null,
            new ConnectionCheck(true, "Authenticated; demo."), flavors ?? [], images ?? []);
        return (await Infrastructures.RegisterAsync(admin, request)).ShouldSucceed();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Store.DisposeAsync();
    }
}
