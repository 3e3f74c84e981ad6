using Portal.Domain.Operations;
using Portal.Domain.Common;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Auditing;
using Portal.Domain.Data;
using Portal.Jobs.Operations.Dispatch;

namespace Portal.Jobs.Operations;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// The operations engine: Hangfire dispatching from memory (SQLite) or from the portal's PostgreSQL database
    /// (<see cref="OperationsOptions.PostgreSqlConnectionString"/>), started as a hosted service once the host starts
    /// (after <c>InitializePortalAsync</c> migrated the database) and stopped letting running steps pause. Raises the
    /// host's shutdown timeout above <see cref="OperationsOptions.ShutdownTimeout"/>.
    /// </summary>
    public static IServiceCollection AddOperationsEngine(this IServiceCollection services, Action<OperationsOptions>? configure = null)
    {
        var options = new OperationsOptions();
        // On PostgreSQL, Hangfire keeps its jobs in the portal's own database, where every replica finds them.
        if (services.LastOrDefault(d => d.ServiceType == typeof(PortalDataOptions))?.ImplementationInstance is PortalDataOptions { Provider: DatabaseProvider.PostgreSql } data)
            options.PostgreSqlConnectionString = data.ConnectionString;
        configure?.Invoke(options);
        options.Validate();

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditLog>();
        services.AddSingleton<OperationNotifier>();
        services.AddSingleton<OperationHandlers>();
        services.AddSingleton<OperationExecutor>();
        services.AddSingleton<OperationGate>();
        services.AddSingleton<OperationRunLocks>();
        services.AddSingleton<RecurringJobTurns>();
        services.AddTransient<OperationJob>();
        services.AddTransient<RecurringJobRunner>();
        services.AddSingleton<OperationService>();
        // The domain's commands hand what they commit to this engine (the domain alone registers a dispatcher that does
        // nothing); the operations service runs a person's retry or cancel through the same command runner.
        services.Replace(ServiceDescriptor.Singleton<IOperationDispatcher, EngineOperationDispatcher>());
        services.TryAddSingleton<CommandRunner>();
        // Hangfire's storage: one per host, owned (and disposed, after its servers stopped) by the engine; the dashboard
        // reads it too. Built on first use, after the database exists.
        services.AddSingleton<HangfireStorage>();
        // The services Hangfire's dashboard looks up (routes, filters, the marker it checks). Our storage is registered
        // above, so AddHangfire's own JobStorage.Current registration does not apply; the engine uses none of its statics.
        services.AddHangfire((sp, _) => HangfireSetup.ConfigureProcess(sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        services.AddSingleton<OperationsEngine>();
        // On PostgreSQL, change events also travel between replicas (before the engine, whose start already runs operations).
        if (options.UsesPostgreSql) services.AddPostgresChangeFeed();
        services.AddHostedService(sp => sp.GetRequiredService<OperationsEngine>());
        services.AddRecurringJob<OperationSweepJob>("operations.sweep", options.SweepInterval);
        services.Configure<HostOptions>(host =>
        {
            // Above Hangfire's own shutdown timeout, or the host's StopAsync throws before Hangfire gave up waiting.
            if (host.ShutdownTimeout < options.ShutdownTimeout + TimeSpan.FromSeconds(5))
                host.ShutdownTimeout = options.ShutdownTimeout + TimeSpan.FromSeconds(5);
        });
        return services;
    }

    /// <summary>Registers the handler of one operation kind (a singleton).</summary>
    public static IServiceCollection AddOperationHandler<THandler>(this IServiceCollection services) where THandler : class, IOperationHandler =>
        services.AddSingleton<IOperationHandler, THandler>();

    /// <summary>
    /// Runs <typeparamref name="TJob"/> every <paramref name="interval"/> (on the interval's boundaries), for periodic
    /// reconciles such as status polling; with several replicas, one of them runs each turn. Each run gets its own DI
    /// scope. Missed runs (the portal was down) are skipped, not caught up; a turn that comes while the last one still
    /// runs in this process is skipped. The interval must have a cron form (see <see cref="CronInterval"/>).
    /// </summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string name, TimeSpan interval) where TJob : class, IRecurringJob
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _ = CronInterval.For(interval);
        return services.AddSingleton(new RecurringJobRegistration(name, typeof(TJob), interval));
    }

    /// <summary>Adds the engine to the health endpoint: Degraded while the engine is not running.</summary>
    public static IHealthChecksBuilder AddOperationsEngineCheck(this IHealthChecksBuilder builder) =>
        builder.AddCheck<OperationsHealthCheck>("operations");
}

/// <summary>The engine's health for <c>/healthz</c>: work is not lost while the scheduler is down, but it does not progress.</summary>
public sealed class OperationsHealthCheck(OperationsEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(engine.IsRunning
            ? HealthCheckResult.Healthy("The operations engine is running.")
            : HealthCheckResult.Degraded("The operations engine is not running; queued operations wait."));
}
