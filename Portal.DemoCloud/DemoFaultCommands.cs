using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.DemoCloud.Kubernetes;

namespace Portal.DemoCloud;

/// <summary>
/// Lets a platform admin make the demo cloud refuse what managed clusters ask of it (quota exceeded, no valid host,
/// image missing, bad credentials) or trouble a managed database (disk full, backups failing, stuck bootstrap), to see
/// how the portal reports each fault, and clear the faults again. Only for
/// the demo cloud; audited like every other change.
/// </summary>
public sealed class DemoFaultCommands(DemoKubernetesApi demo, CommandRunner commands)
{
    public Task<Result> InjectAsync(Actor actor, Guid infrastructureId, DemoCloudFault fault, Guid? clusterId, string? poolName, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("demo-cloud.inject-fault", "Infrastructure", infrastructureId.ToString(), "Demo cloud",
            new { fault = fault.ToString(), clusterId, poolName }), async db =>
        {
            var refusal = await CheckAsync(db, actor, infrastructureId, ct);
            if (refusal is not null) return refusal;
            if (!Enum.IsDefined(fault)) return Refusal.Invalid(Fields.Fault, "Choose a fault.");
            string? clusterName = null;
            if (clusterId is { } id)
            {
                var cluster = await db.Clusters.AsNoTracking().Include(c => c.Pools).SingleOrDefaultAsync(c => c.Id == id && c.InfrastructureId == infrastructureId, ct);
                if (cluster is null) return Refusal.Invalid(Fields.Cluster, "That cluster is not on this infrastructure.");
                if (poolName is not null && cluster.Pools.All(p => p.Name != poolName))
                    return Refusal.Invalid(Fields.NodePool, $"Cluster {cluster.Name} has no node pool named '{poolName}'.");
                if (poolName is null && fault != DemoCloudFault.InvalidCredentials && cluster.ControlPlaneType == Domain.Clusters.ControlPlaneType.Hosted)
                    return Refusal.Invalid(Fields.NodePool, "A hosted control plane runs no machines in the cloud; choose a node pool for this fault.");
                clusterName = cluster.Name;
            }
            else if (poolName is not null)
            {
                return Refusal.Invalid(Fields.Cluster, "Choose the cluster the node pool belongs to.");
            }
            demo.InjectFault(fault, clusterName, poolName);
            return Result.Ok();
        }, ct);

    /// <summary>The cloud faults armed and not yet struck (the demo cloud is one for every demo infrastructure).</summary>
    public IReadOnlyList<DemoArmedFault> Armed => demo.ArmedFaults;

    /// <summary>Disarms one armed fault before it strikes.</summary>
    public Task<Result> DisarmAsync(Actor actor, Guid infrastructureId, Guid faultId, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("demo-cloud.disarm-fault", "Infrastructure", infrastructureId.ToString(), "Demo cloud", new { faultId }), async db =>
        {
            var refusal = await CheckAsync(db, actor, infrastructureId, ct);
            if (refusal is not null) return refusal;
            return demo.Disarm(faultId) ? Result.Ok() : Refusal.NotFound("The armed fault");
        }, ct);

    /// <summary>Disarms every armed fault and lets every failed object recover on the next tick of the simulated controllers.</summary>
    public Task<Result> ClearAsync(Actor actor, Guid infrastructureId, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("demo-cloud.clear-faults", "Infrastructure", infrastructureId.ToString(), "Demo cloud"), async db =>
        {
            var refusal = await CheckAsync(db, actor, infrastructureId, ct);
            if (refusal is not null) return refusal;
            demo.ClearFailures();
            return Result.Ok();
        }, ct);

    /// <summary>
    /// Makes a database on the demo cloud show <paramref name="fault"/> (a full disk, failing backups, a primary that
    /// never comes up): the CloudNativePG Cluster <paramref name="clusterName"/> in <paramref name="ns"/>, or the next
    /// database created when no cluster name is given.
    /// </summary>
    public Task<Result> InjectDatabaseFaultAsync(Actor actor, Guid infrastructureId, DemoDatabaseFault fault, string? ns, string? clusterName, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("demo-cloud.inject-database-fault", "Infrastructure", infrastructureId.ToString(), "Demo cloud",
            new { fault = fault.ToString(), ns, clusterName }), async db =>
        {
            var refusal = await CheckAsync(db, actor, infrastructureId, ct) ?? CheckDatabaseTarget(fault, ns, clusterName);
            if (refusal is not null) return refusal;
            demo.InjectDatabaseFault(fault, NullIfBlank(ns), NullIfBlank(clusterName));
            return Result.Ok();
        }, ct);

    /// <summary>Lets the database (or, with no cluster name, every database) recover from <paramref name="fault"/> on the next tick.</summary>
    public Task<Result> HealDatabaseFaultAsync(Actor actor, Guid infrastructureId, DemoDatabaseFault fault, string? ns, string? clusterName, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("demo-cloud.heal-database-fault", "Infrastructure", infrastructureId.ToString(), "Demo cloud",
            new { fault = fault.ToString(), ns, clusterName }), async db =>
        {
            var refusal = await CheckAsync(db, actor, infrastructureId, ct) ?? CheckDatabaseTarget(fault, ns, clusterName);
            if (refusal is not null) return refusal;
            demo.HealDatabaseFault(fault, NullIfBlank(ns), NullIfBlank(clusterName));
            return Result.Ok();
        }, ct);

    private static Refusal? CheckDatabaseTarget(DemoDatabaseFault fault, string? ns, string? clusterName)
    {
        if (!Enum.IsDefined(fault)) return Refusal.Invalid(Fields.Fault, "Choose a fault.");
        if (string.IsNullOrWhiteSpace(clusterName) && !string.IsNullOrWhiteSpace(ns))
            return Refusal.Invalid(Fields.Name, "Choose the database in that namespace, or no namespace for the next new database.");
        if (!string.IsNullOrWhiteSpace(clusterName) && string.IsNullOrWhiteSpace(ns))
            return Refusal.Invalid(Fields.Name, "Choose the namespace the database runs in.");
        return null;
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static async Task<Refusal?> CheckAsync(PortalDbContext db, Actor actor, Guid infrastructureId, CancellationToken ct)
    {
        if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can inject demo cloud faults.");
        var provider = await db.Infrastructures.AsNoTracking().Where(i => i.Id == infrastructureId).Select(i => (InfrastructureProvider?)i.Provider).SingleOrDefaultAsync(ct);
        if (provider is null) return Refusal.NotFound("The infrastructure");
        return provider == InfrastructureProvider.Demo ? null : Refusal.Invalid(Fields.Infrastructure, "Faults can only be injected into the demo cloud.");
    }
}
