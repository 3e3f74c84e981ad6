using Portal.Domain.Common;

namespace Portal.Domain.Clusters;

/// <summary>
/// The lifecycle that clusters and node pools share. The state follows the operation in flight: an action begins
/// from Active (the "in progress" state: Scaling, Upgrading, ...), its operation completes it (Active) or fails it
/// (Degraded for a change to something that runs, Error for a create or delete), and a retry resumes it. Conditions
/// read back from the cloud add the provider's own reason for a fault (<see cref="ProviderFault"/>) and can move an
/// idle resource between Active and Degraded. A transition the engine should never attempt throws; a person's
/// request that the state does not allow is refused with the reason.
/// </summary>
public abstract class LifecycleResource : IHasObservations
{
    public const int ReasonMaxLength = 2000;

    /// <summary>
    /// Properties that only record what the cloud reports back. Saving a change to these alone does not bump
    /// <see cref="Version"/>, so a person's open dialog is not made stale every time a node becomes ready.
    /// </summary>
    private static readonly IReadOnlySet<string> Observations = new HashSet<string>(
        ["ReadyNodes", "ReadyControlPlaneReplicas", "ObservedVersion", "LastReconciledAt", nameof(ProviderFault), nameof(UpdatedAt),
            .. Portal.Domain.Databases.ManagedDatabase.ObservationNames], StringComparer.Ordinal);

    IReadOnlySet<string> IHasObservations.ObservationProperties => Observations;

    public ClusterState State { get; protected set; }
    /// <summary>Why it is in this state, in words a person can act on (empty when Active and healthy).</summary>
    public string StateReason { get; protected set; } = "";
    /// <summary>
    /// The cloud's own reason for a fault (quota exceeded, no valid host, image missing, bad credentials), as read back
    /// from the resource's conditions. Kept until the condition clears, so it is never lost in a log.
    /// </summary>
    public string? ProviderFault { get; protected set; }
    /// <summary>The operation in flight, if any.</summary>
    public Guid? CurrentOperationId { get; protected set; }
    /// <summary>The latest operation: the one a retry re-runs after it failed.</summary>
    public Guid? LastOperationId { get; protected set; }
    public DateTimeOffset UpdatedAt { get; protected set; }
    public int Version { get; set; }

    /// <summary>What this is called in messages: "cluster web-prod", "node pool workers".</summary>
    public abstract string Describe();

    public bool IsBusy => CurrentOperationId is not null || State is ClusterState.Pending or ClusterState.Creating or ClusterState.Updating
        or ClusterState.Scaling or ClusterState.Upgrading or ClusterState.Deleting;

    /// <summary>Serves requests: the control plane or nodes run (possibly sub-optimally) and are not being removed.</summary>
    public bool IsOperational => State is ClusterState.Active or ClusterState.Updating or ClusterState.Scaling or ClusterState.Upgrading or ClusterState.Degraded;

    /// <summary>Why a day-2 action cannot start now, or null when it can (the resource is Active and idle).</summary>
    public string? WhyNotChangeable()
    {
        if (State == ClusterState.Active && CurrentOperationId is null) return null;
        return State switch
        {
            ClusterState.Pending or ClusterState.Creating => $"The {Describe()} is still being created.",
            ClusterState.Updating or ClusterState.Scaling or ClusterState.Upgrading => $"The {Describe()} is {State.ToString().ToLowerInvariant()}; wait for it to finish or cancel it.",
            ClusterState.Degraded => $"The {Describe()} is degraded{Because()}. Retry its last action or fix the cause first.",
            ClusterState.Deleting => $"The {Describe()} is being deleted.",
            ClusterState.Error => $"The {Describe()} is in error{Because()}. Retry or delete it.",
            _ => $"The {Describe()} is busy with another action.",
        };
    }

