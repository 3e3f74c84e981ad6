using System.Text.Json;
using Portal.Domain.Common;

namespace Portal.Domain.Operations;

/// <summary>
/// A kind of operation as the domain declares it: its name and its steps, in run order. A command records an operation
/// of the kind with exactly these steps (<see cref="NewOperation"/>); the engine's handler for the kind implements
/// exactly these steps by name, which the engine checks when it starts. The step names are copied into every
/// operation's step log: keep them stable across releases, or an operation queued before an upgrade cannot continue.
/// </summary>
public sealed class OperationKind
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public OperationKind(string name, params IReadOnlyList<string> steps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (steps.Count is 0 or > Operation.MaxSteps)
            throw new ArgumentException($"Operation kind '{name}' declares {steps.Count} steps; it needs 1 to {Operation.MaxSteps}.", nameof(steps));
        if (steps.Distinct(StringComparer.Ordinal).Count() != steps.Count)
            throw new ArgumentException($"Operation kind '{name}' declares a step twice: the step log tells steps apart by name.", nameof(steps));
        Name = name;
        Steps = [.. steps];
    }

    /// <summary>Dotted name such as <c>mks-node-pool.scale</c>; picks the handler that runs it.</summary>
    public string Name { get; }

    public IReadOnlyList<string> Steps { get; }

    /// <summary>
    /// A new Queued operation of this kind on <paramref name="target"/>, for a command to add to its context together
    /// with the change it is about. <paramref name="parameters"/> are recorded as JSON in the action history and read by
    /// the steps: leave secrets out. The command's commit hands it to the engine (see <see cref="IOperationDispatcher"/>).
    /// </summary>
    public Operation NewOperation(OperationTarget target, object? parameters, Actor requestedBy, DateTimeOffset now) =>
        Operation.Create(Name, target, parameters is null ? "{}" : JsonSerializer.Serialize(parameters, Json), requestedBy, Steps, now);

    public override string ToString() => Name;
}
