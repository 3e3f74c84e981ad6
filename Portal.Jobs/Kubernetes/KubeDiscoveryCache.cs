using System.Collections.Concurrent;

namespace Portal.Jobs.Kubernetes;

/// <summary>
/// What discovery said about each group version of each server (kind → plural and scope), reused for a while so
/// that every call does not cost a discovery round trip. Shared by all clients of a factory; keyed by server URL.
/// </summary>
internal sealed class KubeDiscoveryCache(TimeProvider clock, TimeSpan lifetime)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _guessed = new(StringComparer.Ordinal);

    private sealed record Entry(IReadOnlyDictionary<string, KubeResourceType> Types, DateTimeOffset FetchedAt);

    public bool TryGet(string server, string groupVersion, out IReadOnlyDictionary<string, KubeResourceType> types)
    {
        if (_entries.TryGetValue(Key(server, groupVersion), out var entry) && clock.GetUtcNow() - entry.FetchedAt < lifetime)
        {
            types = entry.Types;
            return true;
        }
        types = new Dictionary<string, KubeResourceType>();
        return false;
    }

    public void Set(string server, string groupVersion, IReadOnlyDictionary<string, KubeResourceType> types)
    {
        var key = Key(server, groupVersion);
        _entries[key] = new Entry(types, clock.GetUtcNow());
        _guessed.TryRemove(key, out _);
    }

    /// <summary>Records that discovery was unavailable for a group version, so a later 404 can say the type may not be served.</summary>
    public void MarkGuessed(string server, string groupVersion) => _guessed[Key(server, groupVersion)] = clock.GetUtcNow();

    public bool WasGuessed(string server, string groupVersion) => _guessed.ContainsKey(Key(server, groupVersion));

    private static string Key(string server, string groupVersion) => $"{server} {groupVersion}";
}
