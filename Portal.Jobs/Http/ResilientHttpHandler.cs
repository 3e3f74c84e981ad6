using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Portal.Jobs.Http;

/// <summary>
/// The one resilience pipeline of the portal's outbound HTTP (OpenStack and Kubernetes alike), as a
/// <see cref="DelegatingHandler"/> placed in front of the transport. Each attempt has its own timeout and reads the
/// whole body before it ends, so a stalled body counts as a timeout of that attempt. Transient faults are retried
/// with exponential backoff and jitter, at most <see cref="OutboundRetryOptions.MaxRetries"/> times: 429 and 5xx answers
/// (not 501/505), honouring <c>Retry-After</c> up to <see cref="OutboundRetryOptions.MaxRetryDelay"/>; connections that
/// broke or were reset; and timeouts, unless the request says a timeout must not be repeated
/// (<see cref="RetryTimeouts"/>). Refused connections, DNS and TLS failures are not retried: they do not heal in
/// seconds. After the last attempt the answer (or the exception) reaches the client, which maps it to its typed error;
/// <see cref="Attempts"/> on the request tells how many attempts were made. Nothing here logs a header or a body.
/// </summary>
public sealed partial class ResilientHttpHandler : DelegatingHandler
{
    /// <summary>Set by the handler on the request: how many attempts were made (1 = no retry).</summary>
    public static readonly HttpRequestOptionsKey<int> Attempts = new("Portal.Http.Attempts");

    /// <summary>Set by a client on a request whose timeout must not be repeated (a write that may have happened). Default true.</summary>
    public static readonly HttpRequestOptionsKey<bool> RetryTimeouts = new("Portal.Http.RetryTimeouts");

    private readonly OutboundRetryOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly string _system;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <param name="options">Attempts, timeouts and delays.</param>
    /// <param name="clock">Reads a Retry-After date; delays and timeouts run on real time.</param>
    /// <param name="log">Where retries are reported (method, URL without its query, status or fault, delay).</param>
    /// <param name="system">Names the remote system in log lines, e.g. "OpenStack" or "Kubernetes".</param>
    public ResilientHttpHandler(OutboundRetryOptions options, TimeProvider clock, ILogger log, string system)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _clock = clock;
        _log = log;
        _system = system;
        _pipeline = Build();
    }

    /// <summary>A handler in front of <paramref name="inner"/>.</summary>
    public ResilientHttpHandler(OutboundRetryOptions options, TimeProvider clock, ILogger log, string system, HttpMessageHandler inner)
        : this(options, clock, log, system)
    {
        InnerHandler = inner;
    }

    private ResiliencePipeline<HttpResponseMessage> Build()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetries,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.AttemptNumber, args.Outcome.Result?.Headers.RetryAfter)),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    var fault = args.Outcome.Result is { } answer ? $"{(int)answer.StatusCode}" : args.Outcome.Exception?.GetType().Name ?? "fault";
                    LogRetry(_log, _system, request.Method.Method, Where(request.RequestUri), fault, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(_options.AttemptTimeout);
        return builder.Build();
    }

    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Portal.Http.Request");
    private static readonly ResiliencePropertyKey<long> MaxBytesKey = new("Portal.Http.MaxBytes");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        context.Properties.Set(MaxBytesKey, _options.MaxResponseBytes);
        var attempts = 0;
        try
        {
            return await _pipeline.ExecuteAsync(async (ctx, state) =>
            {
                attempts++;
                state.Request.Options.Set(Attempts, attempts);
                var started = Stopwatch.GetTimestamp();
                var response = await state.Handler.SendCoreAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false);
                try
                {
                    // The body is read inside the attempt: its timeout covers a server that answers and then stalls.
                    await response.Content.LoadIntoBufferAsync(ctx.Properties.GetValue(MaxBytesKey, long.MaxValue), ctx.CancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
                LogAttempt(state.Handler._log, state.Handler._system, state.Request.Method.Method, Where(state.Request.RequestUri),
                    (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempts);
                return response;
            }, context, (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);

    /// <summary>True for the answers and faults worth another attempt.</summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (outcome.Result is { } response)
            return IsTransientStatus((int)response.StatusCode);
        if (context.CancellationToken.IsCancellationRequested)
            return false;
        return outcome.Exception switch
        {
            TimeoutRejectedException => TimeoutsMayRepeat(context),
            HttpRequestException http => IsTransient(http, TimeoutsMayRepeat(context)),
            IOException => true,
            _ => false,
        };
    }

    /// <summary>429 and server errors, except "not implemented" and "HTTP version not supported", which do not heal.</summary>
    public static bool IsTransientStatus(int status) => status is 429 or >= 500 and <= 599 and not 501 and not 505;

    private static bool TimeoutsMayRepeat(ResilienceContext context) =>
        !context.Properties.TryGetValue(RequestKey, out var request) || !request.Options.TryGetValue(RetryTimeouts, out var allowed) || allowed;

    private static bool IsTransient(HttpRequestException ex, bool timeoutsMayRepeat)
    {
        var socket = Find<SocketException>(ex);
        if (Find<TimeoutException>(ex) is not null || socket?.SocketErrorCode == SocketError.TimedOut)
            return timeoutsMayRepeat;
        if (ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
            or HttpRequestError.ConfigurationLimitExceeded or HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError)
            return false;
        if (ex.HttpRequestError == HttpRequestError.ResponseEnded)
            return true;
        if (Find<AuthenticationException>(ex) is not null)
            return false;
        if (socket?.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
            return true;
        if (socket is not null)
            return false;
        return Find<IOException>(ex) is not null;
    }

    /// <summary>Exponential backoff with ±20 % jitter; a longer Retry-After wins; never more than the cap.</summary>
    internal TimeSpan Delay(int retryIndex, RetryConditionHeaderValue? retryAfter)
    {
        var exponential = _options.RetryBaseDelay * Math.Pow(2, retryIndex);
        var jittered = exponential * (0.8 + Random.Shared.NextDouble() * 0.4);
        var delay = RetryAfter(retryAfter) is { } after && after > jittered ? after : jittered;
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
        {
            var wait = date - _clock.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>The first exception of type <typeparamref name="T"/> in the chain of inner exceptions.</summary>
    public static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (current is T match)
                return match;
        }
        return null;
    }

    /// <summary>The attempts a request took, as the handler recorded them (1 when it never passed the handler).</summary>
    public static int AttemptsOf(HttpRequestMessage request) => request.Options.TryGetValue(Attempts, out var n) ? n : 1;

    private static string Where(Uri? url) => url is null ? "?" : url.GetLeftPart(UriPartial.Path);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "{System} {Method} {Url} answered {Status} in {ElapsedMs:0} ms (attempt {Attempt})")]
    private static partial void LogAttempt(ILogger logger, string system, string method, string url, int status, double elapsedMs, int attempt);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "{System} {Method} {Url} failed transiently ({Fault}) on attempt {Attempt}; retrying in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, string system, string method, string url, string fault, int attempt, double delayMs);
}

/// <summary>How outbound calls are retried and timed out (<see cref="ResilientHttpHandler"/>).</summary>
public sealed record OutboundRetryOptions
{
    /// <summary>How long one attempt may take, including reading the body.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Retries after the first attempt for transient faults.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First backoff delay; it doubles per retry (with jitter), capped by <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of one backoff delay, including a server's Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest body accepted, in bytes; a larger one fails the call (not retried).</summary>
    public long MaxResponseBytes { get; init; } = 64L * 1024 * 1024;
}
