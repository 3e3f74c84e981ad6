using Bunit;
using Portal.Components.ServiceConfigs;
using Portal.Domain.ServiceConfigs;

namespace Portal.Tests.Components.ServiceConfigs;

public sealed class PlatformStateBadgeTests : ComponentTest
{
    [Theory]
    [InlineData(PlatformState.Provisioning, "state-info")]
    [InlineData(PlatformState.Active, "state-success")]
    [InlineData(PlatformState.Upgrading, "state-info")]
    [InlineData(PlatformState.Deleting, "state-warning")]
    [InlineData(PlatformState.Failed, "state-error")]
    public void EachState_TakesItsTone(PlatformState state, string toneClass)
    {
        var cut = Render<PlatformStateBadge>(p => p.Add(b => b.State, state).Add(b => b.Reason, "Why it is so."));

        var badge = cut.Find(".state-badge");
        Assert.Equal(state.ToString(), badge.TextContent);
        Assert.Contains(toneClass, badge.ClassList);
        Assert.Equal("Why it is so.", badge.GetAttribute("title"));
    }

    [Fact]
    public void Disabled_AddsAMutedDisabledBadge()
    {
        var cut = Render<PlatformStateBadge>(p => p.Add(b => b.State, PlatformState.Active).Add(b => b.Enabled, false));

        var disabled = cut.FindAll(".state-badge").Single(b => b.TextContent == "Disabled");
        Assert.Contains("state-muted", disabled.ClassList);
    }

    [Fact]
    public void Enabled_ShowsOnlyTheState()
    {
        var cut = Render<PlatformStateBadge>(p => p.Add(b => b.State, PlatformState.Active));

        Assert.Single(cut.FindAll(".state-badge"));
    }
}
