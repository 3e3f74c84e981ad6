using System.Text.Json;
using Portal.Domain.Operations;

namespace Portal.Jobs.Operations;

/// <summary>What a running step knows about its operation, and how it reports progress.</summary>
public sealed class StepContext
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Func<string, CancellationToken, Task> _report;

    internal StepContext(Operation operation, int stepIndex, bool resumed, IServiceProvider services, Func<string, CancellationToken, Task> report)
    {
        OperationId = operation.Id;
        Kind = operation.Kind;
        Target = operation.Target;
        ParametersJson = operation.Parameters;
        Attempt = operation.Attempt;
        StepIndex = stepIndex;
        StepName = operation.Steps[stepIndex].Name;
        Resumed = resumed;
        Services = services;
        _report = report;
    }

    /// <summary>The key for anything the step creates, so that a second run finds it instead of creating another.</summary>
    public Guid OperationId { get; }
    public string Kind { get; }
    public OperationTarget Target { get; }
    public string ParametersJson { get; }
    /// <summary>The operation's attempt: 1 on the first run, 2 after the first retry, ...</summary>
    public int Attempt { get; }
    public int StepIndex { get; }
    public string StepName { get; }
    /// <summary>Which try of this step within the current run: 1, then 2, 3, ... as transient faults are retried.</summary>
    public int Try { get; internal set; }
    /// <summary>This step was running when the portal stopped; it may find part of its own earlier work.</summary>
    public bool Resumed { get; }
    /// <summary>Services of the job's scope (disposed when the run ends).</summary>
    public IServiceProvider Services { get; }

    /// <summary>The operation's parameters, deserialized with web defaults (camelCase).</summary>
    public T Parameters<T>() =>
        JsonSerializer.Deserialize<T>(ParametersJson, Json)
        ?? throw new InvalidOperationException($"Operation {OperationId} ({Kind}) has no parameters of type {typeof(T).Name}.");

    /// <summary>Records a progress message on the step (shown live in the step log).</summary>
    public Task ReportAsync(string message, CancellationToken ct = default) => _report(message, ct);
}
