using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;

namespace Portal.Tests.Integration.Operations;

/// <summary>Work survives the process: crash recovery, the start-up sweep, and recurring jobs.</summary>
public sealed class OperationRecoveryTests : IDisposable
{
    private readonly EngineDatabase _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task StartAsync_AfterCrashMidStep_ResumesFromTheInterruptedStepWithoutDuplicates()
    {
        // Side effects are counted when a step completes its work; "entered" counts every start of a step.
        var effects = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var blocking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var crashed = false;
        Func<StepContext, CancellationToken, Task<StepOutcome>> Effect(string name) => (_, _) =>
        {
            effects.AddOrUpdate(name, 1, (_, n) => n + 1);
            return Task.FromResult(StepOutcome.Succeeded());
        };
        ScriptedHandler Handler() => new("test.recover",
            ("create network", Effect("create network")),
            ("create cluster", async (context, ct) =>
            {
                if (!crashed)
                {
                    blocking.TrySetResult();
                    // The first process dies here: this run never completes and never records anything again.
                    await new TaskCompletionSource().Task;
                }
                Assert.True(context.Resumed, "The re-run step should know it was interrupted.");
                return await Effect("create cluster")(context, ct);
            }),
            ("install operator", Effect("install operator")));
        var first = Handler();
        var second = Handler();

        var before = await OperationsTestHost.CreateAsync(_folder, [first]);
        var id = await before.EnqueueAsync("test.recover");
        await blocking.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var midway = await before.LoadAsync(id);
        crashed = true;
        await before.CrashAsync();

        await using var after = await OperationsTestHost.CreateAsync(_folder, [second]);
        var operation = await after.WaitUntilFinishedAsync(id);

        Assert.Equal(OperationState.Running, midway.State);
        Assert.Equal([StepState.Succeeded, StepState.Running, StepState.Pending], midway.Steps.Select(s => s.State));
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(1, operation.Attempt);
        Assert.Equal(0, second.Entered("create network"));
        Assert.Equal(1, second.Entered("create cluster"));
        Assert.Equal(1, effects["create network"]);
        Assert.Equal(1, effects["create cluster"]);
        Assert.Equal(1, effects["install operator"]);
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
    }

    [Fact]
    public async Task StartAsync_QueuedOperationWithoutAJob_IsDispatchedByTheSweep()
    {
        var handler = new ScriptedHandler("test.sweep", ("apply", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler], start: false);
        // Committed while the scheduler was down: the row exists, the job does not.
        var id = await host.EnqueueAsync("test.sweep");
        Assert.Equal(OperationState.Queued, (await host.LoadAsync(id)).State);

        await host.Engine.StartAsync(CancellationToken.None);
        var operation = await host.WaitUntilFinishedAsync(id);

        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(1, handler.Entered("apply"));
    }

    [Fact]
    public async Task StopAsync_StepRunning_WaitsForItToFinish()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler("test.graceful", ("apply", async (_, _) =>
        {
            entered.TrySetResult();
            await Task.Delay(300, CancellationToken.None);
            return StepOutcome.Succeeded();
        }));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var id = await host.EnqueueAsync("test.graceful");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await host.Engine.StopAsync(CancellationToken.None);

        Assert.Equal(OperationState.Succeeded, (await host.LoadAsync(id)).State);
        Assert.False(host.Engine.IsRunning);
    }

    [Fact]
    public async Task AddRecurringJob_OneSecondInterval_RunsRepeatedlyEachTimeInItsOwnScope()
    {
        var counter = new TickCounter();
        await using var host = await OperationsTestHost.CreateAsync(_folder, [], services: services =>
        {
            services.AddSingleton(counter);
            services.AddScoped<ScopedThing>();
            services.AddRecurringJob<TickJob>("test.tick", TimeSpan.FromSeconds(1));
        });

        await OperationsEngineTests.WaitUntilAsync(() => Task.FromResult(counter.Ticks >= 2), TimeSpan.FromSeconds(8));

        Assert.True(counter.Ticks >= 2);
        Assert.True(counter.Scopes.Distinct().Count() >= 2, "Each run should get its own scope.");
    }

    public sealed class TickCounter
    {
        private int _ticks;
        public int Ticks => Volatile.Read(ref _ticks);
        public System.Collections.Concurrent.ConcurrentBag<Guid> Scopes { get; } = [];
        public void Tick(Guid scope)
        {
            Scopes.Add(scope);
            Interlocked.Increment(ref _ticks);
        }
    }

    public sealed class ScopedThing
    {
        public Guid Id { get; } = Guid.NewGuid();
    }

    public sealed class TickJob(TickCounter counter, ScopedThing scoped) : IRecurringJob
    {
        public Task RunAsync(CancellationToken ct)
        {
            counter.Tick(scoped.Id);
            return Task.CompletedTask;
        }
    }
}
