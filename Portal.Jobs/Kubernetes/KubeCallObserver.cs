namespace Portal.Jobs.Kubernetes;

/// <summary>
/// What the wire said during one client call: how many attempts were sent and what the last answer looked like. The
/// library only reports a parsed value or an exception; error messages need the attempt count and the media type of an
/// answer that was not JSON, so the innermost handler writes them here for the call that is in flight.
/// </summary>
internal sealed class KubeCallNote
{
    private static readonly AsyncLocal<KubeCallNote?> Ambient = new();

    private int _attempts;

    /// <summary>The note of the call running on this logical flow, if any.</summary>
    public static KubeCallNote? Current => Ambient.Value;

    public int Attempts => Volatile.Read(ref _attempts);

    public string? MediaType { get; private set; }

    public long? ContentLength { get; private set; }

    /// <summary>Starts a note for the call that follows on this flow; an async method restores the previous one on return.</summary>
    public static KubeCallNote Begin()
    {
        var note = new KubeCallNote();
        Ambient.Value = note;
        return note;
    }

    public int Attempted() => Interlocked.Increment(ref _attempts);

    public void Answered(HttpResponseMessage response)
    {
        MediaType = response.Content.Headers.ContentType?.MediaType;
        ContentLength = response.Content.Headers.ContentLength;
    }
}

/// <summary>
/// Sits right in front of the transport, inside the retry handler, so it sees every attempt: counts it for the call's
/// <see cref="KubeCallNote"/> and notes what the answer looked like. Logging is the retry handler's.
/// </summary>
internal sealed class KubeCallObserver : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var note = KubeCallNote.Current;
        note?.Attempted();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        // The library reads the request back from the answer; an in-process server may not have set it.
        response.RequestMessage ??= request;
        note?.Answered(response);
        return response;
    }
}

/// <summary>
/// The end of the library's handler chain for a server answered in process: it hands the request to that server's
/// handler and never calls the inner (socket) handler the library puts behind it.
/// </summary>
internal sealed class InProcessTerminalHandler(HttpMessageHandler server) : DelegatingHandler
{
    private readonly HttpMessageInvoker _invoker = new(server, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await _invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.RequestMessage ??= request;
        return response;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _invoker.Dispose();
        base.Dispose(disposing);
    }
}
