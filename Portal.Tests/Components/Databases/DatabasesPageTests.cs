using Bunit;
using Portal.Components.Databases;
using Portal.Domain.Databases;

namespace Portal.Tests.Components.Databases;

/// <summary>The database list: rows with their state, the operator's fault written under it, and late backups said plainly.</summary>
public sealed class DatabasesPageTests : ComponentTest
{
    [Fact]
    public async Task DatabasesPage_DatabasesWithAFaultAndLateBackups_ShowsTheirStateFaultLineAndBackupWarning()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        await s.AddActiveAsync("orders", instances: 3, fault: "Instance orders-2 cannot be scheduled: insufficient memory");
        await s.AddActiveAsync("billing", observe: d => d.Set(nameof(ManagedDatabase.LastBackupAt), DateTimeOffset.UtcNow.AddDays(-3)));
        s.UseAs(this, s.Member);
        RenderProviders();

        var page = Render<DatabasesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("a.cell-title").Count), TimeSpan.FromSeconds(10));
        var orders = page.FindAll("tr").Single(r => r.TextContent.Contains("orders", StringComparison.Ordinal));
        Assert.Equal("Active", orders.QuerySelector("[data-cluster-state]")!.TextContent);
        Assert.Contains("insufficient memory", orders.QuerySelector("[data-testid=provider-fault]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("3/3 ready", orders.QuerySelector("[data-testid=database-instances]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(orders.QuerySelector("[data-testid=backup-warning]"));

        var billing = page.FindAll("tr").Single(r => r.TextContent.Contains("billing", StringComparison.Ordinal));
        Assert.Contains("The last good backup is 3 days old", billing.QuerySelector("[data-testid=backup-warning]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(billing.QuerySelector("[data-testid=provider-fault]"));
        Assert.Contains("New database", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabasesPage_NoDatabasesAndAViewer_ShowsTheEmptyStateWithoutTheNewButton()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        s.UseAs(this, s.Viewer);
        RenderProviders();

        var page = Render<DatabasesPage>();

        page.WaitForAssertion(() => Assert.Contains("No databases yet", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("New database", page.Markup, StringComparison.Ordinal);
    }
}
