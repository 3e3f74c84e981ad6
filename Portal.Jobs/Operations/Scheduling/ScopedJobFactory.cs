using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using Quartz.Spi;

namespace Portal.Jobs.Operations.Scheduling;

/// <summary>
/// Creates each job execution in its own DI scope (so a job can take scoped services) and disposes the scope when
/// the execution ends. Job types need not be registered: they are built with their constructor's services.
/// </summary>
public sealed class ScopedJobFactory(IServiceProvider services, ILogger<ScopedJobFactory> logger) : IJobFactory
{
    public IJob NewJob(TriggerFiredBundle bundle, IScheduler scheduler)
    {
        var scope = services.CreateAsyncScope();
        try
        {
            var job = (IJob)ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, bundle.JobDetail.JobType);
            return new ScopedJob(scope, job, logger);
        }
        catch
        {
            _ = scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>Quartz hands the job back after it ran (or when it was vetoed and never ran).</summary>
    public void ReturnJob(IJob job)
    {
        if (job is ScopedJob scoped)
            scoped.Release();
    }

    private sealed class ScopedJob(AsyncServiceScope scope, IJob inner, ILogger logger) : IJob
    {
        private int _released;

        public async Task Execute(IJobExecutionContext context)
        {
            try
            {
                await inner.Execute(context);
            }
            finally
            {
                await DisposeScopeAsync();
            }
        }

        public void Release() => _ = DisposeScopeAsync();

        private async Task DisposeScopeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            try
            {
                await scope.DisposeAsync();
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Disposing the scope of job {JobType} failed", inner.GetType().Name);
            }
        }
    }
}
