using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Infrastructures;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Components.Databases;

namespace Portal.Tests.Components.Infrastructures;

/// <summary>The demo fault switchboard lists the cloud faults that are armed — what, where, since when — and disarms one.</summary>
public sealed class DemoArmedFaultsListTests : ComponentTest
{
    [Fact]
    public async Task ArmedFaults_OneArmedThenDisarmed_IsListedWithWhatAndWhereThenGone()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        s.UseAs(this, s.Host.Admin);
        Services.AddSingleton(s.Host.Services.GetRequiredService<DemoFaultCommands>());
        RenderProviders();
        Guid infrastructureId;
        await using (var db = s.Host.NewContext())
            infrastructureId = await db.ServiceConfigs.Where(c => c.Id == s.ConfigId).Select(c => c.InfrastructureId).SingleAsync();
        s.Host.Kube.InjectFault(DemoCloudFault.NoValidHost, "web-prod", "gpu");

        var tab = Render<DemoFaultsTab>(p => p.Add(x => x.InfrastructureId, infrastructureId).Add(x => x.CanManage, true));

        var row = tab.WaitForElement("[data-testid=demo-armed-fault]");
        Assert.Contains("No valid host (Nova scheduler)", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("cluster web-prod, node pool gpu", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("UTC", row.TextContent, StringComparison.Ordinal);
        await tab.InvokeAsync(() => tab.FindAll("button").Single(b => b.TextContent.Trim() == "Disarm").Click());

        tab.WaitForElement("[data-testid=demo-armed-faults-empty]");
        Assert.Empty(s.Host.Kube.ArmedFaults);
        Assert.Empty(tab.FindAll("[data-testid=demo-armed-fault]"));
    }
}
