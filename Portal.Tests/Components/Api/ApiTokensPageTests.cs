using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.ApiTokens;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Api;

/// <summary>
/// A person's API tokens page over the real token service: the list says what each token is and whether it still works,
/// a new token is shown once and is gone from the page after its dialog closes, refusals sit under their fields.
/// </summary>
public sealed class ApiTokensPageTests : ApiTokenComponentTest
{
    private Actor _ada = null!;

    private async Task<(IRenderedComponent<ApiTokensPage> Page, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync()
    {
        _ada ??= await Db.AddTenantUserAsync("ada@acme.test", Acme, TenantRole.Member);
        SignInAs(_ada);
        var provider = RenderProviders();
        var page = Render<ApiTokensPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("h1")));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-progress-linear")));
        return (page, provider);
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<ApiTokensPage> page, string name) =>
        page.FindAll("tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == name);

    private static string Cell(AngleSharp.Dom.IElement row, int index) => row.QuerySelectorAll("td")[index].TextContent.Trim();

    private static Task ClickAsync<T>(IRenderedComponent<T> scope, string text) where T : IComponent =>
        scope.InvokeAsync(() => scope.FindAll("button").Single(b => b.TextContent.Trim() == text).Click());

    private async Task<string> CreateThroughTheDialogAsync(IRenderedComponent<ApiTokensPage> page, IRenderedComponent<MudDialogProvider> provider, string name)
    {
        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() is "New token").Click());
        provider.WaitForAssertion(() => provider.Find("#token-name"));
        await provider.InvokeAsync(() => provider.Find("#token-name").Change(name));
        await provider.InvokeAsync(() => provider.Find("form#api-token-form").Submit());
        provider.WaitForAssertion(() => provider.Find("#token-secret"));
        return provider.Find("#token-secret").GetAttribute("value")!;
    }

    [Fact]
    public async Task List_TokensInEveryState_ShowsScopeTenantsStatusAndNeverUsed()
    {
        _ada = await Db.AddTenantUserAsync("ada@acme.test", Acme, TenantRole.Member);
        var used = (await Tokens.CreatePersonalTokenAsync(_ada, "ci-deploy", InDays(30), ApiScope.ReadWrite, [Acme])).ShouldSucceed();
        Assert.True((await Tokens.AuthenticateAsync(used.PlainText)).Succeeded);
        var revoked = (await Tokens.CreatePersonalTokenAsync(_ada, "old-laptop", InDays(30), ApiScope.ReadOnly, [])).ShouldSucceed();
        (await Tokens.RevokeAsync(_ada, revoked.Token.Id)).ShouldSucceed();
        (await Tokens.CreatePersonalTokenAsync(_ada, "one-off", InDays(1), ApiScope.ReadOnly, [])).ShouldSucceed();
        Db.Clock.Advance(TimeSpan.FromDays(2));
        (await Tokens.CreatePersonalTokenAsync(_ada, "fresh", InDays(7), ApiScope.ReadOnly, [])).ShouldSucceed();

        var (page, _) = await OpenAsync();

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("tbody tr").Count));
        // Name, token, scope, tenants, created, expires, last used, status.
        var ci = Row(page, "ci-deploy");
        Assert.Equal($"ptl_{used.Token.Prefix}…", Cell(ci, 1));
        Assert.Equal("Read & write", Cell(ci, 2));
        Assert.Equal("Acme", Cell(ci, 3));
        Assert.Equal("2 days ago", Cell(ci, 6));
        Assert.Equal("Active", Cell(ci, 7));
        Assert.NotNull(ci.QuerySelector("button[aria-label='Revoke token ci-deploy']"));

        var fresh = Row(page, "fresh");
        Assert.Equal("Read-only", Cell(fresh, 2));
        Assert.Equal("All my tenants", Cell(fresh, 3));
        Assert.Equal("in 7 days", Cell(fresh, 5));
        Assert.Equal("Never", Cell(fresh, 6));

        Assert.Equal("Revoked", Cell(Row(page, "old-laptop"), 7));
        Assert.Null(Row(page, "old-laptop").QuerySelector("button"));
        Assert.Equal("Expired", Cell(Row(page, "one-off"), 7));
        Assert.Equal("1 day ago", Cell(Row(page, "one-off"), 5));
        Assert.StartsWith("Expired 20", Row(page, "one-off").QuerySelector("[data-testid=token-status]")!.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Null(Row(page, "one-off").QuerySelector("button"));
    }

    [Fact]
    public async Task List_NoTokens_ExplainsTokensAndLinksTheApiReference()
    {
        var (page, _) = await OpenAsync();

        Assert.Contains("No API tokens yet", page.Find(".empty-state").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll(".empty-state a[href='api-reference']"));
    }

    [Fact]
    public async Task Create_ValidToken_ShowsItOnceAndNothingOfItRemainsAfterClosing()
    {
        var (page, provider) = await OpenAsync();

        var text = await CreateThroughTheDialogAsync(page, provider, "ci-deploy");

        Assert.True(ApiTokenSecret.LooksLikeToken(text), $"Not a token: '{text}'");
        Assert.True(provider.Find("#token-secret").HasAttribute("readonly"));
        Assert.Contains("shown only this once", provider.Find("#token-once-warning").TextContent, StringComparison.Ordinal);
        Assert.Equal("curl -H \"Authorization: Bearer <token>\" http://localhost/api/v1/me", provider.Find("[data-testid=token-example]").TextContent);
        // The list behind the dialog has the new token already, by its prefix only.
        page.WaitForAssertion(() => Assert.Equal($"ptl_{text[4..12]}…", Cell(Row(page, "ci-deploy"), 1)));
        Assert.DoesNotContain(text, page.Markup, StringComparison.Ordinal);
        var mine = Assert.Single(await Tokens.ListMineAsync(_ada));
        Assert.Equal(ApiScope.ReadOnly, mine.Scope);
        Assert.Empty(mine.TenantIds);
        Assert.Equal((await Tokens.AuthenticateAsync(text)).Actor?.UserId, _ada.UserId);

        await ClickAsync(provider, "I have copied it");

        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".mud-dialog")));
        Assert.DoesNotContain(text, provider.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(text[4..], page.Markup, StringComparison.Ordinal);
        Assert.Equal("Active", Cell(Row(page, "ci-deploy"), 7));
    }

    [Fact]
    public async Task Create_WithoutAName_ShowsTheRefusalUnderTheNameAndKeepsTheDialogOpen()
    {
        var (page, provider) = await OpenAsync();

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() is "New token").Click());
        provider.WaitForAssertion(() => provider.Find("#token-name"));
        await provider.InvokeAsync(() => provider.Find("form#api-token-form").Submit());

        provider.WaitForAssertion(() =>
        {
            var error = Assert.Single(provider.FindAll("[role=alert]"));
            Assert.Equal("token-name-error", error.Id);
            Assert.Equal("field-error", error.ClassName);
            Assert.True(error.CompareDocumentPosition(provider.Find("#token-name")).HasFlag(AngleSharp.Dom.DocumentPositions.Preceding));
            Assert.True(error.CompareDocumentPosition(provider.Find("#token-expiry")).HasFlag(AngleSharp.Dom.DocumentPositions.Following));
        });
        Assert.Empty(provider.FindAll("#token-secret"));
        Assert.Empty(await Tokens.ListMineAsync(_ada));
    }

    [Fact]
    public async Task Create_LimitedToTenantsTicked_StoresOnlyThoseTenants()
    {
        var globex = await Db.SeedTenantAsync("Globex", "globex");
        _ada = await Db.AddTenantUserAsync("ada@acme.test", Acme, TenantRole.Member);
        await Db.SeedMembershipAsync(globex, _ada, TenantRole.Viewer);
        var (page, provider) = await OpenAsync();

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() is "New token").Click());
        provider.WaitForAssertion(() => provider.Find("#token-name"));
        await provider.InvokeAsync(() => provider.Find("#token-name").Change("globex-reader"));
        await provider.InvokeAsync(() => provider.FindAll("label.mud-radio").Single(l => l.TextContent.Trim() == "Only some of my tenants").QuerySelector("input[type=radio]")!.Click());
        provider.WaitForAssertion(() => Assert.Equal(2, provider.FindAll(".tenant-choices input[type=checkbox]").Count));
        await provider.InvokeAsync(() => provider.FindAll(".tenant-choices label").Single(l => l.TextContent.Trim() == "Globex").QuerySelector("input[type=checkbox]")!.Change(true));
        await provider.InvokeAsync(() => provider.Find("form#api-token-form").Submit());
        provider.WaitForAssertion(() => provider.Find("#token-secret"));

        Assert.Equal([globex], Assert.Single(await Tokens.ListMineAsync(_ada)).TenantIds);
        page.WaitForAssertion(() => Assert.Equal("Globex", Cell(Row(page, "globex-reader"), 3)));
    }

    [Fact]
    public async Task Revoke_ConfirmedOnAnActiveToken_RevokesItAndTheRowShowsRevoked()
    {
        _ada = await Db.AddTenantUserAsync("ada@acme.test", Acme, TenantRole.Member);
        var created = (await Tokens.CreatePersonalTokenAsync(_ada, "ci-deploy", InDays(30), ApiScope.ReadWrite, [])).ShouldSucceed();
        var (page, provider) = await OpenAsync();
        page.WaitForAssertion(() => Assert.Equal("Active", Cell(Row(page, "ci-deploy"), 7)));

        await page.InvokeAsync(() => page.Find("button[aria-label='Revoke token ci-deploy']").Click());
        provider.WaitForAssertion(() => Assert.Contains("Revoke the token 'ci-deploy'?", provider.Find("#confirm-message").TextContent, StringComparison.Ordinal));
        await provider.InvokeAsync(() => provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke token").Click());

        page.WaitForAssertion(() => Assert.Equal("Revoked", Cell(Row(page, "ci-deploy"), 7)));
        Assert.Null(Row(page, "ci-deploy").QuerySelector("button"));
        Assert.NotNull(Assert.Single(await Tokens.ListMineAsync(_ada)).RevokedAt);
        Assert.Equal(ApiTokenFailure.Revoked, (await Tokens.AuthenticateAsync(created.PlainText)).Failure);
    }

    [Fact]
    public async Task Revoke_Cancelled_LeavesTheTokenActive()
    {
        _ada = await Db.AddTenantUserAsync("ada@acme.test", Acme, TenantRole.Member);
        (await Tokens.CreatePersonalTokenAsync(_ada, "ci-deploy", InDays(30), ApiScope.ReadWrite, [])).ShouldSucceed();
        var (page, provider) = await OpenAsync();
        page.WaitForAssertion(() => Row(page, "ci-deploy"));

        await page.InvokeAsync(() => page.Find("button[aria-label='Revoke token ci-deploy']").Click());
        provider.WaitForAssertion(() => provider.Find("#confirm-message"));
        await provider.InvokeAsync(() => provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click());

        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".mud-dialog")));
        Assert.Null(Assert.Single(await Tokens.ListMineAsync(_ada)).RevokedAt);
        Assert.Equal("Active", Cell(Row(page, "ci-deploy"), 7));
    }
}
