using Portal.Domain.Common;

namespace Portal.Domain.Operations;

/// <summary>What an operation acts on, as the action history shows it.</summary>
public sealed record OperationTarget(string Type, string Id, string Name);

/// <summary>
/// One state-changing action on a resource (creating a platform, upgrading a cluster, ...): the entry of the
/// action history, and the engine's record of how far it got. The engine runs the steps in order; every
/// event is one transition method below. A transition the engine should never attempt throws
/// <see cref="InvalidOperationException"/>; a person's request that does not fit the state (retry something
/// that did not fail, cancel something that finished) comes back as a <see cref="Refusal"/>.
/// </summary>
public sealed class Operation : IVersioned
{
    public const int KindMaxLength = 100;
    public const int TargetTypeMaxLength = 64;
    public const int TargetIdMaxLength = 100;
    public const int StepNameMaxLength = 200;
    public const int MessageMaxLength = 2000;
    public const int MaxSteps = 100;

    private readonly List<OperationStep> _steps = [];
    private bool _stepsOrdered;

    private Operation() { }

    public Guid Id { get; private set; }
    /// <summary>Dotted kind such as <c>postgres-platform.create</c>; picks the handler that runs it.</summary>
    public string Kind { get; private set; } = "";
    public string TargetType { get; private set; } = "";
    public string TargetId { get; private set; } = "";
    public string TargetName { get; private set; } = "";
    /// <summary>JSON object of the request's parameters; the caller has already redacted secrets.</summary>
    public string Parameters { get; private set; } = "{}";
    public string RequestedById { get; private set; } = "";
    public string RequestedByName { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>When the current attempt started.</summary>
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    /// <summary>The last change of any kind; every transition sets it, so every transition bumps <see cref="Version"/>.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }
    public OperationState State { get; private set; }
    /// <summary>How many times the engine started it: 1 for the first run, plus one per retry.</summary>
    public int Attempt { get; private set; }
    public bool CancelRequested { get; private set; }
    public string? CancelledById { get; private set; }
    public string? CancelledByName { get; private set; }
    /// <summary>Why it failed, in words a person can act on.</summary>
    public string? Error { get; private set; }
    public int Version { get; set; }

    /// <summary>The step log in run order.</summary>
    public IReadOnlyList<OperationStep> Steps
    {
        get
        {
            // EF fills the list in whatever order the rows arrive; sort once.
            if (!_stepsOrdered)
            {
                _steps.Sort((a, b) => a.Index.CompareTo(b.Index));
                _stepsOrdered = true;
            }
            return _steps;
        }
    }

    public bool IsFinished => State is OperationState.Succeeded or OperationState.Failed or OperationState.Cancelled;

    /// <summary>The first step that is neither Succeeded nor Skipped: where a run (or a retry, or a resume) continues.</summary>
    public int? FirstUnfinishedStepIndex => Steps.FirstOrDefault(s => !s.IsDone)?.Index;

    public OperationTarget Target => new(TargetType, TargetId, TargetName);

    /// <summary>
    /// A new Queued operation with its step log. The arguments come from code (a handler's kind and step
    /// names, a service's target), not from a person, so a bad one is a programming error and throws.
    /// </summary>
    public static Operation Create(string kind, OperationTarget target, string parametersJson, Actor requestedBy,
        IReadOnlyList<string> stepNames, DateTimeOffset now)
    {
        Require(kind, nameof(kind), KindMaxLength);
        Require(target.Type, "target type", TargetTypeMaxLength);
        Require(target.Id, "target id", TargetIdMaxLength);
        ArgumentNullException.ThrowIfNull(target.Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(parametersJson);
        if (stepNames.Count is 0 or > MaxSteps)
            throw new ArgumentException($"An operation needs between 1 and {MaxSteps} steps; '{kind}' declares {stepNames.Count}.", nameof(stepNames));
        foreach (var name in stepNames)
            Require(name, "step name", StepNameMaxLength);

        var operation = new Operation
        {
            Id = Guid.NewGuid(),
            Kind = kind,
            TargetType = target.Type,
            TargetId = target.Id,
            TargetName = target.Name.Length > Limits.NameMaxLength * 4 ? target.Name[..(Limits.NameMaxLength * 4)] : target.Name,
            Parameters = parametersJson,
            RequestedById = requestedBy.UserId,
            RequestedByName = requestedBy.DisplayName,
            CreatedAt = now,
            UpdatedAt = now,
            State = OperationState.Queued,
        };
        for (var i = 0; i < stepNames.Count; i++)
            operation._steps.Add(new OperationStep(operation.Id, i, stepNames[i]));
        operation._stepsOrdered = true;
        return operation;
    }

    // ---- engine events: a call in the wrong state is a bug in the engine and throws ----

    /// <summary>The engine picked up a Queued operation: a new attempt begins.</summary>
    public void Start(DateTimeOffset now)
    {
        Expect(OperationState.Queued, nameof(Start));
        State = OperationState.Running;
        Attempt++;
        StartedAt = now;
        FinishedAt = null;
        Error = null;
        UpdatedAt = now;
    }

    /// <summary>
    /// The engine picked up an operation that was already Running: the process stopped mid-step (a crash or a
    /// forced shutdown). The interrupted step goes back to Pending so that it runs again; steps are idempotent.
    /// </summary>
    public void Resume(DateTimeOffset now)
    {
        Expect(OperationState.Running, nameof(Resume));
        foreach (var step in Steps.Where(s => s.State == StepState.Running))
            step.MarkPending("Interrupted when the portal stopped; running it again.");
        UpdatedAt = now;
    }

    public void StepStarted(int index, DateTimeOffset now)
    {
        Expect(OperationState.Running, nameof(StepStarted));
        if (FirstUnfinishedStepIndex != index)
            throw new InvalidOperationException($"Operation {Id}: step {index} cannot start; the next step to run is {FirstUnfinishedStepIndex?.ToString() ?? "none"}.");
        var step = StepAt(index);
        if (step.State != StepState.Pending)
            throw new InvalidOperationException($"Operation {Id}: step {index} ('{step.Name}') is {step.State}, not Pending, and cannot start.");
        step.MarkStarted(now);
        UpdatedAt = now;
    }

    /// <summary>A running step reports progress or a transient retry; the message replaces the previous one.</summary>
    public void StepProgress(int index, string message, DateTimeOffset now)
    {
        RunningStep(index, nameof(StepProgress)).Report(message);
        UpdatedAt = now;
    }

    public void StepSucceeded(int index, string? message, DateTimeOffset now)
    {
        RunningStep(index, nameof(StepSucceeded)).MarkFinished(StepState.Succeeded, message, now);
        UpdatedAt = now;
    }

    /// <summary>The step ran and found nothing to do (for example, the resource was already there).</summary>
    public void StepSkipped(int index, string reason, DateTimeOffset now)
    {
        RunningStep(index, nameof(StepSkipped)).MarkFinished(StepState.Skipped, reason, now);
        UpdatedAt = now;
    }

    public void StepFailed(int index, string message, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        RunningStep(index, nameof(StepFailed)).MarkFinished(StepState.Failed, message, now);
        UpdatedAt = now;
    }

    /// <summary>Every step is done: the operation succeeded.</summary>
    public void Succeed(DateTimeOffset now)
    {
        Expect(OperationState.Running, nameof(Succeed));
        if (Steps.FirstOrDefault(s => !s.IsDone) is { } open)
            throw new InvalidOperationException($"Operation {Id} cannot succeed: step {open.Index} ('{open.Name}') is {open.State}.");
        State = OperationState.Succeeded;
        FinishedAt = now;
        UpdatedAt = now;
    }

    /// <summary>The operation failed with <paramref name="error"/>. A step that was running must be failed first.</summary>
    public void Fail(string error, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        Expect(OperationState.Running, nameof(Fail));
        if (Steps.FirstOrDefault(s => s.State == StepState.Running) is { } running)
            throw new InvalidOperationException($"Operation {Id} cannot fail while step {running.Index} ('{running.Name}') is still running; fail the step first.");
        State = OperationState.Failed;
        Error = Clip(error);
        FinishedAt = now;
        UpdatedAt = now;
    }

    /// <summary>
    /// Stops a Queued or Running operation whose cancellation was requested. The running step (if any) and
    /// every pending step are marked Skipped; finished steps keep their result.
    /// </summary>
    public void Cancel(DateTimeOffset now)
    {
        if (IsFinished)
            throw new InvalidOperationException($"Operation {Id} is already {State} and cannot be cancelled.");
        if (!CancelRequested)
            throw new InvalidOperationException($"Operation {Id} cannot be cancelled: nobody asked for it (call {nameof(RequestCancel)} first).");
        var reason = $"Cancelled by {CancelledByName}.";
        foreach (var step in Steps.Where(s => s.State is StepState.Pending or StepState.Running))
            step.MarkFinished(StepState.Skipped, step.State == StepState.Running ? $"Stopped while running: cancelled by {CancelledByName}." : reason, now);
        State = OperationState.Cancelled;
        FinishedAt = now;
        UpdatedAt = now;
    }

    // ---- a person's requests: refused with a reason when the state does not allow them ----

    /// <summary>
    /// A person asks to stop the operation. A Queued one is cancelled at once (nothing has run); a Running one
    /// is marked, and the engine stops it cooperatively: between steps, or through the running step's
    /// cancellation token.
    /// </summary>
    public Result RequestCancel(Actor by, DateTimeOffset now)
    {
        if (IsFinished)
            return Refusal.Conflict($"This operation already finished ({State}); there is nothing to cancel.");
        if (CancelRequested)
            return Refusal.Conflict($"{CancelledByName} already asked to cancel this operation; it stops at the next safe point.");
        CancelRequested = true;
        CancelledById = by.UserId;
        CancelledByName = by.DisplayName;
        UpdatedAt = now;
        if (State == OperationState.Queued)
            Cancel(now);
        return Result.Ok();
    }

    /// <summary>
    /// A person asks to run a Failed operation again. It is queued to continue from its first unfinished step:
    /// the failed step runs again, the steps that succeeded do not.
    /// </summary>
    public Result Retry(Actor by, DateTimeOffset now)
    {
        var refusal = State switch
        {
            OperationState.Queued or OperationState.Running => "This operation has not failed; it is still in progress.",
            OperationState.Succeeded => "This operation succeeded; there is nothing to retry.",
            OperationState.Cancelled => "This operation was cancelled. Start the action again instead of retrying it.",
            OperationState.Failed => null,
        };
        if (refusal is not null)
            return Refusal.Conflict(refusal);
        foreach (var step in Steps.Where(s => s.State == StepState.Failed))
            step.MarkPending($"Retry requested by {by.DisplayName}. Last failure: {step.Message}");
        State = OperationState.Queued;
        Error = null;
        FinishedAt = null;
        UpdatedAt = now;
        return Result.Ok();
    }

    internal static string? Clip(string? message) =>
        message is { Length: > MessageMaxLength } ? message[..(MessageMaxLength - 1)] + "…" : message;

    private OperationStep StepAt(int index) =>
        index >= 0 && index < Steps.Count ? Steps[index] : throw new ArgumentOutOfRangeException(nameof(index), index, $"Operation {Id} has {Steps.Count} steps.");

    private OperationStep RunningStep(int index, string transition)
    {
        Expect(OperationState.Running, transition);
        var step = StepAt(index);
        if (step.State != StepState.Running)
            throw new InvalidOperationException($"{transition}: step {index} ('{step.Name}') of operation {Id} is {step.State}, not Running.");
        return step;
    }

    private void Expect(OperationState state, string transition)
    {
        if (State != state)
            throw new InvalidOperationException($"{transition}: operation {Id} ({Kind}) is {State}, not {state}.");
    }

    private static void Require(string value, string what, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength)
            throw new ArgumentException($"An operation's {what} must be 1 to {maxLength} characters; got '{value}'.", what);
    }
}
