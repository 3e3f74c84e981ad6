using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.ServiceConfigs;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Databases;

/// <summary>The platform's backup object store: shown without its secret, configured through a dialog that never renders it.</summary>
public sealed class BackupStoreCardTests : ComponentTest
{
    private const string Secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCY";

    [Fact]
    public async Task ConfigureDialog_StoredSecret_IsNeverRenderedAndBlankKeepsIt()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var configs = s.Host.Services.GetRequiredService<ServiceConfigService>();
        var platform = await s.Host.PlatformAsync(s.PlatformId);
        (await configs.ConfigureBackupStoreAsync(s.Host.Admin, s.PlatformId, platform.Version, "s3://backups/standard", null, "AKIAEXAMPLE", Secret)).ShouldSucceed();
        s.UseAs(this, s.Host.Admin);
        var provider = RenderProviders();

        var detail = await s.Host.PlatformAsync(s.PlatformId);
        var card = Render<BackupStoreCard>(p => p.Add(c => c.Platform, detail).Add(c => c.CanManage, true));

        Assert.Contains("AKIAEXAMPLE", card.Find("[data-testid=backup-store]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, card.Markup, StringComparison.Ordinal);
        await card.InvokeAsync(() => card.FindAll("button").Single(b => b.TextContent.Trim() == "Configure backup store").Click());
        provider.WaitForAssertion(() => provider.Find("#backup-store-destination"));
        Assert.DoesNotContain(Secret, provider.Markup, StringComparison.Ordinal);
        Assert.Contains("Stored (hidden)", provider.Markup, StringComparison.Ordinal);
        Assert.Empty(provider.FindAll("#backup-store-secret"));

        // Replace shows an empty password input: still nothing of the stored key.
        await provider.InvokeAsync(() => provider.Find("button[aria-label='Replace Secret access key']").Click());
        Assert.Equal("", provider.Find("#backup-store-secret").GetAttribute("value") ?? "");
        Assert.DoesNotContain(Secret, provider.Markup, StringComparison.Ordinal);

        // Saving with the field left blank keeps the stored key.
        await provider.InvokeAsync(() => provider.Find("#backup-store-access-key").Input("AKIANEW"));
        await provider.InvokeAsync(() => provider.Find("#backup-store-form").Submit());
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll("#backup-store-form")), TimeSpan.FromSeconds(10));
        var stored = await configs.GetBackupStoreAsync(s.PlatformId);
        Assert.Equal(("AKIANEW", Secret), (stored!.AccessKeyId, stored.SecretAccessKey));
    }

    [Fact]
    public async Task Card_ExternalPlatform_SaysItHasNoBackupsAndOffersNoConfigure()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        s.UseAs(this, s.Host.Admin);
        RenderProviders();

        var detail = await s.Host.PlatformAsync(s.ExternalPlatformId);
        var card = Render<BackupStoreCard>(p => p.Add(c => c.Platform, detail).Add(c => c.CanManage, true));

        Assert.Contains("Portal takes no backups there", card.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Configure backup store", card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlatformDatabases_ListsTheDatabasesOnThePlatformWithLinks()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var id = await s.AddActiveAsync("orders");
        s.UseAs(this, s.Host.Admin);

        var list = Render<PlatformDatabases>(p => p.Add(c => c.PlatformId, s.PlatformId));

        list.WaitForAssertion(() => Assert.Equal($"databases/{id}", list.Find("a").GetAttribute("href")));
        Assert.Contains("Acme / web", list.Markup, StringComparison.Ordinal);
        Assert.Contains("16.8", list.Markup, StringComparison.Ordinal);
    }
}
