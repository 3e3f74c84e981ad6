using Microsoft.EntityFrameworkCore;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Databases;

/// <summary>
/// Managed PostgreSQL databases: who sees and operates them, the rules of every action, and their persistence. Each
/// action records its Operation (with the steps its kind declares, <see cref="DatabaseOperations"/>) in the same
/// transaction as the state change; the commit hands it to the engine. Tenant members and admins operate their
/// tenant's databases; tenant viewers and platform readers only read; everyone else is told the database does not
/// exist. Split by audience: pages' queries here, people's commands in <c>DatabaseService.Commands.cs</c>, the engine's
/// reads and writes in <c>DatabaseService.Engine.cs</c>.
/// </summary>
public sealed partial class DatabaseService(IDbContextFactory<PortalDbContext> dbFactory, CommandRunner commands, TimeProvider clock)
{
    /// <summary>The namespace a project's databases live in on a platform's cluster: <c>pg-</c> and the first 12 hex digits of its id.</summary>
    public static string NamespaceFor(Guid projectId) => "pg-" + projectId.ToString("N")[..12];

    /// <summary>Databases the actor may see, filtered, ordered and paged on the server.</summary>
    public async Task<Page<DatabaseRow>> ListAsync(Actor actor, DatabaseFilter filter, PageRequest page, DatabaseSort sort = DatabaseSort.Created,
        bool descending = true, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Visible(db, actor);
        if (filter.TenantId is { } tenantId) query = query.Where(d => d.TenantId == tenantId);
        if (filter.ProjectId is { } projectId) query = query.Where(d => d.ProjectId == projectId);
        if (filter.State is { } state) query = query.Where(d => d.State == state);
        if (filter.PlatformId is { } platformId) query = query.Where(d => d.PlatformId == platformId);
        if (page.SearchPattern is { } pattern)
        {
            // Database names are lowercase DNS labels and versions are digits, so they are compared as stored (no case
            // folding per row, which dominated the query with 10,000 rows); project names are folded, but there are few
            // projects, so they are matched first and the databases by project id.
            var lower = pattern.ToLowerInvariant();
            var projects = db.Projects.Where(p => EF.Functions.Like(p.Name.ToUpper(), pattern, TextSearch.Escape)).Select(p => p.Id);
            query = query.Where(d => EF.Functions.Like(d.Name, lower, TextSearch.Escape) || EF.Functions.Like(d.PostgresVersion, lower, TextSearch.Escape)
                || projects.Contains(d.ProjectId));
        }

        var total = await query.CountAsync(ct);
        IOrderedQueryable<ManagedDatabase> ordered = (sort, descending) switch
        {
            (DatabaseSort.Name, false) => query.OrderBy(d => d.Name),
            (DatabaseSort.Name, true) => query.OrderByDescending(d => d.Name),
            (DatabaseSort.Project, false) => query.OrderBy(d => d.Project!.Name).ThenBy(d => d.Name),
            (DatabaseSort.Project, true) => query.OrderByDescending(d => d.Project!.Name).ThenBy(d => d.Name),
            (DatabaseSort.Version, false) => query.OrderBy(d => d.PostgresVersion).ThenBy(d => d.Name),
            (DatabaseSort.Version, true) => query.OrderByDescending(d => d.PostgresVersion).ThenBy(d => d.Name),
            (DatabaseSort.State, false) => query.OrderBy(d => d.State).ThenBy(d => d.Name),
            (DatabaseSort.State, true) => query.OrderByDescending(d => d.State).ThenBy(d => d.Name),
            (_, false) => query.OrderBy(d => d.CreatedAt),
            _ => query.OrderByDescending(d => d.CreatedAt),
        };
        var rows = await ordered.ThenBy(d => d.Id).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(d => new
            {
                Database = d,
                TenantName = db.Tenants.Where(t => t.Id == d.TenantId).Select(t => t.Name).FirstOrDefault(),
                ProjectName = d.Project!.Name,
            })
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        return new Page<DatabaseRow>(rows.Select(r =>
        {
            var d = r.Database;
            return new DatabaseRow(d.Id, d.Name, d.TenantId, r.TenantName ?? "", d.ProjectId, r.ProjectName, d.PostgresVersion, d.Instances, d.ReadyInstances,
                d.ComputeSize, d.StorageGiB, d.State, d.StateReason, d.ProviderFault, d.OperatorPhase, d.Hibernated, d.BackupsEnabled,
                d.BackupHealthAt(now).Warning, d.CreatedAt);
        }).ToList(), total);
    }

