using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Operations;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;
using Portal.Tests.Integration.ServiceConfigs;

namespace Portal.Tests.Components.Operations;

/// <summary>The shared action history, fed through an <see cref="OperationHistorySource"/> as the cluster page feeds it.</summary>
[Collection(PlatformOperationsCollection.Name)]
public sealed class OperationHistoryTests : ComponentTest, IClassFixture<PortalServicesFixture>
{
    private const string Target = "web";
    private readonly PortalServicesFixture _portal;
    private readonly List<Guid> _retried = [];
    private readonly List<Guid> _cancelled = [];
    private IReadOnlyList<OperationView> _rows = [];

    public OperationHistoryTests(PortalServicesFixture portal)
    {
        _portal = portal;
        portal.UseAs(this, portal.Host.Admin);
    }

    private static OperationView Operation(string kind, OperationState state, params (string Name, StepState State)[] steps) =>
        new(Guid.NewGuid(), kind, "Cluster", "cluster-1", Target, "{}", state, "Ada", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null,
            1, false, null, state == OperationState.Failed ? "The cloud refused." : null,
            steps.Select((s, i) => new OperationStepView(i, s.Name, s.State, null, null, null)).ToList());

    private OperationHistorySource Source => new("test",
        (_, page) => Task.FromResult<Result<Page<OperationView>>>(new Page<OperationView>(_rows.Skip(page.Skip).Take(page.Take).ToList(), _rows.Count)),
        change => change.TargetId == "cluster-1",
        (_, id) => { _retried.Add(id); return Task.FromResult(Result.Ok()); },
        (_, id) => { _cancelled.Add(id); return Task.FromResult(Result.Ok()); });

    private IRenderedComponent<OperationHistory> RenderHistory(bool canManage)
    {
        RenderProviders();
        var cut = Render<OperationHistory>(p => p.Add(h => h.Source, Source).Add(h => h.CanManage, canManage).Add(h => h.Title, "Cluster action history"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-operation-state]")));
        return cut;
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<OperationHistory> cut, string kind) =>
        cut.FindAll("table[aria-label='Cluster action history'] tbody tr").Single(r => r.QuerySelector("code")?.TextContent == kind);

    private static IEnumerable<string> ButtonNames(AngleSharp.Dom.IElement row) =>
        row.QuerySelectorAll("button[aria-label]").Select(b => b.GetAttribute("aria-label")!).Where(n => !n.StartsWith("Show steps", StringComparison.Ordinal));

    [Fact]
    public void Actions_ForSomeoneWhoMayManage_OfferRetryOnlyWhenFailedAndCancelOnlyWhileQueuedOrRunning()
    {
        _rows =
        [
            Operation("scale", OperationState.Running, ("Resize", StepState.Running)),
            Operation("upgrade", OperationState.Failed, ("Upgrade", StepState.Failed)),
            Operation("create", OperationState.Succeeded, ("Create", StepState.Succeeded)),
            Operation("resync", OperationState.Queued),
        ];
        var cut = RenderHistory(canManage: true);

        Assert.Equal(["Cancel scale on web"], ButtonNames(Row(cut, "scale")));
        Assert.Equal(["Retry upgrade on web from its failed step"], ButtonNames(Row(cut, "upgrade")));
        Assert.Empty(ButtonNames(Row(cut, "create")));
        Assert.Equal(["Cancel resync on web"], ButtonNames(Row(cut, "resync")));
    }

    [Fact]
    public void Actions_ForSomeoneWhoMayOnlyRead_AreNotShown()
    {
        _rows = [Operation("upgrade", OperationState.Failed, ("Upgrade", StepState.Failed))];
        var cut = RenderHistory(canManage: false);

        Assert.Empty(ButtonNames(Row(cut, "upgrade")));
        Assert.DoesNotContain(cut.FindAll("th"), th => th.TextContent.Trim() == "Actions");
    }

    [Fact]
    public async Task Retry_CallsTheSourcesRetryForThatOperation()
    {
        _rows = [Operation("upgrade", OperationState.Failed, ("Upgrade", StepState.Failed))];
        var cut = RenderHistory(canManage: true);

        await cut.InvokeAsync(() => Row(cut, "upgrade").QuerySelector("button[aria-label^='Retry']")!.Click());

        cut.WaitForAssertion(() => Assert.Equal([_rows[0].Id], _retried));
    }

    [Fact]
    public async Task Cancel_AsksFirstAndCancelsOnlyOnceConfirmed()
    {
        _rows = [Operation("scale", OperationState.Running, ("Resize", StepState.Running))];
        var providers = RenderProviders();
        var cut = Render<OperationHistory>(p => p.Add(h => h.Source, Source).Add(h => h.CanManage, true).Add(h => h.Title, "Cluster action history"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-operation-state]")));

        await cut.InvokeAsync(() => Row(cut, "scale").QuerySelector("button[aria-label^='Cancel']")!.Click());
        providers.WaitForAssertion(() => Assert.Contains("Stop scale on web?", providers.Find(".mud-dialog").TextContent));
        Assert.Empty(_cancelled);
        await providers.InvokeAsync(() => providers.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel action").Click());

        cut.WaitForAssertion(() => Assert.Equal([_rows[0].Id], _cancelled));
    }

    [Fact]
    public async Task Expand_ShowsTheStepsOfThatOperationOnly()
    {
        _rows =
        [
            Operation("scale", OperationState.Running, ("Resize the pool", StepState.Running), ("Wait for nodes", StepState.Pending)),
            Operation("create", OperationState.Succeeded, ("Create", StepState.Succeeded)),
        ];
        var cut = RenderHistory(canManage: false);
        Assert.Empty(cut.FindAll("ol.operation-steps"));
        var toggle = cut.Find("button[aria-label='Show steps of scale on web']");
        Assert.Equal("false", toggle.GetAttribute("aria-expanded"));

        await cut.InvokeAsync(() => toggle.Click());

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("button[aria-label='Show steps of scale on web']").GetAttribute("aria-expanded")));
        var steps = cut.Find("ol[aria-label='Steps of scale']");
        Assert.Equal(["Running", "Pending"], steps.QuerySelectorAll("li").Select(li => li.GetAttribute("data-step-state")!));
        Assert.Empty(cut.FindAll("ol[aria-label='Steps of create']"));
    }

    [Fact]
    public async Task LiveChange_ReloadsTheRowsAndKeepsAnExpandedRowOpen()
    {
        var running = Operation("scale", OperationState.Running, ("Resize the pool", StepState.Running));
        _rows = [running];
        var cut = RenderHistory(canManage: false);
        await cut.InvokeAsync(() => cut.Find("button[aria-label='Show steps of scale on web']").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("ol[aria-label='Steps of scale']")));

        // The engine finished the step: a new page of rows (new instances) arrives through the notifier.
        _rows = [running with { State = OperationState.Succeeded, Steps = [new OperationStepView(0, "Resize the pool", StepState.Succeeded, null, null, null)] }];
        Services.GetRequiredService<OperationNotifier>().Publish(
            new OperationChanged(running.Id, "scale", "Cluster", "cluster-1", OperationState.Succeeded, 0, StepState.Succeeded));

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Succeeded", cut.Find("[data-operation-state]").GetAttribute("data-operation-state"));
            Assert.Equal("Succeeded", cut.Find("ol[aria-label='Steps of scale'] li").GetAttribute("data-step-state"));
            Assert.Equal("true", cut.Find("button[aria-label='Show steps of scale on web']").GetAttribute("aria-expanded"));
        }, TimeSpan.FromSeconds(5));
    }
}
