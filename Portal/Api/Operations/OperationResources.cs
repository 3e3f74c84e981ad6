using System.Text.Json;
using Portal.Api.Common;
using Portal.Domain.Clusters;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;

namespace Portal.Api.Operations;

/// <summary>
/// An operation: one action of the engine (create a cluster, scale a pool, back up a database...), its state, who asked,
/// its attempts and its step log. <see cref="Error"/> is why it failed, as the action history shows it; the failed step
/// (<see cref="FailedStep"/>) carries its own message. The portal's operations carry no machine-readable error code:
/// the text is the cloud's or the step's own words.
/// </summary>
/// <param name="Parameters">What the action asked for, as recorded in the action history (never secrets).</param>
/// <param name="RequestedBy">The name of who asked (a person, or a token's owner and its name).</param>
/// <param name="CanRetry">Failed: a retry continues from its failed step (if you may act on its target).</param>
/// <param name="CanCancel">Queued or running and no cancellation asked yet.</param>
public sealed record OperationResource(Guid Id, string Url, string Kind, OperationState State, OperationTargetResource Target, JsonElement Parameters,
    string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Attempt, bool CancelRequested,
    string? CancelledBy, string? Error, int? FailedStep, bool CanRetry, bool CanCancel, IReadOnlyList<OperationStepResource> Steps)
{
    public static OperationResource From(OperationView o) =>
        new(o.Id, ApiResults.OperationUrl(o.Id), o.Kind, o.State, OperationTargetResource.From(o.TargetType, o.TargetId, o.TargetName),
            ParseParameters(o.Parameters), o.RequestedByName, o.CreatedAt, o.StartedAt, o.FinishedAt, o.Attempt, o.CancelRequested, o.CancelledByName,
            o.Error, o.Steps.FirstOrDefault(s => s.State == StepState.Failed)?.Index, o.CanRetry, o.CanCancel,
            o.Steps.Select(s => new OperationStepResource(s.Index, s.Name, s.State, s.StartedAt, s.FinishedAt, s.Message)).ToList());

    private static JsonElement ParseParameters(string json)
    {
        try
        {
            return JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
    }
}

/// <summary>
/// What an operation acts on. <see cref="Type"/>: <c>KubernetesCluster</c>, <c>NodePool</c>, <c>PostgresDatabase</c>, or a
/// platform resource's type. <see cref="Url"/> is the resource in this API when it has one of its own (clusters and
/// databases; a node pool is under its cluster).
/// </summary>
public sealed record OperationTargetResource(string Type, string Id, string Name, string? Url)
{
    public static OperationTargetResource From(string type, string id, string name) =>
        new(type, id, name, Guid.TryParse(id, out var guid) ? UrlOf(type, guid) : null);

    private static string? UrlOf(string type, Guid id) => type switch
    {
        ClusterOperations.ClusterTarget => $"{ApiPaths.Root}/clusters/{id}",
        DatabaseOperations.Target => $"{ApiPaths.Root}/databases/{id}",
        _ => null,
    };
}

/// <summary>One step of an operation's log; <see cref="Message"/> is its progress or, when it failed, why.</summary>
public sealed record OperationStepResource(int Index, string Name, StepState State, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Message);
