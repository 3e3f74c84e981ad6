using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Auditing;
using Quartz;

namespace Portal.Jobs.Operations;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// The operations engine: Quartz with its job store in <paramref name="databaseFile"/> (the portal's database;
    /// its tables come from the migrations), started as a hosted service once the host starts (after
    /// <c>InitializePortalAsync</c> migrated the file) and stopped waiting for running steps. Raises the host's
    /// shutdown timeout to <see cref="OperationsOptions.ShutdownTimeout"/>.
    /// </summary>
    public static IServiceCollection AddOperationsEngine(this IServiceCollection services, string databaseFile,
        Action<OperationsOptions>? configure = null)
    {
        var options = new OperationsOptions { DatabaseFile = databaseFile };
        configure?.Invoke(options);
        options.Validate();

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditLog>();
        services.AddSingleton<OperationNotifier>();
        services.AddSingleton<OperationHandlers>();
        services.AddSingleton<OperationExecutor>();
        services.AddSingleton<OperationGate>();
        services.AddSingleton<OperationService>();
        services.AddSingleton<OperationsEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<OperationsEngine>());
        services.AddRecurringJob<OperationSweepJob>("operations.sweep", options.SweepInterval);
        services.Configure<HostOptions>(host =>
        {
            if (host.ShutdownTimeout < options.ShutdownTimeout)
                host.ShutdownTimeout = options.ShutdownTimeout;
        });
        return services;
    }

    /// <summary>Registers the handler of one operation kind (a singleton).</summary>
    public static IServiceCollection AddOperationHandler<THandler>(this IServiceCollection services) where THandler : class, IOperationHandler =>
        services.AddSingleton<IOperationHandler, THandler>();

    /// <summary>
    /// Runs <typeparamref name="TJob"/> every <paramref name="interval"/> (first run one interval after start), for
    /// periodic reconciles such as status polling. Each run gets its own DI scope. Missed runs (the portal was down)
    /// are skipped, not caught up. Mark the job <see cref="DisallowConcurrentExecutionAttribute"/> unless overlapping
    /// runs are fine.
    /// </summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string name, TimeSpan interval) where TJob : class, IJob
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1));
        return services.AddSingleton(new RecurringJobRegistration(name, typeof(TJob), interval));
    }

    /// <summary>Adds the engine to the health endpoint: Degraded while the scheduler is not running.</summary>
    public static IHealthChecksBuilder AddOperationsEngineCheck(this IHealthChecksBuilder builder) =>
        builder.AddCheck<OperationsHealthCheck>("operations");
}

/// <summary>The engine's health for <c>/healthz</c>: work is not lost while the scheduler is down, but it does not progress.</summary>
public sealed class OperationsHealthCheck(OperationsEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(engine.IsRunning
            ? HealthCheckResult.Healthy("The operations scheduler is running.")
            : HealthCheckResult.Degraded("The operations scheduler is not running; queued operations wait."));
}
