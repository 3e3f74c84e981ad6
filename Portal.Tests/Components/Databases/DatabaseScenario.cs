using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Jobs.Databases;
using Portal.Tests.Integration.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Databases;

/// <summary>
/// A test host with what the database pages need, seeded directly (the engine's database handlers are not part of these
/// tests): a demo infrastructure with a Service Config whose PostgreSQL platform is Managed, active and has a backup
/// store ("Standard"), another whose platform is External ("Records"), a tenant Acme with project web, a member and a
/// viewer. Databases are written as rows in the state a test needs.
/// </summary>
public sealed class DatabaseScenario : IAsyncDisposable
{
    public ServiceConfigTestHost Host { get; private set; } = null!;
    public Actor Member { get; private set; } = null!;
    public Actor Viewer { get; private set; } = null!;
    public Guid ProjectId { get; private set; }
    public Guid ConfigId { get; private set; }
    public Guid PlatformId { get; private set; }
    public Guid ExternalConfigId { get; private set; }
    public Guid ExternalPlatformId { get; private set; }

    public DatabaseService Databases => Host.Services.GetRequiredService<DatabaseService>();

    public static async Task<DatabaseScenario> CreateAsync()
    {
        var scenario = new DatabaseScenario { Host = await ServiceConfigTestHost.CreateAsync() };
        try
        {
            await scenario.SeedAsync();
            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    /// <summary>Registers the services the database pages inject (beyond the shared ones), signed in as <paramref name="actor"/>.</summary>
    public void UseAs(BunitContext context, Actor actor)
    {
        PortalServicesFixture.Register(context, Host.Services, actor);
        context.Services.AddSingleton(Host.Services.GetRequiredService<DatabaseService>());
        context.Services.AddSingleton(Host.Services.GetRequiredService<DatabaseConnections>());
        context.Services.AddSingleton(Host.Services.GetRequiredService<ServiceConfigService>());
        context.Services.AddSingleton(Host.Services.GetRequiredService<TimeProvider>());
    }

    private async Task SeedAsync()
    {
        var infrastructureId = await Host.RegisterDemoAsync();
        ConfigId = await Host.CreateConfigAsync(infrastructureId, "Standard");
        ExternalConfigId = await Host.CreateConfigAsync(infrastructureId, "Records");
        Member = await Host.AddUserAsync("member@acme.test", PlatformRole.None);
        Viewer = await Host.AddUserAsync("viewer@acme.test", PlatformRole.None);
        var now = DateTimeOffset.UtcNow;
        await using var db = Host.NewContext();
        var managed = ServicePlatform.CreatePostgres(ConfigId, PostgresMode.Managed, "1.26.1", null, null, now);
        managed.MarkActive();
        managed.SetBackupStore("s3://backups/standard", "https://s3.demo.test", "AKIDEMO", "protected-secret").ShouldSucceed();
        var external = ServicePlatform.CreatePostgres(ExternalConfigId, PostgresMode.External, "1.26.1", null, null, now);
        external.MarkActive();
        var acme = Tenant.Create("Acme", null, null, now).ShouldSucceed();
        var web = Project.Create(acme.Id, "web", null, now).ShouldSucceed();
        db.AddRange(managed, external, acme, web);
        db.Memberships.AddRange(
            new TenantMembership(acme.Id, Member.UserId, TenantRole.Member, now),
            new TenantMembership(acme.Id, Viewer.UserId, TenantRole.Viewer, now));
        await db.SaveChangesAsync();
        ProjectId = web.Id;
        PlatformId = managed.Id;
        ExternalPlatformId = external.Id;
    }

    /// <summary>An Active database, written directly, then <paramref name="observe"/> sets what the operator would have reported.</summary>
    public async Task<Guid> AddActiveAsync(string name, int instances = 1, bool backups = true, string? fault = null, Action<ObservedDatabase>? observe = null)
    {
        await using var db = Host.NewContext();
        var project = await db.Projects.SingleAsync(p => p.Id == ProjectId);
        var config = await db.ServiceConfigs.SingleAsync(c => c.Id == ConfigId);
        var now = DateTimeOffset.UtcNow;
        var operationId = Guid.NewGuid();
        var database = ManagedDatabase.Create(Guid.NewGuid(), project, ConfigId, PlatformId, config.InfrastructureId, name, "16.8", instances,
            DatabaseRules.ComputeSizes[0], 10, "app", "app", backups ? new BackupPlan(BackupFrequency.Daily, 2, DayOfWeek.Sunday, 7) : null, Member.UserId, operationId, now);
        database.StartCreating(operationId, now);
        database.Complete(operationId, now);
        if (fault is not null) database.RecordFault(fault);
        db.Databases.Add(database);
        var instanceNames = Enumerable.Range(1, instances).Select(i => $"{name}-{i}").ToList();
        var observed = new ObservedDatabase(db.Entry(database));
        observed.Set(nameof(ManagedDatabase.ReadyInstances), instances);
        observed.Set(nameof(ManagedDatabase.InstanceNames), string.Join(',', instanceNames));
        observed.Set(nameof(ManagedDatabase.CurrentPrimary), instanceNames[0]);
        observe?.Invoke(observed);
        await db.SaveChangesAsync();
        return database.Id;
    }

    /// <summary>Sets a database's observed (private) properties as the reconcile would.</summary>
    public sealed class ObservedDatabase(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<ManagedDatabase> entry)
    {
        public void Set(string property, object? value) => entry.Property(property).CurrentValue = value;
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
