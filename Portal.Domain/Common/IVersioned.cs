namespace Portal.Domain.Common;

/// <summary>
/// A mutable aggregate guarded by optimistic concurrency: the context bumps <see cref="Version"/> on
/// every update, and an update made against an older version fails instead of overwriting.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}

/// <summary>
/// A versioned row some of whose properties only record what is observed outside the portal. Saving changes to those
/// alone does not bump <see cref="IVersioned.Version"/>, so a person's open form does not go stale because of them.
/// </summary>
public interface IHasObservations : IVersioned
{
    IReadOnlySet<string> ObservationProperties { get; }
}
