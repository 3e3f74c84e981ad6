namespace Portal.Domain.Auditing;

public enum AuditOutcome
{
    Succeeded = 0,
    /// <summary>The request was refused (bad input, conflict, permission); nothing changed.</summary>
    Refused = 1,
}

/// <summary>One mutating request: who, when, what, with which parameters (secrets redacted) and how it ended.</summary>
public sealed class AuditEntry
{
    private AuditEntry() { }

    public AuditEntry(DateTimeOffset at, string actorId, string actorName, string action, string targetType,
        string? targetId, string targetName, string parameters, AuditOutcome outcome, string? reason)
    {
        Id = Guid.NewGuid();
        At = at;
        ActorId = actorId;
        ActorName = actorName;
        Action = action;
        TargetType = targetType;
        TargetId = targetId;
        TargetName = targetName;
        Parameters = parameters;
        Outcome = outcome;
        Reason = reason;
    }

    public Guid Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string ActorId { get; private set; } = "";
    public string ActorName { get; private set; } = "";
    /// <summary>Dotted verb such as <c>region.create</c>.</summary>
    public string Action { get; private set; } = "";
    public string TargetType { get; private set; } = "";
    public string? TargetId { get; private set; }
    public string TargetName { get; private set; } = "";
    /// <summary>JSON object of the request's parameters; secrets never appear here.</summary>
    public string Parameters { get; private set; } = "{}";
    public AuditOutcome Outcome { get; private set; }
    public string? Reason { get; private set; }
}
