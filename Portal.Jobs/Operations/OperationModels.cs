using Portal.Domain.Operations;

namespace Portal.Jobs.Operations;

/// <summary>
/// A request to run an operation. <paramref name="Parameters"/> is serialized to JSON as given and shown in the
/// action history: leave secrets out (or redact them) before passing it.
/// </summary>
public sealed record OperationRequest(string Kind, OperationTarget Target, object? Parameters = null);

/// <summary>
/// Filters of the operations page. Text filters match parts of words, case-insensitively: <paramref name="Target"/>
/// the target's name, type or id; <paramref name="RequestedBy"/> the name of who asked. <paramref name="From"/> and
/// <paramref name="To"/> bound when the operation was requested.
/// </summary>
public sealed record OperationFilter(OperationState? State = null, string? Kind = null, string? Target = null, string? RequestedBy = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record OperationStepView(int Index, string Name, StepState State, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Message);

/// <summary>An operation as the action history shows it, with its step log.</summary>
public sealed record OperationView(Guid Id, string Kind, string TargetType, string TargetId, string TargetName, string Parameters,
    OperationState State, string RequestedByName, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    int Attempt, bool CancelRequested, string? CancelledByName, string? Error, IReadOnlyList<OperationStepView> Steps)
{
    public bool IsFinished => State is OperationState.Succeeded or OperationState.Failed or OperationState.Cancelled;

    /// <summary>The view of a loaded operation (with its steps).</summary>
    public static OperationView From(Operation o) =>
        new(o.Id, o.Kind, o.TargetType, o.TargetId, o.TargetName, o.Parameters, o.State, o.RequestedByName, o.CreatedAt, o.StartedAt, o.FinishedAt,
            o.Attempt, o.CancelRequested, o.CancelledByName, o.Error,
            o.Steps.Select(s => new OperationStepView(s.Index, s.Name, s.State, s.StartedAt, s.FinishedAt, s.Message)).ToList());

    public bool CanRetry => State == OperationState.Failed;
    public bool CanCancel => State is OperationState.Queued or OperationState.Running && !CancelRequested;

    /// <summary>The step running now, or the failed one; null otherwise.</summary>
    public OperationStepView? CurrentStep => Steps.FirstOrDefault(s => s.State is StepState.Running or StepState.Failed);

    public int StepsDone => Steps.Count(s => s.State is StepState.Succeeded or StepState.Skipped);
}

/// <summary>The engine at a glance, for the operations page and the health endpoint.</summary>
public sealed record EngineHealth(bool EngineRunning, int Queued, int Running, int ExecutingHere, DateTimeOffset? OldestQueuedAt)
{
    /// <summary>A sentence for people: is work being done?</summary>
    public string Summary => EngineRunning
        ? $"Running: {Running} in progress, {Queued} queued."
        : $"The engine is not running: {Queued} queued operations wait until it starts.";
}
