using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Operations;

/// <summary>Cooperative cancellation: of a queued operation, of a running step, and between steps.</summary>
public sealed class OperationCancelTests : IDisposable
{
    private readonly EngineDatabase _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task CancelAsync_QueuedOperation_CancelsAtOnceRecordsWhoAndNeverRuns()
    {
        var handler = new ScriptedHandler("test.cancel-queued", ("apply", ScriptedHandler.Succeeds()), ("verify", ScriptedHandler.Succeeds()));
        // The engine is not started yet, so the operation stays queued.
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler], start: false);
        var id = await host.EnqueueAsync("test.cancel-queued");

        (await host.Operations.CancelAsync(OperationsTestHost.Admin, id)).ShouldSucceed();
        await host.Engine.StartAsync(CancellationToken.None);
        var other = await host.EnqueueAsync("test.cancel-queued", targetId: "other");
        await host.WaitUntilFinishedAsync(other);

        var operation = await host.LoadAsync(id);
        Assert.Equal(OperationState.Cancelled, operation.State);
        Assert.True(operation.CancelRequested);
        Assert.Equal(OperationsTestHost.Admin.UserId, operation.CancelledById);
        Assert.Equal("Ada Admin", operation.CancelledByName);
        Assert.Equal(0, operation.Attempt);
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Skipped, s.State));
        Assert.Equal(1, handler.Entered("apply")); // only the other operation's run
        await using var db = host.NewContext();
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "operation.cancel");
        Assert.Equal(AuditOutcome.Succeeded, audit.Outcome);
        Assert.Equal(id.ToString(), audit.TargetId);
    }

    [Fact]
    public async Task CancelAsync_RunningStep_StopsItThroughItsTokenAndSkipsTheRest()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler("test.cancel-running",
            ("wait for the cluster", async (_, ct) =>
            {
                entered.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return StepOutcome.Succeeded();
            }),
            ("verify", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var id = await host.EnqueueAsync("test.cancel-running");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        (await host.Operations.CancelAsync(OperationsTestHost.Admin, id)).ShouldSucceed();
        var operation = await host.WaitUntilFinishedAsync(id);

        Assert.Equal(OperationState.Cancelled, operation.State);
        Assert.Equal("Ada Admin", operation.CancelledByName);
        Assert.Equal(StepState.Skipped, operation.Steps[0].State);
        Assert.Contains("cancelled by Ada Admin", operation.Steps[0].Message);
        Assert.Equal(StepState.Skipped, operation.Steps[1].State);
        Assert.Equal(0, handler.Entered("verify"));
        Assert.Null(operation.Error);
    }

    [Fact]
    public async Task CancelAsync_StepIgnoringItsToken_StopsBeforeTheNextStep()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler("test.cancel-between",
            ("apply", async (_, _) =>
            {
                entered.TrySetResult();
                await release.Task; // deliberately deaf to cancellation: the step finishes its work
                return StepOutcome.Succeeded("Applied.");
            }),
            ("verify", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var id = await host.EnqueueAsync("test.cancel-between");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        (await host.Operations.CancelAsync(OperationsTestHost.Admin, id)).ShouldSucceed();
        var requested = await host.LoadAsync(id);
        release.SetResult();
        var operation = await host.WaitUntilFinishedAsync(id);

        Assert.Equal(OperationState.Running, requested.State);
        Assert.True(requested.CancelRequested);
        Assert.Equal(OperationState.Cancelled, operation.State);
        Assert.Equal([StepState.Succeeded, StepState.Skipped], operation.Steps.Select(s => s.State));
        Assert.Equal(0, handler.Entered("verify"));
    }

    [Fact]
    public async Task CancelAsync_FinishedOperation_IsRefusedAndAudited()
    {
        var handler = new ScriptedHandler("test.cancel-finished", ("apply", ScriptedHandler.Succeeds()));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var id = await host.EnqueueAsync("test.cancel-finished");
        await host.WaitUntilFinishedAsync(id);

        var refusal = (await host.Operations.CancelAsync(OperationsTestHost.Admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("already finished", refusal.Message);
        Assert.Equal(OperationState.Succeeded, (await host.LoadAsync(id)).State);
        await using var db = host.NewContext();
        Assert.Equal(AuditOutcome.Refused, (await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "operation.cancel")).Outcome);
    }
}
