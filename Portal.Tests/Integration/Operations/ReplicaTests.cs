using System.Diagnostics;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;
using Portal.Replica;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// Two portal replicas on one PostgreSQL database: one runs as a process of its own (tools/Portal.Replica) so that it
/// can really be killed -9 mid-step; the other is an engine host in this process. Always on PostgreSQL: several
/// replicas is what PostgreSQL is for (one process per SQLite file).
/// </summary>
public sealed class ReplicaTests : IDisposable
{
    private readonly EngineDatabase _database = new(DatabaseProvider.PostgreSql);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Operation_ReplicaKilledMidStep_IsFinishedByTheOtherReplicaWithEachEffectOnce()
    {
        // Replica B: migrates the database and records the operation, its engine not started yet, so replica A takes it.
        EffectHandler? handlerB = null;
        await using var b = await OperationsTestHost.CreateAsync(_database, [], start: false, services: services =>
            services.AddSingleton<IOperationHandler>(sp =>
                handlerB = new EffectHandler(sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), "B", TimeSpan.FromMilliseconds(50))));
        await using (var db = b.NewContext())
            await EffectHandler.CreateTablesAsync(db);
        var id = await b.EnqueueAsync(EffectHandler.KindName);

        using (var a = await ReplicaProcess.StartAsync(_database.Options, "A", stepDelay: TimeSpan.FromSeconds(3)))
        {
            // A's start-up sweep takes the operation; kill A while its second step waits (each takes 3 s there), which is
            // once its effect is written (the run is counted a statement earlier: a kill there would be mid-write).
            await WaitUntilAsync(async () => (await EffectsAsync(b)).Contains(("second", "A")), TimeSpan.FromSeconds(60));
            a.Kill();
        }
        var midway = await b.LoadAsync(id);
        await b.Engine.StartAsync(CancellationToken.None);
        var operation = await b.WaitUntilFinishedAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal(OperationState.Running, midway.State);
        Assert.Equal([StepState.Succeeded, StepState.Running, StepState.Pending], midway.Steps.Select(s => s.State));
        Assert.NotNull(handlerB);
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(1, operation.Attempt);
        // At-least-once delivery: the interrupted step ran again on B; nothing before it did, nothing after it twice.
        Assert.Equal([("first", "A"), ("second", "A"), ("second", "B"), ("third", "B")], (await RunsAsync(b)).Order().ToList());
        // Idempotent steps: each effect exists once.
        Assert.Equal([("first", "A"), ("second", "A"), ("third", "B")], (await EffectsAsync(b)).Order().ToList());
    }

    [Fact]
    public async Task StartAsync_RecurringJobLockLeftByAKilledReplica_StartsAndRegistersTheJobOnceTheLockIsFree()
    {
        await using var host = await OperationsTestHost.CreateAsync(_database, [], start: false,
            configure: options => options.RecurringJobRetryInterval = TimeSpan.FromMilliseconds(200));
        // A replica that died while registering the sweep: its lock stays until it is released or times out.
        var options = host.Services.GetRequiredService<OperationsOptions>();
        var otherReplica = Portal.Jobs.Operations.Dispatch.HangfireSetup.CreateStorage(options);
        using var connection = otherReplica.GetConnection();
        var lockOfTheDeadReplica = connection.AcquireDistributedLock("lock:recurring-job:operations.sweep", TimeSpan.FromSeconds(5));

        await host.Engine.StartAsync(CancellationToken.None);

        Assert.True(host.Engine.IsRunning);
        Assert.DoesNotContain("operations.sweep", RecurringJobs(host));
        lockOfTheDeadReplica.Dispose();
        await WaitUntilAsync(() => Task.FromResult(RecurringJobs(host).Contains("operations.sweep")), TimeSpan.FromSeconds(60));
    }

    private static List<string> RecurringJobs(OperationsTestHost host)
    {
        using var connection = host.Engine.Storage.GetConnection();
        return connection.GetRecurringJobs().Select(job => job.Id).ToList();
    }

    private static async Task<List<(string Step, string Replica)>> RunsAsync(OperationsTestHost host) =>
        await RowsAsync(host, "SELECT step AS \"Step\", replica AS \"Replica\" FROM replica_runs");

    private static async Task<List<(string Step, string Replica)>> EffectsAsync(OperationsTestHost host) =>
        await RowsAsync(host, "SELECT step AS \"Step\", replica AS \"Replica\" FROM replica_effects");

    private static async Task<List<(string Step, string Replica)>> RowsAsync(OperationsTestHost host, string sql)
    {
        await using var db = host.NewContext();
        var rows = await db.Database.SqlQueryRaw<StepRow>(sql).ToListAsync();
        return rows.Select(r => (r.Step, r.Replica)).ToList();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"The condition did not hold within {timeout}.");
            await Task.Delay(50);
        }
    }

    private sealed record StepRow(string Step, string Replica);
}

/// <summary>tools/Portal.Replica as a child process: started on a database, killed like kill -9.</summary>
internal sealed class ReplicaProcess : IDisposable
{
    private readonly Process _process;

    private ReplicaProcess(Process process) => _process = process;

    public static async Task<ReplicaProcess> StartAsync(PortalDataOptions data, string name, TimeSpan stepDelay)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { ReplicaDll(), data.Provider.ToString(), data.ConnectionString, name, ((int)stepDelay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the replica process.");
        var replica = new ReplicaProcess(process);
        var errors = process.StandardError.ReadToEndAsync();
        var ready = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
                if (line == "ready") return true;
            return false;
        });
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(60))) != ready || !await ready)
        {
            replica.Kill();
            Assert.Fail($"Replica {name} did not start: {await errors}");
        }
        return replica;
    }

    /// <summary>SIGKILL: no graceful stop, no cleanup; the database sees its sessions end.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>The replica built next to this test run (same configuration), found from the repository root.</summary>
    private static string ReplicaDll()
    {
        var here = Path.GetDirectoryName(typeof(ReplicaProcess).Assembly.Location)!; // …/Portal.Tests/bin/<Configuration>/net10.0
        var configuration = new DirectoryInfo(here).Parent!.Name;
        var root = new DirectoryInfo(here);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Portal.sln")))
            root = root.Parent;
        var dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Portal.sln not found above " + here),
            "tools", "Portal.Replica", "bin", configuration, "net10.0", "Portal.Replica.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build Portal.sln first.");
    }
}
