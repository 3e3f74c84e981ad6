using Portal.Domain.Operations;
using Portal.Jobs.Operations;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Operations;

/// <summary>The engine end to end: real Hangfire servers, a real database, steps run by the job.</summary>
public sealed class OperationsEngineTests : IDisposable
{
    private readonly EngineDatabase _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EnqueueAsync_ThreeSteps_RunInOrderAndSucceed()
    {
        var handler = new ScriptedHandler("test.ordered",
            ("prepare", ScriptedHandler.Succeeds()), ("apply", ScriptedHandler.Succeeds("applied")), ("verify", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);

        var id = await host.EnqueueAsync("test.ordered");
        var operation = await host.WaitUntilFinishedAsync(id);

        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(["prepare", "apply", "verify"], handler.Order);
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.Equal("applied", operation.Steps[1].Message);
        Assert.Equal(1, operation.Attempt);
        Assert.Null(operation.Error);
        Assert.NotNull(operation.StartedAt);
        Assert.True(operation.FinishedAt >= operation.StartedAt);
        // Each step started after the previous one finished.
        for (var i = 1; i < operation.Steps.Count; i++)
            Assert.True(operation.Steps[i].StartedAt >= operation.Steps[i - 1].FinishedAt);
    }

    [Fact]
    public async Task EnqueueAsync_StepFailsPermanently_FailsWithTheStepsMessageAndRunsNothingAfter()
    {
        const string message = "The project's volume quota is exhausted. Ask the cloud's operators for more, then retry.";
        var handler = new ScriptedHandler("test.failing",
            ("prepare", ScriptedHandler.Succeeds()),
            ("allocate", (_, _) => Task.FromResult(StepOutcome.Failed(message))),
            ("verify", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);

        var id = await host.EnqueueAsync("test.failing");
        var operation = await host.WaitUntilFinishedAsync(id);

        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Equal(message, operation.Error);
        Assert.Equal([StepState.Succeeded, StepState.Failed, StepState.Pending], operation.Steps.Select(s => s.State));
        Assert.Equal(message, operation.Steps[1].Message);
        Assert.Equal(0, handler.Entered("verify"));
        Assert.Equal(1, handler.Entered("allocate"));
    }

    [Fact]
    public async Task EnqueueAsync_StepThrows_FailsWithTheExceptionMessageWithoutRetrying()
    {
        var handler = new ScriptedHandler("test.throwing",
            ("apply", (_, _) => throw new InvalidOperationException("The manifest is invalid: spec.instances must be at least 1.")));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);

        var operation = await host.WaitUntilFinishedAsync(await host.EnqueueAsync("test.throwing"));

        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Equal("The manifest is invalid: spec.instances must be at least 1.", operation.Error);
        Assert.Equal(1, handler.Entered("apply"));
    }

    [Fact]
    public async Task RetryAsync_FailedOperation_RerunsFromTheFailedStepOnly()
    {
        var failNext = true;
        var handler = new ScriptedHandler("test.retry",
            ("one", ScriptedHandler.Succeeds()),
            ("two", (_, _) => Task.FromResult(failNext ? StepOutcome.Failed("The cluster refused the change.") : StepOutcome.Succeeded())),
            ("three", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var id = await host.EnqueueAsync("test.retry");
        await host.WaitForAsync(id, o => o.State == OperationState.Failed);

        failNext = false;
        (await host.Operations.RetryAsync(OperationsTestHost.Admin, id)).ShouldSucceed();
        var operation = await host.WaitUntilFinishedAsync(id);

        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(2, operation.Attempt);
        Assert.Equal(1, handler.Entered("one"));
        Assert.Equal(2, handler.Entered("two"));
        Assert.Equal(1, handler.Entered("three"));
        Assert.Equal(["one", "two", "two", "three"], handler.Order);
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.Null(operation.Error);
    }

    [Fact]
    public async Task EnqueueAsync_TransientFaultsThenSuccess_RetriesWithinTheStepAndSucceeds()
    {
        var tries = new List<int>();
        var handler = new ScriptedHandler("test.transient",
            ("call the cloud", (context, _) =>
            {
                tries.Add(context.Try);
                return context.Try switch
                {
                    1 => throw new HttpRequestException("Connection refused (keystone.example:5000)"),
                    2 => Task.FromResult(StepOutcome.Transient("The API answered 503 Service Unavailable.")),
                    _ => Task.FromResult(StepOutcome.Succeeded("Created.")),
                };
            }));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);

        var operation = await host.WaitUntilFinishedAsync(await host.EnqueueAsync("test.transient"));

        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal([1, 2, 3], tries);
        Assert.Equal("Created.", operation.Steps[0].Message);
        Assert.Equal(1, operation.Attempt);
    }

    [Fact]
    public async Task EnqueueAsync_TransientFaultPersists_FailsAfterBoundedRetriesSayingSo()
    {
        var handler = new ScriptedHandler("test.unreachable",
            ("call the cloud", (_, _) => throw new HttpRequestException("Connection refused (keystone.example:5000)")));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler], configure: o => o.TransientRetries = 2);

        var operation = await host.WaitUntilFinishedAsync(await host.EnqueueAsync("test.unreachable"));

        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Equal(3, handler.Entered("call the cloud"));
        Assert.Contains("Connection refused", operation.Error);
        Assert.Contains("Gave up after 3 tries", operation.Error);
    }

