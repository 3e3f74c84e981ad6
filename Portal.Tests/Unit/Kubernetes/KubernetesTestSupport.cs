using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Portal.Jobs.Kubernetes;

namespace Portal.Tests.Unit.Kubernetes;

/// <summary>Reads the Kubernetes fixtures under Portal.Tests/Fixtures/Kubernetes.</summary>
public static class KubeFixtures
{
    private static readonly Lazy<string> Folder = new(() => FindFolder());
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    public static string Read(string name) => Cache.GetOrAdd(name, static n => File.ReadAllText(Path.Combine(Folder.Value, n)));

    public static JsonObject Node(string name) => JsonNode.Parse(Read(name))!.AsObject();

    private static string FindFolder([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
                return Path.Combine(dir.FullName, "Portal.Tests", "Fixtures", "Kubernetes");
        }
        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "Fixtures", "Kubernetes"));
        if (Directory.Exists(fromSource))
            return fromSource;
        throw new DirectoryNotFoundException("Could not find Portal.Tests/Fixtures/Kubernetes above " + AppContext.BaseDirectory);
    }
}

/// <summary>One request as the fake API server saw it.</summary>
public sealed record KubeRequest(HttpMethod Method, Uri Url, IReadOnlyDictionary<string, string> Headers, string? ContentType, string? Body)
{
    public string Path => Url.AbsolutePath;

    public string? Query(string name)
    {
        foreach (var pair in Url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && Uri.UnescapeDataString(pair[..equals]) == name)
                return Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return null;
    }
}

/// <summary>
/// An in-memory API server: routes by method and path (the query is the answer's business) to canned answers and
/// records every request. Unrouted paths answer 404 with a Status, like the real server.
/// </summary>
public sealed class FakeKubeApi : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, string Path, Func<KubeRequest, int, HttpResponseMessage> Answer)> _routes = [];
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ConcurrentQueue<KubeRequest> _requests = new();

    public IReadOnlyList<KubeRequest> Requests => [.. _requests];

    public int Count(HttpMethod method, string path) => _requests.Count(r => r.Method == method && Normalize(r.Path) == path);

    /// <summary>Routes a request; the answer gets the request and the number of earlier hits of this route.</summary>
    public FakeKubeApi On(HttpMethod method, string path, Func<KubeRequest, int, HttpResponseMessage> answer)
    {
        _routes.Add((method, path, answer));
        return this;
    }

    public FakeKubeApi On(HttpMethod method, string path, Func<HttpResponseMessage> answer) => On(method, path, (_, _) => answer());

    /// <summary>Serves the discovery fixtures for core v1, networking.k8s.io/v1 and postgresql.cnpg.io/v1.</summary>
    public FakeKubeApi WithDiscovery() =>
        On(HttpMethod.Get, "/api/v1", () => KubeReply.Fixture("apiresourcelist_core_v1.json"))
            .On(HttpMethod.Get, "/apis/networking.k8s.io/v1", () => KubeReply.Fixture("apiresourcelist_networking_v1.json"))
            .On(HttpMethod.Get, "/apis/postgresql.cnpg.io/v1", () => KubeReply.Fixture("apiresourcelist_cnpg_v1.json"));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var recorded = new KubeRequest(request.Method, request.RequestUri!, headers, request.Content?.Headers.ContentType?.ToString(), body);
        _requests.Enqueue(recorded);
        foreach (var route in _routes)
        {
            // The library asks for /version/ with a trailing slash; the API server treats both alike.
            if (route.Method == request.Method && route.Path == Normalize(request.RequestUri!.AbsolutePath))
            {
                var hit = _hits.AddOrUpdate($"{route.Method} {route.Path}", 0, static (_, n) => n + 1);
                var response = route.Answer(recorded, hit);
                response.RequestMessage = request;
                return response;
            }
        }
        return KubeReply.Status(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource");
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}

