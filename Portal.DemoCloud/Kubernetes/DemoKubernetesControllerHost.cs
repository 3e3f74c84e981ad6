using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// Runs the demo Kubernetes API's simulated controllers every <see cref="DemoKubernetesOptions.Tick"/> on the API's
/// <see cref="TimeProvider"/>. A tick that is still running when the next is due is skipped, not queued; controller
/// failures are logged and do not stop the loop.
/// </summary>
public sealed partial class DemoKubernetesControllerHost(DemoKubernetesApi api, ILogger<DemoKubernetesControllerHost> log) : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private int _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _timer ??= api.Clock.CreateTimer(static state => ((DemoKubernetesControllerHost)state!).OnTick(), this, api.Options.Tick, api.Options.Tick);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ITimer? timer;
        lock (_lock)
        {
            timer = _timer;
            _timer = null;
        }
        if (timer is not null)
            await timer.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnTick()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
            return;
        try
        {
            api.Tick();
        }
        catch (Exception ex)
        {
            LogTickFailed(log, ex);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    [LoggerMessage(EventId = 4210, Level = LogLevel.Warning, Message = "A demo Kubernetes controller tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
