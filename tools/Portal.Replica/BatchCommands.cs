using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;
using Portal.Jobs.Operations;

namespace Portal.Replica;

/// <summary>
/// The crash benchmark's other half (benchmarks/run-crash.sh): <c>enqueue</c> records a batch of effect operations
/// while no engine runs (the replicas' start-up sweep takes them), <c>report</c> counts what became of them.
/// </summary>
internal static class BatchCommands
{
    public static async Task<int> RunAsync(string command, string provider, string connectionString, string countText)
    {
        var count = int.Parse(countText, System.Globalization.CultureInfo.InvariantCulture);
        var data = PortalDataOptions.FromSettings(provider, connectionString, Path.GetTempPath());
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(data);
        services.AddDbContextFactory<PortalDbContext>(options => DatabaseSetup.Configure(options, data));
        services.AddSingleton<AuditLog>();
        services.AddOperationsEngine();
        services.AddSingleton<IOperationHandler>(sp => new EffectHandler(sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), "none", TimeSpan.Zero));
        await using var services_ = services.BuildServiceProvider();
        var dbFactory = services_.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();

        if (command == "enqueue")
        {
            await DatabaseSetup.MigrateAsync(db);
            await EffectHandler.CreateTablesAsync(db);
            var operations = services_.GetRequiredService<OperationService>();
            var actor = new Actor("benchmark", "Crash benchmark", PlatformRole.Admin);
            for (var i = 0; i < count; i++)
                await operations.EnqueueAsync(actor, new OperationRequest(EffectHandler.KindName, new OperationTarget("Benchmark", $"b-{i}", $"Batch {i}")));
            return 0;
        }

        // report: finished / lost / stuck / step re-runs, one line of key=value
        var states = await db.Operations.AsNoTracking().Where(o => o.Kind == EffectHandler.KindName).Select(o => new { o.Id, o.State }).ToListAsync();
        var effects = await db.Database.SqlQueryRaw<string>("SELECT operation_id AS \"Value\" FROM replica_effects").ToListAsync();
        var runs = await db.Database.SqlQueryRaw<string>("SELECT operation_id || '/' || step AS \"Value\" FROM replica_runs").ToListAsync();
        var effectsByOperation = effects.GroupBy(e => e, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var succeeded = states.Where(s => s.State == OperationState.Succeeded).ToList();
        // Lost: a batch operation that vanished, or one recorded as done whose effects are not all there.
        var lost = (count - states.Count) + succeeded.Count(s => effectsByOperation.GetValueOrDefault(s.Id.ToString()) != EffectHandler.StepNames.Length);
        var unfinished = states.Count(s => s.State is OperationState.Queued or OperationState.Running);
        var failed = states.Count(s => s.State is OperationState.Failed or OperationState.Cancelled);
        // A step started again after a kill (at-least-once delivery); its effect is keyed, so it exists once regardless.
        var reruns = runs.Count - runs.Distinct(StringComparer.OrdinalIgnoreCase).Count();
        Console.WriteLine($"succeeded={succeeded.Count} unfinished={unfinished} failed={failed} lost={lost} effects={effects.Count} step_reruns={reruns}");
        return 0;
    }
}