    /// <summary>Why it cannot be deleted now, or null. Deletion is the way out of Error and Degraded, so it is allowed from there.</summary>
    public string? WhyNotDeletable() => State switch
    {
        ClusterState.Active or ClusterState.Degraded or ClusterState.Error when CurrentOperationId is null => null,
        ClusterState.Deleting => $"The {Describe()} is already being deleted.",
        _ => $"The {Describe()} is {State.ToString().ToLowerInvariant()}. Cancel the action in progress first, or wait for it to finish.",
    };

    /// <summary>Why a resync cannot start now, or null: it needs the resource Active or Degraded and idle (see <see cref="BeginResync"/>).</summary>
    public virtual string? WhyNotResync()
    {
        if (CurrentOperationId is null && State is ClusterState.Active or ClusterState.Degraded) return null;
        return State == ClusterState.Error
            ? $"The {Describe()} is in error{Because()}. Retry its failed action or delete it."
            : WhyNotChangeable() ?? $"The {Describe()} is busy.";
    }

    /// <summary>A day-2 action starts: Active and idle → <paramref name="progress"/>. Refused otherwise.</summary>
    public Result Begin(ClusterState progress, Guid operationId, DateTimeOffset now)
    {
        if (progress is not (ClusterState.Updating or ClusterState.Scaling or ClusterState.Upgrading))
            throw new ArgumentOutOfRangeException(nameof(progress), progress, "A day-2 action is Updating, Scaling or Upgrading.");
        if (WhyNotChangeable() is { } why) return Refusal.Conflict(why);
        Enter(progress, "", operationId, now);
        return Result.Ok();
    }

    /// <summary>
    /// A resync starts: the spec is applied again and the resource waited for, to bring a Degraded (or drifted Active)
    /// resource back. From Active or Degraded and idle; a resource in Error is retried or deleted instead.
    /// </summary>
    public Result BeginResync(Guid operationId, DateTimeOffset now)
    {
        if (WhyNotResync() is { } why) return Refusal.Conflict(why);
        Enter(ClusterState.Updating, "", operationId, now);
        return Result.Ok();
    }

    public Result BeginDelete(Guid operationId, DateTimeOffset now)
    {
        if (WhyNotDeletable() is { } why) return Refusal.Conflict(why);
        Enter(ClusterState.Deleting, "", operationId, now);
        return Result.Ok();
    }

    /// <summary>The create operation picked it up.</summary>
    public void StartCreating(Guid operationId, DateTimeOffset now)
    {
        if (State is not (ClusterState.Pending or ClusterState.Creating) || CurrentOperationId != operationId)
            throw Illegal($"start creating for operation {operationId}");
        State = ClusterState.Creating;
        UpdatedAt = now;
    }

    /// <summary>The operation in flight finished its work: the resource is Active again.</summary>
    public void Complete(Guid operationId, DateTimeOffset now)
    {
        if (CurrentOperationId != operationId)
            throw Illegal($"complete operation {operationId}");
        // The operation saw the resource converge: whatever fault the provider reported on the way has cleared.
        State = ClusterState.Active;
        StateReason = "";
        ProviderFault = null;
        CurrentOperationId = null;
        UpdatedAt = now;
    }

