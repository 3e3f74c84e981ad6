using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// Steps on MudBlazor's interactive parts, shared by every page object. MudBlazor renders the options of a select
/// and the contents of menus and dialogs into providers at the end of the layout, not next to the field, so these
/// steps look for them on the page.
/// </summary>
public static class MudExtensions
{
    /// <summary>Opens the MudSelect labelled <paramref name="label"/> and picks the option whose text starts with <paramref name="option"/>.</summary>
    public static async Task SelectAsync(this IPage page, string label, string option)
    {
        await page.GetByLabel(label, new() { Exact = true }).ClickAsync();
        var choice = page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex("^" + Regex.Escape(option).Replace("/", "\\/", StringComparison.Ordinal)) }).First;
        await choice.ClickAsync();
        await choice.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
    }

    /// <summary>The texts of the options the MudSelect labelled <paramref name="label"/> offers (opens it, reads, closes it).</summary>
    public static async Task<IReadOnlyList<string>> SelectOptionsAsync(this IPage page, string label)
    {
        await page.GetByLabel(label, new() { Exact = true }).ClickAsync();
        var options = page.GetByRole(AriaRole.Option);
        await options.First.WaitForAsync();
        var texts = (await options.AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
        await page.Keyboard.PressAsync("Escape");
        await options.First.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        return texts;
    }

    /// <summary>The toast (MudSnackbar) that says <paramref name="text"/>.</summary>
    public static ILocator Toast(this IPage page, string text) =>
        page.Locator(".mud-snackbar").Filter(new() { HasText = text });

    /// <summary>A state badge (StateBadge.razor) by its exact text, inside <paramref name="scope"/>.</summary>
    public static ILocator StateBadge(this ILocator scope, string text) =>
        scope.Locator(".state-badge").Filter(new() { HasTextRegex = new Regex("^" + Regex.Escape(text) + "$") });
}
