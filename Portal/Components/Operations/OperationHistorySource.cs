using Portal.Domain.Common;
using Portal.Jobs.Operations;

namespace Portal.Components.Operations;

/// <summary>
/// Where an action history comes from and who acts on it, for resources whose operations are not the platform-wide
/// ones (a cluster's history spans the cluster and its pools; its tenant's members retry and cancel).
/// </summary>
/// <param name="Scope">Identifies what is shown: a new scope starts again from the first page.</param>
/// <param name="Load">One page of the history, newest first.</param>
/// <param name="Watches">Which engine changes refresh it.</param>
/// <param name="Retry">Retries a failed operation.</param>
/// <param name="Cancel">Cancels a queued or running operation.</param>
/// <param name="Label">What an operation kind does, in words, shown above the kind.</param>
public sealed record OperationHistorySource(
    string Scope,
    Func<Actor, PageRequest, Task<Result<Page<OperationView>>>> Load,
    Func<OperationChanged, bool> Watches,
    Func<Actor, Guid, Task<Result>> Retry,
    Func<Actor, Guid, Task<Result>> Cancel,
    Func<string, string>? Label = null);
