using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Jobs.Operations;

/// <summary>Periodic work registered with <c>AddRecurringJob&lt;T&gt;()</c>; each run gets its own DI scope.</summary>
public interface IRecurringJob
{
    Task RunAsync(CancellationToken ct);
}

/// <summary>
/// The one job type Hangfire stores for periodic work: it carries the registration's name, so renaming or moving a
/// job class never leaves Hangfire with a type it cannot load. A run that is still going when the next is due makes
/// the next one skip (in this process), rather than two reconciles racing each other.
/// </summary>
public sealed class RecurringJobRunner(IEnumerable<RecurringJobRegistration> registrations, RecurringJobTurns turns, IServiceProvider services,
    ILogger<RecurringJobRunner> logger)
{
    [Queue(OperationsEngine.PeriodicQueue)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Periodic: {0}")]
    public async Task RunAsync(string name, CancellationToken cancellationToken)
    {
        var registration = registrations.FirstOrDefault(r => r.Name == name);
        if (registration is null)
        {
            logger.LogWarning("Periodic job {Job} is no longer registered; skipping it", name);
            return;
        }
        if (!turns.TryBegin(name))
        {
            logger.LogInformation("Periodic job {Job} is still running from its last turn; skipping this one", name);
            return;
        }
        try
        {
            // The runner itself lives in the job's scope; the job gets that scope too.
            var job = (IRecurringJob)ActivatorUtilities.GetServiceOrCreateInstance(services, registration.JobType);
            await job.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping: the next turn comes
        }
        finally
        {
            turns.End(name);
        }
    }
}

/// <summary>Which periodic jobs run in this process now (one per host).</summary>
public sealed class RecurringJobTurns
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    public bool TryBegin(string name) => _running.TryAdd(name, 0);

    public void End(string name) => _running.TryRemove(name, out _);
}
