using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

using Portal.Jobs.Http;

namespace Portal.Jobs.OpenStack;

/// <summary>
/// Creates <see cref="OpenStackClient"/>s. A connection an in-process cloud claims (<see cref="IInProcessOpenStack"/>, the
/// demo cloud) is served by that cloud's handler; every other connection goes over real sockets. Socket handlers are pooled per CA
/// bundle (not per connection) so that clients are cheap to create and connections are reused. Register as a singleton.
/// </summary>
public sealed class OpenStackClientFactory : IOpenStackClientFactory, IDisposable
{
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _logs;
    private readonly IReadOnlyList<IInProcessOpenStack> _inProcess;
    private readonly OpenStackClientOptions _options;
    private readonly OutboundRetryOptions _retry;
    private readonly Func<OpenStackConnection, HttpMessageHandler?>? _handlerFor;
    private readonly ConcurrentDictionary<string, Lazy<(SocketsHttpHandler Handler, TlsTrust Trust)>> _socketHandlers = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>The production constructor (dependency injection).</summary>
    public OpenStackClientFactory(TimeProvider clock, ILoggerFactory logs, IEnumerable<IInProcessOpenStack> inProcess, OpenStackClientOptions? options = null)
        : this(clock, logs, inProcess, options, handlerFor: null)
    {
    }

    /// <summary>
    /// For tests: <paramref name="handlerFor"/> supplies the message handler of each connection (null: the usual one —
    /// an in-process cloud's when one claims the connection, otherwise real sockets). The caller owns the handlers it returns.
    /// </summary>
    public OpenStackClientFactory(
        TimeProvider clock,
        ILoggerFactory logs,
        Func<OpenStackConnection, HttpMessageHandler?> handlerFor,
        IEnumerable<IInProcessOpenStack>? inProcess = null,
        OpenStackClientOptions? options = null)
        : this(clock, logs, inProcess, options, handlerFor)
    {
        ArgumentNullException.ThrowIfNull(handlerFor);
    }

    private OpenStackClientFactory(
        TimeProvider clock,
        ILoggerFactory logs,
        IEnumerable<IInProcessOpenStack>? inProcess,
        OpenStackClientOptions? options,
        Func<OpenStackConnection, HttpMessageHandler?>? handlerFor)
    {
        _clock = clock;
        _logs = logs;
        _inProcess = inProcess?.ToList() ?? [];
        _options = options ?? new OpenStackClientOptions();
        _retry = new OutboundRetryOptions
        {
            AttemptTimeout = _options.RequestTimeout,
            MaxRetries = Math.Max(0, _options.MaxRetries),
            RetryBaseDelay = _options.RetryBaseDelay,
            MaxRetryDelay = _options.MaxRetryDelay,
            MaxResponseBytes = _options.MaxResponseBytes,
        };
        _handlerFor = handlerFor;
    }

    public OpenStackClientOptions Options => _options;

    public IOpenStackClient Create(OpenStackConnection connection) => CreateClient(connection);

    /// <summary>Like <see cref="Create"/>, typed as the concrete client.</summary>
    public OpenStackClient CreateClient(OpenStackConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var logger = _logs.CreateLogger<OpenStackClient>();

        var handler = _handlerFor?.Invoke(connection);
        TlsTrust? trust = null;
        for (var i = 0; handler is null && i < _inProcess.Count; i++)
            handler = _inProcess[i].HandlerFor(connection);
        if (handler is null)
        {
            if (connection.Validate() is not null)
            {
                // The client reports the configuration error on every call and never sends anything.
                handler = new RefusingHandler();
            }
            else
            {
                (handler, trust) = SocketHandler(connection.CaBundlePem);
            }
        }

        // The shared resilience pipeline sits in front of every transport; it owns no resources and is never disposed
        // (disposing it would dispose the pooled handler behind it).
        var resilient = new ResilientHttpHandler(_retry, _clock, logger, "OpenStack", handler);
        var http = new HttpClient(resilient, disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = Math.Min(_options.MaxResponseBytes, int.MaxValue),
        };
        return new OpenStackClient(http, connection, _clock, _options, logger, trust);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var entry in _socketHandlers.Values)
        {
            if (entry.IsValueCreated)
                entry.Value.Handler.Dispose();
        }
        _socketHandlers.Clear();
    }

    private (SocketsHttpHandler Handler, TlsTrust Trust) SocketHandler(string? caBundlePem)
    {
        var bundle = string.IsNullOrWhiteSpace(caBundlePem) ? null : caBundlePem.Trim();
        var key = bundle is null ? string.Empty : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(bundle)));
        return _socketHandlers.GetOrAdd(key, _ => new Lazy<(SocketsHttpHandler, TlsTrust)>(() => BuildSocketHandler(bundle))).Value;
    }

    private (SocketsHttpHandler Handler, TlsTrust Trust) BuildSocketHandler(string? bundle)
    {
        System.Security.Cryptography.X509Certificates.X509Certificate2Collection? roots = null;
        if (bundle is not null && CaBundle.TryParse(bundle, out var parsed) is null)
            roots = parsed;
        var trust = TlsTrust.SystemPlus(roots);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = _options.RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        return (handler, trust);
    }

    /// <summary>Stands in for a transport when the connection data is invalid; the client never calls it.</summary>
    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The connection is invalid; nothing is sent.");
    }
}
