using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Jobs.Operations;

namespace Portal.Replica;

/// <summary>
/// Three steps that each leave an effect in the database and then take <see cref="StepDelay"/>, so that a kill lands
/// mid-step. Every start of a step is counted (<c>ReplicaRuns</c>: at-least-once delivery re-runs an interrupted
/// step); the effect itself is written idempotently, keyed by operation and step (<c>ReplicaEffects</c>), as the
/// portal's real steps are ("apply", never "create twice").
/// </summary>
public sealed class EffectHandler(IDbContextFactory<PortalDbContext> dbFactory, string replica, TimeSpan stepDelay) : IOperationHandler
{
    public const string KindName = "replica.effects";
    public static readonly string[] StepNames = ["first", "second", "third"];

    public string Kind => KindName;

    public TimeSpan StepDelay => stepDelay;

    public IReadOnlyList<OperationStepDefinition> Steps => StepNames.Select(name => new OperationStepDefinition(name, async (context, ct) =>
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var provider = db.Database.ProviderName ?? "";
            await db.Database.ExecuteSqlAsync($"INSERT INTO replica_runs (operation_id, step, replica) VALUES ({context.OperationId.ToString()}, {name}, {replica})", ct);
            if (provider.Contains("Npgsql", StringComparison.Ordinal))
                await db.Database.ExecuteSqlAsync($"INSERT INTO replica_effects (operation_id, step, replica) VALUES ({context.OperationId.ToString()}, {name}, {replica}) ON CONFLICT DO NOTHING", ct);
            else
                await db.Database.ExecuteSqlAsync($"INSERT OR IGNORE INTO replica_effects (operation_id, step, replica) VALUES ({context.OperationId.ToString()}, {name}, {replica})", ct);
        }
        await Task.Delay(stepDelay, ct);
        return StepOutcome.Succeeded();
    })).ToList();

    /// <summary>The two tables, beside the portal's own (not part of its model).</summary>
    public static Task CreateTablesAsync(PortalDbContext db) => db.Database.ExecuteSqlRawAsync("""
        CREATE TABLE IF NOT EXISTS replica_runs (operation_id TEXT NOT NULL, step TEXT NOT NULL, replica TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS replica_effects (operation_id TEXT NOT NULL, step TEXT NOT NULL, replica TEXT NOT NULL, PRIMARY KEY (operation_id, step));
        """);
}
