using Bunit;
using MudBlazor;
using Portal.Components.Tenancy;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Api;

/// <summary>A tenant's service accounts over the real token service: listed for tenant admins, with each account's tokens issued (shown once, no tenant limit) and revoked.</summary>
public sealed class ServiceAccountsPanelTests : ApiTokenComponentTest
{
    private async Task<(IRenderedComponent<ServiceAccountsPanel> Panel, IRenderedComponent<MudDialogProvider> Provider)> OpenAsAsync(Actor actor)
    {
        SignInAs(actor);
        var provider = RenderProviders();
        var panel = Render<ServiceAccountsPanel>(p => p.Add(c => c.TenantId, Acme).Add(c => c.TenantName, "Acme"));
        panel.WaitForAssertion(() => Assert.NotEmpty(panel.FindAll("table, [role=alert]")));
        return (panel, provider);
    }

    private static AngleSharp.Dom.IElement AccountRow(IRenderedComponent<ServiceAccountsPanel> panel, string name) =>
        panel.FindAll("[aria-label='Service accounts'] > tbody > tr, .accounts-table tbody tr").First(r => r.QuerySelector(".cell-title")?.TextContent == name);

    [Fact]
    public async Task Panel_TenantAdmin_ListsAccountsWithProjectAndLiveTokens()
    {
        var boss = await Db.AddTenantUserAsync("boss@acme.test", Acme, TenantRole.Admin);
        var deployer = (await Tokens.CreateServiceAccountAsync(boss, AcmeShop, "deployer", "Deploys the shop")).ShouldSucceed();
        (await Tokens.CreateServiceAccountTokenAsync(boss, deployer, "github", InDays(30), ApiScope.ReadWrite)).ShouldSucceed();
        var old = (await Tokens.CreateServiceAccountTokenAsync(boss, deployer, "jenkins", InDays(30), ApiScope.ReadWrite)).ShouldSucceed();
        (await Tokens.RevokeAsync(boss, old.Token.Id)).ShouldSucceed();

        var (panel, _) = await OpenAsAsync(boss);

        panel.WaitForAssertion(() =>
        {
            var row = AccountRow(panel, "deployer");
            Assert.Contains("Deploys the shop", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("web-shop", row.TextContent, StringComparison.Ordinal);
            Assert.Equal("1", row.QuerySelector("[data-testid=live-tokens]")!.TextContent);
        });
        Assert.Contains(panel.FindAll("button"), b => b.TextContent.Trim() == "New service account");
    }

    [Fact]
    public async Task Panel_TenantMember_ShowsTheDomainsRefusalAndNoActions()
    {
        var ada = await Db.AddTenantUserAsync("ada@acme.test", Acme, TenantRole.Member);

        var (panel, _) = await OpenAsAsync(ada);

        Assert.Equal("Only tenant admins can see the tenant's service accounts.", panel.Find("[role=alert]").TextContent);
        Assert.Empty(panel.FindAll("button"));
    }

    [Fact]
    public async Task IssueToken_ForAnAccount_ShowsItOnceWithoutTenantLimitAndCountsItLive()
    {
        var boss = await Db.AddTenantUserAsync("boss@acme.test", Acme, TenantRole.Admin);
        var deployer = (await Tokens.CreateServiceAccountAsync(boss, AcmeShop, "deployer", null)).ShouldSucceed();
        var (panel, provider) = await OpenAsAsync(boss);

        await panel.InvokeAsync(() => panel.Find("button[aria-label='Tokens of deployer']").Click());
        panel.WaitForAssertion(() => Assert.Contains("No tokens yet", panel.Markup, StringComparison.Ordinal));
        await panel.InvokeAsync(() => panel.FindAll("button").Single(b => b.TextContent.Trim() == "Issue token").Click());
        provider.WaitForAssertion(() => provider.Find("#token-name"));
        Assert.Empty(provider.FindAll("input[name=token-tenants]"));
        await provider.InvokeAsync(() => provider.Find("#token-name").Change("github"));
        await provider.InvokeAsync(() => provider.Find("form#api-token-form").Submit());
        provider.WaitForAssertion(() => provider.Find("#token-secret"));
        var text = provider.Find("#token-secret").GetAttribute("value")!;

        var authenticated = await Tokens.AuthenticateAsync(text);
        Assert.Equal($"{ServiceAccount.ActorIdPrefix}{deployer:D}", authenticated.Actor?.UserId);
        panel.WaitForAssertion(() => Assert.Equal("1", AccountRow(panel, "deployer").QuerySelector("[data-testid=live-tokens]")!.TextContent));
        await provider.InvokeAsync(() => provider.FindAll("button").Single(b => b.TextContent.Trim() == "I have copied it").Click());
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".mud-dialog")));
        Assert.DoesNotContain(text, provider.Markup + panel.Markup, StringComparison.Ordinal);
        var tokens = panel.Find("[aria-label='API tokens of deployer']");
        Assert.Contains("github", tokens.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("All my tenants", tokens.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeToken_OfAnAccount_RowShowsRevokedAndTheLiveCountDrops()
    {
        var boss = await Db.AddTenantUserAsync("boss@acme.test", Acme, TenantRole.Admin);
        var deployer = (await Tokens.CreateServiceAccountAsync(boss, AcmeShop, "deployer", null)).ShouldSucceed();
        var created = (await Tokens.CreateServiceAccountTokenAsync(boss, deployer, "github", InDays(30), ApiScope.ReadWrite)).ShouldSucceed();
        var (panel, provider) = await OpenAsAsync(boss);

        await panel.InvokeAsync(() => panel.Find("button[aria-label='Tokens of deployer']").Click());
        panel.WaitForAssertion(() => panel.Find("button[aria-label='Revoke token github']"));
        await panel.InvokeAsync(() => panel.Find("button[aria-label='Revoke token github']").Click());
        provider.WaitForAssertion(() => provider.Find("#confirm-message"));
        await provider.InvokeAsync(() => provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke token").Click());

        panel.WaitForAssertion(() =>
        {
            Assert.Equal("Revoked", panel.Find("[aria-label='API tokens of deployer'] [data-testid=token-status]").TextContent);
            Assert.Equal("0", AccountRow(panel, "deployer").QuerySelector("[data-testid=live-tokens]")!.TextContent);
        });
        Assert.Equal(ApiTokenFailure.Revoked, (await Tokens.AuthenticateAsync(created.PlainText)).Failure);
    }

    [Fact]
    public async Task Create_NameTakenInTheProject_ShowsTheConflictUnderTheName()
    {
        var boss = await Db.AddTenantUserAsync("boss@acme.test", Acme, TenantRole.Admin);
        (await Tokens.CreateServiceAccountAsync(boss, AcmeShop, "deployer", null)).ShouldSucceed();
        var (panel, provider) = await OpenAsAsync(boss);

        await panel.InvokeAsync(() => panel.FindAll("button").Single(b => b.TextContent.Trim() == "New service account").Click());
        provider.WaitForAssertion(() => provider.Find("#service-account-name"));
        await provider.InvokeAsync(() => provider.Find("#service-account-name").Change("Deployer"));
        await provider.InvokeAsync(() => provider.Find("form#service-account-form").Submit());

        provider.WaitForAssertion(() =>
        {
            var error = Assert.Single(provider.FindAll("[role=alert]"));
            Assert.Equal("field-error", error.ClassName);
            Assert.Contains("already has a service account named 'Deployer'", error.TextContent, StringComparison.Ordinal);
            Assert.True(error.CompareDocumentPosition(provider.Find("#service-account-name")).HasFlag(AngleSharp.Dom.DocumentPositions.Preceding));
            Assert.True(error.CompareDocumentPosition(provider.Find("#service-account-description")).HasFlag(AngleSharp.Dom.DocumentPositions.Following));
        });
    }

    [Fact]
    public async Task Delete_ConfirmedByName_RemovesTheAccountAndItsTokensStopWorking()
    {
        var boss = await Db.AddTenantUserAsync("boss@acme.test", Acme, TenantRole.Admin);
        var deployer = (await Tokens.CreateServiceAccountAsync(boss, AcmeShop, "deployer", null)).ShouldSucceed();
        var created = (await Tokens.CreateServiceAccountTokenAsync(boss, deployer, "github", InDays(30), ApiScope.ReadWrite)).ShouldSucceed();
        var (panel, provider) = await OpenAsAsync(boss);

        await panel.InvokeAsync(() => panel.Find("button[aria-label='Delete service account deployer']").Click());
        provider.WaitForAssertion(() => Assert.Contains("Its live token stops working at once.", provider.Find("#confirm-message").TextContent, StringComparison.Ordinal));
        await provider.InvokeAsync(() => provider.Find(".mud-dialog input").Input("deployer"));
        await provider.InvokeAsync(() => provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete service account").Click());

        panel.WaitForAssertion(() => Assert.Contains("No service accounts yet.", panel.Markup, StringComparison.Ordinal));
        Assert.Equal(ApiTokenFailure.Unknown, (await Tokens.AuthenticateAsync(created.PlainText)).Failure);
    }
}
