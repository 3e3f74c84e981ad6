namespace Portal.Domain.Common;

/// <summary>
/// A mutable aggregate guarded by optimistic concurrency: the context bumps <see cref="Version"/> on
/// every update, and an update made against an older version fails instead of overwriting.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}
