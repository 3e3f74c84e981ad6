namespace Portal.Domain.Operations;

/// <summary>Where an operation is in its life. Succeeded, Failed and Cancelled are final, except that a Failed one can be retried.</summary>
public enum OperationState
{
    /// <summary>Recorded and waiting for the engine to pick it up.</summary>
    Queued,
    Running,
    Succeeded,
    /// <summary>A step failed permanently (or gave up on a transient fault); <see cref="Operation.Error"/> says why.</summary>
    Failed,
    /// <summary>Someone asked to stop it; <see cref="Operation.CancelledByName"/> says who.</summary>
    Cancelled,
}

/// <summary>Where one step of an operation is.</summary>
public enum StepState
{
    Pending,
    Running,
    Succeeded,
    Failed,
    /// <summary>Not run: the handler found nothing to do, or the operation was cancelled first.</summary>
    Skipped,
}
