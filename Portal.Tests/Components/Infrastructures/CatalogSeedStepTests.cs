using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Infrastructures;
using Portal.Domain.Infrastructures;
using Portal.Jobs.Infrastructures;

namespace Portal.Tests.Components.Infrastructures;

public sealed class CatalogSeedStepTests : PortalComponentTest
{
    private async Task<ProbeReport> DemoReportAsync() =>
        await ((ConnectionProbe)Host.Services.GetService(typeof(ConnectionProbe))!).ProbeAsync(InfrastructureProvider.Demo, null, null);

    [Fact]
    public async Task Tick_AFlavor_AddsItToTheSeedAndCountsItOnTheTab()
    {
        var report = await DemoReportAsync();
        HashSet<string> flavors = [], images = [];
        RenderProviders();
        var step = Render<CatalogSeedStep>(p => p.Add(s => s.Report, report).Add(s => s.Flavors, flavors).Add(s => s.Images, images));
        var flavor = report.Flavors[0];

        await step.InvokeAsync(() => step.Find($"input[aria-label='Select {flavor.Name}']").Change(true));

        step.WaitForAssertion(() =>
        {
            Assert.Equal([flavor.Id], flavors);
            Assert.Equal("1 selected", step.Find("[data-testid=seed-flavors-selected-count]").TextContent.Trim());
            Assert.Contains(step.FindAll(".mud-tab"), t => t.TextContent.Trim() == "Flavors (1 selected)");
        });
    }

    [Fact]
    public async Task SelectAll_AfterASearch_PicksOnlyWhatTheSearchShows()
    {
        var report = await DemoReportAsync();
        HashSet<string> flavors = [], images = [];
        RenderProviders();
        var step = Render<CatalogSeedStep>(p => p.Add(s => s.Report, report).Add(s => s.Flavors, flavors).Add(s => s.Images, images));

        await step.InvokeAsync(() => step.Find("#seed-flavors-search").Input("m1."));
        await step.InvokeAsync(() => step.FindAll("button").Single(b => b.TextContent.Trim() == "Select all flavors").Click());

        var expected = report.Flavors.Where(f => f.Name.Contains("m1.", StringComparison.OrdinalIgnoreCase)).Select(f => f.Id).ToHashSet();
        step.WaitForAssertion(() => Assert.Equal(expected, flavors));
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < report.Flavors.Count);
    }
}
