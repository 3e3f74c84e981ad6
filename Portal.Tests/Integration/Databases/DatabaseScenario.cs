using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Databases;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Integration.Clusters;
using Portal.Tests.Integration.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Databases;

/// <summary>
/// The cluster scenario (demo cloud, Service Config offered to everyone, tenants Acme with a member and a viewer, Globex
/// with an outsider) plus an active Managed PostgreSQL platform on CloudNativePG 1.26.1 with a backup object store.
/// </summary>
public sealed class DatabaseScenario : IAsyncDisposable
{
    public const string SecretKey = "s3cr3t-k3y-never-shown";

    private DatabaseScenario(ClusterScenario clusters) => Clusters = clusters;

    public ClusterScenario Clusters { get; }
    public ServiceConfigTestHost Host => Clusters.Host;
    public Guid PlatformId { get; private set; }
    public DatabaseService Databases => Host.Services.GetRequiredService<DatabaseService>();
    public DatabaseReconciler Reconciler => Host.Services.GetRequiredService<DatabaseReconciler>();
    public DatabaseConnections Connections => Host.Services.GetRequiredService<DatabaseConnections>();
    public DemoKubernetesApi Kube => Host.Kube;
    public Actor Member => Clusters.Member;
    public Actor TenantViewer => Clusters.TenantViewer;
    public Actor Outsider => Clusters.Outsider;
    public Guid ProjectId => Clusters.ProjectId;

    public static async Task<DatabaseScenario> CreateAsync(DemoControllerDelays? delays = null, bool dispatch = true, bool backupStore = true,
        Action<IServiceCollection>? configure = null)
    {
        var scenario = new DatabaseScenario(await ClusterScenario.CreateAsync(delays, dispatch, configure: configure));
        try
        {
            var host = scenario.Host;
            var started = (await host.Configs.CreatePostgresPlatformAsync(host.Admin, scenario.Clusters.ConfigId, PostgresMode.Managed, "1.26.1", null, null)).ShouldSucceed();
            scenario.PlatformId = started.PlatformId;
            if (dispatch)
                await host.WaitForPlatformAsync(started.PlatformId, p => p?.State == PlatformState.Active, TimeSpan.FromSeconds(30));
            else
                await MarkActiveAsync(host, started.PlatformId);
            if (backupStore)
            {
                var platform = await host.PlatformAsync(started.PlatformId);
                (await host.Configs.ConfigureBackupStoreAsync(host.Admin, started.PlatformId, platform.Version, "s3://backups/portal", "https://s3.demo.test",
                    "AKIADEMO", SecretKey)).ShouldSucceed();
            }
            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    private static async Task MarkActiveAsync(ServiceConfigTestHost host, Guid platformId)
    {
        await using var db = host.NewContext();
        var platform = await db.ServicePlatforms.SingleAsync(p => p.Id == platformId);
        platform.MarkActive();
        await db.SaveChangesAsync();
    }

    /// <summary>A request for a database in Acme's "web" project, PostgreSQL 16 unless told otherwise.</summary>
    public CreateDatabaseRequest Request(string name = "orders", int? instances = 3, bool backups = false, int? major = 16, int? storage = 10,
        string? compute = "small", string owner = "app") =>
        new(ProjectId, name, Clusters.ConfigId, major, instances, compute, storage, "app", owner, backups,
            backups ? BackupFrequency.Daily : null, backups ? 2 : null, null, backups ? 7 : null);

    public async Task<Guid> CreateAsync(CreateDatabaseRequest request) => (await Databases.CreateAsync(Member, request)).ShouldSucceed().DatabaseId;

    /// <summary>Creates the database and waits until it is Active and its create operation finished.</summary>
    public async Task<ManagedDatabase> CreateActiveAsync(CreateDatabaseRequest? request = null)
    {
        var id = await CreateAsync(request ?? Request());
        await WaitForAsync(id, d => d?.State == ClusterState.Active);
        await FinishedAsync(id, DatabaseOperations.Create);
        return (await FindAsync(id))!;
    }

    public async Task<ManagedDatabase?> FindAsync(Guid id) => (await Databases.FindAsync(id))?.Database;

    public Task<ManagedDatabase?> WaitForAsync(Guid id, Func<ManagedDatabase?, bool> condition, TimeSpan? timeout = null) =>
        ServiceConfigTestHost.PollAsync(() => FindAsync(id), condition, timeout ?? TimeSpan.FromSeconds(30),
            d => d is null ? "the database is gone" : $"database {d.Name} is {d.State} ('{d.StateReason}', fault '{d.ProviderFault}'), phase '{d.OperatorPhase}', {d.ReadyInstances}/{d.Instances} ready");

    public async Task<IReadOnlyList<Operation>> HistoryAsync(Guid id) =>
        (await Databases.HistoryAsync(Member, id, new PageRequest(0, 100))).ShouldSucceed().Items;

    public async Task<Operation> FinishedAsync(Guid id, string kind) =>
        await Host.WaitForOperationAsync((await HistoryAsync(id)).First(o => o.Kind == kind).Id, null, TimeSpan.FromSeconds(30));

    public async Task<int> VersionAsync(Guid id) => (await FindAsync(id))!.Version;

    /// <summary>The CloudNativePG Cluster of the database on the platform's (demo) cluster, or null.</summary>
    public async Task<System.Text.Json.Nodes.JsonObject?> ClusterObjectAsync(Guid id) => await ClusterObjectAsync((await FindAsync(id))!);

    /// <summary>The CloudNativePG Cluster of <paramref name="database"/> (as it was: it may be gone from the portal), or null.</summary>
    public async Task<System.Text.Json.Nodes.JsonObject?> ClusterObjectAsync(ManagedDatabase database) =>
        (await GetAsync(DatabaseManifests.ApiVersion, "Cluster", DatabaseService.NamespaceFor(database.ProjectId), database.Name)).Value;

    /// <summary>One object on the platform's (demo) cluster.</summary>
    public async Task<Portal.Jobs.RemoteResult<System.Text.Json.Nodes.JsonObject>> GetAsync(string apiVersion, string kind, string ns, string name)
    {
        var platform = (await Host.Configs.FindPlatformAsync(PlatformId))!;
        var client = (await Host.Services.GetRequiredService<PlatformClusters>().WorkloadClusterAsync(platform, default)).Value!;
        return await client.GetAsync(apiVersion, kind, ns, name);
    }

    public ValueTask DisposeAsync() => Clusters.DisposeAsync();
}
