using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Portal.Jobs.DemoCloud.Kubernetes;

using Portal.Jobs.Http;

namespace Portal.Jobs.Kubernetes;

/// <summary>
/// Creates <see cref="KubernetesClient"/>s. A connection to <see cref="DemoKubernetesApi.Host"/> (or one of the demo's
/// workload clusters under it) is served by the in-process demo Kubernetes API; every other connection goes over
/// real sockets with its own TLS settings (CA data, client certificate, insecure, tls-server-name). Socket handlers
/// are pooled per TLS identity, so clients are cheap to create and connections are reused; discovery answers are
/// shared by all clients. Register as a singleton.
/// </summary>
public sealed class KubernetesClientFactory : IKubernetesClientFactory, IDisposable
{
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _logs;
    private readonly DemoKubernetesApi? _demo;
    private readonly KubernetesClientOptions _options;
    private readonly OutboundRetryOptions _retry;
    private readonly Func<KubeConnection, HttpMessageHandler?>? _handlerFor;
    private readonly KubeDiscoveryCache _discovery;
    private readonly ConcurrentDictionary<string, Lazy<SocketEntry>> _socketHandlers = new(StringComparer.Ordinal);
    private bool _disposed;

    private sealed record SocketEntry(SocketsHttpHandler Handler, TlsTrust Tls, X509Certificate2? ClientCertificate);

    /// <summary>The production constructor (dependency injection).</summary>
    public KubernetesClientFactory(TimeProvider clock, ILoggerFactory logs, DemoKubernetesApi demo, KubernetesClientOptions? options = null)
        : this(clock, logs, demo, options, handlerFor: null)
    {
    }

    /// <summary>
    /// For tests: <paramref name="handlerFor"/> supplies the message handler of each connection (null: the usual one —
    /// the demo API's when given and addressed, otherwise real sockets). The caller owns the handlers it returns.
    /// </summary>
    public KubernetesClientFactory(
        TimeProvider clock,
        ILoggerFactory logs,
        Func<KubeConnection, HttpMessageHandler?> handlerFor,
        DemoKubernetesApi? demo = null,
        KubernetesClientOptions? options = null)
        : this(clock, logs, demo, options, handlerFor)
    {
        ArgumentNullException.ThrowIfNull(handlerFor);
    }

    private KubernetesClientFactory(
        TimeProvider clock,
        ILoggerFactory logs,
        DemoKubernetesApi? demo,
        KubernetesClientOptions? options,
        Func<KubeConnection, HttpMessageHandler?>? handlerFor)
    {
        _clock = clock;
        _logs = logs;
        _demo = demo;
        _options = options ?? new KubernetesClientOptions();
        _retry = new OutboundRetryOptions
        {
            AttemptTimeout = _options.RequestTimeout,
            MaxRetries = Math.Max(0, _options.MaxRetries),
            RetryBaseDelay = _options.RetryBaseDelay,
            MaxRetryDelay = _options.MaxRetryDelay,
            MaxResponseBytes = _options.MaxResponseBytes,
        };
        _handlerFor = handlerFor;
        _discovery = new KubeDiscoveryCache(clock, _options.DiscoveryCacheLifetime);
    }

    public KubernetesClientOptions Options => _options;

    public IKubernetesClient Create(KubeConnection connection) => CreateClient(connection);

    public IKubernetesClient Create(Kubeconfig kubeconfig)
    {
        ArgumentNullException.ThrowIfNull(kubeconfig);
        return CreateClient(kubeconfig.Connection);
    }

    public KubeResult<IKubernetesClient> Create(string kubeconfigYaml)
    {
        var parsed = Kubeconfig.Parse(kubeconfigYaml);
        return parsed.Succeeded ? KubeResult<IKubernetesClient>.Success(CreateClient(parsed.Value.Connection)) : parsed.Cast<IKubernetesClient>();
    }

    /// <summary>Like <see cref="Create(KubeConnection)"/>, typed as the concrete client.</summary>
    public KubernetesClient CreateClient(KubeConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var logger = _logs.CreateLogger<KubernetesClient>();

        var handler = _handlerFor?.Invoke(connection);
        TlsTrust? tls = null;
        if (handler is null && _demo is not null && DemoKubernetesApi.IsDemo(connection.Server))
            handler = _demo.Handler;
        if (handler is null)
        {
            if (connection.Validate() is not null)
            {
                // The client reports the configuration error on every call and never sends anything.
                handler = new RefusingHandler();
            }
            else
            {
                var entry = SocketHandler(connection);
                (handler, tls) = (entry.Handler, entry.Tls);
            }
        }

        // The shared resilience pipeline sits in front of every transport; it owns no resources and is never disposed
        // (disposing it would dispose the pooled handler behind it).
        var resilient = new ResilientHttpHandler(_retry, _clock, logger, "Kubernetes", handler);
        var http = new HttpClient(resilient, disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = Math.Min(_options.MaxResponseBytes, int.MaxValue),
        };
        return new KubernetesClient(http, connection, _clock, _options, logger, tls, _discovery);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var entry in _socketHandlers.Values)
        {
            if (!entry.IsValueCreated)
                continue;
            entry.Value.Handler.Dispose();
            entry.Value.ClientCertificate?.Dispose();
        }
        _socketHandlers.Clear();
    }

    private SocketEntry SocketHandler(KubeConnection connection)
    {
        // One handler per TLS identity: what the server is checked against and which client certificate is presented.
        var identity = string.Join('\n',
            connection.CertificateAuthorityPem?.Trim() ?? string.Empty,
            connection.InsecureSkipTlsVerify ? "insecure" : "verify",
            connection.TlsServerName ?? string.Empty,
            connection.Credential.ClientCertificatePem?.Trim() ?? string.Empty,
            connection.Credential.ClientKeyPem?.Trim() ?? string.Empty);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
        return _socketHandlers.GetOrAdd(key, _ => new Lazy<SocketEntry>(() => BuildSocketHandler(connection))).Value;
    }

    private SocketEntry BuildSocketHandler(KubeConnection connection)
    {
        X509Certificate2Collection? roots = null;
        if (!string.IsNullOrWhiteSpace(connection.CertificateAuthorityPem)
            && KubePem.TryLoadCertificateAuthority(connection.CertificateAuthorityPem, string.Empty, out var parsed) is null)
        {
            roots = parsed;
        }
        var tls = TlsTrust.Kubeconfig(roots, connection.InsecureSkipTlsVerify, connection.TlsServerName);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = tls.Validate;

        X509Certificate2? clientCertificate = null;
        if (connection.Credential.HasClientCertificate
            && KubePem.TryLoadClientCertificate(connection.Credential.ClientCertificatePem, connection.Credential.ClientKeyPem, string.Empty, out var loaded) is null
            && loaded is not null)
        {
            // Round-trip through PKCS#12 so the TLS stack gets a certificate whose private key it can use on every platform.
            using (loaded)
                clientCertificate = X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), password: null);
            handler.SslOptions.ClientCertificates = [clientCertificate];
            // Present the certificate even when the server's list of acceptable issuers does not name its issuer.
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        return new SocketEntry(handler, tls, clientCertificate);
    }

    /// <summary>Stands in for a transport when the connection data is invalid; the client never calls it.</summary>
    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The connection is invalid; nothing is sent.");
    }
}
