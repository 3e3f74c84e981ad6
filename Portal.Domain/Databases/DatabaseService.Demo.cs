using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;

namespace Portal.Domain.Databases;

/// <summary>A database on one infrastructure, as the demo fault switchboard offers it: where its CloudNativePG Cluster runs.</summary>
public sealed record DatabaseOnInfrastructure(Guid Id, string Label, string Namespace, string Name);

public sealed partial class DatabaseService
{
    /// <summary>The databases on one infrastructure, labelled "tenant / project / name", for platform readers (the demo fault switchboard).</summary>
    public async Task<IReadOnlyList<DatabaseOnInfrastructure>> OnInfrastructureAsync(Actor actor, Guid infrastructureId, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Databases.AsNoTracking().Where(d => d.InfrastructureId == infrastructureId)
            .OrderBy(d => d.Name)
            .Select(d => new
            {
                d.Id, d.Name, d.ProjectId, Project = d.Project!.Name,
                Tenant = db.Tenants.Where(t => t.Id == d.TenantId).Select(t => t.Name).FirstOrDefault(),
            })
            .Take(Limits.MaxPageSize).ToListAsync(ct);
        return rows.Select(r => new DatabaseOnInfrastructure(r.Id, $"{r.Tenant} / {r.Project} / {r.Name}", NamespaceFor(r.ProjectId), r.Name)).ToList();
    }
}