    public async Task<Result<DatabaseDetail>> GetAsync(Actor actor, Guid databaseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var database = await db.Databases.AsNoTracking().Include(d => d.Project).ThenInclude(p => p!.Tenant).SingleOrDefaultAsync(d => d.Id == databaseId, ct);
        if (database is null) return Refusal.NotFound("The database");
        var access = await TenantAccess.ForAsync(db, actor, database.TenantId, ct);
        if (!access.CanRead) return Refusal.NotFound("The database");
        var placement = await db.ServicePlatforms.AsNoTracking().Where(p => p.Id == database.PlatformId)
            .Select(p => new { ServiceConfig = p.ServiceConfig!.Name, Infrastructure = p.ServiceConfig.Infrastructure!.Name, p.ServiceConfig.Infrastructure.Provider, p.OperatorVersion })
            .SingleAsync(ct);
        var now = clock.GetUtcNow();
        var canOperate = CanOperate(access);
        var ns = NamespaceFor(database.ProjectId);
        var minorTarget = DatabaseRules.PostgresVersions.TryGetValue(database.Major, out var minors) && minors[^1] != database.PostgresVersion ? minors[^1] : null;
        var whyNotMajor = database.WhyNotUpgradeMajor(placement.OperatorVersion);
        return new DatabaseDetail(database.Id, database.Name, database.TenantId, database.Project!.Tenant!.Name, database.ProjectId, database.Project.Name,
            database.ServiceConfigId, placement.ServiceConfig, database.PlatformId, placement.Infrastructure, placement.Provider == InfrastructureProvider.Demo,
            placement.OperatorVersion, database.PostgresVersion, database.Instances, database.ReadyInstances, database.ComputeSize, database.Compute.Describe(),
            database.StorageGiB, database.DatabaseName, database.OwnerName, ns, $"{database.Name}-rw.{ns}.svc", $"{database.Name}-ro.{ns}.svc",
            // A hibernated database runs no instance: the operator still names its last primary, which is not one now.
            database.Hibernated && database.ReadyInstances == 0 ? null : database.CurrentPrimary, database.InstanceList, database.Hibernated, database.Backups?.Describe(), database.BackupHealthAt(now), database.ArchivingFault,
            database.RestoredFromName, database.RestorePoint,
            database.State, database.StateReason, database.ProviderFault, database.OperatorPhase, database.OperatorPhaseReason,
            database.CurrentOperationId, database.LastOperationId, canOperate,
            database.WhyNotChangeable(), database.CheckDelete()?.Message, database.WhyNotChangeRunning(), database.WhyNotChangeRunning(), database.WhyNotChangeRunning(),
            minorTarget, database.WhyNotUpdateMinor(), whyNotMajor is null ? database.Major + 1 : null, whyNotMajor, database.WhyNotChangeRunning(),
            database.WhyNotSwitchover(), database.WhyNotHibernate(), database.WhyNotWake(), database.WhyNotBackup(), database.WhyNotRestoreFrom(),
            WhyNotReveal(database), database.WhyNotResync(), database.CreatedAt, database.LastReconciledAt, database.Version);
    }

