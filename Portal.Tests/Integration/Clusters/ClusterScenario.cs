using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Domain.Catalog;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;
using Portal.Jobs.Clusters;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Integration.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>
/// A started host with the demo cloud registered and its catalog imported, a Service Config with an MKS platform
/// offered to everyone, and two tenants: Acme (a member, a viewer, project "web") and Globex (an outsider member).
/// </summary>
public sealed class ClusterScenario : IAsyncDisposable
{
    private ClusterScenario(ServiceConfigTestHost host) => Host = host;

    public ServiceConfigTestHost Host { get; private set; }
    public Guid InfrastructureId { get; private set; }
    public Guid ConfigId { get; private set; }
    public Guid MksId { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid ProjectId { get; private set; }
    public Guid OtherProjectId { get; private set; }
    public Actor Member { get; private set; } = null!;
    public Actor TenantViewer { get; private set; } = null!;
    public Actor Outsider { get; private set; } = null!;

    public ClusterService Clusters => Host.Services.GetRequiredService<ClusterService>();
    public ClusterCommands Commands => Host.Services.GetRequiredService<ClusterCommands>();
    public ClusterReconciler Reconciler => Host.Services.GetRequiredService<ClusterReconciler>();
    public DemoKubernetesApi Kube => Host.Kube;

    /// <summary>
    /// The scenario on a started host. With <paramref name="dispatch"/> false, what commands record is never handed to the
    /// engine (the domain's do-nothing dispatcher): clusters stay as the command left them, for tests of what it records.
    /// With <paramref name="rememberDemo"/>, the demo cloud keeps its state in the host's folder, so <see cref="RestartAsync"/> finds it again.
    /// </summary>
    public static async Task<ClusterScenario> CreateAsync(DemoControllerDelays? delays = null, bool dispatch = true, bool rememberDemo = false,
        Action<IServiceCollection>? configure = null)
    {
        var scenario = new ClusterScenario(await ServiceConfigTestHost.CreateAsync(delays,
            configure: services =>
            {
                if (!dispatch) services.Replace(ServiceDescriptor.Singleton<IOperationDispatcher, NoOperationDispatcher>());
                configure?.Invoke(services);
            },
            rememberDemo: rememberDemo));
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

    private async Task SeedAsync()
    {
        (InfrastructureId, ConfigId, MksId) = await Host.SeedWithMksAsync();
        var listing = (await Host.Cloud.ReadAsync(Host.Admin, InfrastructureId)).ShouldSucceed();
        (await Host.Services.GetRequiredService<CatalogService>().ImportAsync(Host.Admin, InfrastructureId, listing.Flavors, listing.Images)).ShouldSucceed();

        Member = await Host.AddUserAsync("member@acme.test", PlatformRole.None);
        TenantViewer = await Host.AddUserAsync("viewer@acme.test", PlatformRole.None);
        Outsider = await Host.AddUserAsync("member@globex.test", PlatformRole.None);
        await using var db = Host.NewContext();
        var now = DateTimeOffset.UtcNow;
        var acme = Tenant.Create("Acme", null, null, now).ShouldSucceed();
        var globex = Tenant.Create("Globex", null, null, now).ShouldSucceed();
        var web = Project.Create(acme.Id, "web", null, now).ShouldSucceed();
        var other = Project.Create(globex.Id, "shop", null, now).ShouldSucceed();
        db.AddRange(acme, globex, web, other);
        db.Memberships.AddRange(
            new TenantMembership(acme.Id, Member.UserId, TenantRole.Member, now),
            new TenantMembership(acme.Id, TenantViewer.UserId, TenantRole.Viewer, now),
            new TenantMembership(globex.Id, Outsider.UserId, TenantRole.Member, now));
        await db.SaveChangesAsync();
        TenantId = acme.Id;
        ProjectId = web.Id;
        OtherProjectId = other.Id;
    }

    public async Task<Guid> FlavorAsync(string providerName)
    {
        await using var db = Host.NewContext();
        return await db.Flavors.Where(f => f.InfrastructureId == InfrastructureId && f.ProviderName == providerName).Select(f => f.Id).SingleAsync();
    }

    public async Task<Guid> ImageAsync(string kubernetesVersion)
    {
        await using var db = Host.NewContext();
        return await db.Images.Where(i => i.InfrastructureId == InfrastructureId && i.KubernetesVersion == kubernetesVersion).Select(i => i.Id).FirstAsync();
    }

    /// <summary>A Standalone 1-replica cluster on 1.32.3-5 with pools "workers" (2 × m1.medium) and, optionally, more.</summary>
    public async Task<CreateClusterRequest> RequestAsync(string name = "web-prod", ControlPlaneType type = ControlPlaneType.Standalone, int replicas = 1,
        string version = "1.32.3-5", params NodePoolRequest[] pools)
    {
        var medium = await FlavorAsync("m1.medium");
        return new CreateClusterRequest(ProjectId, ConfigId, name, version, type, type == ControlPlaneType.Hosted ? Limits.HostedControlPlaneReplicas : replicas,
            type == ControlPlaneType.Standalone ? medium : null,
            pools.Length > 0 ? pools : [new NodePoolRequest("workers", medium, 2)]);
    }

    public async Task<Guid> CreateAsync(CreateClusterRequest request) => (await Commands.CreateAsync(Member, request)).ShouldSucceed();

    /// <summary>Creates the cluster and waits until it and its pools are Active.</summary>
    public async Task<KubernetesCluster> CreateActiveAsync(CreateClusterRequest? request = null)
    {
        var id = await CreateAsync(request ?? await RequestAsync());
        await WaitForAsync(id, c => c?.State == ClusterState.Active && c.Pools.All(p => p.State == ClusterState.Active));
        await FinishedAsync(id, ClusterOperations.Create);
        return (await FindAsync(id))!;
    }

    public async Task<KubernetesCluster?> FindAsync(Guid clusterId) => await Clusters.FindAsync(clusterId);

    public Task<KubernetesCluster?> WaitForAsync(Guid clusterId, Func<KubernetesCluster?, bool> condition, TimeSpan? timeout = null) =>
        ServiceConfigTestHost.PollAsync(() => FindAsync(clusterId), condition, timeout ?? TimeSpan.FromSeconds(20),
            c => c is null ? "the cluster is gone" : $"cluster {c.Name} is {c.State} ('{c.StateReason}', fault '{c.ProviderFault}'), pools: " +
                string.Join(", ", c.Pools.Select(p => $"{p.Name} {p.State} ('{p.StateReason}') {p.ReadyNodes}/{p.NodeCount}")));

    public Task<Operation> WaitForOperationAsync(Guid operationId, Func<Operation, bool>? condition = null) =>
        Host.WaitForOperationAsync(operationId, condition, TimeSpan.FromSeconds(20));

    /// <summary>The cluster's and its pools' operations, newest first.</summary>
    public async Task<IReadOnlyList<Operation>> HistoryAsync(Guid clusterId) =>
        (await Clusters.HistoryAsync(Member, clusterId, null, new PageRequest(0, 100))).ShouldSucceed().Items;

    public async Task<Operation> LatestAsync(Guid clusterId, string kind) => (await HistoryAsync(clusterId)).First(o => o.Kind == kind);

    /// <summary>The newest operation of <paramref name="kind"/>, once it finished (its last step reads the cluster back after the state is Active).</summary>
    public async Task<Operation> FinishedAsync(Guid clusterId, string kind) => await WaitForOperationAsync((await LatestAsync(clusterId, kind)).Id);

    /// <summary>The Cluster API object names the portal gives the cluster's pool.</summary>
    public static string MachineDeploymentName(KubernetesCluster cluster, string pool) =>
        $"{cluster.Name}-{pool}";

    public static string Namespace(KubernetesCluster cluster) => ClusterManifests.NamespaceFor(cluster.Id);

    /// <summary>Restarts the host on the same database and folder (see <see cref="ServiceConfigTestHost.RestartAsync"/>).</summary>
    public async Task RestartAsync() => Host = await Host.RestartAsync();

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
