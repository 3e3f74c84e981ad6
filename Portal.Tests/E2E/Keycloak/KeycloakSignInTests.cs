using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Keycloak;

/// <summary>
/// Keycloak single sign-on in Chromium against a real OpenID Provider: people land in the tenants their groups name
/// and see nothing else, realm roles open the platform pages, group changes apply at the next sign-in, and signing out
/// ends the provider's session too.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeycloakSignInTests(KeycloakBrowserFixture fixture, ITestOutputHelper output) : KeycloakBrowserTest(fixture, output)
{
    private ILocator Projects => Page.Locator("[aria-label='Projects']");
    private ILocator Tenants => Page.Locator("[aria-label='Tenants']");

    [Fact]
    public Task Alice_SignsInThroughProvider_SeesAcmeAndNoneOfGlobex() => RunAsync(async page =>
    {
        await page.GotoAsync("/account/login");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Keycloak" })).ToBeVisibleAsync();
        await SnapshotAsync("login-page");

        await StartKeycloakSignInAsync();
        await SnapshotAsync("provider-login-page");
        await SubmitProviderLoginAsync("alice");

        await Expect(page.SignedInUser()).ToHaveTextAsync("Alice Anders");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Acme" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Regions & Zones" })).ToHaveCountAsync(0);
        await SnapshotAsync("alice-dashboard");

        await page.GotoPortalAsync("/projects");
        await Expect(Projects.GetByText(KeycloakBrowserFixture.AcmeProject, new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Projects.GetByText(KeycloakBrowserFixture.GlobexProject, new() { Exact = true })).ToHaveCountAsync(0);
        await SnapshotAsync("alice-projects");

        await page.GotoPortalAsync("/tenants");
        await Expect(Tenants.GetByRole(AriaRole.Link, new() { Name = "Acme" })).ToBeVisibleAsync();
        await Expect(Tenants.GetByRole(AriaRole.Link, new() { Name = "Globex" })).ToHaveCountAsync(0);

        // Globex's page does not exist for her.
        await page.GotoPortalAsync("/tenants/globex");
        await Expect(page.GetByText(KeycloakBrowserFixture.GlobexProject)).ToHaveCountAsync(0);

        // Acme's members list shows her membership as coming from Keycloak.
        await page.GotoPortalAsync("/tenants/acme");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Members" }).ClickAsync();
        var members = page.Locator("[aria-label='Members']");
        await Expect(members.GetByText("alice@acme.test", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(members.GetByText("Keycloak", new() { Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("acme-members");
    });

    [Fact]
    public Task Bob_SignsIn_SeesGlobexOnly() => RunAsync(async page =>
    {
        await SignInWithKeycloakAsync("bob");

        await Expect(page.SignedInUser()).ToHaveTextAsync("Bob Berg");
        await page.GotoPortalAsync("/projects");
        await Expect(Projects.GetByText(KeycloakBrowserFixture.GlobexProject, new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Projects.GetByText(KeycloakBrowserFixture.AcmeProject, new() { Exact = true })).ToHaveCountAsync(0);
        await page.GotoPortalAsync("/tenants");
        await Expect(Tenants.GetByRole(AriaRole.Link, new() { Name = "Globex" })).ToBeVisibleAsync();
        await Expect(Tenants.GetByRole(AriaRole.Link, new() { Name = "Acme" })).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Carol_WithPlatformAdminRealmRole_SeesPlatformPages() => RunAsync(async page =>
    {
        // Dave's group names a tenant that does not exist: he gets nothing, and the platform admin is told.
        await SignInWithKeycloakAsync("dave");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You have no access yet" })).ToBeVisibleAsync();
        await SnapshotAsync("dave-no-access");
        await page.SignOutAsync();

        await SignInWithKeycloakAsync("carol");
        await Expect(page.SignedInUser()).ToHaveTextAsync("Carol Chen");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Regions & Zones" })).ToBeVisibleAsync();
        var unmatched = page.Locator("[aria-label='Keycloak groups without a tenant']");
        await Expect(unmatched.GetByText("/tenants/initech", new() { Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("carol-dashboard");

        await page.GotoPortalAsync("/regions");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Regions & Zones" })).ToBeVisibleAsync();
        await page.GotoPortalAsync("/users");
        await Expect(page.Locator("[aria-label='Users']").GetByText("carol@portal.test", new() { Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("carol-users");
    });

    [Fact]
    public Task Alice_RemovedFromGroupAtProvider_LosesAccessAtNextSignIn() => RunAsync(async page =>
    {
        await SignInWithKeycloakAsync("alice");
        await page.GotoPortalAsync("/projects");
        await Expect(Projects.GetByText(KeycloakBrowserFixture.AcmeProject, new() { Exact = true })).ToBeVisibleAsync();
        await page.SignOutAsync();

        await Provider.SetUserAsync("alice", groups: []);
        await SignInWithKeycloakAsync("alice");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You have no access yet" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Acme" })).ToHaveCountAsync(0);
        await SnapshotAsync("alice-no-access");
        await page.GotoPortalAsync("/projects");
        await Expect(Projects.GetByText(KeycloakBrowserFixture.AcmeProject, new() { Exact = true })).ToHaveCountAsync(0);
    });

    [Fact]
    public Task SignOut_EndsProviderSession_SoSigningInAgainAsksForCredentials() => RunAsync(async page =>
    {
        await SignInWithKeycloakAsync("alice");

        await page.SignOutAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You have signed out.");
        Assert.Contains("logout", await Provider.EventTypesAsync());
        await SnapshotAsync("signed-out");

        // Without a provider session, the provider asks again instead of signing her straight back in.
        await StartKeycloakSignInAsync();
        await Expect(ProviderUsername).ToHaveValueAsync("");
        await SubmitProviderLoginAsync("alice");
        await Expect(page.SignedInUser()).ToHaveTextAsync("Alice Anders");
    });

    [Fact]
    public Task CancelAtProvider_ShowsCancelledPage() => RunAsync(async page =>
    {
        await StartKeycloakSignInAsync();
        await page.Locator("#kc-cancel").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign-in was cancelled" })).ToBeVisibleAsync();
        Assert.StartsWith($"{Fixture.BaseUrl}/account/keycloak/failed", page.Url);
        await SnapshotAsync("cancelled");
    });
}
