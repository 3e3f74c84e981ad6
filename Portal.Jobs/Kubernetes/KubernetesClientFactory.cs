using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.KubeConfigModels;
using Microsoft.Extensions.Logging;
using Portal.Jobs.Http;

namespace Portal.Jobs.Kubernetes;

/// <summary>
/// Creates <see cref="KubernetesClient"/>s over the <c>KubernetesClient</c> library. Each cluster (server address) gets
/// one library instance, reused by every client of it and disposed with the factory: an instance owns a socket pool.
/// When a connection to the same server arrives with other credentials or TLS settings, the old instance is replaced
/// and disposed after a grace period. The library is configured from an object model built from a connection the
/// kubeconfig policy already accepted, never from a file, so it cannot run exec plugins or read the portal's disk; the
/// server certificate check (host name included) is the project's own <see cref="TlsTrust"/>. Servers that an
/// <see cref="IInProcessKubernetesServers"/> answers (the demo) are served through a terminal handler without sockets.
/// Discovery answers are shared by all clients. Register as a singleton.
/// </summary>
public sealed class KubernetesClientFactory : IKubernetesClientFactory, IDisposable
{
    private const string ContextName = "portal";

    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _logs;
    private readonly IInProcessKubernetesServers[] _inProcess;
    private readonly KubernetesClientOptions _options;
    private readonly Func<KubeConnection, HttpMessageHandler?>? _handlerFor;
    private readonly OutboundRetryOptions _retry;
    private readonly KubeDiscoveryCache _discovery;
    private readonly ConcurrentDictionary<string, Entry> _clients = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<HttpMessageHandler, object> _handlerIds = [];
    private readonly Lock _gate = new();
    private long _nextHandlerId;
    private bool _disposed;

    /// <summary>One library instance for one server, with what was built for it.</summary>
    private sealed record Entry(string Fingerprint, k8s.Kubernetes Api, Lazy<k8s.Kubernetes> Watcher, TlsTrust? Tls, X509Certificate2? ClientCertificate)
        : IDisposable
    {
        public void Dispose()
        {
            Api.Dispose();
            if (Watcher.IsValueCreated)
                Watcher.Value.Dispose();
            ClientCertificate?.Dispose();
        }
    }

    /// <summary>The production constructor: <paramref name="inProcess"/> are the servers answered without sockets (may be empty).</summary>
    public KubernetesClientFactory(
        TimeProvider clock,
        ILoggerFactory logs,
        IEnumerable<IInProcessKubernetesServers> inProcess,
        KubernetesClientOptions? options = null)
        : this(clock, logs, [.. inProcess], options, handlerFor: null)
    {
    }

    /// <summary>A factory serving the servers of one in-process API (the demo) and every other server over sockets.</summary>
    public KubernetesClientFactory(TimeProvider clock, ILoggerFactory logs, IInProcessKubernetesServers inProcess, KubernetesClientOptions? options = null)
        : this(clock, logs, [inProcess], options, handlerFor: null)
    {
    }

    /// <summary>
    /// For tests: <paramref name="handlerFor"/> supplies the message handler that answers each connection (null: the usual
    /// one — an in-process server's when one serves the address, otherwise real sockets). The caller owns the handlers.
    /// </summary>
    public KubernetesClientFactory(
        TimeProvider clock,
        ILoggerFactory logs,
        Func<KubeConnection, HttpMessageHandler?> handlerFor,
        IInProcessKubernetesServers? inProcess = null,
        KubernetesClientOptions? options = null)
        : this(clock, logs, inProcess is null ? [] : [inProcess], options, handlerFor)
    {
        ArgumentNullException.ThrowIfNull(handlerFor);
    }

    private KubernetesClientFactory(
        TimeProvider clock,
        ILoggerFactory logs,
        IInProcessKubernetesServers[] inProcess,
        KubernetesClientOptions? options,
        Func<KubeConnection, HttpMessageHandler?>? handlerFor)
    {
        _clock = clock;
        _logs = logs;
        _inProcess = inProcess;
        _options = options ?? new KubernetesClientOptions();
        _handlerFor = handlerFor;
        _retry = new OutboundRetryOptions
        {
            AttemptTimeout = _options.RequestTimeout,
            MaxRetries = Math.Max(0, _options.MaxRetries),
            RetryBaseDelay = _options.RetryBaseDelay,
            MaxRetryDelay = _options.MaxRetryDelay,
            MaxResponseBytes = _options.MaxResponseBytes,
        };
        _discovery = new KubeDiscoveryCache(clock, _options.DiscoveryCacheLifetime);
    }

    public KubernetesClientOptions Options => _options;

