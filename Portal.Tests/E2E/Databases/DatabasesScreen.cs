using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;

namespace Portal.Tests.E2E.Databases;

/// <summary>
/// The database pages as a person uses them: the list, the creation wizard, and a database's page with its actions,
/// connection and backups. Locates elements by role, label, id and the test ids the pages render.
/// </summary>
public sealed partial class DatabasesScreen(IPage page)
{
    public IPage Page { get; } = page;

    // ---- The list ------------------------------------------------------------------------------------------

    public Task OpenListAsync() => Page.GotoPortalAsync("/databases");

    public ILocator ListGrid => Page.Locator("[aria-label='Databases']");

    public ILocator ListRow(string name) =>
        ListGrid.Locator("tbody tr").Filter(new() { Has = Page.Locator("a.cell-title", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) });

    public ILocator EmptyList => Page.GetByText("No databases yet", new() { Exact = true });

    // ---- The wizard ----------------------------------------------------------------------------------------

    public ILocator StepHeading(string title) => Page.Locator("h2.section-title", new() { HasTextRegex = new Regex($"^{Regex.Escape(title)}$") });

    public async Task StartWizardAsync()
    {
        await OpenListAsync();
        await Page.Button("New database").Or(Page.Button("Create your first database")).First.ClickAsync();
        await Assertions.Expect(StepHeading("Project & name")).ToBeVisibleAsync();
    }

    public async Task NextAsync(string nextTitle)
    {
        await Page.Button("Next").ClickAsync();
        await Assertions.Expect(StepHeading(nextTitle)).ToBeVisibleAsync();
    }

    public ILocator Radio(string name) => Page.GetByRole(AriaRole.Radio, new() { Name = name, Exact = true });

    public ILocator Review => Page.GetByTestId("database-review");

    /// <summary>Clicks "Create database" on the review step; returns the new database's id once its page shows.</summary>
    public async Task<Guid> CreateAsync(string name)
    {
        await Page.Locator(".wizard-buttons").Button("Create database").ClickAsync();
        await Assertions.Expect(Heading(name)).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return Guid.Parse(DetailUrl().Match(new Uri(Page.Url).AbsolutePath).Groups["id"].Value);
    }

    // ---- A database's page ---------------------------------------------------------------------------------

    public Task OpenDatabaseAsync(Guid id) => Page.GotoPortalAsync($"/databases/{id}");

    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 });

    public ILocator State => Page.GetByTestId("database-state").Locator("[data-cluster-state]");
    public ILocator Instances => Page.GetByTestId("database-instances");
    public ILocator Version => Page.GetByTestId("database-version");
    public ILocator Hibernated => Page.GetByTestId("database-hibernated");
    public ILocator Action(string key) => Page.GetByTestId($"action-{key}");

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    /// <summary>Waits for the database to read <paramref name="state"/> (Active by default), with nothing running on it.</summary>
    public async Task ExpectStateAsync(string state = "Active", float timeout = 30_000) =>
        await Assertions.Expect(State).ToHaveAttributeAsync("data-cluster-state", state, new() { Timeout = timeout });

    /// <summary>Clicks an action, then the confirmation's <paramref name="confirm"/> button; waits for the dialog to close.</summary>
    public async Task ConfirmActionAsync(ILocator button, string confirm)
    {
        await button.ClickAsync();
        await Dialog.Button(confirm).ClickAsync();
        await Assertions.Expect(Dialog).ToBeHiddenAsync();
    }

    public async Task ScaleAsync(int instances)
    {
        await Action("scale").ClickAsync();
        await Dialog.GetByRole(AriaRole.Radio, new() { Name = instances == 1 ? "1 instance" : $"{instances} instances", Exact = true }).CheckAsync();
        await Dialog.Button("Scale database").ClickAsync();
        await Assertions.Expect(Dialog).ToBeHiddenAsync();
    }

    /// <summary>Rows of the action history (newest first) for an action kind.</summary>
    public ILocator History(string kind) =>
        Page.Locator("[aria-label='Database action history'] tbody tr")
            .Filter(new() { Has = Page.Locator("code", new() { HasTextRegex = new Regex($"^{Regex.Escape(kind)}$") }) }).First;

    public static ILocator OperationState(ILocator row) => row.Locator("[data-operation-state]");

    // ---- Connection and backups ----------------------------------------------------------------------------

    public ILocator ConnectionValue(string label) => Page.GetByTestId($"connection-{label}");
    public ILocator BackupLastGood => Page.GetByTestId("backup-last-good");
    public ILocator RestoreWindow => Page.Locator("[aria-label='Backups']").GetByTestId("restore-window");

    [GeneratedRegex(@"/databases/(?<id>[0-9a-fA-F-]{36})$")]
    private static partial Regex DetailUrl();

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
}
