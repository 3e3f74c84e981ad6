using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Portal.DemoCloud;

/// <summary>
/// Keeps a <see cref="DemoStateFile"/> up to date with a stand-in's state while the portal runs. Every
/// <see cref="DemoCloudStateHost.SaveInterval"/> it compares the stand-in's change stamp (cheap: a few counters) with
/// the one it last saved, and writes only when it moved: a burst of changes — a cluster being applied, a controller
/// tick touching fifty objects — costs one write, and an idle demo costs none. <see cref="DisposeAsync"/> stops the
/// timer and saves a last time, so a graceful stop loses nothing. A failed write is logged and tried again at the next
/// interval; it never disturbs the demo.
/// </summary>
internal sealed partial class DemoStateSaver : IAsyncDisposable
{
    private readonly DemoStateFile _file;
    private readonly Func<object> _stamp;
    private readonly Func<JsonObject> _capture;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private object? _saved;
    private bool _disposed;

    /// <param name="stamp">A value that changes whenever the state changes (compared with <see cref="object.Equals(object?)"/>).</param>
    /// <param name="capture">The state as the document to save.</param>
    /// <param name="saved">The stamp of what the file already holds (after loading it), so an unchanged state is not written again.</param>
    public DemoStateSaver(DemoStateFile file, Func<object> stamp, Func<JsonObject> capture, object? saved, ILogger log)
    {
        _file = file;
        _stamp = stamp;
        _capture = capture;
        _saved = saved;
        _log = log;
    }

    public DemoStateFile File => _file;

    /// <summary>Starts saving every <paramref name="interval"/> on <paramref name="clock"/>.</summary>
    public void Start(TimeProvider clock, TimeSpan interval)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _timer ??= clock.CreateTimer(static state => ((DemoStateSaver)state!).TrySave(force: false), this, interval, interval);
        }
    }

    /// <summary>Writes the state now, changed or not; a failure is logged, never thrown.</summary>
    public void SaveNow() => TrySave(force: true);

    /// <summary>Writes the state when it changed since the last write. True when it wrote.</summary>
    public bool SaveIfChanged() => Save(force: false);

    private bool Save(bool force)
    {
        lock (_lock)
        {
            // The stamp is read before the state is captured: a change in between makes the next check write again.
            var stamp = _stamp();
            if (!force && Equals(stamp, _saved))
                return false;
            try
            {
                _file.Save(_capture());
                _saved = stamp;
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogSaveFailed(_log, _file.Path, ex.Message);
                return false;
            }
        }
    }

    private void TrySave(bool force)
    {
        try
        {
            Save(force);
        }
        catch (Exception ex)
        {
            // Never thrown on: from a timer callback it would end the process, and a stop must not fail for the demo.
            LogSaveFailed(_log, _file.Path, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        ITimer? timer;
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            timer = _timer;
            _timer = null;
        }
        if (timer is not null)
            await timer.DisposeAsync().ConfigureAwait(false);
        // Always written at a graceful stop, even when no object changed: the controllers' timing markers move
        // without changing objects, and the last ones are what lets a half-done step carry on after the restart.
        TrySave(force: true);
    }

    [LoggerMessage(EventId = 4222, Level = LogLevel.Warning, Message = "Saving the demo cloud's state to {Path} failed ({Detail}); trying again shortly")]
    private static partial void LogSaveFailed(ILogger logger, string path, string detail);
}
