using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Databases;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.E2E.Clusters;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.E2E.Databases;

/// <summary>A tenant of <see cref="ClustersWorld"/> whose Service Config also has an active Managed PostgreSQL platform with a backup store.</summary>
public sealed record DatabaseTenant(ClusterTenant Tenant, Guid PlatformId)
{
    public string MemberEmail => Tenant.MemberEmail;
    public string Namespace => DatabaseService.NamespaceFor(Tenant.ProjectId);
    /// <summary>The Service Config's radio in the wizard.</summary>
    public string PlacementName => $"{Tenant.ServiceConfigName} on {Tenant.InfrastructureName}";
}

/// <summary>
/// Seeds what the database journeys start from, through the services of the portal under test: the cluster world's
/// tenant, demo cloud and Service Config (offered to that tenant only), plus a Managed PostgreSQL platform on
/// CloudNativePG 1.26.1, waited for until Active, with a backup object store.
/// </summary>
public sealed class DatabasesWorld(PortalWebFactory app)
{
    public const string OperatorVersion = "1.26.1";

    private T Service<T>() where T : notnull => app.Services.GetRequiredService<T>();

    public async Task<DatabaseTenant> TenantAsync(string key)
    {
        var tenant = await new ClustersWorld(app).TenantAsync(key);
        return new DatabaseTenant(tenant, await PostgresPlatformAsync(tenant.ServiceConfigId!.Value));
    }

    /// <summary>A Managed PostgreSQL platform on the Service Config, Active, with a backup store; returns its id.</summary>
    public async Task<Guid> PostgresPlatformAsync(Guid serviceConfigId)
    {
        var admin = await app.AdminActorAsync();
        var configs = Service<ServiceConfigService>();
        var started = (await configs.CreatePostgresPlatformAsync(admin, serviceConfigId, PostgresMode.Managed, OperatorVersion, null, null)).ShouldSucceed();
        var platform = await PollAsync(async () => (await configs.GetPlatformAsync(admin, started.PlatformId)).ShouldSucceed(),
            p => p.State == PlatformState.Active, p => $"the platform is {p.State} ('{p.StateReason}')");
        (await configs.ConfigureBackupStoreAsync(admin, started.PlatformId, platform.Version, "s3://backups/portal-e2e", "https://s3.demo.test",
            "AKIADEMO", "e2e-secret-key")).ShouldSucceed();
        return started.PlatformId;
    }

    /// <summary>Creates a database as the tenant's member, straight through the service (as the wizard's last step does).</summary>
    public async Task<Guid> CreateDatabaseAsync(DatabaseTenant tenant, string name, int instances = 1, int major = 16, bool backups = true, int storage = 10) =>
        (await Service<DatabaseService>().CreateAsync(tenant.Tenant.Member, new CreateDatabaseRequest(tenant.Tenant.ProjectId, name, tenant.Tenant.ServiceConfigId,
            major, instances, "small", storage, "app", "app", backups, backups ? BackupFrequency.Daily : null, backups ? 2 : null, null,
            backups ? 7 : null))).ShouldSucceed().DatabaseId;

    /// <summary>Waits (through the service, not the page) until the database is Active: for seeding what a journey starts from.</summary>
    public async Task WaitActiveAsync(DatabaseTenant tenant, Guid id) =>
        await PollAsync(async () => (await Service<DatabaseService>().GetAsync(tenant.Tenant.Member, id)).Value,
            d => d is { State: ClusterState.Active, CurrentOperationId: null }, d => d is null ? "the database is gone" : $"the database is {d.State} ('{d.StateReason}')");

    private static async Task<T> PollAsync<T>(Func<Task<T>> load, Func<T, bool> condition, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await load();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting: {describe(value)}.");
            await Task.Delay(100);
        }
    }
}
