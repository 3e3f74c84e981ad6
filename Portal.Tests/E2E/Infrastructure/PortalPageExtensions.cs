using Microsoft.Playwright;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// Portal-aware steps on any Playwright page. Interactive pages ignore clicks until the Blazor circuit is
/// live, so every navigation to an interactive page ends with <see cref="WaitForCircuitAsync"/>.
/// </summary>
public static class PortalPageExtensions
{
    /// <summary>The hidden marker MainLayout renders: <c>data-interactive</c> is "false" when prerendered, "true" once live.</summary>
    public const string LiveCircuitSelector = "#portal-circuit[data-interactive='true']";

    /// <summary>The sign-in page's form-level error (wrong password, lockout).</summary>
    public const string SignInErrorSelector = ".form-error[role=alert]";

    /// <summary>Waits until the page's Blazor circuit is interactive (the layout's marker says so).</summary>
    public static async Task WaitForCircuitAsync(this IPage page, float? timeoutMs = null)
    {
        try
        {
            await page.Locator(LiveCircuitSelector).WaitForAsync(new LocatorWaitForOptions
            {
                State = WaitForSelectorState.Attached,
                Timeout = timeoutMs ?? 20_000,
            });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The Blazor circuit of {page.Url} did not become interactive: {ex.Message}", ex);
        }
    }

    /// <summary>Navigates to a portal path (relative to the context's base URL) and waits for the live circuit.</summary>
    public static async Task GotoPortalAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForCircuitAsync();
    }

    /// <summary>
    /// Signs in through the sign-in page and waits for the live circuit of the page it leads to
    /// (the dashboard, or <paramref name="returnUrl"/>). Fails with the page's message when refused.
    /// </summary>
    public static async Task SignInAsync(this IPage page, string email, string password, string? returnUrl = null)
    {
        await page.SubmitSignInAsync(email, password, returnUrl);
        var alert = page.Locator(SignInErrorSelector);
        if (await alert.CountAsync() > 0)
            throw new InvalidOperationException($"Sign-in as {email} was refused: {(await alert.First.TextContentAsync())?.Trim()}");
        await page.WaitForCircuitAsync();
    }

    /// <summary>
    /// Opens the sign-in page, fills it and submits; returns once the result is on screen: either the live
    /// circuit of the page signed-in users land on, or the sign-in page's error message.
    /// </summary>
    public static async Task SubmitSignInAsync(this IPage page, string email, string password, string? returnUrl = null)
    {
        await page.GotoAsync(returnUrl is null ? "/account/login" : $"/account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        // A plain (static) HTML form: submitting it is a full page navigation, to the landing page or back here.
        await page.Button("Sign in").ClickAsync();
        try
        {
            await page.Locator(LiveCircuitSelector).Or(page.Locator(SignInErrorSelector)).First
                .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 20_000 });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"After submitting the sign-in form, {page.Url} showed neither a live circuit nor an error: {ex.Message}", ex);
        }
    }

    /// <summary>Opens the app bar's account menu (change password, theme, sign out).</summary>
    public static async Task OpenAccountMenuAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Account menu") }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out", Exact = true }).WaitForAsync();
    }

    /// <summary>Signs out through the account menu and waits for the sign-in page.</summary>
    public static async Task SignOutAsync(this IPage page)
    {
        await page.OpenAccountMenuAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out", Exact = true }).ClickAsync();
        // Poll for the sign-in page rather than wait for a navigation event: with Keycloak the sign-out goes through the
        // identity provider and back, and a navigation that committed before the wait began was seen to be missed.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>The header's signed-in user name.</summary>
    public static ILocator SignedInUser(this IPage page) => page.Locator("[data-testid=signed-in-user]");

    /// <summary>The open dialog (there is at most one in these tests).</summary>
    public static ILocator OpenDialog(this IPage page) => page.GetByRole(AriaRole.Dialog);

    /// <summary>A button by its accessible name (exact).</summary>
    public static ILocator Button(this ILocator scope, string name) =>
        scope.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>A button by its accessible name (exact).</summary>
    public static ILocator Button(this IPage page, string name) =>
        page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
}
