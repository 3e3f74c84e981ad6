using System.Text.Json;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Auditing;

/// <summary>What a mutating request is about, for the audit trail.</summary>
public sealed record AuditSubject(string Action, string TargetType, string? TargetId, string TargetName, object? Parameters = null);

/// <summary>
/// Writes audit entries. A success is added to the same context as the change, so both commit together;
/// a refusal is written on its own, since nothing else is saved.
/// </summary>
public sealed class AuditLog(TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void AddSuccess(PortalDbContext db, Actor actor, AuditSubject subject) =>
        db.AuditEntries.Add(Entry(actor, subject, AuditOutcome.Succeeded, null));

    public async Task RecordRefusalAsync(PortalDbContext db, Actor actor, AuditSubject subject, Refusal refusal, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        db.AuditEntries.Add(Entry(actor, subject, AuditOutcome.Refused, refusal.Message));
        await db.SaveChangesAsync(ct);
    }

    private AuditEntry Entry(Actor actor, AuditSubject subject, AuditOutcome outcome, string? reason) =>
        new(clock.GetUtcNow(), actor.UserId, actor.DisplayName, subject.Action, subject.TargetType, subject.TargetId,
            subject.TargetName, subject.Parameters is null ? "{}" : JsonSerializer.Serialize(subject.Parameters, Json), outcome, reason);
}
