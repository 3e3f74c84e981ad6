using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// A loopback HTTP server (System.Net.HttpListener on <c>http://127.0.0.1:&lt;free port&gt;/</c>) that answers like a
/// Keystone v3 that rejects every credential: <c>POST /v3/auth/tokens</c> gets 401 with Keystone's JSON error body,
/// anything else 404. It records what it was sent, so a test can prove the portal really asked it.
/// <code>
/// await using var keystone = FakeKeystone.Start();
/// // ... point the wizard's "Auth URL" at keystone.AuthUrl ...
/// Assert.Single(keystone.TokenRequests);
/// </code>
/// </summary>
public sealed class FakeKeystone : IAsyncDisposable
{
    /// <summary>Keystone's own answer to a wrong password (Zed): the exact body and its message.</summary>
    public const string UnauthorizedMessage = "The request you have made requires authentication.";

    public const string UnauthorizedBody =
        "{\"error\":{\"code\":401,\"message\":\"" + UnauthorizedMessage + "\",\"title\":\"Unauthorized\"}}";

    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeKeystone(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>What a user types as the auth URL: <c>http://127.0.0.1:&lt;port&gt;/v3</c>.</summary>
    public string AuthUrl => $"{BaseUrl}/v3";

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>The token requests (<c>POST …/auth/tokens</c>) received so far.</summary>
    public IReadOnlyList<RecordedRequest> TokenRequests =>
        Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/auth/tokens", StringComparison.Ordinal)).ToList();

    /// <summary>Starts a server on a free loopback port (retries when another process takes the port first).</summary>
    public static FakeKeystone Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new FakeKeystone(listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            try
            {
                await AnswerAsync(context);
            }
            catch (Exception)
            {
                // The client may have gone away; the next request is served regardless.
                try { context.Response.Abort(); } catch { /* already closed */ }
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, request.ContentEncoding ?? Encoding.UTF8))
            body = await reader.ReadToEndAsync();
        var path = request.Url?.AbsolutePath ?? "/";
        _requests.Enqueue(new RecordedRequest(request.HttpMethod, path, request.ContentType, body));

        var response = context.Response;
        response.ContentType = "application/json";
        string answer;
        if (request.HttpMethod == "POST" && path.TrimEnd('/').EndsWith("/v3/auth/tokens", StringComparison.Ordinal))
        {
            response.StatusCode = 401;
            response.StatusDescription = "Unauthorized";
            response.Headers["WWW-Authenticate"] = $"Keystone uri=\"{AuthUrl}\"";
            answer = UnauthorizedBody;
        }
        else
        {
            response.StatusCode = 404;
            response.StatusDescription = "Not Found";
            answer = "{\"error\":{\"code\":404,\"message\":\"The resource could not be found.\",\"title\":\"Not Found\"}}";
        }
        var bytes = Encoding.UTF8.GetBytes(answer);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Stopping makes the pending GetContextAsync throw; nothing to report.
        }
    }

    /// <summary>One request as received: method, path, content type and body text.</summary>
    public sealed record RecordedRequest(string Method, string Path, string? ContentType, string Body);
}
