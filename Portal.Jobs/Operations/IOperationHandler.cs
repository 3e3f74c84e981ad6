using Portal.Domain.Data;
using Portal.Domain.Operations;

namespace Portal.Jobs.Operations;

/// <summary>
/// Runs one kind of operation (for example <c>postgres-platform.create</c>) as an ordered list of steps.
/// Register with <c>services.AddOperationHandler&lt;T&gt;()</c>; handlers are singletons.
/// </summary>
/// <remarks>
/// Delivery is at-least-once: after a crash the interrupted step runs again, and a retry re-runs the failed
/// step. Every step must therefore be idempotent: apply the desired state rather than create, and key anything
/// it creates by <see cref="StepContext.OperationId"/>, so a second run finds its own earlier work.
/// The step names are copied into the operation's step log when it is queued; for a kind the domain declares
/// (<see cref="OperationKinds"/>), they must be exactly the declared ones, in order, or the engine refuses to start.
/// </remarks>
public interface IOperationHandler
{
    string Kind { get; }

    IReadOnlyList<OperationStepDefinition> Steps { get; }

    /// <summary>
    /// Brings the operation's resource in step with the operation's new state: loads it into <paramref name="db"/> and
    /// changes it there, and the caller saves both in one SaveChanges, so they never disagree. Called by the executor when
    /// the operation ends (Succeeded, Failed, Cancelled), and by the operations service after a person's request changed
    /// it (a cancel that ended a queued one, a retry that queued a failed one again). Nothing else applies an outcome.
    /// Operations that act on no resource (the engine's own tests) keep this default.
    /// </summary>
    Task ApplyOutcomeAsync(PortalDbContext db, Operation operation, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>One step: a name for the step log, and the work.</summary>
public sealed record OperationStepDefinition(string Name, Func<StepContext, CancellationToken, Task<StepOutcome>> Run);

public enum StepOutcomeKind
{
    Succeeded,
    /// <summary>Nothing to do (already done, not applicable). Counts as done.</summary>
    Skipped,
    /// <summary>A permanent failure: the operation fails with the message.</summary>
    Failed,
    /// <summary>A passing fault (timeout, 5xx, unreachable): the engine retries the step with backoff, a bounded number of times.</summary>
    Transient,
}

/// <summary>How a step ended. The message is shown in the step log; for a failure it becomes the operation's error.</summary>
public sealed record StepOutcome(StepOutcomeKind Kind, string? Message)
{
    public static StepOutcome Succeeded(string? message = null) => new(StepOutcomeKind.Succeeded, message);
    public static StepOutcome Skipped(string reason) => new(StepOutcomeKind.Skipped, reason);
    /// <summary>A permanent failure. Say what went wrong and what a person can do about it.</summary>
    public static StepOutcome Failed(string message) => new(StepOutcomeKind.Failed, message);
    public static StepOutcome Transient(string message) => new(StepOutcomeKind.Transient, message);

    /// <summary>
    /// A remote system's fault while <paramref name="doing"/> something: unreachable, timed out or a server error passes
    /// (the engine retries the step); anything else needs a person.
    /// </summary>
    public static StepOutcome FromRemote(RemoteError error, string doing) => error.Kind switch
    {
        RemoteErrorKind.Unreachable or RemoteErrorKind.Timeout or RemoteErrorKind.ServerError => Transient($"{doing}: {error.Message}"),
        _ => Failed($"{doing}: {error.Message}"),
    };
}

/// <summary>
/// A fault worth retrying, thrown from a step. <see cref="HttpRequestException"/> without a status or with
/// 408/429/5xx, <see cref="TimeoutException"/> and timeouts are treated the same way; any other exception
/// fails the operation at once.
/// </summary>
public sealed class TransientStepException(string message, Exception? inner = null) : Exception(message, inner);
