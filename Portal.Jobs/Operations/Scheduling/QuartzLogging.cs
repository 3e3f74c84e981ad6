using Microsoft.Extensions.Logging;
using LogContext = Quartz.Logging.LogContext;

namespace Portal.Jobs.Operations.Scheduling;

/// <summary>
/// Routes Quartz's logging to the host's <see cref="ILoggerFactory"/>. Quartz holds one process-wide log provider and
/// creates its loggers once, so it is set exactly once, to a forwarder; each engine start points the forwarder at its
/// host's factory. (Handing Quartz a host's factory directly would break the next host in the same process, such as
/// a test, once the first factory is disposed.)
/// </summary>
internal static class QuartzLogging
{
    private static readonly ForwardingLoggerFactory Forwarder = new();
    private static int _routed;

    public static void RouteTo(ILoggerFactory target)
    {
        Forwarder.Target = target;
        if (Interlocked.Exchange(ref _routed, 1) == 0)
            LogContext.SetCurrentLogProvider(Forwarder);
    }

    private sealed class ForwardingLoggerFactory : ILoggerFactory
    {
        private volatile ILoggerFactory? _target;

        public ILoggerFactory? Target
        {
            get => _target;
            set => _target = value;
        }

        public ILogger CreateLogger(string categoryName) => new ForwardingLogger(this, categoryName);

        public void AddProvider(ILoggerProvider provider) =>
            throw new NotSupportedException("Add logging providers to the host, not to Quartz's forwarder.");

        public void Dispose()
        {
        }
    }

    private sealed class ForwardingLogger(ForwardingLoggerFactory owner, string category) : ILogger
    {
        private volatile Bound? _bound;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Current()?.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => Current()?.IsEnabled(logLevel) ?? false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                Current()?.Log(logLevel, eventId, state, exception, formatter);
            }
            catch (ObjectDisposedException)
            {
                // The host that owned the target factory has stopped; its logs have nowhere to go.
            }
        }

        private ILogger? Current()
        {
            var target = owner.Target;
            if (target is null) return null;
            var bound = _bound;
            if (bound is null || !ReferenceEquals(bound.Factory, target))
            {
                try
                {
                    bound = new Bound(target, target.CreateLogger(category));
                }
                catch (ObjectDisposedException)
                {
                    return null;
                }
                _bound = bound;
            }
            return bound.Logger;
        }

        private sealed record Bound(ILoggerFactory Factory, ILogger Logger);
    }
}
