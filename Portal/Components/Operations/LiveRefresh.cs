namespace Portal.Components.Operations;

/// <summary>
/// Turns a stream of change notifications into at most one refresh per interval: a burst of step changes (or a
/// thousand operations finishing) costs a page one reload, not one per change. Dispose with the component.
/// </summary>
public sealed class LiveRefresh(Func<Task> refresh, TimeSpan interval, ILogger logger) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private int _scheduled;

    /// <summary>Asks for a refresh; returns at once.</summary>
    public Task RequestAsync()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
            _ = RunAsync();
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        try
        {
            await Task.Delay(interval, _stop.Token);
            Volatile.Write(ref _scheduled, 0);
            await refresh();
        }
        catch (OperationCanceledException)
        {
            // The component went away.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the notification and the refresh.
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A live refresh of the operations view failed");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
