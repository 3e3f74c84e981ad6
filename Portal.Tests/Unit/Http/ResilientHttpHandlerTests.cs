using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Polly.Timeout;
using Portal.Jobs.Http;
using Portal.Tests.Support;
using Portal.Tests.Unit.OpenStack;

namespace Portal.Tests.Unit.Http;

/// <summary>The shared outbound pipeline: what is retried, how long it waits, and what it never repeats or logs.</summary>
public sealed class ResilientHttpHandlerTests
{
    private static readonly OutboundRetryOptions Fast = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(400),
    };

    [Fact]
    public async Task SendAsync_ServerErrorThenSuccess_RetriesAndRecordsTheAttempts()
    {
        var server = new ScriptedHandler(_ => Status(HttpStatusCode.ServiceUnavailable), _ => Status(HttpStatusCode.BadGateway), _ => Status(HttpStatusCode.OK));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things");

        using var response = await Invoker(server).SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.Calls);
        Assert.Equal(3, ResilientHttpHandler.AttemptsOf(request));
    }

    [Fact]
    public async Task SendAsync_ServerErrorEveryTime_ReturnsTheLastAnswerAfterMaxRetries()
    {
        var server = new ScriptedHandler(_ => Status(HttpStatusCode.InternalServerError));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things");

        using var response = await Invoker(server).SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1 + Fast.MaxRetries, server.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotImplemented)]
    [InlineData(HttpStatusCode.HttpVersionNotSupported)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task SendAsync_AnswerThatDoesNotHeal_IsNotRetried(HttpStatusCode status)
    {
        var server = new ScriptedHandler(_ => Status(status));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things");

        using var response = await Invoker(server).SendAsync(request, CancellationToken.None);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task SendAsync_TooManyRequestsWithRetryAfter_WaitsAtLeastThatLong()
    {
        var server = new ScriptedHandler(
            _ =>
            {
                var throttled = Status(HttpStatusCode.TooManyRequests);
                throttled.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMilliseconds(250));
                return throttled;
            },
            _ => Status(HttpStatusCode.OK));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things");
        var started = Stopwatch.GetTimestamp();

        using var response = await Invoker(server).SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(240), $"waited only {Stopwatch.GetElapsedTime(started).TotalMilliseconds} ms");
    }

    [Fact]
    public void Delay_RetryAfterBeyondTheCap_IsCapped()
    {
        var handler = new ResilientHttpHandler(Fast, TimeProvider.System, new CapturingLoggerFactory().CreateLogger("t"), "Test");

        var delay = handler.Delay(0, new RetryConditionHeaderValue(TimeSpan.FromMinutes(10)));

        Assert.Equal(Fast.MaxRetryDelay, delay);
    }

    [Fact]
    public void Delay_RetryAfterDate_IsMeasuredOnTheInjectedClock()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero));
        var handler = new ResilientHttpHandler(Fast, clock, new CapturingLoggerFactory().CreateLogger("t"), "Test");

        var delay = handler.Delay(0, new RetryConditionHeaderValue(clock.GetUtcNow().AddMilliseconds(300)));

        Assert.Equal(TimeSpan.FromMilliseconds(300), delay);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_IsNotRetried()
    {
        var server = new ScriptedHandler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things");

        await Assert.ThrowsAsync<HttpRequestException>(() => Invoker(server).SendAsync(request, CancellationToken.None));

        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task SendAsync_ConnectionReset_IsRetried()
    {
        var server = new ScriptedHandler(
            _ => throw new HttpRequestException(HttpRequestError.Unknown, "reset", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))),
            _ => Status(HttpStatusCode.OK));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things");

        using var response = await Invoker(server).SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task SendAsync_StalledBody_TimesOutTheAttemptAndRetries()
    {
        var options = Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(150) };
        var server = new ScriptedHandler(
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StallingStream()) },
            _ => Status(HttpStatusCode.OK));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things");

        using var response = await Invoker(server, options).SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task SendAsync_WriteThatTimesOut_IsNotRepeated()
    {
        var options = Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(100) };
        var server = ScriptedHandler.Async(async ct => { await Task.Delay(Timeout.Infinite, ct); return Status(HttpStatusCode.OK); });
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.test/v1/things") { Content = new StringContent("{}") };
        request.Options.Set(ResilientHttpHandler.RetryTimeouts, false);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => Invoker(server, options).SendAsync(request, CancellationToken.None));

        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_StopsWithoutAnotherAttempt()
    {
        using var cancel = new CancellationTokenSource();
        var server = ScriptedHandler.Async(async ct => { cancel.Cancel(); await Task.Delay(Timeout.Infinite, ct); return Status(HttpStatusCode.OK); });
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Invoker(server).SendAsync(request, cancel.Token));

        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task SendAsync_Retrying_LogsNeitherHeadersNorQuery()
    {
        var logs = new CapturingLoggerFactory();
        var server = new ScriptedHandler(_ => Status(HttpStatusCode.ServiceUnavailable), _ => Status(HttpStatusCode.OK));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test/v1/things?token=QueryS3cret");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "HeaderS3cret");

        using var response = await new HttpMessageInvoker(new ResilientHttpHandler(Fast, TimeProvider.System, logs.CreateLogger("t"), "Test", server))
            .SendAsync(request, CancellationToken.None);

        Assert.Contains(logs.Lines, line => line.Contains("retrying", StringComparison.Ordinal) && line.Contains("https://api.test/v1/things", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains("S3cret", StringComparison.Ordinal));
    }

    private static HttpMessageInvoker Invoker(HttpMessageHandler server, OutboundRetryOptions? options = null) =>
        new(new ResilientHttpHandler(options ?? Fast, TimeProvider.System, new CapturingLoggerFactory().CreateLogger("t"), "Test", server));

    private static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("{}") };

    /// <summary>Answers each call with the next script entry (the last one repeats).</summary>
    private sealed class ScriptedHandler : HttpMessageHandler
    {
        private readonly Func<CancellationToken, Task<HttpResponseMessage>>[] _script;
        private int _calls;

        public ScriptedHandler(params Func<CancellationToken, HttpResponseMessage>[] script) =>
            _script = [.. script.Select(step => (Func<CancellationToken, Task<HttpResponseMessage>>)(ct => Task.FromResult(step(ct))))];

        private ScriptedHandler(Func<CancellationToken, Task<HttpResponseMessage>> step) => _script = [step];

        public static ScriptedHandler Async(Func<CancellationToken, Task<HttpResponseMessage>> step) => new(step);

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var index = Interlocked.Increment(ref _calls) - 1;
            return _script[Math.Min(index, _script.Length - 1)](cancellationToken);
        }
    }

    /// <summary>A body that never delivers a byte until cancelled.</summary>
    private sealed class StallingStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
