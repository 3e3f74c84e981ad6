using Bunit;
using Portal.Components.Infrastructures;
using Portal.Domain.Common;
using Portal.Domain.Regions;
using Portal.Jobs.Infrastructures;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Infrastructures;

/// <summary>The registration wizard's steps, each judged by the domain when Next is clicked.</summary>
public sealed class RegisterInfrastructureWizardTests : PortalComponentTest
{
    private static AngleSharp.Dom.IElement Button(IRenderedComponent<RegisterInfrastructurePage> wizard, string text) =>
        wizard.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static string StepTitle(IRenderedComponent<RegisterInfrastructurePage> wizard) => wizard.Find(".wizard-body h2").TextContent.Trim();

    /// <summary>The refusal shown inside the form field that holds the input with this id (under that field).</summary>
    private static string RefusalUnder(IRenderedComponent<RegisterInfrastructurePage> wizard, string inputId) =>
        wizard.FindAll(".form-field").Single(f => f.QuerySelector($"#{inputId}") is not null).QuerySelector("[role=alert]")?.TextContent.Trim() ?? "";

    private async Task<IRenderedComponent<RegisterInfrastructurePage>> StartAsync(string name)
    {
        RenderProviders();
        var wizard = Render<RegisterInfrastructurePage>();
        await wizard.InvokeAsync(() => wizard.Find("#infra-name").Change(name));
        return wizard;
    }

    private static async Task NextAsync(IRenderedComponent<RegisterInfrastructurePage> wizard) =>
        await wizard.InvokeAsync(() => Button(wizard, "Next").Click());

    [Fact]
    public async Task Next_OnOpenStackWithoutAnAuthUrl_ShowsTheRefusalUnderAuthUrlAndStays()
    {
        var wizard = await StartAsync("Cloud A");
        await wizard.InvokeAsync(() => wizard.FindAll("input[name=infra-provider]")[1].Change(true));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#conn-auth-url")));

        await NextAsync(wizard);

        wizard.WaitForAssertion(() => Assert.StartsWith("Auth URL is required", RefusalUnder(wizard, "conn-auth-url")));
        Assert.Equal("Provider & connection", StepTitle(wizard));
    }

    [Fact]
    public async Task Next_WithoutAName_ShowsTheRefusalUnderTheName()
    {
        var wizard = await StartAsync("   ");

        await NextAsync(wizard);

        wizard.WaitForAssertion(() => Assert.Equal("Name is required.", RefusalUnder(wizard, "infra-name")));
        Assert.Equal("Provider & connection", StepTitle(wizard));
    }

    [Fact]
    public async Task Next_AtPlacementWithARegionNameThatExists_IsRefusedAtTheStepUnderTheRegionName()
    {
        var regions = (RegionService)Host.Services.GetService(typeof(RegionService))!;
        (await regions.CreateRegionAsync(Admin, "Amsterdam", null)).ShouldSucceed();
        var wizard = await StartAsync("Demo A");

        await NextAsync(wizard); // the demo cloud: validate
        wizard.WaitForAssertion(() => Assert.Contains("The connection works.", wizard.Markup), TimeSpan.FromSeconds(20));
        await NextAsync(wizard);
        wizard.WaitForAssertion(() => Assert.Equal("Placement", StepTitle(wizard)));
        await wizard.InvokeAsync(() => wizard.FindAll("input[name=placement-mode]")[2].Change(true));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#placement-new-region")));
        await wizard.InvokeAsync(() => wizard.Find("#placement-new-region").Change("AMSTERDAM"));
        await wizard.InvokeAsync(() => wizard.Find("#placement-new-zone").Change("ams-9"));

        await NextAsync(wizard);

        wizard.WaitForAssertion(() => Assert.Contains("already exists", RefusalUnder(wizard, "placement-new-region")));
        Assert.Equal("Placement", StepTitle(wizard));
        Assert.Equal(1, (await regions.ListRegionsAsync(Admin, new PageRequest(0, 20))).ShouldSucceed().Total);
    }

    [Fact]
    public async Task Next_AtPlacementWithFreshNames_MovesToTheCatalogSeed()
    {
        var wizard = await StartAsync("Demo B");
        await NextAsync(wizard);
        wizard.WaitForAssertion(() => Assert.Contains("The connection works.", wizard.Markup), TimeSpan.FromSeconds(20));
        await NextAsync(wizard);
        // No region exists yet: the placement starts as a new region and zone.
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#placement-new-region")));
        await wizard.InvokeAsync(() => wizard.Find("#placement-new-region").Change("Paris"));
        await wizard.InvokeAsync(() => wizard.Find("#placement-new-zone").Change("par-1"));

        await NextAsync(wizard);

        wizard.WaitForAssertion(() => Assert.Equal("Catalog seed", StepTitle(wizard)));
    }
}
