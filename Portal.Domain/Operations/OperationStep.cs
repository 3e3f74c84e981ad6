namespace Portal.Domain.Operations;

/// <summary>
/// One entry of an operation's step log. Changed only through <see cref="Operation"/>'s transition methods,
/// which keep the steps consistent with the operation's state.
/// </summary>
public sealed class OperationStep
{
    private OperationStep() { }

    internal OperationStep(Guid operationId, int index, string name)
    {
        OperationId = operationId;
        Index = index;
        Name = name;
        State = StepState.Pending;
    }

    public Guid OperationId { get; private set; }
    /// <summary>Zero-based position in the operation's step list; steps run in this order.</summary>
    public int Index { get; private set; }
    public string Name { get; private set; } = "";
    public StepState State { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    /// <summary>What the step reported last: progress, a retry, why it failed or was skipped.</summary>
    public string? Message { get; private set; }

    /// <summary>Succeeded and Skipped steps are done; the engine never runs them again.</summary>
    public bool IsDone => State is StepState.Succeeded or StepState.Skipped;

    internal void MarkStarted(DateTimeOffset now)
    {
        State = StepState.Running;
        StartedAt = now;
        FinishedAt = null;
        Message = null;
    }

    internal void MarkFinished(StepState state, string? message, DateTimeOffset now)
    {
        State = state;
        FinishedAt = now;
        Message = Operation.Clip(message);
    }

    internal void MarkPending(string? message)
    {
        State = StepState.Pending;
        FinishedAt = null;
        Message = Operation.Clip(message);
    }

    internal void Report(string? message) => Message = Operation.Clip(message);
}
