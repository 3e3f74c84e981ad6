using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;
using Portal.Jobs.Operations;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Operations;

/// <summary>The service's rules (who may retry and cancel, which states allow it), its queries and the engine's health.</summary>
public sealed class OperationServiceTests : IDisposable
{
    private readonly EngineDatabase _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RetryAsync_ByAViewer_IsForbiddenAndChangesNothing()
    {
        var handler = new ScriptedHandler("test.fails", ("apply", (_, _) => Task.FromResult(StepOutcome.Failed("Broken."))));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler]);
        var id = await host.EnqueueAsync("test.fails");
        await host.WaitUntilFinishedAsync(id);

        (await host.Operations.RetryAsync(OperationsTestHost.Viewer, id)).ShouldBeRefused(RefusalKind.Forbidden);
        (await host.Operations.CancelAsync(OperationsTestHost.Viewer, id)).ShouldBeRefused(RefusalKind.Forbidden);

        var operation = await host.LoadAsync(id);
        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Equal(1, operation.Attempt);
        Assert.Equal(1, handler.Entered("apply"));
    }

    [Fact]
    public async Task RetryAsync_SucceededOperation_IsRefusedAsAConflict()
    {
        await using var host = await OperationsTestHost.CreateAsync(_folder, [new ScriptedHandler("test.ok", ("apply", ScriptedHandler.Succeeds()))]);
        var id = await host.EnqueueAsync("test.ok");
        await host.WaitUntilFinishedAsync(id);

        var refusal = (await host.Operations.RetryAsync(OperationsTestHost.Admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("succeeded", refusal.Message);
    }

    [Fact]
    public async Task RetryAsync_UnknownOperation_IsNotFound()
    {
        await using var host = await OperationsTestHost.CreateAsync(_folder, []);

        (await host.Operations.RetryAsync(OperationsTestHost.Admin, Guid.NewGuid())).ShouldBeRefused(RefusalKind.NotFound);
    }

    [Fact]
    public async Task Prepare_UnknownKind_ThrowsBecauseItIsAWiringError()
    {
        await using var host = await OperationsTestHost.CreateAsync(_folder, [], start: false);

        var error = Assert.Throws<InvalidOperationException>(() => host.Operations.Prepare(OperationsTestHost.Admin,
            new OperationRequest("nobody.handles-this", new OperationTarget("Platform", "p-1", "pg"))));
        Assert.Contains("AddOperationHandler", error.Message);
    }

    [Fact]
    public void OperationHandlers_TwoForOneKind_ThrowAtStartUp()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OperationHandlers(
            [new ScriptedHandler("test.same", ("a", ScriptedHandler.Succeeds())), new ScriptedHandler("test.same", ("b", ScriptedHandler.Succeeds()))]));
        Assert.Contains("test.same", error.Message);
    }

    [Fact]
    public void OperationHandlers_StepsDifferFromTheDomainsDeclaration_ThrowAtStartUp()
    {
        var declared = Portal.Domain.Clusters.ClusterOperations.Of(Portal.Domain.Clusters.ClusterOperations.ScalePool);
        var renamed = new ScriptedHandler(declared.Name, [.. declared.Steps.Select((name, i) => (i == 1 ? "Wait for it" : name, ScriptedHandler.Succeeds()))]);

        var error = Assert.Throws<InvalidOperationException>(() => new OperationHandlers([renamed]));

        Assert.Contains(declared.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains("'Wait for it'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{declared.Steps[1]}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListForTargetAsync_PagesOneResourcesHistoryNewestFirstWithSteps()
    {
        await using var host = await OperationsTestHost.CreateAsync(_folder,
            [new ScriptedHandler("test.ok", ("apply", ScriptedHandler.Succeeds()), ("verify", ScriptedHandler.Succeeds()))], start: false);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await host.EnqueueAsync("test.ok", targetId: "pg-1"));
        await host.EnqueueAsync("test.ok", targetId: "pg-2");

        var first = (await host.Operations.ListForTargetAsync(OperationsTestHost.Viewer, "Platform", "pg-1", new PageRequest(0, 2))).ShouldSucceed();
        var second = (await host.Operations.ListForTargetAsync(OperationsTestHost.Viewer, "Platform", "pg-1", new PageRequest(2, 2))).ShouldSucceed();

        Assert.Equal(3, first.Total);
        Assert.Equal(2, first.Items.Count);
        Assert.Single(second.Items);
        var listed = first.Items.Concat(second.Items).ToList();
        Assert.Equal(ids.Order(), listed.Select(o => o.Id).Order());
        Assert.True(listed.Zip(listed.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt));
        Assert.All(listed, o => Assert.Equal(["apply", "verify"], o.Steps.Select(s => s.Name)));
        Assert.All(listed, o => Assert.True(o.CanCancel));
        Assert.All(listed, o => Assert.Equal("Ada Admin", o.RequestedByName));
    }

    [Fact]
    public async Task ListAsync_Filters_ByStateKindTargetUserAndTime()
    {
        var handlers = new IOperationHandler[]
        {
            new ScriptedHandler("test-platform.create", ("apply", ScriptedHandler.Succeeds())),
            new ScriptedHandler("test-platform.delete", ("apply", (_, _) => Task.FromResult(StepOutcome.Failed("Blocked.")))),
        };
        await using var host = await OperationsTestHost.CreateAsync(_folder, handlers);
        var bob = new Actor("user-bob", "Bob Builder", PlatformRole.Admin);
        var created = await host.EnqueueAsync("test-platform.create", targetId: "alpha");
        var deleted = await host.EnqueueAsync("test-platform.delete", targetId: "beta", requestedBy: bob);
        await host.WaitUntilFinishedAsync(created);
        await host.WaitUntilFinishedAsync(deleted);
        var viewer = OperationsTestHost.Viewer;
        var all = new PageRequest();

        Assert.Equal([deleted], await IdsAsync(new OperationFilter(State: OperationState.Failed)));
        Assert.Equal([created], await IdsAsync(new OperationFilter(Kind: "create")));
        Assert.Equal([deleted], await IdsAsync(new OperationFilter(Target: "platform beta")));
        Assert.Equal([created], await IdsAsync(new OperationFilter(Target: "alpha")));
        Assert.Equal([deleted], await IdsAsync(new OperationFilter(RequestedBy: "bob")));
        Assert.Equal(2, (await IdsAsync(new OperationFilter(From: DateTimeOffset.UtcNow.AddMinutes(-5)))).Count);
        Assert.Empty(await IdsAsync(new OperationFilter(To: DateTimeOffset.UtcNow.AddMinutes(-5))));
        (await host.Operations.ListAsync(new Actor("user-none", "Nobody", PlatformRole.None), new OperationFilter(), all))
            .ShouldBeRefused(RefusalKind.Forbidden);
        Assert.Equal(["test-platform.create", "test-platform.delete"], await host.Operations.ListKindsAsync());

        async Task<IReadOnlyList<Guid>> IdsAsync(OperationFilter filter) =>
            (await host.Operations.ListAsync(viewer, filter, all)).ShouldSucceed().Items.Select(o => o.Id).ToList();
    }

    [Fact]
    public async Task GetHealthAsync_ReportsSchedulerQueueDepthAndRunning()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler("test.slow", ("apply", async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            return StepOutcome.Succeeded();
        }));
        await using var host = await OperationsTestHost.CreateAsync(_folder, [handler], start: false);
        await host.EnqueueAsync("test.slow", targetId: "a");
        await host.EnqueueAsync("test.slow", targetId: "b");

        var stopped = await host.Operations.GetHealthAsync();
        await host.Engine.StartAsync(CancellationToken.None);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await OperationsEngineTests.WaitUntilAsync(async () => (await host.Operations.GetHealthAsync()).Running == 2);
        var running = await host.Operations.GetHealthAsync();
        release.SetResult();

        Assert.False(stopped.EngineRunning);
        Assert.Equal(2, stopped.Queued);
        Assert.NotNull(stopped.OldestQueuedAt);
        Assert.Contains("not running", stopped.Summary);
        Assert.True(running.EngineRunning);
        Assert.Equal(0, running.Queued);
        Assert.Equal(2, running.Running);
        Assert.Equal(2, running.ExecutingHere);
    }
}
