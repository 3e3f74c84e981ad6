using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// Page object for API tokens: a person's own (<c>/account/api-tokens</c>) and a service account's on the tenant page;
/// both use the same token list and dialogs. Every step waits for its visible result.
/// </summary>
public sealed class ApiTokensScreen(IPage page)
{
    public const string Path = "/account/api-tokens";

    public IPage Page { get; } = page;

    public ILocator Dialog => Page.OpenDialog();

    /// <summary>The row of the token named <paramref name="name"/> in any token list on the page.</summary>
    public ILocator Row(string name) =>
        Page.Locator("tbody tr").Filter(new() { Has = Page.Locator("td.cell-title", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) });

    public ILocator Status(string name) => Row(name).GetByTestId("token-status");

    /// <summary>Opens the page from the account menu, as a person finds it.</summary>
    public async Task OpenFromAccountMenuAsync()
    {
        await Page.OpenAccountMenuAsync();
        await Page.GetByRole(AriaRole.Menuitem, new() { Name = "API tokens", Exact = true }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex(Regex.Escape(Path) + "$"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "API tokens", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Fills the new-token dialog (already open) and creates the token; returns once the token is shown.</summary>
    public async Task CreateInOpenDialogAsync(string name, string scope)
    {
        await Dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Dialog.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex("^" + Regex.Escape(scope)) }).CheckAsync();
        await Dialog.Button("Create token").ClickAsync();
        await Assertions.Expect(ShownToken).ToBeVisibleAsync();
    }

    /// <summary>The token's text field in the shown-once dialog.</summary>
    public ILocator ShownToken => Dialog.GetByRole(AriaRole.Textbox, new() { NameRegex = new Regex("^Token") });

    /// <summary>Copies the shown token with the dialog's button and returns what reached the clipboard.</summary>
    public async Task<string> CopyShownTokenAsync()
    {
        await Dialog.Button("Copy token").ClickAsync();
        await Assertions.Expect(Page.Toast("Token copied.")).ToBeVisibleAsync();
        return await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
    }

    /// <summary>Closes the shown-once dialog.</summary>
    public async Task CloseShownTokenAsync()
    {
        await Dialog.Button("I have copied it").ClickAsync();
        await Assertions.Expect(Dialog).ToBeHiddenAsync();
    }

    /// <summary>Revokes the token through its row's button and the confirmation, and waits for the row to say so.</summary>
    public async Task RevokeAsync(string name)
    {
        await Row(name).GetByRole(AriaRole.Button, new() { Name = $"Revoke token {name}", Exact = true }).ClickAsync();
        await Dialog.Button("Revoke token").ClickAsync();
        await Assertions.Expect(Dialog).ToBeHiddenAsync();
        await Assertions.Expect(Status(name)).ToHaveTextAsync("Revoked");
    }

    /// <summary>Picks a theme in the account menu (kept with the account).</summary>
    public async Task ChooseThemeAsync(string text)
    {
        await Page.OpenAccountMenuAsync();
        var item = Page.GetByRole(AriaRole.Menuitemradio, new() { Name = text, Exact = true });
        await item.ClickAsync();
        if (await item.IsVisibleAsync())
            await Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(item).ToBeHiddenAsync();
    }

    /// <summary><c>GET /api/v1/me</c> against the running portal with <paramref name="token"/> as a bearer token.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> CallMeAsync(string baseUrl, string token)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
