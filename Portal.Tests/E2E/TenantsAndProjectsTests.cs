using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Web.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>Tenancy in a real browser: a platform admin sets up a tenant; its member sees only that tenant.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TenantsAndProjectsTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    [Fact]
    public Task Admin_creates_a_tenant_with_a_project_and_a_member_who_sees_only_that_tenant() => RunAsync(async page =>
    {
        const string memberEmail = "dana@acme.test";
        await App.CreateUserAsync(memberEmail, displayName: "Dana Member");
        await SignInAsAdminAsync();

        // A tenant whose slug follows its name.
        await GotoAsync("/tenants");
        await page.Button("New tenant").ClickAsync();
        var dialog = page.OpenDialog();
        await dialog.GetByLabel("Name", new() { Exact = true }).PressSequentiallyAsync("Acme Corp");
        await Expect(dialog.GetByLabel("Slug", new() { Exact = true })).ToHaveValueAsync("acme-corp");
        await dialog.Button("Create tenant").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        var tenants = page.Locator("[aria-label='Tenants']");
        await Expect(tenants.GetByRole(AriaRole.Link, new() { Name = "Acme Corp" })).ToBeVisibleAsync();

        // A second tenant with the same name is refused, with the reason next to the name.
        await page.Button("New tenant").ClickAsync();
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("acme corp");
        await dialog.GetByLabel("Slug", new() { Exact = true }).FillAsync("acme-two");
        await dialog.Button("Create tenant").ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("A tenant named 'acme corp' already exists.");
        await dialog.Button("Cancel").ClickAsync();

        // Its page: a project, then the same project name again.
        await tenants.GetByRole(AriaRole.Link, new() { Name = "Acme Corp" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acme Corp", Exact = true })).ToBeVisibleAsync();
        await page.Button("New project").ClickAsync();
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("web-shop");
        await dialog.Button("Create project").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        var projects = page.Locator("[aria-label='Projects']");
        await Expect(projects.GetByText("web-shop", new() { Exact = true })).ToBeVisibleAsync();

        await page.Button("New project").ClickAsync();
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("Web-Shop");
        await dialog.Button("Create project").ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("already has a project named 'Web-Shop'");
        await dialog.Button("Cancel").ClickAsync();

        // A member, added by email.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Members" }).ClickAsync();
        await page.Button("Add member").ClickAsync();
        await dialog.GetByLabel("Email", new() { Exact = true }).FillAsync("nobody@acme.test");
        await dialog.Button("Add member").ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("No account uses the email 'nobody@acme.test'");
        await dialog.GetByLabel("Email", new() { Exact = true }).FillAsync(memberEmail);
        await dialog.Button("Add member").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator("[aria-label='Members']").GetByText(memberEmail, new() { Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("tenant-members");

        // Another tenant the member does not belong to.
        await GotoAsync("/tenants");
        await page.Button("New tenant").ClickAsync();
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("Globex");
        await dialog.Button("Create tenant").ClickAsync();
        await Expect(tenants.GetByRole(AriaRole.Link, new() { Name = "Globex" })).ToBeVisibleAsync();
        await SnapshotAsync("tenants-page");
        await page.SignOutAsync();

        // The member: no platform navigation, only Acme in the tenant list, and platform pages refused.
        await SignInAsync(memberEmail, PortalWebFactory.DefaultUserPassword);
        await Expect(page.SignedInUser()).ToHaveTextAsync("Dana Member");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Regions & Zones" })).ToHaveCountAsync(0);
        await GotoAsync("/tenants");
        await Expect(tenants.GetByRole(AriaRole.Link, new() { Name = "Acme Corp" })).ToBeVisibleAsync();
        await Expect(tenants.GetByRole(AriaRole.Link, new() { Name = "Globex" })).ToHaveCountAsync(0);
        await GotoAsync("/projects");
        await Expect(projects.GetByText("web-shop", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.Button("New project")).ToHaveCountAsync(0);

        await page.GotoAsync($"{Fixture.BaseUrl}/tenants/globex");
        await WaitForCircuitAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await page.GotoAsync($"{Fixture.BaseUrl}/regions");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
    });
}
