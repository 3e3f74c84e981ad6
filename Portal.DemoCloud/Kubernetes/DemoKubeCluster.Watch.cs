using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// Watch for the demo API, as the Kubernetes API serves it: <c>?watch=true</c> on a collection answers 200 with a stream
/// of newline-delimited events <c>{"type":"ADDED|MODIFIED|DELETED","object":{…}}</c>, each object carrying its new
/// resourceVersion. Without a resourceVersion (or "0") the stream starts with an ADDED event per existing object; with
/// one, it replays the changes after it from a short history, or sends an ERROR event with a 410 Expired Status when
/// that version is older than the history, so the watcher lists again. <c>timeoutSeconds</c> ends the stream.
/// </summary>
public sealed partial class DemoKubeCluster
{
    private const int WatchHistoryLength = 1000;

    private readonly LinkedList<WatchEvent> _history = new();
    private readonly List<Watcher> _watchers = [];

    private sealed record WatchEvent(long ResourceVersion, string TypeKey, string? Namespace, string Type, JsonObject Object);

    private sealed class Watcher(DemoResourceKind type, string? ns, DemoLabelSelector selector)
    {
        public Channel<byte[]> Lines { get; } = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

        public bool Wants(WatchEvent change) =>
            change.TypeKey == type.Key && (ns is null || change.Namespace == ns) && selector.Matches(change.Object);
    }

    /// <summary>Records a change for watchers; called under the cluster's lock by every store path.</summary>
    private void Published(DemoResourceKind type, string? ns, string eventType, JsonObject resource)
    {
        var version = long.TryParse(DemoKubeJson.Text(resource["metadata"]?["resourceVersion"]), NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : _revision;
        var change = new WatchEvent(version, type.Key, ns, eventType, (JsonObject)resource.DeepClone());
        _history.AddLast(change);
        if (_history.Count > WatchHistoryLength)
            _history.RemoveFirst();
        foreach (var watcher in _watchers)
        {
            if (watcher.Wants(change))
                watcher.Lines.Writer.TryWrite(Line(change.Type, change.Object));
        }
    }

    /// <summary>Answers a watch request on a collection with a live stream of events.</summary>
    internal HttpResponseMessage Watch(HttpRequestMessage request, string path, IReadOnlyDictionary<string, string> query)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        (string Group, string Version, string[] Tail)? parts = segments switch
        {
            ["api", var v, .. var tail] => (string.Empty, v, tail),
            ["apis", var g, var v, .. var tail] => (g, v, tail),
            _ => null,
        };
        string? ns = null;
        var rest = parts?.Tail ?? [];
        if (rest is ["namespaces", var n, _, ..])
        {
            ns = n;
            rest = rest[2..];
        }
        var type = parts is { } p && rest.Length == 1 ? FindType(p.Group, p.Version, rest[0]) : null;
        if (type is null || (ns is not null && !type.Namespaced))
            return Plain(request, HttpStatusCode.NotFound, DemoKubeJson.Status(404, "NotFound", "the server could not find the requested resource"));
        if (DemoLabelSelector.TryParse(query.GetValueOrDefault("labelSelector"), out var selector) is { } problem)
            return Plain(request, HttpStatusCode.BadRequest, DemoKubeJson.Status(400, "BadRequest", problem));

        var watcher = new Watcher(type, ns, selector);
        lock (_lock)
        {
            var from = query.GetValueOrDefault("resourceVersion");
            if (string.IsNullOrEmpty(from) || from == "0")
            {
                foreach (var stored in Objects(type).Where(o => ns is null || NamespaceOf(o.Key) == ns).Select(o => o.Value.Object).Where(selector.Matches))
                    watcher.Lines.Writer.TryWrite(Line("ADDED", stored));
            }
            else if (!long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var since)
                     || (_history.First is { } oldest && since < oldest.Value.ResourceVersion - 1 && since < _revision))
            {
                watcher.Lines.Writer.TryWrite(Line("ERROR", DemoKubeJson.Status(410, "Expired", $"too old resource version: {from} ({_revision})")));
                watcher.Lines.Writer.TryComplete();
            }
            else
            {
                foreach (var change in _history.Where(c => c.ResourceVersion > since && watcher.Wants(c)))
                    watcher.Lines.Writer.TryWrite(Line(change.Type, change.Object));
            }
            _watchers.Add(watcher);
        }

        var timeout = int.TryParse(query.GetValueOrDefault("timeoutSeconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(30);
        var stream = new WatchStream(watcher.Lines.Reader, () =>
        {
            lock (_lock)
                _watchers.Remove(watcher);
            watcher.Lines.Writer.TryComplete();
        });
        // The API server ends a watch after timeoutSeconds (on the demo's clock; a stopped test clock keeps it open).
        _ = Task.Delay(timeout, _api.Clock).ContinueWith(_ => watcher.Lines.Writer.TryComplete(), TaskScheduler.Default);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream), RequestMessage = request };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        response.Headers.TransferEncodingChunked = true;
        return response;
    }

    /// <summary>How many watch streams are open (for tests).</summary>
    public int WatcherCount
    {
        get
        {
            lock (_lock)
                return _watchers.Count;
        }
    }

    /// <summary>A deleted object as the DELETED event carries it: the last state with a resourceVersion of its own.</summary>
    private JsonObject Gone(JsonObject resource)
    {
        var copy = (JsonObject)resource.DeepClone();
        DemoKubeJson.Metadata(copy)["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture);
        return copy;
    }

    private static byte[] Line(string type, JsonNode resource) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["object"] = resource.DeepClone() }.ToJsonString() + "\n");

    private static HttpResponseMessage Plain(HttpRequestMessage request, HttpStatusCode status, JsonNode body)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8), RequestMessage = request };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }

    /// <summary>A read-only stream over the event lines of one watcher; it ends when the watch ends and unsubscribes on dispose.</summary>
    private sealed class WatchStream(ChannelReader<byte[]> lines, Action unsubscribe) : Stream
    {
        private ReadOnlyMemory<byte> _pending;
        private int _disposed;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_pending.IsEmpty)
            {
                if (!await lines.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    return 0;
                if (lines.TryRead(out var line))
                    _pending = line;
            }
            var count = Math.Min(buffer.Length, _pending.Length);
            _pending[..count].CopyTo(buffer);
            _pending = _pending[count..];
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                unsubscribe();
            base.Dispose(disposing);
        }
    }
}
