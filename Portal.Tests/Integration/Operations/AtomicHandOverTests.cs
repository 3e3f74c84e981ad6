using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// On PostgreSQL an operation's row and its Hangfire job are created in one transaction: a command that commits leaves
/// both, one that fails after the job was created leaves neither. Always on PostgreSQL (SQLite's jobs live in memory,
/// and its rows are the durable queue).
/// </summary>
public sealed class AtomicHandOverTests : IDisposable
{
    private const string Kind = "test.atomic";
    private readonly EngineDatabase _database = new(DatabaseProvider.PostgreSql);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task RunAsync_CommandQueuesAnOperation_CommitsItsRowAndItsJobTogetherAndRunsItOnce()
    {
        var handler = new ScriptedHandler(Kind, ("only", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_database, [handler]);
        var commands = host.Services.GetRequiredService<CommandRunner>();
        Assert.True(host.Services.GetRequiredService<IOperationDispatcher>().EnqueuesInTransaction);

        var id = Guid.Empty;
        var result = await commands.RunAsync(OperationsTestHost.Admin, Subject, db =>
        {
            id = AddOperation(host, db);
            return Task.FromResult(Result.Ok());
        });

        Assert.True(result.Succeeded);
        var operation = await host.WaitUntilFinishedAsync(id);
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(1, await JobsOfAsync(id));
        Assert.Equal(1, handler.Entered("only"));
    }

    [Fact]
    public async Task RunAsync_FailureAfterTheJobWasCreated_LeavesNeitherRowNorJobNorAuditEntry()
    {
        var handler = new ScriptedHandler(Kind, ("only", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_database, [handler], services: services =>
            services.Replace(ServiceDescriptor.Singleton<IOperationDispatcher>(sp =>
                new FailingAfterEnqueue(new EngineOperationDispatcher(sp, NullLogger<EngineOperationDispatcher>.Instance)))));
        var commands = host.Services.GetRequiredService<CommandRunner>();

        var id = Guid.Empty;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => commands.RunAsync(OperationsTestHost.Admin, Subject, db =>
        {
            id = AddOperation(host, db);
            return Task.FromResult(Result.Ok());
        }));

        Assert.Equal(FailingAfterEnqueue.Message, error.Message);
        Assert.NotEqual(Guid.Empty, id);
        Assert.Equal(0, await JobsOfAsync(id));
        await using var db = host.NewContext();
        Assert.False(await db.Operations.AnyAsync(o => o.Id == id));
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == Subject.Action));
        // The engine kept nothing about it: the job it created is gone with the transaction.
        Assert.Equal(0, host.Engine.InFlightCount);
        Assert.Equal(0, handler.Entered("only"));
    }

    [Fact]
    public async Task RunSerializedAsync_CommandQueuesAnOperation_CommitsItsRowAndItsJobTogether()
    {
        var handler = new ScriptedHandler(Kind, ("only", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_database, [handler]);
        var commands = host.Services.GetRequiredService<CommandRunner>();

        var id = Guid.Empty;
        var result = await commands.RunSerializedAsync(OperationsTestHost.Admin, Subject, async db =>
        {
            // A read under the serialized lock, then the change: both in the transaction that creates the job.
            _ = await db.Operations.CountAsync();
            id = AddOperation(host, db);
            return Result.Ok();
        });

        Assert.True(result.Succeeded);
        Assert.Equal(OperationState.Succeeded, (await host.WaitUntilFinishedAsync(id)).State);
        Assert.Equal(1, await JobsOfAsync(id));
    }

    [Fact]
    public async Task EnqueueAsync_OnPostgreSql_CreatesTheJobWithTheRow()
    {
        var handler = new ScriptedHandler(Kind, ("only", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_database, [handler]);

        var id = await host.EnqueueAsync(Kind);

        Assert.Equal(OperationState.Succeeded, (await host.WaitUntilFinishedAsync(id)).State);
        Assert.Equal(1, await JobsOfAsync(id));
    }

    private static readonly AuditSubject Subject = new("test.atomic-command", "Platform", "target-1", "Platform target-1");

    private static Guid AddOperation(OperationsTestHost host, PortalDbContext db)
    {
        var operation = host.Operations.Prepare(OperationsTestHost.Admin,
            new OperationRequest(Kind, new OperationTarget("Platform", "target-1", "Platform target-1"), null));
        db.Operations.Add(operation);
        return operation.Id;
    }

    /// <summary>Hangfire jobs whose arguments name the operation, read straight from Hangfire's tables.</summary>
    private async Task<int> JobsOfAsync(Guid operationId)
    {
        await using var connection = new NpgsqlConnection(_database.Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {new OperationsOptions().HangfireSchema}.job WHERE arguments::text LIKE @id", connection);
        command.Parameters.AddWithValue("id", $"%{operationId}%");
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    /// <summary>The engine's dispatcher, failing once the jobs exist and before the command commits.</summary>
    private sealed class FailingAfterEnqueue(IOperationDispatcher inner) : IOperationDispatcher
    {
        public const string Message = "The command failed after its jobs were created.";

        public bool EnqueuesInTransaction => inner.EnqueuesInTransaction;

        public async Task EnqueueInTransactionAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct)
        {
            await inner.EnqueueInTransactionAsync(operationIds, ct);
            throw new InvalidOperationException(Message);
        }

        public Task DispatchAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct) => inner.DispatchAsync(operationIds, ct);

        public Task SignalCancelAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct) => inner.SignalCancelAsync(operationIds, ct);
    }
}