    [Fact]
    public async Task EnqueueAsync_ClientErrorFromTheProvider_IsPermanentAndNotRetried()
    {
        var handler = new ScriptedHandler("test.forbidden",
            ("call the cloud", (_, _) => throw new HttpRequestException("403 Forbidden: the application credential lacks the member role.", null,
                System.Net.HttpStatusCode.Forbidden)));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);

        var operation = await host.WaitUntilFinishedAsync(await host.EnqueueAsync("test.forbidden"));

        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Equal(1, handler.Entered("call the cloud"));
        Assert.Equal("403 Forbidden: the application credential lacks the member role.", operation.Error);
    }

    [Fact]
    public async Task DispatchAsync_FinishedOperationDeliveredAgain_ChangesNothingAndRunsNoStep()
    {
        var handler = new ScriptedHandler("test.once", ("apply", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var id = await host.EnqueueAsync("test.once");
        var finished = await host.WaitUntilFinishedAsync(id);
        // Let the first delivery's job complete, so the next ones are genuinely new deliveries.
        await WaitUntilAsync(() => Task.FromResult(host.Engine.InFlightCount == 0));

        Assert.True(await host.Engine.DispatchAsync(id));
        Assert.True(await host.Engine.DispatchAsync(id));
        await WaitUntilAsync(() => Task.FromResult(host.Engine.InFlightCount == 0));

        var after = await host.LoadAsync(id);
        Assert.Equal(1, handler.Entered("apply"));
        Assert.Equal(finished.Version, after.Version);
        Assert.Equal(finished.UpdatedAt, after.UpdatedAt);
        Assert.Equal(OperationState.Succeeded, after.State);
    }

    [Fact]
    public async Task DispatchAsync_DeliveredAgainWhileRunning_WaitsAndRunsEachStepOnce()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler("test.duplicate",
            ("apply", async (_, _) =>
            {
                entered.TrySetResult();
                await release.Task;
                return StepOutcome.Succeeded();
            }),
            ("verify", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var id = await host.EnqueueAsync("test.duplicate");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Two more deliveries of the same operation while its first step runs (what a sweep or a redelivery could cause).
        Assert.True(await host.Engine.DispatchAsync(id));
        Assert.True(await host.Engine.DispatchAsync(id));
        await WaitUntilAsync(async () => await host.Engine.ExecutingCountAsync() == 3);
        release.SetResult();
        var operation = await host.WaitUntilFinishedAsync(id);
        await WaitUntilAsync(async () => await host.Engine.ExecutingCountAsync() == 0);

        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(1, handler.Entered("apply"));
        Assert.Equal(1, handler.Entered("verify"));
        Assert.Equal(1, operation.Attempt);
    }

    [Fact]
    public async Task Notifier_TargetSubscriber_HearsEachStateAndStepChange()
    {
        var handler = new ScriptedHandler("test.notify",
            ("one", async (context, ct) =>
            {
                await context.ReportAsync("Halfway there.", ct);
                return StepOutcome.Succeeded();
            }),
            ("two", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var changes = new System.Collections.Concurrent.ConcurrentQueue<OperationChanged>();
        using var subscription = host.Notifier.SubscribeToTarget("Platform", "watched", change =>
        {
            changes.Enqueue(change);
            return Task.CompletedTask;
        });
        var unrelated = 0;
        using var other = host.Notifier.SubscribeToTarget("Platform", "someone-else", _ =>
        {
            Interlocked.Increment(ref unrelated);
            return Task.CompletedTask;
        });

        var id = await host.EnqueueAsync("test.notify", targetId: "watched");
        await host.WaitUntilFinishedAsync(id);
        await WaitUntilAsync(() => Task.FromResult(changes.Any(c => c.State == OperationState.Succeeded)));

        var seen = changes.ToList();
        Assert.All(seen, c => Assert.Equal(id, c.OperationId));
        // Queued; started with step 0 running; step 0's progress; step 0 done with step 1 running; step 1 done and finished.
        Assert.Equal(5, seen.Count);
        Assert.Equal(new OperationChanged(id, "test.notify", "Platform", "watched", OperationState.Queued, null, null), seen[0]);
        Assert.Equal((OperationState.Running, 0, StepState.Running), (seen[1].State, seen[1].StepIndex, seen[1].StepState));
        Assert.Equal((OperationState.Running, 0, StepState.Running), (seen[2].State, seen[2].StepIndex, seen[2].StepState));
        Assert.Equal((OperationState.Running, 1, StepState.Running), (seen[3].State, seen[3].StepIndex, seen[3].StepState));
        Assert.Equal((OperationState.Succeeded, 1, StepState.Succeeded), (seen[4].State, seen[4].StepIndex, seen[4].StepState));
        Assert.Equal(0, unrelated);
    }

    [Fact]
    public async Task EnqueueAsync_Parameters_AreStoredAndReadableByTheSteps()
    {
        string? seenVersion = null;
        var handler = new ScriptedHandler("test.parameters", ("read", (context, _) =>
        {
            seenVersion = context.Parameters<UpgradeParameters>().OperatorVersion;
            return Task.FromResult(StepOutcome.Succeeded());
        }));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);

        var id = await host.EnqueueAsync("test.parameters", parameters: new UpgradeParameters("1.25.1"));
        var operation = await host.WaitUntilFinishedAsync(id);

        Assert.Equal("1.25.1", seenVersion);
        Assert.Equal("""{"operatorVersion":"1.25.1"}""", operation.Parameters);
    }

    private sealed record UpgradeParameters(string OperatorVersion);

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("The condition did not become true in time.");
            await Task.Delay(20);
        }
    }
}
