using System.Collections.Concurrent;
using System.Diagnostics;
using Portal.Jobs.Operations;

namespace Portal.OperationsBenchmark;

/// <summary>One step that does nothing but note when it started (Stopwatch ticks), keyed by operation id.</summary>
internal sealed class NoOpHandler : IOperationHandler
{
    public const string KindName = "benchmark.noop";

    public NoOpHandler() =>
        Steps = [new OperationStepDefinition("no-op", (context, _) =>
        {
            Started[context.OperationId] = Stopwatch.GetTimestamp();
            return Task.FromResult(StepOutcome.Succeeded());
        })];

    public ConcurrentDictionary<Guid, long> Started { get; } = new();

    public string Kind => KindName;

    public IReadOnlyList<OperationStepDefinition> Steps { get; }
}
