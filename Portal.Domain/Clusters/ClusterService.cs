using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Clusters;

/// <summary>
/// Managed Kubernetes clusters: who sees and operates them, the rules of every action, and their persistence. Each
/// action records its Operation, with the steps its kind declares (<see cref="ClusterOperations"/>), in the same
/// transaction as the state change; the commit hands it to the engine. Tenant members and admins operate their tenant's
/// clusters; tenant viewers and platform readers only read; everyone else is told the cluster does not exist. Split by
/// audience: pages' queries here, people's commands in <c>ClusterService.Commands.cs</c>, the engine's reads and writes
/// in <c>ClusterService.Engine.cs</c>.
/// </summary>
public sealed partial class ClusterService(IDbContextFactory<PortalDbContext> dbFactory, CommandRunner commands, TimeProvider clock)
{
    // ---------------------------------------------------------------- reading

    /// <summary>Clusters the actor may see, filtered and paged on the server, newest first.</summary>
    public async Task<Page<ClusterRow>> ListAsync(Actor actor, ClusterFilter filter, PageRequest page, CancellationToken ct = default) =>
        await ListAsync(actor, filter, page, ClusterSort.Created, descending: true, ct);

    /// <summary>Clusters the actor may see, filtered, ordered and paged on the server.</summary>
    public async Task<Page<ClusterRow>> ListAsync(Actor actor, ClusterFilter filter, PageRequest page, ClusterSort sort, bool descending, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Visible(db, actor);
        if (filter.TenantId is { } tenantId) query = query.Where(c => c.TenantId == tenantId);
        if (filter.ProjectId is { } projectId) query = query.Where(c => c.ProjectId == projectId);
        if (filter.State is { } state) query = query.Where(c => c.State == state);
        if (filter.InfrastructureId is { } infrastructureId) query = query.Where(c => c.InfrastructureId == infrastructureId);
        if (page.SearchPattern is { } pattern)
            query = query.Where(c => EF.Functions.Like(c.Name.ToUpper(), pattern, TextSearch.Escape) || EF.Functions.Like(c.Project!.Name.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(c.KubernetesVersion.ToUpper(), pattern, TextSearch.Escape));

        var total = await query.CountAsync(ct);
        IOrderedQueryable<KubernetesCluster> ordered = (sort, descending) switch
        {
            (ClusterSort.Name, false) => query.OrderBy(c => c.Name),
            (ClusterSort.Name, true) => query.OrderByDescending(c => c.Name),
            (ClusterSort.Project, false) => query.OrderBy(c => c.Project!.Name).ThenBy(c => c.Name),
            (ClusterSort.Project, true) => query.OrderByDescending(c => c.Project!.Name).ThenBy(c => c.Name),
            // Text order is close enough for versions of one platform (1.31 < 1.32 < 1.33); exact order would need a column.
            (ClusterSort.Version, false) => query.OrderBy(c => c.KubernetesVersion).ThenBy(c => c.Name),
            (ClusterSort.Version, true) => query.OrderByDescending(c => c.KubernetesVersion).ThenBy(c => c.Name),
            (ClusterSort.State, false) => query.OrderBy(c => c.State).ThenBy(c => c.Name),
            (ClusterSort.State, true) => query.OrderByDescending(c => c.State).ThenBy(c => c.Name),
            (_, false) => query.OrderBy(c => c.CreatedAt),
            _ => query.OrderByDescending(c => c.CreatedAt),
        };
        var rows = await ordered.ThenBy(c => c.Id).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(c => new
            {
                c.Id, c.Name, c.TenantId, TenantName = db.Tenants.Where(t => t.Id == c.TenantId).Select(t => t.Name).FirstOrDefault(),
                c.ProjectId, ProjectName = c.Project!.Name, c.KubernetesVersion, c.ControlPlaneType, c.ControlPlaneReplicas,
                Pools = c.Pools.Count, Nodes = c.Pools.Sum(p => p.NodeCount), ReadyNodes = c.Pools.Sum(p => p.ReadyNodes),
                c.State, c.StateReason, c.ProviderFault, c.InfrastructureId, c.CreatedAt,
                PoolFault = c.Pools.Where(p => p.ProviderFault != null).Select(p => p.Name + ": " + p.ProviderFault).FirstOrDefault(),
            })
            .ToListAsync(ct);

        var offered = await OfferedVersionsAsync(db, rows.Select(r => r.InfrastructureId).Distinct().ToList(), ct);
        return new Page<ClusterRow>(rows.Select(r => new ClusterRow(r.Id, r.Name, r.TenantId, r.TenantName ?? "", r.ProjectId, r.ProjectName, r.KubernetesVersion,
            r.ControlPlaneType, r.ControlPlaneReplicas, r.Pools, r.Nodes, r.ReadyNodes, r.State, r.StateReason, r.ProviderFault ?? r.PoolFault,
            KubernetesVersion.TryParse(r.KubernetesVersion, out var v) && offered.GetValueOrDefault(r.InfrastructureId, []).Any(v.CanUpgradeTo),
            r.CreatedAt)).ToList(), total);
    }

    public async Task<Result<ClusterDetail>> GetAsync(Actor actor, Guid clusterId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cluster = await db.Clusters.AsNoTracking().Include(c => c.Pools).Include(c => c.Project).ThenInclude(p => p!.Tenant)
            .SingleOrDefaultAsync(c => c.Id == clusterId, ct);
        if (cluster is null) return Refusal.NotFound("The cluster");
        var access = await TenantAccess.ForAsync(db, actor, cluster.TenantId, ct);
        if (!access.CanRead) return Refusal.NotFound("The cluster");

        var placement = await db.ServiceConfigs.AsNoTracking().Where(s => s.Id == cluster.ServiceConfigId)
            .Select(s => new { s.Name, Infrastructure = s.Infrastructure!.Name, s.Infrastructure.Provider }).SingleAsync(ct);
        var offered = await OfferedVersionsAsync(db, [cluster.InfrastructureId], ct);
        var canOperate = CanOperate(access);
        var pools = cluster.Pools.OrderBy(p => p.CreatedAt).ThenBy(p => p.Name).Select(p => new NodePoolView(p.Id, p.Name, p.FlavorName, p.FlavorId,
            p.FlavorVcpus, p.FlavorRamMb, p.KubernetesVersion, p.NodeCount, p.ReadyNodes, p.AutoscalerEnabled, p.AutoscalerMin, p.AutoscalerMax,
            p.State, p.StateReason, p.ProviderFault, p.CurrentOperationId, p.LastOperationId,
            cluster.WhyNotChangePool(p), cluster.WhyNotScalePool(p), cluster.WhyNotUpgradePool(p), cluster.WhyNotRemovePool(p), p.Version)).ToList();
        var offeredHere = offered.GetValueOrDefault(cluster.InfrastructureId, []);
        return new ClusterDetail(cluster.Id, cluster.Name, cluster.TenantId, cluster.Project!.Tenant!.Name, cluster.ProjectId, cluster.Project.Name,
            cluster.ServiceConfigId, placement.Name, cluster.InfrastructureId, placement.Infrastructure, placement.Provider == InfrastructureProvider.Demo,
            cluster.ExternalNetworkName, cluster.KubernetesVersion, cluster.ObservedVersion, cluster.ImageName,
            cluster.ControlPlaneType, cluster.ControlPlaneReplicas, cluster.ReadyControlPlaneReplicas, cluster.ControlPlaneFlavorName,
            cluster.State, cluster.StateReason, cluster.ProviderFault, cluster.CurrentOperationId, cluster.LastOperationId, pools,
            cluster.UpgradeTargets(offeredHere).Select(v => v.ToString()).ToList(),
            canOperate, canOperate && cluster.IsOperational && access.Role is not null,
            cluster.WhyNotChangeable(), cluster.CheckDelete()?.Message, cluster.WhyNotAddPool(), cluster.WhyNotScaleControlPlane(),
            cluster.WhyNotUpgradeControlPlane(offeredHere), cluster.WhyNotResync(), cluster.CreatedAt, cluster.LastReconciledAt, cluster.Version);
    }

    /// <summary>Projects the actor may create clusters in (tenant members and admins).</summary>
    public async Task<IReadOnlyList<ProjectOption>> ProjectsForCreateAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await OperableProjectsAsync(db, actor, ct);
    }

