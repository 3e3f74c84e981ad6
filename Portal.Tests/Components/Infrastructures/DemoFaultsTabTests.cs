using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Infrastructures;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Tests.Components.Databases;

namespace Portal.Tests.Components.Infrastructures;

/// <summary>The demo fault switchboard's database part: the databases on the infrastructure, and Inject / Heal through the audited commands.</summary>
public sealed class DemoFaultsTabTests : ComponentTest
{
    private static async Task<(IRenderedComponent<DemoFaultsTab> Tab, Guid InfrastructureId)> RenderAsync(DatabaseScenario s, Actor actor, DemoFaultsTabTests test)
    {
        s.UseAs(test, actor);
        test.Services.AddSingleton(s.Host.Services.GetRequiredService<DemoFaultCommands>());
        test.RenderProviders();
        Guid infrastructureId;
        await using (var db = s.Host.NewContext())
            infrastructureId = await db.ServiceConfigs.Where(c => c.Id == s.ConfigId).Select(c => c.InfrastructureId).SingleAsync();
        var tab = test.Render<DemoFaultsTab>(p => p.Add(x => x.InfrastructureId, infrastructureId).Add(x => x.CanManage, actor.IsPlatformAdmin));
        return (tab, infrastructureId);
    }

    [Fact]
    public async Task DatabaseFaults_ChosenDatabase_InjectsAndHealsOnItsClusterAndAudits()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var id = await s.AddActiveAsync("orders");
        var (tab, infrastructureId) = await RenderAsync(s, s.Host.Admin, this);

        tab.WaitForAssertion(() => Assert.Equal(2, tab.FindComponents<MudSelect<Guid?>>().Count)); // the cluster's and the database's
        var databaseSelect = tab.FindComponents<MudSelect<Guid?>>().Single(c => c.Instance.Label == "Database");
        await tab.InvokeAsync(() => databaseSelect.Instance.ValueChanged.InvokeAsync(id));
        tab.WaitForAssertion(() => Assert.Contains("orders will report", tab.Find("[data-testid=demo-database-fault-preview]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Access Denied", tab.Find("[data-testid=demo-database-fault-preview]").TextContent, StringComparison.Ordinal);

        await tab.InvokeAsync(() => tab.FindAll("button").Single(b => b.TextContent.Trim() == "Inject database fault").Click());
        await tab.InvokeAsync(() => tab.FindAll("button").Single(b => b.TextContent.Trim() == "Heal database fault").Click());

        var ns = DatabaseService.NamespaceFor(s.ProjectId);
        await using var db = s.Host.NewContext();
        var audit = (await db.AuditEntries.Where(a => a.TargetId == infrastructureId.ToString() && a.Action.StartsWith("demo-cloud.")).ToListAsync()).OrderBy(a => a.At).ToList();
        Assert.Equal(["demo-cloud.inject-database-fault", "demo-cloud.heal-database-fault"], audit.Select(a => a.Action));
        Assert.All(audit, a =>
        {
            Assert.Contains("\"BackupsFailing\"", a.Parameters, StringComparison.Ordinal);
            Assert.Contains($"\"{ns}\"", a.Parameters, StringComparison.Ordinal);
            Assert.Contains("\"orders\"", a.Parameters, StringComparison.Ordinal);
        });
        Assert.Empty(tab.FindAll(".form-error"));
    }

    [Fact]
    public async Task DatabaseFaults_NoDatabaseChosen_ArmsTheFaultForTheNextOneCreated()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        await s.AddActiveAsync("orders");
        var (tab, _) = await RenderAsync(s, s.Host.Admin, this);
        tab.WaitForAssertion(() => Assert.Single(tab.FindComponents<MudSelect<DemoDatabaseFault>>()));
        var faultSelect = tab.FindComponent<MudSelect<DemoDatabaseFault>>();
        await tab.InvokeAsync(() => faultSelect.Instance.ValueChanged.InvokeAsync(DemoDatabaseFault.StuckBootstrap));

        tab.WaitForAssertion(() => Assert.Contains("The next database created will report", tab.Find("[data-testid=demo-database-fault-preview]").TextContent, StringComparison.Ordinal));
        await tab.InvokeAsync(() => tab.FindAll("button").Single(b => b.TextContent.Trim() == "Inject database fault").Click());

        await using var db = s.Host.NewContext();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "demo-cloud.inject-database-fault");
        Assert.Contains("\"StuckBootstrap\"", entry.Parameters, StringComparison.Ordinal);
        Assert.Contains("\"clusterName\":null", entry.Parameters, StringComparison.Ordinal);
        s.Host.Kube.HealDatabaseFault(DemoDatabaseFault.StuckBootstrap);
    }

    [Fact]
    public async Task DatabaseFaults_NotAPlatformAdmin_OffersNoDatabaseFaults()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        await s.AddActiveAsync("orders");
        var (tab, _) = await RenderAsync(s, s.Member, this);

        tab.WaitForAssertion(() => Assert.Contains("Database faults", tab.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("Inject database fault", tab.Markup, StringComparison.Ordinal);
        Assert.Empty(tab.FindComponents<MudSelect<DemoDatabaseFault>>());
    }
}
