using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Portal.Jobs.OpenStack;

namespace Portal.Tests.Unit.OpenStack;

/// <summary>Reads the recorded OpenStack responses under Portal.Tests/Fixtures/OpenStack.</summary>
public static class OpenStackFixtures
{
    /// <summary>The token the recorded password login returned in its X-Subject-Token header.</summary>
    public const string PasswordToken = "gAAAAABrAiqsuiqVQG_jSuMyOoXT_XF3bql_TFa6uaIUoimLTVu5eeQETHdMsu-HHLV18NY3nJxg1grNNzZUcha2IJVlBj21VyFyLfrSIiIhtjbIlO4K7KHYHzvVfiK493fePkmX3IvSjpZIoeH-l04yduZYZoql-Zj8I2hL5i8vfmgnMoW66I0";

    /// <summary>When the recorded tokens were issued and when they expire.</summary>
    public static readonly DateTimeOffset IssuedAt = new(2026, 11, 21, 23, 34, 57, TimeSpan.Zero);
    public static readonly DateTimeOffset ExpiresAt = new(2026, 11, 22, 3, 34, 57, TimeSpan.Zero);

    public const string ProjectId = "14c98814396541d78e9ae51d805147a6";

    private static readonly Lazy<string> Folder = new(() => FindFolder());
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    public static string Read(string name) => Cache.GetOrAdd(name, static n => File.ReadAllText(Path.Combine(Folder.Value, n)));

    public static JsonNode Node(string name) => JsonNode.Parse(Read(name))!;

    private static string FindFolder([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
                return Path.Combine(dir.FullName, "Portal.Tests", "Fixtures", "OpenStack");
        }
        // Built outside the repository tree: fall back to the folder next to this source file.
        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "Fixtures", "OpenStack"));
        if (Directory.Exists(fromSource))
            return fromSource;
        throw new DirectoryNotFoundException("Could not find Portal.Tests/Fixtures/OpenStack above " + AppContext.BaseDirectory);
    }
}

/// <summary>A clock that moves only when a test moves it.</summary>
public sealed class OpenStackTestClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
            return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock)
            _now += by;
    }
}

/// <summary>One request as the fake cloud saw it.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Url, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public string PathAndQuery => Url.PathAndQuery;
}

/// <summary>
/// An in-memory OpenStack: routes by method, port and path (the query is ignored unless a route asks for it)
/// to canned answers, and records every request. Unrouted requests answer 404.
/// </summary>
public sealed class FakeOpenStack : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, int Port, string Path, Func<RecordedRequest, int, HttpResponseMessage> Answer)> _routes = [];
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int Count(HttpMethod method, string path) => _requests.Count(r => r.Method == method && r.Url.AbsolutePath == path);

    public int AuthCount => _requests.Count(r => r.Method == HttpMethod.Post && r.Url.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal));

    /// <summary>Routes a request; the answer gets the request and the number of earlier hits of this route (0 for the first).</summary>
    public FakeOpenStack On(HttpMethod method, int port, string path, Func<RecordedRequest, int, HttpResponseMessage> answer)
    {
        _routes.Add((method, port, path, answer));
        return this;
    }

    public FakeOpenStack On(HttpMethod method, int port, string path, Func<HttpResponseMessage> answer) =>
        On(method, port, path, (_, _) => answer());

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
                headers[header.Key] = string.Join(",", header.Value);
        }
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        _requests.Enqueue(recorded);
        foreach (var route in _routes)
        {
            if (route.Method == request.Method && route.Port == request.RequestUri!.Port && route.Path == request.RequestUri.AbsolutePath)
            {
                var key = $"{route.Method} {route.Port} {route.Path}";
                var hit = _hits.AddOrUpdate(key, 0, static (_, n) => n + 1);
                var response = route.Answer(recorded, hit);
                response.RequestMessage = request;
                return response;
            }
        }
        return Reply.Text(HttpStatusCode.NotFound, "404 Not Found\n\nThe resource could not be found.");
    }

    /// <summary>A cloud shaped like the recorded one: Keystone at :5000 issuing the recorded token and catalog.</summary>
    public static FakeOpenStack WithKeystone(string tokenFixture = "token_password.json", string token = OpenStackFixtures.PasswordToken) =>
        new FakeOpenStack().On(HttpMethod.Post, 5000, "/v3/auth/tokens", () => Reply.Token(OpenStackFixtures.Read(tokenFixture), token));
}

/// <summary>Canned HTTP answers.</summary>
public static class Reply
{
    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }

    public static HttpResponseMessage Json(JsonNode node, HttpStatusCode status = HttpStatusCode.OK) => Json(node.ToJsonString(), status);

    public static HttpResponseMessage Fixture(string name) => Json(OpenStackFixtures.Read(name));

    public static HttpResponseMessage Text(HttpStatusCode status, string text, string mediaType = "text/plain") =>
        new(status) { Content = new StringContent(text, Encoding.UTF8, mediaType) };

    public static HttpResponseMessage Token(string body, string token)
    {
        var response = Json(body, HttpStatusCode.Created);
        response.Headers.TryAddWithoutValidation("X-Subject-Token", token);
        return response;
    }

    public static HttpResponseMessage KeystoneError(HttpStatusCode status, string message) =>
        Json(new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = (int)status, ["message"] = message, ["title"] = status.ToString() },
        }, status);
}

/// <summary>Keeps every formatted log line so tests can check what the client logs.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception)}");
    }
}

/// <summary>Builds clients over a fake handler with test-friendly timeouts.</summary>
public static class TestClients
{
    public static readonly OpenStackClientOptions FastOptions = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(5),
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
    };

    public static PasswordCredential Password(string password = "Pw-Sekr1t!") => new("admin", "Default", password, "admin", "Default");

    public static OpenStackConnection Connection(
        OpenStackCredential? credential = null,
        string authUrl = "http://127.0.0.1:5000/v3",
        string? region = "RegionOne",
        EndpointInterface endpointInterface = EndpointInterface.Public) =>
        new(new Uri(authUrl), region, endpointInterface, credential ?? Password());

    public static OpenStackClient Create(
        HttpMessageHandler handler,
        OpenStackConnection? connection = null,
        TimeProvider? clock = null,
        OpenStackClientOptions? options = null,
        ILoggerFactory? logs = null)
    {
        var factory = new OpenStackClientFactory(
            clock ?? new OpenStackTestClock(OpenStackFixtures.IssuedAt),
            logs ?? new CapturingLoggerFactory(),
            _ => handler,
            options: options ?? FastOptions);
        return factory.CreateClient(connection ?? Connection());
    }
}

/// <summary>A handler that answers with a function, for behaviour the routing fake cannot express (hangs, dropped connections).</summary>
public sealed class LambdaHandler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        answer(request, Interlocked.Increment(ref _calls) - 1, cancellationToken);

    /// <summary>Answers Keystone from the recording and sends every other request to <paramref name="service"/>.</summary>
    public static LambdaHandler WithKeystone(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> service)
    {
        var serviceCalls = 0;
        return new LambdaHandler((request, _, ct) => request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal)
            ? Task.FromResult(Reply.Token(OpenStackFixtures.Read("token_password.json"), OpenStackFixtures.PasswordToken))
            : service(request, Interlocked.Increment(ref serviceCalls) - 1, ct));
    }
}