    /// <summary>How many library instances (one per cluster) are alive.</summary>
    internal int CachedClients => _clients.Count;

    public IKubernetesClient Create(KubeConnection connection) => CreateClient(connection);

    public IKubernetesClient Create(Kubeconfig kubeconfig)
    {
        ArgumentNullException.ThrowIfNull(kubeconfig);
        return CreateClient(kubeconfig.Connection);
    }

    public RemoteResult<IKubernetesClient> Create(string kubeconfigYaml)
    {
        // The project's policy reads the kubeconfig first and refuses exec, auth providers, file references, basic
        // auth and CA with insecure; the library only ever sees the connection it accepted.
        var parsed = Kubeconfig.Parse(kubeconfigYaml);
        return parsed.Succeeded ? RemoteResult<IKubernetesClient>.Success(CreateClient(parsed.Value.Connection)) : parsed.Cast<IKubernetesClient>();
    }

    /// <summary>Like <see cref="Create(KubeConnection)"/>, typed as the concrete client.</summary>
    public KubernetesClient CreateClient(KubeConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var logger = _logs.CreateLogger<KubernetesClient>();
        if (connection.Validate() is not null)
        {
            // The client reports the configuration error on every call and never sends anything.
            return new KubernetesClient(null, null, connection, _options, logger, tls: null, _discovery);
        }
        var entry = EntryFor(connection);
        return new KubernetesClient(entry.Api, () => entry.Watcher.Value, connection, _options, logger, entry.Tls, _discovery);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var entry in _clients.Values)
                entry.Dispose();
            _clients.Clear();
        }
    }

    private Entry EntryFor(KubeConnection connection)
    {
        var handler = _handlerFor?.Invoke(connection);
        foreach (var servers in _inProcess)
            handler ??= servers.HandlerFor(connection.Server);
        var server = KubernetesClient.ServerKey(connection);
        var fingerprint = Fingerprint(connection, handler);
        if (_clients.TryGetValue(server, out var cached) && cached.Fingerprint == fingerprint)
            return cached;

        Entry? replaced;
        Entry created;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_clients.TryGetValue(server, out cached) && cached.Fingerprint == fingerprint)
                return cached;
            created = Build(connection, handler, fingerprint);
            replaced = cached;
            _clients[server] = created;
        }
        if (replaced is not null)
        {
            // The credentials (or TLS settings) of this cluster changed: calls still running on the old instance get to
            // finish before its sockets close.
            _ = DisposeLaterAsync(replaced);
        }
        return created;
    }

    private async Task DisposeLaterAsync(Entry entry)
    {
        var grace = (_options.RequestTimeout + _options.MaxRetryDelay) * (_options.MaxRetries + 1);
        await Task.Delay(grace, _clock).ConfigureAwait(false);
        entry.Dispose();
    }

    /// <summary>Who the client is to the server: address, credential, trust settings and the handler answering it.</summary>
    private string Fingerprint(KubeConnection connection, HttpMessageHandler? handler)
    {
        var handlerId = handler is null ? "sockets" : _handlerIds.GetValue(handler, _ => Interlocked.Increment(ref _nextHandlerId)).ToString();
        var identity = string.Join('\n',
            KubernetesClient.ServerKey(connection),
            connection.Credential.Token ?? string.Empty,
            connection.CertificateAuthorityPem?.Trim() ?? string.Empty,
            connection.InsecureSkipTlsVerify ? "insecure" : "verify",
            connection.TlsServerName ?? string.Empty,
            connection.Credential.ClientCertificatePem?.Trim() ?? string.Empty,
            connection.Credential.ClientKeyPem?.Trim() ?? string.Empty,
            handlerId);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    /// <summary>
    /// The library's configuration as a kubeconfig object model holding only the server, the token and the namespace.
    /// CA, insecure, tls-server-name and the client certificate are applied to the socket handler below instead, because
    /// the library's own certificate check ignores a host name mismatch when a CA is given.
    /// </summary>
    internal static KubernetesClientConfiguration LibraryConfiguration(KubeConnection connection)
    {
        var model = new K8SConfiguration
        {
            CurrentContext = ContextName,
            Clusters = [new Cluster { Name = ContextName, ClusterEndpoint = new ClusterEndpoint { Server = KubernetesClient.ServerKey(connection) } }],
            Users = [new User { Name = ContextName, UserCredentials = new UserCredentials
            {
                Token = connection.Credential.Token,
                // Only so that the library accepts a certificate-only user; it is cleared below and presented by the
                // socket handler setup instead.
                ClientCertificateData = Base64(connection.Credential.ClientCertificatePem),
                ClientKeyData = Base64(connection.Credential.ClientKeyPem),
            } }],
            Contexts = [new Context { Name = ContextName, ContextDetails = new ContextDetails { Cluster = ContextName, User = ContextName, Namespace = connection.Namespace } }],
        };
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(model, ContextName);
        configuration.SslCaCerts = null;
        configuration.SkipTlsVerify = false;
        configuration.TlsServerName = null;
        configuration.ClientCertificateData = null;
        configuration.ClientCertificateKeyData = null;
        configuration.ClientCertificateFilePath = null;
        configuration.ClientKeyFilePath = null;
        configuration.Username = null;
        configuration.Password = null;
        return configuration;

        static string? Base64(string? pem) => string.IsNullOrWhiteSpace(pem) ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
    }

    private Entry Build(KubeConnection connection, HttpMessageHandler? handler, string fingerprint)
    {
        var configuration = LibraryConfiguration(connection);
        configuration.UserAgent = _options.UserAgent;
        // Attempts are bounded by the resilience handler; this only stops a call whose retries together run away.
        configuration.HttpClientTimeout = (_options.RequestTimeout + _options.MaxRetryDelay) * (_options.MaxRetries + 1) + _options.ConnectTimeout;

        TlsTrust? tls = null;
        X509Certificate2? clientCertificate = null;
        if (handler is null)
            (tls, clientCertificate) = ConfigureSockets(configuration, connection);

        // The shared resilience pipeline retries transient faults and times each attempt; a handler belongs to one chain,
        // so every instance gets its own. The library puts the first handler outermost and its socket handler last.
        var api = new k8s.Kubernetes(configuration, Chain(handler,
            new ResilientHttpHandler(_retry, _clock, _logs.CreateLogger<KubernetesClient>(), "Kubernetes"), new KubeCallObserver()));

        // Watches get an instance of their own, made on first use: a watch answer lasts minutes, so neither the retry
        // handler (it reads every answer to its end) nor the overall timeout may sit in front of it.
        var watcher = new Lazy<k8s.Kubernetes>(() =>
        {
            var watching = LibraryConfiguration(connection);
            watching.UserAgent = _options.UserAgent;
            watching.HttpClientTimeout = Timeout.InfiniteTimeSpan;
            watching.FirstMessageHandlerSetup = configuration.FirstMessageHandlerSetup;
            return new k8s.Kubernetes(watching, Chain(handler, new KubeCallObserver()));
        }, LazyThreadSafetyMode.ExecutionAndPublication);
        return new Entry(fingerprint, api, watcher, tls, clientCertificate);
    }

    private static DelegatingHandler[] Chain(HttpMessageHandler? inProcess, params DelegatingHandler[] handlers) =>
        inProcess is null ? handlers : [.. handlers, new InProcessTerminalHandler(inProcess)];

    private (TlsTrust Tls, X509Certificate2? ClientCertificate) ConfigureSockets(KubernetesClientConfiguration configuration, KubeConnection connection)
    {
        X509Certificate2Collection? roots = null;
        if (!string.IsNullOrWhiteSpace(connection.CertificateAuthorityPem)
            && KubePem.TryLoadCertificateAuthority(connection.CertificateAuthorityPem, string.Empty, out var parsed) is null)
        {
            roots = parsed;
        }
        var tls = TlsTrust.Kubeconfig(roots, connection.InsecureSkipTlsVerify, connection.TlsServerName);

        X509Certificate2? clientCertificate = null;
        if (connection.Credential.HasClientCertificate
            && KubePem.TryLoadClientCertificate(connection.Credential.ClientCertificatePem, connection.Credential.ClientKeyPem, string.Empty, out var loaded) is null
            && loaded is not null)
        {
            // Round-trip through PKCS#12 so the TLS stack gets a certificate whose private key it can use on every platform.
            using (loaded)
                clientCertificate = X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), password: null);
        }

        var connectTimeout = _options.ConnectTimeout;
        var certificate = clientCertificate;
        // Runs after the library set up its socket handler; with no CA and no insecure flag in its configuration it
        // installed no certificate callback of its own, so this one is the only check.
        configuration.FirstMessageHandlerSetup = handler =>
        {
            handler.AllowAutoRedirect = false;
            handler.AutomaticDecompression = DecompressionMethods.All;
            handler.ConnectTimeout = connectTimeout;
            handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
            handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);
            handler.UseCookies = false;
            handler.SslOptions.RemoteCertificateValidationCallback = tls.Validate;
            if (certificate is not null)
            {
                handler.SslOptions.ClientCertificates = [certificate];
                // Present the certificate even when the server's list of acceptable issuers does not name its issuer.
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
            }
        };
        return (tls, clientCertificate);
    }
}
