using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace Portal.Jobs.Kubernetes;

public sealed partial class KubernetesClient
{
    public async IAsyncEnumerable<KubeWatchEvent> WatchAsync(string apiVersion, string kind, string? ns = null, string? labelSelector = null,
        string? resourceVersion = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (Check(apiVersion, kind, name: null) is { } invalid)
        {
            yield return new KubeWatchEvent(KubeWatchEventType.Error, null, invalid);
            yield break;
        }
        var type = await ResolveTypeCoreAsync(apiVersion, kind, ct).ConfigureAwait(false);
        if (!type.Succeeded)
        {
            yield return new KubeWatchEvent(KubeWatchEventType.Error, null, type.Error);
            yield break;
        }

        var t = type.Value;
        var scope = t.Namespaced ? ns : null;
        var where = t.Namespaced ? scope is null ? " in all namespaces" : $" in namespace \"{scope}\"" : string.Empty;
        var call = new Call($"watch {t}{where}") { Type = t };
        var path = t.CollectionPath(scope);
        var selector = string.IsNullOrWhiteSpace(labelSelector) ? null : labelSelector.Trim();
        var from = string.IsNullOrEmpty(resourceVersion) ? null : resourceVersion;
        var timeout = (int)Math.Clamp(_options.WatchTimeout.TotalSeconds, 1, int.MaxValue);
        // A watch is one long answer: it goes through its own library instance, without the retry handler (which reads
        // each answer to its end); the caller's loop lists and watches again instead.
        var api = _watchApi!();
        Exception? fault = null;
        var stream = !t.Namespaced
            ? api.CustomObjects.WatchListClusterCustomObjectAsync(t.Group, t.Version, t.Plural, labelSelector: selector,
                resourceVersion: from, timeoutSeconds: timeout, onError: e => fault ??= e, cancellationToken: ct)
            : scope is null
                ? api.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(t.Group, t.Version, t.Plural, labelSelector: selector,
                    resourceVersion: from, timeoutSeconds: timeout, onError: e => fault ??= e, cancellationToken: ct)
                : api.CustomObjects.WatchListNamespacedCustomObjectAsync(t.Group, t.Version, scope, t.Plural, labelSelector: selector,
                    resourceVersion: from, timeoutSeconds: timeout, onError: e => fault ??= e, cancellationToken: ct);

        var note = new KubeCallNote();
        var events = stream.GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                KubeWatchEvent? next;
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                        break;
                    next = Event(call, path, events.Current.Item1, events.Current.Item2);
                }
                catch (Exception) when (ct.IsCancellationRequested)
                {
                    throw new OperationCanceledException(ct);
                }
                catch (Exception ex)
                {
                    // Never the library's exception itself: it holds the request with the bearer token.
                    next = new KubeWatchEvent(KubeWatchEventType.Error, null, Failure(ex, call, path, note));
                }
                if (next is null)
                    continue;
                yield return next;
                if (next.Type == KubeWatchEventType.Error)
                    yield break;
            }
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
        ct.ThrowIfCancellationRequested();
        if (fault is not null)
            yield return new KubeWatchEvent(KubeWatchEventType.Error, null, Failure(fault, call, path, note));
    }

    /// <summary>One event of the stream; null for a bookmark.</summary>
    private KubeWatchEvent? Event(Call call, string path, WatchEventType type, object? payload)
    {
        var node = payload switch
        {
            JsonElement element => JsonNode.Parse(element.GetRawText()) as JsonObject,
            JsonNode json => json as JsonObject,
            _ => null,
        };
        if (type == WatchEventType.Bookmark)
            return null;
        if (type == WatchEventType.Error)
        {
            var code = node is null ? 500 : (int)(KubeJson.Long(node, "code") ?? 500);
            return new KubeWatchEvent(KubeWatchEventType.Error, null,
                MapStatus(call, path, new RawResponse(code, null, node?.ToJsonString() ?? string.Empty, null, 1)));
        }
        if (node is null)
            return new KubeWatchEvent(KubeWatchEventType.Error, null, Malformed(call, path, "a watch event carries no object"));
        return new KubeWatchEvent(type switch
        {
            WatchEventType.Added => KubeWatchEventType.Added,
            WatchEventType.Deleted => KubeWatchEventType.Deleted,
            _ => KubeWatchEventType.Modified,
        }, node);
    }
}
