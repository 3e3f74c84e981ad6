using System.Globalization;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;

namespace Portal.Components.Operations;

/// <summary>How operations read on every page.</summary>
public static class OperationFormat
{
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
        { TotalMinutes: < 1 } => $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
        { TotalHours: < 1 } => $"{(int)span.TotalMinutes} min {span.Seconds} s",
        _ => $"{(int)span.TotalHours} h {span.Minutes} min",
    };

    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"Step 2 of 5: Install operator", or how it ended.</summary>
    public static string Progress(OperationView operation)
    {
        var total = operation.Steps.Count;
        var succeeded = operation.Steps.Count(s => s.State == StepState.Succeeded);
        return operation.State switch
        {
            OperationState.Queued when operation.Attempt > 0 => $"Queued to continue from step {succeeded + 1} of {total}",
            OperationState.Queued => "Waiting to start",
            OperationState.Succeeded => $"All {total} steps done",
            OperationState.Cancelled => $"Cancelled after {succeeded} of {total} steps",
            OperationState.Running or OperationState.Failed when operation.CurrentStep is { } step => $"Step {step.Index + 1} of {total}: {step.Name}",
            OperationState.Running or OperationState.Failed => $"{operation.StepsDone} of {total} steps done",
            _ => operation.State.ToString(),
        };
    }

    /// <summary>What a person calls this operation in a button's accessible name or a message.</summary>
    public static string Describe(OperationView operation) => $"{operation.Kind} on {operation.TargetName}";
}
