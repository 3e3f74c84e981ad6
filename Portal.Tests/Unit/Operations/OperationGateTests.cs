using Portal.Jobs.Operations;

namespace Portal.Tests.Unit.Operations;

public sealed class OperationGateTests
{
    [Fact]
    public async Task EnterAsync_SameOperationTwice_SecondWaitsForTheFirstToLeave()
    {
        var gate = new OperationGate();
        var id = Guid.NewGuid();
        var first = await gate.EnterAsync(id, CancellationToken.None);

        var second = gate.EnterAsync(id, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task EnterAsync_OtherOperations_DoNotWait()
    {
        var gate = new OperationGate();
        using var first = await gate.EnterAsync(Guid.NewGuid(), CancellationToken.None);

        var other = gate.EnterAsync(Guid.NewGuid(), CancellationToken.None);

        Assert.True(other.IsCompletedSuccessfully);
        (await other).Dispose();
    }

    [Fact]
    public async Task EnterAsync_CancelledWhileWaiting_ThrowsAndLeavesTheGateUsable()
    {
        var gate = new OperationGate();
        var id = Guid.NewGuid();
        var first = await gate.EnterAsync(id, CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var waiting = gate.EnterAsync(id, stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        first.Dispose();

        using var again = await gate.EnterAsync(id, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
    }
}
