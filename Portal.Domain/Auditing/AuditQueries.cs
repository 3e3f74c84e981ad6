using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Auditing;

public sealed record AuditRow(Guid Id, DateTimeOffset At, string ActorName, string Action, string TargetType, string TargetName,
    string Parameters, AuditOutcome Outcome, string? Reason);

/// <summary>Reads the audit trail; platform readers only.</summary>
public sealed class AuditQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<Result<Page<AuditRow>>> ListAsync(Actor actor, PageRequest page, AuditOutcome? outcome = null, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (outcome is { } only)
            query = query.Where(a => a.Outcome == only);
        if (page.SearchPattern is { } pattern)
            query = query.Where(a => EF.Functions.Like(a.Action.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(a.TargetName.ToUpper(), pattern, TextSearch.Escape)
                || EF.Functions.Like(a.ActorName.ToUpper(), pattern, TextSearch.Escape));
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.At).Skip(page.SafeSkip).Take(page.SafeTake)
            .Select(a => new AuditRow(a.Id, a.At, a.ActorName, a.Action, a.TargetType, a.TargetName, a.Parameters, a.Outcome, a.Reason))
            .ToListAsync(ct);
        return new Page<AuditRow>(items, total);
    }
}
