using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.DemoCloud.Kubernetes;

namespace Portal.DemoCloud;

/// <summary>
/// Lets a platform admin make the demo cloud refuse what managed clusters ask of it (quota exceeded, no valid host,
/// image missing, bad credentials), to see how the portal reports each fault, and clear the faults again. Only for
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

    /// <summary>Lets every failed object recover on the next tick of the simulated controllers.</summary>
    public Task<Result> ClearAsync(Actor actor, Guid infrastructureId, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("demo-cloud.clear-faults", "Infrastructure", infrastructureId.ToString(), "Demo cloud"), async db =>
        {
            var refusal = await CheckAsync(db, actor, infrastructureId, ct);
            if (refusal is not null) return refusal;
            demo.ClearFailures();
            return Result.Ok();
        }, ct);

    private static async Task<Refusal?> CheckAsync(PortalDbContext db, Actor actor, Guid infrastructureId, CancellationToken ct)
    {
        if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can inject demo cloud faults.");
        var provider = await db.Infrastructures.AsNoTracking().Where(i => i.Id == infrastructureId).Select(i => (InfrastructureProvider?)i.Provider).SingleOrDefaultAsync(ct);
        if (provider is null) return Refusal.NotFound("The infrastructure");
        return provider == InfrastructureProvider.Demo ? null : Refusal.Invalid(Fields.Infrastructure, "Faults can only be injected into the demo cloud.");
    }
}
