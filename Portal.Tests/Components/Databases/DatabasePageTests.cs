using Bunit;
using MudBlazor;
using Portal.Components.Databases;
using Portal.Domain.Clusters;
using Portal.Domain.Databases;

namespace Portal.Tests.Components.Databases;

/// <summary>The database page: actions disabled with the domain's reasons, and the dialogs that keep the server's refusals.</summary>
public sealed class DatabasePageTests : ComponentTest
{
    private async Task<(IRenderedComponent<DatabasePage> Page, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(DatabaseScenario s, Guid id, Portal.Domain.Common.Actor? actor = null)
    {
        s.UseAs(this, actor ?? s.Member);
        var provider = RenderProviders();
        var page = Render<DatabasePage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => page.Find("[data-testid=database-state]"), TimeSpan.FromSeconds(10));
        return (page, provider);
    }

    private static Task ClickAsync(IRenderedComponent<DatabasePage> page, string testId) =>
        page.InvokeAsync(() => page.Find($"[data-testid={testId}]").Click());

    [Fact]
    public async Task DatabasePage_OneInstance_DisablesSwitchoverWithItsReasonWrittenOut()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var id = await s.AddActiveAsync("orders", instances: 1);

        var (page, _) = await OpenAsync(s, id);

        var switchover = page.Find("[data-testid=action-switchover]");
        Assert.True(switchover.HasAttribute("disabled"));
        const string reason = "A switchover needs a replica to promote; this database runs 1 instance. Scale it to 2 or 3 first.";
        Assert.Equal(reason, switchover.ParentElement!.GetAttribute("title"));
        Assert.Contains(reason, page.Find("[data-testid=why-not-switchover]").TextContent, StringComparison.Ordinal);
        Assert.False(page.Find("[data-testid=action-scale]").HasAttribute("disabled"));
        Assert.Contains("1/1", page.Find("[data-testid=database-instances]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabasePage_ThreeInstancesWithAFault_EnablesSwitchoverAndShowsTheFault()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var id = await s.AddActiveAsync("orders", instances: 3, fault: "Instance orders-2 is not ready: disk pressure");

        var (page, _) = await OpenAsync(s, id);

        Assert.False(page.Find("[data-testid=action-switchover]").HasAttribute("disabled"));
        Assert.Empty(page.FindAll("[data-testid=why-not-switchover]"));
        Assert.Contains("disk pressure", page.Find("[data-testid=database-alert]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabasePage_Viewer_SeesNoActions()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var id = await s.AddActiveAsync("orders");

        var (page, _) = await OpenAsync(s, id, s.Viewer);

        Assert.Empty(page.FindAll("[data-testid^=action-]"));
        Assert.DoesNotContain("Delete database", page.Markup, StringComparison.Ordinal);
        Assert.Contains("You can see this database but not change it", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrowStorage_Smaller_ShowsTheServersShrinkRefusalAndStaysOpen()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var id = await s.AddActiveAsync("orders");
        var (page, provider) = await OpenAsync(s, id);

        await ClickAsync(page, "action-grow-storage");
        provider.WaitForAssertion(() => provider.Find("#grow-storage-gib"));
        await provider.InvokeAsync(() => provider.Find("#grow-storage-gib").Input("5"));
        await provider.InvokeAsync(() => provider.Find("#grow-storage-form").Submit());

        provider.WaitForAssertion(() => Assert.Equal(
            "Storage can only grow: volumes cannot be shrunk in place (from 10 GiB to 5 GiB). To use less, restore into a new, smaller database.",
            provider.Find(".field-error").TextContent), TimeSpan.FromSeconds(10));
        Assert.NotEmpty(provider.FindAll("#grow-storage-form"));
        Assert.Equal(0, await s.Host.CountAsync<Portal.Domain.Operations.Operation>());
    }

    [Fact]
    public async Task Delete_ConfirmEnablesOnlyOnTheExactNameAndSaysBackupsStay()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var id = await s.AddActiveAsync("orders");
        var (page, provider) = await OpenAsync(s, id);

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() == "Delete database").Click());
        provider.WaitForAssertion(() => provider.Find("#confirm-message"));
        Assert.Contains("backups stay in the platform's object store", provider.Find("#confirm-message").TextContent, StringComparison.Ordinal);
        var confirm = () => provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete database");
        Assert.True(confirm().HasAttribute("disabled"));

        await provider.InvokeAsync(() => provider.Find(".mud-dialog input").Input("order"));
        provider.WaitForAssertion(() => Assert.True(confirm().HasAttribute("disabled")));
        await provider.InvokeAsync(() => provider.Find(".mud-dialog input").Input("orders"));
        provider.WaitForAssertion(() => Assert.False(confirm().HasAttribute("disabled")));
        Assert.Equal(ClusterState.Active, (await s.Databases.GetAsync(s.Member, id)).Value!.State);
    }

    [Fact]
    public async Task Restore_WithAWindow_PreselectsItsLatestPointAndRefusesAPointOutsideIt()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var from = DateTimeOffset.UtcNow.AddDays(-2);
        var to = DateTimeOffset.UtcNow.AddMinutes(-5);
        var id = await s.AddActiveAsync("orders", observe: d =>
        {
            d.Set(nameof(ManagedDatabase.LastBackupAt), DateTimeOffset.UtcNow.AddHours(-3));
            d.Set(nameof(ManagedDatabase.RecoverableFrom), from);
            d.Set(nameof(ManagedDatabase.RecoverableTo), to);
        });
        var (page, provider) = await OpenAsync(s, id);

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() == "Restore to a new database").Click());
        provider.WaitForAssertion(() => provider.Find("#restore-date"));
        Assert.Equal(to.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), provider.Find("#restore-date").GetAttribute("value"));
        Assert.Equal(to.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), provider.Find("#restore-time").GetAttribute("value"));

        await provider.InvokeAsync(() => provider.Find("#restore-date").Change(from.AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        await provider.InvokeAsync(() => provider.Find("#restore-database-form").Submit());

        provider.WaitForAssertion(() => Assert.StartsWith("Choose a time inside the restore window", provider.Find(".field-error").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal(1, await s.Host.CountAsync<ManagedDatabase>());
    }

    [Fact]
    public async Task Reveal_WhenTheSecretCannotBeRead_ShowsTheRefusalAndNoDetails()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var id = await s.AddActiveAsync("orders");
        var (page, _) = await OpenAsync(s, id);
        Assert.Contains("orders-rw.pg-", page.Markup, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() == "Reveal connection details").Click());

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[aria-label=Connection] .form-error")), TimeSpan.FromSeconds(15));
        Assert.Empty(page.FindAll("[data-testid=connection-details]"));
        Assert.Contains("recorded in the audit log", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabasePage_RestoredDatabaseWithLateBackups_SaysWhereFromAndWarns()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var point = new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero);
        var id = await s.AddActiveAsync("orders-copy", observe: d =>
        {
            d.Set(nameof(ManagedDatabase.RestoredFromName), "orders");
            d.Set(nameof(ManagedDatabase.RestorePoint), point);
            d.Set(nameof(ManagedDatabase.LastBackupAt), DateTimeOffset.UtcNow.AddDays(-3));
        });

        var (page, _) = await OpenAsync(s, id);

        Assert.Equal("Restored from orders at 2026-12-01 08:30 UTC.", page.Find("[data-testid=restored-from]").TextContent);
        Assert.Contains("The last good backup is 3 days old", page.Find("[data-testid=backup-alert]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Every day at 02:00 UTC, kept for 7 days", page.Find("[data-testid=backup-schedule]").TextContent);
    }
}