    /// <summary>
    /// The operation in flight failed. A failed create or delete leaves it in Error; a failed change to something
    /// that runs leaves it Degraded (still operational). Ignored when a newer operation owns the resource.
    /// </summary>
    public bool Fail(Guid operationId, string reason, DateTimeOffset now)
    {
        if (CurrentOperationId != operationId) return false;
        State = State is ClusterState.Pending or ClusterState.Creating or ClusterState.Deleting ? ClusterState.Error : ClusterState.Degraded;
        StateReason = Clip(reason);
        CurrentOperationId = null;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// The operation in flight was cancelled. A cancelled create or delete leaves it in Error (part of it may exist); a
    /// cancelled change leaves it Active: what was already applied keeps converging, and the periodic reconcile
    /// reports it Degraded if the cloud does not get there.
    /// </summary>
    public bool Cancelled(Guid operationId, string by, DateTimeOffset now)
    {
        if (CurrentOperationId != operationId) return false;
        var verb = State switch
        {
            ClusterState.Pending or ClusterState.Creating => "Creation",
            ClusterState.Deleting => "Deletion",
            ClusterState.Scaling => "Scaling",
            ClusterState.Upgrading => "The upgrade",
            _ => "The update",
        };
        if (State is ClusterState.Pending or ClusterState.Creating or ClusterState.Deleting)
        {
            State = ClusterState.Error;
            StateReason = $"{verb} was cancelled by {by} before it finished; part of it may exist in the cloud. Delete it to clean up.";
        }
        else
        {
            State = ClusterState.Active;
            StateReason = $"{verb} was cancelled by {by}. Anything already applied keeps rolling out.";
        }
        CurrentOperationId = null;
        UpdatedAt = now;
        return true;
    }

    /// <summary>A person retries the failed last operation (resync): the resource resumes the state that operation drives.</summary>
    public Result Resume(Guid operationId, ClusterState progress, DateTimeOffset now)
    {
        if (State is not (ClusterState.Degraded or ClusterState.Error))
            return Refusal.Conflict($"The {Describe()} is {State}; only a degraded or failed resource can be retried.");
        if (LastOperationId != operationId)
            return Refusal.Conflict($"Only the latest action of the {Describe()} can be retried; start the action again instead.");
        Enter(progress, "", operationId, now);
        return Result.Ok();
    }

    /// <summary>
    /// What the periodic reconcile read back from the cloud. While an operation runs, only the provider's reason is
    /// recorded (the operation decides the state). When idle, an error condition makes an Active resource Degraded; a
    /// Degraded one whose fault cleared and whose conditions are all ready becomes Active again, unless
    /// <paramref name="lastActionFailed"/>: a failed action stays failed, whatever the cloud shows later, until it is
    /// retried or a resync succeeds (otherwise the cluster reads Active while a pool of the same action stays Degraded,
    /// and the retry that would settle both is refused).
    /// </summary>
    public bool Observe(string? providerFault, bool ready, bool lastActionFailed, DateTimeOffset now)
    {
        var changed = false;
        RecordFault(providerFault);
        if (CurrentOperationId is null)
        {
            if (State == ClusterState.Active && providerFault is not null)
            {
                State = ClusterState.Degraded;
                StateReason = Clip($"The cloud reports a fault: {providerFault}");
                changed = true;
            }
            else if (State == ClusterState.Degraded && providerFault is null && ready && !lastActionFailed)
            {
                State = ClusterState.Active;
                StateReason = "";
                changed = true;
            }
        }
        if (changed) UpdatedAt = now;
        return changed;
    }

    /// <summary>The provider's reason for a fault as read back now (null: no fault). Only the observation: the state is left to the caller's rules.</summary>
    public void RecordFault(string? providerFault)
    {
        var fault = providerFault is null ? null : Clip(providerFault);
        if (!string.Equals(ProviderFault, fault, StringComparison.Ordinal)) ProviderFault = fault;
    }

    /// <summary>
    /// A later action succeeded: a note left by an earlier one (an Active resource with a reason, such as "Scaling was
    /// cancelled by ...") no longer describes it. A Degraded or failed resource keeps its reason: it still applies.
    /// </summary>
    internal void ClearNote(DateTimeOffset now)
    {
        if (State != ClusterState.Active || CurrentOperationId is not null || StateReason.Length == 0) return;
        StateReason = "";
        UpdatedAt = now;
    }

    protected void Enter(ClusterState state, string reason, Guid operationId, DateTimeOffset now)
    {
        State = state;
        StateReason = reason;
        CurrentOperationId = operationId;
        LastOperationId = operationId;
        UpdatedAt = now;
    }

    private string Because() => string.IsNullOrEmpty(StateReason) ? "" : $" ({StateReason.TrimEnd('.')})";

    private InvalidOperationException Illegal(string what) =>
        new($"The {Describe()} cannot {what}: it is {State} with operation {CurrentOperationId?.ToString() ?? "none"} in flight.");

    protected static string Clip(string text) => text.Length > ReasonMaxLength ? text[..(ReasonMaxLength - 1)] + "…" : text;
}
