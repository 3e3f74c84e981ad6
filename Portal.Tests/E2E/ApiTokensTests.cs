using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Api;
using Portal.Domain.Tenancy;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>
/// API tokens in a real browser against the running portal: a token made on the page and copied from its dialog
/// authenticates an HTTP call to the API, and stops the moment it is revoked on the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiTokensTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    [Fact]
    public Task Admin_creates_a_token_copies_it_calls_the_API_with_it_and_revokes_it() => RunAsync(async page =>
    {
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = Fixture.BaseUrl });
        await SignInAsAdminAsync();
        var tokens = new ApiTokensScreen(page);

        await tokens.OpenFromAccountMenuAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No API tokens yet" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "API reference" }).First).ToHaveAttributeAsync("href", "api-reference");
        await SnapshotAsync("empty.light");

        await page.Button("New token").ClickAsync();
        await Expect(tokens.Dialog.GetByText("Tokens live at most 365 days on this platform.")).ToBeVisibleAsync();
        await tokens.CreateInOpenDialogAsync("ci-deploy", "Read & write");
        await Expect(tokens.Dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("It is shown only this once");
        await Expect(tokens.Dialog.GetByTestId("token-example")).ToHaveTextAsync($"curl -H \"Authorization: Bearer <token>\" {Fixture.BaseUrl}/api/v1/me");
        await SnapshotAsync("shown-once.light");

        // What the copy button put on the clipboard is the token the field shows, and it works.
        var copied = await tokens.CopyShownTokenAsync();
        Assert.Equal(await tokens.ShownToken.InputValueAsync(), copied);
        Assert.StartsWith(ApiTokenSecret.Marker, copied, StringComparison.Ordinal);
        var (status, body) = await ApiTokensScreen.CallMeAsync(Fixture.BaseUrl, copied);
        Assert.Equal(HttpStatusCode.OK, status);
        using (var me = JsonDocument.Parse(body))
        {
            Assert.Equal("ci-deploy", me.RootElement.GetProperty("token").GetProperty("name").GetString());
            Assert.Equal("readWrite", me.RootElement.GetProperty("token").GetProperty("scope").GetString());
        }

        // Closed, the dialog leaves only the prefix on the page.
        await tokens.CloseShownTokenAsync();
        await Expect(tokens.Status("ci-deploy")).ToHaveTextAsync("Active");
        await Expect(tokens.Row("ci-deploy")).ToContainTextAsync(copied[..12] + "…");
        Assert.DoesNotContain(copied, await page.ContentAsync(), StringComparison.Ordinal);
        await SnapshotAsync("list.light");

        await tokens.ChooseThemeAsync("Dark");
        await SnapshotAsync("list.dark");
        await page.Button("New token").ClickAsync();
        await Expect(tokens.Dialog.GetByLabel("Name", new() { Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("new-token-dialog.dark");
        await tokens.Dialog.Button("Cancel").ClickAsync();
        await Expect(tokens.Dialog).ToBeHiddenAsync();
        await tokens.ChooseThemeAsync("Light");

        await tokens.RevokeAsync("ci-deploy");
        await Expect(tokens.Row("ci-deploy").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        (status, _) = await ApiTokensScreen.CallMeAsync(Fixture.BaseUrl, copied);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        await SnapshotAsync("revoked.light");
    });

    [Fact]
    public Task Tenant_admin_issues_a_service_account_token_that_acts_as_the_account() => RunAsync(async page =>
    {
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = Fixture.BaseUrl });
        var admin = await App.AdminActorAsync();
        var tenancy = App.Services.GetRequiredService<TenancyService>();
        var tenant = (await tenancy.CreateTenantAsync(admin, "Acme", "acme", null)).Value;
        await tenancy.CreateProjectAsync(admin, tenant, "web-shop", null);
        await tenancy.CreateProjectAsync(admin, tenant, "billing", null);
        await SignInAsAdminAsync();
        var tokens = new ApiTokensScreen(page);

        await GotoAsync("/tenants/acme");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Service accounts" }).ClickAsync();
        await page.Button("New service account").ClickAsync();
        await page.SelectAsync("Project", "web-shop");
        await tokens.Dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("deployer");
        await tokens.Dialog.GetByLabel("Description (optional)").FillAsync("Deploys the shop from CI");
        await tokens.Dialog.Button("Create service account").ClickAsync();
        await Expect(tokens.Dialog).ToBeHiddenAsync();

        // The new account opens onto its tokens: issue one, without a tenant limit.
        await page.Button("Issue token").ClickAsync();
        await Expect(tokens.Dialog.GetByText("All my tenants")).ToHaveCountAsync(0);
        await tokens.CreateInOpenDialogAsync("github-actions", "Read-only");
        var copied = await tokens.CopyShownTokenAsync();
        await tokens.CloseShownTokenAsync();
        await Expect(tokens.Status("github-actions")).ToHaveTextAsync("Active");
        await Expect(page.GetByTestId("live-tokens")).ToHaveTextAsync("1");

        var (status, body) = await ApiTokensScreen.CallMeAsync(Fixture.BaseUrl, copied);
        Assert.Equal(HttpStatusCode.OK, status);
        using (var me = JsonDocument.Parse(body))
        {
            Assert.StartsWith(ServiceAccount.ActorIdPrefix, me.RootElement.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal("readOnly", me.RootElement.GetProperty("token").GetProperty("scope").GetString());
        }
        await SnapshotAsync("service-accounts.light");
        await tokens.ChooseThemeAsync("Dark");
        await SnapshotAsync("service-accounts.dark");
        await tokens.ChooseThemeAsync("Light");
    });
}