    /// <summary>Projects the actor may create databases in (tenant members and admins).</summary>
    public async Task<IReadOnlyList<ProjectOption>> ProjectsForCreateAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ClusterService.OperableProjectsAsync(db, actor, ct);
    }

    /// <summary>
    /// The Service Configs offered to the project's tenant that have a PostgreSQL platform, each with why it takes no new
    /// database (External, disabled, not active), so the wizard can say so instead of hiding it.
    /// </summary>
    public async Task<Result<IReadOnlyList<DatabasePlacementOption>>> PlacementsAsync(Actor actor, Guid projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null || !CanOperate(await TenantAccess.ForAsync(db, actor, project.TenantId, ct))) return Refusal.NotFound("The project");
        var rows = await db.ServiceConfigs.AsNoTracking()
            .Where(s => s.OfferedToAllTenants || s.Offers.Any(o => o.TenantId == project.TenantId))
            .SelectMany(s => s.Platforms.Where(p => p.Kind == PlatformKind.PostgreSql), (s, p) => new
            {
                s.Id, s.Name, Infrastructure = s.Infrastructure!.Name, s.Infrastructure.Provider, Zone = s.Infrastructure.Zone!.Name,
                Region = s.Infrastructure.Zone.Region!.Name, Platform = p,
            })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.Infrastructure).ThenBy(r => r.Name).Select(r => new DatabasePlacementOption(r.Id, r.Name, r.Infrastructure,
            r.Provider == InfrastructureProvider.Demo, $"{r.Region} / {r.Zone}", r.Platform.Id, r.Platform.PostgresMode?.ToString() ?? "",
            r.Platform.OperatorVersion, DatabaseRules.MajorsFor(r.Platform.OperatorVersion), r.Platform.HasBackupStore, r.Platform.WhyNoNewDatabases())).ToList();
    }

    /// <summary>Projects of the source database's tenant the actor may restore it into.</summary>
    public async Task<IReadOnlyList<ProjectOption>> RestoreProjectsAsync(Actor actor, Guid sourceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Databases.AsNoTracking().Where(d => d.Id == sourceId).Select(d => (Guid?)d.TenantId).SingleOrDefaultAsync(ct);
        if (tenantId is null || !CanOperate(await TenantAccess.ForAsync(db, actor, tenantId.Value, ct))) return [];
        return await db.Projects.AsNoTracking().Where(p => p.TenantId == tenantId).OrderBy(p => p.Name)
            .Select(p => new ProjectOption(p.Id, p.Name, p.TenantId, p.Tenant!.Name)).ToListAsync(ct);
    }

    /// <summary>Whether the actor may read the database's action history.</summary>
    public async Task<bool> CanReadAsync(Actor actor, Guid databaseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Databases.AsNoTracking().Where(d => d.Id == databaseId).Select(d => (Guid?)d.TenantId).SingleOrDefaultAsync(ct);
        return tenantId is { } id && (await TenantAccess.ForAsync(db, actor, id, ct)).CanRead;
    }

    /// <summary>The database's operations, newest first, with step logs.</summary>
    public async Task<Result<Page<Operation>>> HistoryAsync(Actor actor, Guid databaseId, PageRequest page, CancellationToken ct = default)
    {
        if (!await CanReadAsync(actor, databaseId, ct)) return Refusal.NotFound("The database");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = databaseId.ToString();
        var query = db.Operations.AsNoTracking().Where(o => o.TargetType == DatabaseOperations.Target && o.TargetId == id);
        var total = await query.CountAsync(ct);
        var items = await query.Include(o => o.Steps).OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id)
            .Skip(page.SafeSkip).Take(page.SafeTake).AsSplitQuery().ToListAsync(ct);
        return new Page<Operation>(items, total);
    }

    /// <summary>The databases on one platform, for platform readers (the platform page lists them).</summary>
    public async Task<Page<DatabaseRow>> OnPlatformAsync(Actor actor, Guid platformId, PageRequest page, CancellationToken ct = default) =>
        actor.CanReadPlatform ? await ListAsync(actor, new DatabaseFilter(PlatformId: platformId), page, DatabaseSort.Name, descending: false, ct) : Page<DatabaseRow>.Empty;

    // ---------------------------------------------------------------- helpers

    internal static bool CanOperate(TenantAccess access) => access.Role is TenantRole.Member or TenantRole.Admin;

    /// <summary>Why the connection details cannot be revealed now, or null: the database must exist in the cluster and have its secret.</summary>
    internal static string? WhyNotReveal(ManagedDatabase database) =>
        database.State is ClusterState.Pending or ClusterState.Creating
            ? "The database is still being created; its connection details exist once the primary is up."
            : database.State == ClusterState.Deleting ? "The database is being deleted." : null;

    private static IQueryable<ManagedDatabase> Visible(PortalDbContext db, Actor actor)
    {
        if (TenantAccess.ReadsEveryTenant(actor)) return db.Databases.AsNoTracking();
        var tenantIds = TenantAccess.TenantIdsWithRole(db, actor);
        return db.Databases.AsNoTracking().Where(d => tenantIds.Contains(d.TenantId));
    }
}