    /// <summary>Projects of the tenants where the actor is a member or admin: where it may deploy clusters and databases.</summary>
    internal static async Task<IReadOnlyList<ProjectOption>> OperableProjectsAsync(PortalDbContext db, Actor actor, CancellationToken ct)
    {
        var tenantIds = await TenantAccess.TenantIdsWithRole(db, actor, TenantRole.Member).Distinct().ToListAsync(ct);
        return await db.Projects.AsNoTracking().Where(p => tenantIds.Contains(p.TenantId))
            .OrderBy(p => p.Tenant!.Name).ThenBy(p => p.Name)
            .Select(p => new ProjectOption(p.Id, p.Name, p.TenantId, p.Tenant!.Name)).ToListAsync(ct);
    }

    /// <summary>
    /// The Service Configs the project's tenant may deploy clusters through: offered to it, with an enabled MKS network
    /// platform; each with the Kubernetes versions (enabled images carrying one) and enabled flavors of its infrastructure.
    /// </summary>
    public async Task<Result<IReadOnlyList<PlacementOption>>> PlacementsAsync(Actor actor, Guid projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null || !CanOperate(await TenantAccess.ForAsync(db, actor, project.TenantId, ct))) return Refusal.NotFound("The project");

        var configs = await OfferedConfigs(db, project.TenantId)
            .Select(s => new
            {
                s.Id, s.Name, s.InfrastructureId, Infrastructure = s.Infrastructure!.Name, s.Infrastructure.Provider,
                Zone = s.Infrastructure.Zone!.Name, Region = s.Infrastructure.Zone.Region!.Name,
                Network = s.Platforms.Where(p => p.Kind == PlatformKind.Mks).Select(p => new { p.ExternalNetworkId, p.ExternalNetworkName }).First(),
            })
            .OrderBy(s => s.Infrastructure).ThenBy(s => s.Name).ToListAsync(ct);
        var infrastructureIds = configs.Select(c => c.InfrastructureId).Distinct().ToList();
        var images = await db.Images.AsNoTracking().Where(i => infrastructureIds.Contains(i.InfrastructureId) && i.Enabled && i.KubernetesVersion != null)
            .Select(i => new { i.InfrastructureId, i.Id, i.Name, i.KubernetesVersion }).ToListAsync(ct);
        var flavors = await db.Flavors.AsNoTracking().Where(f => infrastructureIds.Contains(f.InfrastructureId) && f.Enabled)
            .Select(f => new { f.InfrastructureId, Option = new FlavorOption(f.Id, f.Name, f.ProviderId, f.Vcpus, f.RamMb, f.DiskGb) }).ToListAsync(ct);

