using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>
/// The wizard against an OpenStack address: a loopback Keystone (<see cref="FakeKeystone"/>) that rejects the
/// password, and filling the connection from a pasted openrc. Secrets never come back to the browser.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InfrastructuresOpenStackTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    // The layout scrolls inside its body, so "full page" screenshots stop at the viewport: a taller one shows whole steps.
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Page.SetViewportSizeAsync(1366, 1500);
    }

    [Fact]
    public Task A_wrong_password_against_a_loopback_Keystone_fails_validation_with_the_precise_error_and_saves_nothing() => RunAsync(async page =>
    {
        const string name = "Rejecting keystone";
        const string password = "wrong-password-5f3a91";
        await using var keystone = FakeKeystone.Start();
        await SignInAsAdminAsync();
        var wizard = new InfrastructureWizardScreen(page);

        await wizard.StartFromListAsync();
        await wizard.FillNameAsync(name);
        await wizard.ChooseOpenStackAsync();
        await wizard.ChoosePasswordCredentialAsync();
        await wizard.AuthUrlField.FillAsync(keystone.AuthUrl);
        await wizard.UserNameField.FillAsync("alice");
        await wizard.ProjectNameField.FillAsync("web-shop");
        await wizard.EnterPasswordAsync(password);
        await SnapshotAsync("wrong-password-connection");

        var checks = await wizard.NextToValidationAsync();

        // The first check failed with Keystone's verdict in words a person understands; the rest did not run.
        Assert.Equal(InfrastructureWizardScreen.CheckNames, checks.Select(c => c.Name));
        Assert.Equal("Failed", checks[0].Status);
        Assert.All(checks.Skip(1), c => Assert.Equal("Skipped", c.Status));
        var authentication = wizard.Check("Authenticate with Keystone");
        await Expect(authentication).ToHaveAttributeAsync("data-check-status", "Failed");
        await Expect(authentication.Locator("div.check-failed")).ToHaveTextAsync(
            "The cloud rejected the credentials (401 Unauthorized). Check the user name, password and user domain \"Default\", " +
            "and that the user has a role on project \"web-shop\" in domain \"Default\". " +
            $"The service said: \"{FakeKeystone.UnauthorizedMessage}\"");
        await Expect(wizard.Check("Read the service catalog")).ToContainTextAsync("Not run: an earlier check failed.");
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The connection did not validate." })).ToBeVisibleAsync();
        await Expect(wizard.NextButton).ToBeDisabledAsync();
        await SnapshotAsync("wrong-password-checks");

        // The portal really asked the loopback Keystone, with what was typed (password method, Default domains).
        var tokenRequest = Assert.Single(keystone.TokenRequests);
        Assert.Equal("/v3/auth/tokens", tokenRequest.Path);
        using (var body = JsonDocument.Parse(tokenRequest.Body))
        {
            var identity = body.RootElement.GetProperty("auth").GetProperty("identity");
            Assert.Equal("password", identity.GetProperty("methods")[0].GetString());
            var user = identity.GetProperty("password").GetProperty("user");
            Assert.Equal("alice", user.GetProperty("name").GetString());
            Assert.Equal(password, user.GetProperty("password").GetString());
            Assert.Equal("web-shop", body.RootElement.GetProperty("auth").GetProperty("scope").GetProperty("project").GetProperty("name").GetString());
        }

        // The password never reaches the page: not in its HTML, not in any field's value.
        await AssertSecretNotInPageAsync(page, password);

        // Leaving saves nothing.
        await wizard.CancelAsync();
        await wizard.WaitForListAsync(await StoredInfrastructureCountAsync());
        await Expect(wizard.ListLink(name)).ToHaveCountAsync(0);
        await SnapshotAsync("list-after-wrong-password");
        await using var scope = App.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<InfrastructureService>().IsNameTakenAsync(name));
    });

    [Fact]
    public Task Pasting_an_openrc_fills_the_connection_form_without_showing_the_password() => RunAsync(async page =>
    {
        const string password = "openrc-secret-7c2e4d";
        await using var keystone = FakeKeystone.Start();
        var openrc = $"""
            #!/usr/bin/env bash
            # To use an OpenStack cloud you need to authenticate against the Identity
            # service named keystone, which returns a **Token** and **Service Catalog**.
            export OS_AUTH_URL={keystone.AuthUrl}
            export OS_PROJECT_NAME="analytics"
            export OS_USER_DOMAIN_NAME="Users"
            export OS_PROJECT_DOMAIN_NAME="Projects"
            export OS_USERNAME="bob"
            export OS_PASSWORD='{password}'
            export OS_REGION_NAME="RegionTwo"
            export OS_INTERFACE=public
            export OS_IDENTITY_API_VERSION=3
            """;
        await SignInAsAdminAsync();
        var wizard = new InfrastructureWizardScreen(page);

        await wizard.StartFromListAsync();
        await wizard.FillNameAsync("Pasted openrc");
        await wizard.ChooseOpenStackAsync();
        await wizard.PasteConnectionAsync(openrc);

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Filled from openrc." })).ToBeVisibleAsync();
        await Expect(wizard.AuthUrlField).ToHaveValueAsync(keystone.AuthUrl);
        await Expect(wizard.RegionNameField).ToHaveValueAsync("RegionTwo");
        await Expect(wizard.PasswordCredentialRadio).ToBeCheckedAsync();
        await Expect(wizard.UserNameField).ToHaveValueAsync("bob");
        await Expect(wizard.UserDomainField).ToHaveValueAsync("Users");
        await Expect(wizard.ProjectNameField).ToHaveValueAsync("analytics");
        await Expect(wizard.ProjectDomainField).ToHaveValueAsync("Projects");
        await Expect(wizard.PasswordState).ToHaveTextAsync("Entered (hidden)");
        await Expect(wizard.PasswordField).ToHaveCountAsync(0);
        // The pasted text held the password: the box is emptied.
        await Expect(wizard.PasteField).ToHaveValueAsync("");
        await SnapshotAsync("openrc-filled");
        await AssertSecretNotInPageAsync(page, password);

        // The password from the file is the one the portal sends to Keystone.
        await wizard.NextToValidationAsync();
        await Expect(wizard.Check("Authenticate with Keystone")).ToHaveAttributeAsync("data-check-status", "Failed");
        var tokenRequest = Assert.Single(keystone.TokenRequests);
        using var body = JsonDocument.Parse(tokenRequest.Body);
        var user = body.RootElement.GetProperty("auth").GetProperty("identity").GetProperty("password").GetProperty("user");
        Assert.Equal("bob", user.GetProperty("name").GetString());
        Assert.Equal("Users", user.GetProperty("domain").GetProperty("name").GetString());
        Assert.Equal(password, user.GetProperty("password").GetString());
        await AssertSecretNotInPageAsync(page, password);
        await SnapshotAsync("openrc-validated");
    });

    /// <summary>The secret is neither in the page's HTML nor in the value of any input or text area.</summary>
    private static async Task AssertSecretNotInPageAsync(IPage page, string secret)
    {
        var html = await page.ContentAsync();
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        var values = await page.EvaluateAsync<string[]>(
            "() => Array.from(document.querySelectorAll('input, textarea')).map(e => e.value ?? '')");
        Assert.DoesNotContain(values, v => v.Contains(secret, StringComparison.Ordinal));
    }

    /// <summary>How many infrastructures the list's first page should show, according to the database.</summary>
    private async Task<int> StoredInfrastructureCountAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var page = await scope.ServiceProvider.GetRequiredService<InfrastructureService>()
            .ListAsync(await App.AdminActorAsync(), new PageRequest(0, Limits.DefaultPageSize));
        return page.Value!.Items.Count;
    }
}
