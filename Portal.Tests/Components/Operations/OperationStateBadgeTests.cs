using Bunit;
using Portal.Components.Operations;
using Portal.Domain.Operations;

namespace Portal.Tests.Components.Operations;

public sealed class OperationStateBadgeTests : ComponentTest
{
    [Theory]
    [InlineData(OperationState.Queued, "state-neutral")]
    [InlineData(OperationState.Running, "state-info")]
    [InlineData(OperationState.Succeeded, "state-success")]
    [InlineData(OperationState.Failed, "state-error")]
    [InlineData(OperationState.Cancelled, "state-muted")]
    public void EachState_TakesItsToneAndNamesItsState(OperationState state, string toneClass)
    {
        var cut = Render<OperationStateBadge>(p => p.Add(b => b.State, state));

        var badge = cut.Find(".state-badge");
        Assert.Equal(state.ToString(), badge.TextContent);
        Assert.Contains(toneClass, badge.ClassList);
        Assert.Equal(state.ToString(), badge.GetAttribute("data-operation-state"));
    }

    [Fact]
    public void RunningWithCancelRequested_ReadsCancellingAsAWarning()
    {
        var cut = Render<OperationStateBadge>(p => p.Add(b => b.State, OperationState.Running).Add(b => b.CancelRequested, true));

        var badge = cut.Find(".state-badge");
        Assert.Equal("Cancelling", badge.TextContent);
        Assert.Contains("state-warning", badge.ClassList);
        Assert.Equal("Running", badge.GetAttribute("data-operation-state"));
    }
}