        return configs.Select(c => new PlacementOption(c.Id, c.Name, c.InfrastructureId, c.Infrastructure, c.Provider == InfrastructureProvider.Demo,
            $"{c.Region} / {c.Zone}", c.Network.ExternalNetworkId ?? "", c.Network.ExternalNetworkName ?? "",
            images.Where(i => i.InfrastructureId == c.InfrastructureId && KubernetesVersion.TryParse(i.KubernetesVersion, out _))
                .GroupBy(i => KubernetesVersion.Parse(i.KubernetesVersion!))
                .OrderByDescending(g => g.Key)
                .Select(g => g.OrderBy(i => i.Name, StringComparer.Ordinal).First())
                .Select(i => new VersionOption(KubernetesVersion.Parse(i.KubernetesVersion!).ToString(), i.Id, i.Name)).ToList(),
            flavors.Where(f => f.InfrastructureId == c.InfrastructureId).Select(f => f.Option)
                .OrderBy(f => f.Vcpus).ThenBy(f => f.RamMb).ThenBy(f => f.Name, StringComparer.Ordinal).ToList())).ToList();
    }

    /// <summary>Enabled flavors of the cluster's infrastructure, for pool dialogs.</summary>
    public async Task<IReadOnlyList<FlavorOption>> FlavorsForAsync(Actor actor, Guid clusterId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cluster = await db.Clusters.AsNoTracking().Where(c => c.Id == clusterId).Select(c => new { c.TenantId, c.InfrastructureId }).SingleOrDefaultAsync(ct);
        if (cluster is null || !(await TenantAccess.ForAsync(db, actor, cluster.TenantId, ct)).CanRead) return [];
        return await db.Flavors.AsNoTracking().Where(f => f.InfrastructureId == cluster.InfrastructureId && f.Enabled)
            .OrderBy(f => f.Vcpus).ThenBy(f => f.RamMb).ThenBy(f => f.Name)
            .Select(f => new FlavorOption(f.Id, f.Name, f.ProviderId, f.Vcpus, f.RamMb, f.DiskGb)).ToListAsync(ct);
    }

    /// <summary>The clusters on one infrastructure with their pool names, for platform readers (the demo fault switchboard).</summary>
    public async Task<IReadOnlyList<ClusterOnInfrastructure>> OnInfrastructureAsync(Actor actor, Guid infrastructureId, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Clusters.AsNoTracking().Where(c => c.InfrastructureId == infrastructureId)
            .OrderBy(c => c.Name)
            .Select(c => new
            {
                c.Id, c.Name, Project = c.Project!.Name, Tenant = db.Tenants.Where(t => t.Id == c.TenantId).Select(t => t.Name).FirstOrDefault(),
                Pools = c.Pools.OrderBy(p => p.Name).Select(p => p.Name).ToList(),
            })
            .Take(Limits.MaxPageSize).ToListAsync(ct);
        return rows.Select(r => new ClusterOnInfrastructure(r.Id, $"{r.Tenant} / {r.Project} / {r.Name}", r.Pools)).ToList();
    }

    /// <summary>Whether the actor may read the cluster's action history (the operations' own checks are platform-wide).</summary>
    public async Task<bool> CanReadAsync(Actor actor, Guid clusterId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Clusters.AsNoTracking().Where(c => c.Id == clusterId).Select(c => (Guid?)c.TenantId).SingleOrDefaultAsync(ct);
        return tenantId is { } id && (await TenantAccess.ForAsync(db, actor, id, ct)).CanRead;
    }

    /// <summary>The cluster's operations and its pools' (current and removed), newest first, with step logs.</summary>
    public async Task<Result<Page<Operation>>> HistoryAsync(Actor actor, Guid clusterId, Guid? poolId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cluster = await db.Clusters.AsNoTracking().Where(c => c.Id == clusterId).Select(c => new { c.TenantId, c.Name }).SingleOrDefaultAsync(ct);
        if (cluster is null || !(await TenantAccess.ForAsync(db, actor, cluster.TenantId, ct)).CanRead) return Refusal.NotFound("The cluster");
        var id = clusterId.ToString();
        IQueryable<Operation> query;
        if (poolId is { } pool)
        {
            var poolKey = pool.ToString();
            query = db.Operations.AsNoTracking().Where(o => o.TargetType == ClusterOperations.PoolTarget && o.TargetId == poolKey);
        }
        else
        {
            // Removed pools keep their history under the cluster: their ids stay in the cluster's state transitions. (Not by
            // the "<cluster>/<pool>" name: another tenant's cluster may have the same name.)
            var current = await db.NodePools.AsNoTracking().Where(p => p.ClusterId == clusterId).Select(p => p.Id).ToListAsync(ct);
            var removed = await db.StateTransitions.AsNoTracking().Where(t => t.ClusterId == clusterId && t.NodePoolId != null)
                .Select(t => t.NodePoolId!.Value).Distinct().ToListAsync(ct);
            var poolIds = current.Union(removed).Select(p => p.ToString()).ToList();
            query = db.Operations.AsNoTracking().Where(o => (o.TargetType == ClusterOperations.ClusterTarget && o.TargetId == id)
                || (o.TargetType == ClusterOperations.PoolTarget && poolIds.Contains(o.TargetId)));
        }
        var total = await query.CountAsync(ct);
        var items = await query.Include(o => o.Steps).OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id)
            .Skip(page.SafeSkip).Take(page.SafeTake).AsSplitQuery().ToListAsync(ct);
        return new Page<Operation>(items, total);
    }

    /// <summary>The lifecycle of the cluster and its pools, state change by state change, newest first.</summary>
    public async Task<Result<IReadOnlyList<StateTransitionView>>> TransitionsAsync(Actor actor, Guid clusterId, int take = 100, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Clusters.AsNoTracking().Where(c => c.Id == clusterId).Select(c => (Guid?)c.TenantId).SingleOrDefaultAsync(ct);
        if (tenantId is null || !(await TenantAccess.ForAsync(db, actor, tenantId.Value, ct)).CanRead) return Refusal.NotFound("The cluster");
        return await db.StateTransitions.AsNoTracking().Where(t => t.ClusterId == clusterId).OrderByDescending(t => t.Id).Take(Math.Clamp(take, 1, 1000))
            .Select(t => new StateTransitionView(t.NodePoolId, t.ResourceName, t.From, t.To, t.Reason, t.OperationId, t.At)).ToListAsync(ct);
    }

    // ---------------------------------------------------------------- helpers

    internal static bool CanOperate(TenantAccess access) => access.Role is TenantRole.Member or TenantRole.Admin;

    private static IQueryable<KubernetesCluster> Visible(PortalDbContext db, Actor actor)
    {
        if (TenantAccess.ReadsEveryTenant(actor)) return db.Clusters.AsNoTracking();
        var tenantIds = TenantAccess.TenantIdsWithRole(db, actor);
        return db.Clusters.AsNoTracking().Where(c => tenantIds.Contains(c.TenantId));
    }

    /// <summary>Service Configs offered to the tenant whose MKS network platform exists, is enabled and is active.</summary>
    private static IQueryable<ServiceConfig> OfferedConfigs(PortalDbContext db, Guid tenantId) =>
        db.ServiceConfigs.AsNoTracking()
            .Where(s => s.OfferedToAllTenants || s.Offers.Any(o => o.TenantId == tenantId))
            .Where(s => s.Platforms.Any(p => p.Kind == PlatformKind.Mks && p.Enabled && p.State == PlatformState.Active));

    /// <summary>Per infrastructure, the Kubernetes versions its enabled catalog images carry.</summary>
    private static async Task<Dictionary<Guid, List<KubernetesVersion>>> OfferedVersionsAsync(PortalDbContext db, IReadOnlyCollection<Guid> infrastructureIds, CancellationToken ct)
    {
        if (infrastructureIds.Count == 0) return [];
        var rows = await db.Images.AsNoTracking()
            .Where(i => infrastructureIds.Contains(i.InfrastructureId) && i.Enabled && i.KubernetesVersion != null)
            .Select(i => new { i.InfrastructureId, i.KubernetesVersion }).Distinct().ToListAsync(ct);
        return rows.GroupBy(r => r.InfrastructureId).ToDictionary(g => g.Key,
            g => g.Select(r => KubernetesVersion.TryParse(r.KubernetesVersion, out var v) ? v : (KubernetesVersion?)null).OfType<KubernetesVersion>().ToList());
    }
}
