using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging;

namespace Portal.Jobs.Operations.Dispatch;

/// <summary>
/// Hangfire's storage and process-wide settings for the portal. Hangfire keeps its serializer settings and its log
/// provider in statics; the engine never uses Hangfire's other statics (JobStorage.Current, GlobalConfiguration's
/// storage): each host builds its own storage, client and servers, so several hosts can share a process (the tests).
/// </summary>
internal static class HangfireSetup
{
    private static readonly Lock Gate = new();
    private static bool _configured;
    private static readonly ForwardingLogProvider Logs = new();

    /// <summary>Sets the process-wide parts once: the job serializer, and logging through the current host's factory.</summary>
    public static void ConfigureProcess(ILoggerFactory loggers)
    {
        lock (Gate)
        {
            Logs.Target = new AspNetCoreLogProvider(loggers);
            // Set every time: AddHangfire (which the dashboard needs) points Hangfire at the host's factory directly.
            LogProvider.SetCurrentLogProvider(Logs);
            if (_configured) return;
            GlobalConfiguration.Configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            // Per job, these default filters cost statements the portal has no use for: the culture is written with every
            // job and read back before it runs (jobs format nothing for a person), continuations are read at every state
            // change (the portal chains no jobs), and hourly and daily history counters are written at every end (the
            // Operations page is the history). On PostgreSQL that is 7 of a job's 26 statements.
            GlobalJobFilters.Filters.Remove(typeof(CaptureCultureAttribute));
            GlobalJobFilters.Filters.Remove(typeof(ContinuationsSupportAttribute));
            GlobalJobFilters.Filters.Remove(typeof(StatisticsHistoryAttribute));
            _configured = true;
        }
    }

    /// <summary>
    /// In memory for the embedded set-up (the Operation rows are the durable queue); PostgreSQL, in the portal's own
    /// database, when replicas share the work. The PostgreSQL settings are those measured in NOTES-HANGFIRE-POSTGRES:
    /// the defaults re-run long jobs (no sliding invisibility) and stall a killed server's jobs for ten minutes.
    /// </summary>
    public static JobStorage CreateStorage(OperationsOptions options)
    {
        if (!options.UsesPostgreSql)
            return new InMemoryStorage(new InMemoryStorageOptions
            {
                IdType = InMemoryStorageIdType.Guid,
                // Finished jobs are kept a while for the dashboard, then dropped; the history is the Operation rows.
                MaxExpirationTime = TimeSpan.FromHours(1),
            });
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = options.HangfireSchema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = options.QueuePollInterval,
            InvisibilityTimeout = options.InvisibilityTimeout,
            UseSlidingInvisibilityTimeout = true,
            DistributedLockTimeout = options.DistributedLockTimeout,
            // Enqueueing inside the TransactionScope that commits the Operation row makes the two atomic.
            EnableTransactionScopeEnlistment = true,
        };
        var storage = new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(options.PostgreSqlConnectionString!, storageOptions, null), storageOptions);
        // The operations workers take turns at polling (see GatedJobQueueProvider); the periodic queue keeps the default.
        storage.QueueProviders.Add(new GatedJobQueueProvider(storage, storageOptions, Math.Min(OperationsOptions.QueuePollers, options.MaxConcurrency)),
            [OperationsEngine.OperationsQueue]);
        return storage;
    }

    /// <summary>Hangfire creates its loggers once per type; this forwards them to whichever host started last.</summary>
    private sealed class ForwardingLogProvider : ILogProvider
    {
        public volatile ILogProvider? Target;

        public ILog GetLogger(string name) => new ForwardingLog(this, name);

        private sealed class ForwardingLog(ForwardingLogProvider provider, string name) : ILog
        {
            public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception exception)
            {
                try
                {
                    return provider.Target?.GetLogger(name).Log(logLevel, messageFunc, exception) ?? false;
                }
                catch (ObjectDisposedException)
                {
                    // The host this points at has gone (one test host after another in a process); its logs went with it.
                    return false;
                }
            }
        }
    }
}

/// <summary>
/// The host's Hangfire storage, built on first use. Not registered as <see cref="JobStorage"/> itself, so that the
/// container never disposes it: an in-memory storage disposed while a server is still deregistering leaves that server
/// waiting forever. <see cref="OperationsEngine"/> disposes it after its servers stopped.
/// </summary>
public sealed class HangfireStorage(OperationsOptions options, ILoggerFactory loggers)
{
    private readonly Lazy<JobStorage> _storage = new(() =>
    {
        HangfireSetup.ConfigureProcess(loggers);
        return HangfireSetup.CreateStorage(options);
    });

    public JobStorage Storage => _storage.Value;

    internal void Release()
    {
        if (_storage.IsValueCreated)
            (_storage.Value as IDisposable)?.Dispose();
    }
}
