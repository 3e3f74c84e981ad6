using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Databases;

namespace Portal.DatabasesBenchmark;

/// <summary>
/// An experiment, not the portal's code: <see cref="DatabaseService.ListAsync"/> (default sort, first page) as it is, but
/// with the search written so that SQLite never calls the portal's managed <c>upper()</c> per row. Today the search is
/// <c>upper(Name) LIKE p OR upper(Project.Name) LIKE p OR upper(PostgresVersion) LIKE p</c>, a full scan that calls the
/// .NET function registered on the connection three times per row, in the count and again in the page query. Here:
/// the name compared as stored (a database name is a lowercase ASCII DNS label, so the lowercased pattern means the
/// same, on SQLite and PostgreSQL), the projects and versions that match resolved first (small sets) and compared by
/// <c>IN</c>. Same rows, same order, same total; the benchmark checks that against the real call.
/// </summary>
internal static class SearchAlternative
{
    public static async Task<Page<(Guid Id, string Name)>> ListAsync(PortalDbContext db, Actor actor, string search, PageRequest page)
    {
        var pattern = TextSearch.ContainsPattern(search);
        var lowered = pattern.ToLowerInvariant();
        IQueryable<ManagedDatabase> query = actor.CanReadPlatform
            ? db.Databases.AsNoTracking()
            : db.Databases.AsNoTracking().Where(d => db.Memberships.Any(m => m.TenantId == d.TenantId && m.UserId == actor.UserId));
        var projects = await db.Projects.AsNoTracking().Where(p => EF.Functions.Like(p.Name.ToUpper(), pattern, TextSearch.Escape)).Select(p => p.Id).ToListAsync();
        var typed = search.Trim().ToUpperInvariant();
        var versions = (await query.Select(d => d.PostgresVersion).Distinct().ToListAsync())
            .Where(v => v.ToUpperInvariant().Contains(typed, StringComparison.Ordinal)).ToList();
        query = query.Where(d => EF.Functions.Like(d.Name, lowered, TextSearch.Escape) || projects.Contains(d.ProjectId) || versions.Contains(d.PostgresVersion));
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(d => new
            {
                Database = d,
                TenantName = db.Tenants.Where(t => t.Id == d.TenantId).Select(t => t.Name).FirstOrDefault(),
                ProjectName = d.Project!.Name,
            })
            .ToListAsync();
        return new Page<(Guid, string)>(rows.Select(r => (r.Database.Id, r.Database.Name)).ToList(), total);
    }
}