/// <summary>Canned API server answers.</summary>
public static class KubeReply
{
    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }

    public static HttpResponseMessage Json(JsonNode node, HttpStatusCode status = HttpStatusCode.OK) => Json(node.ToJsonString(), status);

    public static HttpResponseMessage Fixture(string name, HttpStatusCode status = HttpStatusCode.OK) => Json(KubeFixtures.Read(name), status);

    public static HttpResponseMessage Status(HttpStatusCode status, string reason, string message) =>
        Json(new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = (int)status,
        }, status);

    public static HttpResponseMessage Text(HttpStatusCode status, string text, string mediaType = "text/plain") =>
        new(status) { Content = new StringContent(text, Encoding.UTF8, mediaType) };
}

/// <summary>Keeps every formatted log line so tests can check what the client logs.</summary>
public sealed class KubeLogCapture : ILoggerFactory
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

    private sealed class Logger(KubeLogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception)}");
    }
}

/// <summary>Builds clients over a fake handler with test-friendly timeouts.</summary>
public static class KubeTestClients
{
    /// <summary>A token shaped like a service account JWT; tests check it never leaks.</summary>
    public const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cG9ydGFsOnBvcnRhbCJ9.U2VjcmV0VG9rZW5TaWduYXR1cmU";

    public static readonly KubernetesClientOptions FastOptions = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
    };

    public static KubeConnection Connection(string server = "https://kube.test:6443", string ns = "team-a", string token = Token) =>
        new(new Uri(server), KubeCredential.FromToken(token)) { Namespace = ns, ContextName = "test" };

    public static KubernetesClient Create(HttpMessageHandler handler, KubeConnection? connection = null, KubernetesClientOptions? options = null, ILoggerFactory? logs = null)
    {
        var factory = new KubernetesClientFactory(TimeProvider.System, logs ?? new KubeLogCapture(), _ => handler, options: options ?? FastOptions);
        return factory.CreateClient(connection ?? Connection());
    }
}

/// <summary>A handler that answers with a function, for hangs and dropped connections.</summary>
public sealed class KubeLambdaHandler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        answer(request, Interlocked.Increment(ref _calls) - 1, cancellationToken);
}

/// <summary>Throwaway PKI for kubeconfig and TLS tests: a CA, server certificates and RSA / EC client certificates as PEM.</summary>
public sealed class KubeTestPki : IDisposable
{
    private readonly ECDsa _authorityKey;

    public KubeTestPki(string authorityName = "kubernetes-test-ca")
    {
        var now = DateTimeOffset.UtcNow;
        _authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={authorityName}", _authorityKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
    }

    public X509Certificate2 Authority { get; }

    public string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>A server certificate for the loopback address (and <paramref name="dnsName"/>), with its key, ready for SslStream.</summary>
    public X509Certificate2 Server(string? dnsName = null, bool includeLoopbackIp = true)
    {
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName ?? "127.0.0.1"}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (includeLoopbackIp)
            names.AddIpAddress(IPAddress.Loopback);
        if (dnsName is not null)
            names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(Authority, now.AddHours(-1), now.AddHours(23), RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A client certificate (CN, O=system:masters as kubeadm issues them) with an RSA key in "RSA PRIVATE KEY" PEM.</summary>
    public (string CertificatePem, string KeyPem) RsaClient(string commonName = "kubernetes-admin", bool pkcs8 = false)
    {
        using var key = RSA.Create(2048);
        var certificate = IssueClient(new CertificateRequest($"CN={commonName}, O=system:masters", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return (certificate, pkcs8 ? key.ExportPkcs8PrivateKeyPem() : key.ExportRSAPrivateKeyPem());
    }

    /// <summary>A client certificate with an EC P-256 key in "EC PRIVATE KEY" PEM.</summary>
    public (string CertificatePem, string KeyPem) EcClient(string commonName = "kubernetes-admin")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = IssueClient(new CertificateRequest($"CN={commonName}, O=system:masters", key, HashAlgorithmName.SHA256));
        return (certificate, key.ExportECPrivateKeyPem());
    }

    private string IssueClient(CertificateRequest request)
    {
        var now = DateTimeOffset.UtcNow;
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(Authority.SubjectName, X509SignatureGenerator.CreateForECDsa(_authorityKey), now.AddHours(-1), now.AddHours(23), RandomNumberGenerator.GetBytes(12));
        return issued.ExportCertificatePem();
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        Authority.Dispose();
        _authorityKey.Dispose();
    }
}
