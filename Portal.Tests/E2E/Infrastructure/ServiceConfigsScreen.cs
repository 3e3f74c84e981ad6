using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// Page object for the "Service Configs" tab of an infrastructure's detail page: Service Configs as
/// <c>&lt;section aria-label="Service Config {name}"&gt;</c> cards, their platforms (links to <c>/platforms/{id}</c>
/// with a state badge), and the New Service Config, MKS platform and PostgreSQL platform dialogs.
/// Every step waits for its visible result.
/// <code>
/// var configs = new ServiceConfigsScreen(page);
/// await configs.OpenAsync(infrastructureId);
/// await configs.CreateAsync("production");
/// var network = await configs.AddMksAsync("production");
/// var dialog = await configs.StartPostgresAsync("production", PostgresModeChoice.ManagedTools);
/// await ServiceConfigsScreen.PasteKubeconfigAsync(dialog, DemoKubernetesApi.Kubeconfig);
/// await configs.SubmitPostgresAsync(dialog);
/// </code>
/// </summary>
public sealed class ServiceConfigsScreen(IPage page)
{
    public const string MksLink = "MKS network platform";
    public const string PostgresLink = "PostgreSQL platform";

    public IPage Page { get; } = page;

    /// <summary>Opens the infrastructure's page (fresh load, live circuit) and its Service Configs tab.</summary>
    public async Task OpenAsync(Guid infrastructureId)
    {
        await Page.GotoPortalAsync($"/infrastructures/{infrastructureId}");
        await OpenTabAsync();
    }

    /// <summary>The infrastructure page's "Service Configs" tab.</summary>
    public ILocator Tab => Page.GetByRole(AriaRole.Tab, new() { Name = "Service Configs", Exact = true });

    /// <summary>Clicks the "Service Configs" tab and waits for its "New Service Config" button.</summary>
    public async Task OpenTabAsync()
    {
        await Tab.ClickAsync();
        await Assertions.Expect(Page.Button("New Service Config")).ToBeVisibleAsync();
    }

    /// <summary>The card of one Service Config.</summary>
    public ILocator Config(string name) => Page.Locator($"section[aria-label='Service Config {name}']");

    /// <summary>The list entry of a platform ("MKS network platform" or "PostgreSQL platform") in a config's card.</summary>
    public ILocator PlatformItem(string config, string link) =>
        Config(config).Locator("li").Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }) });

    public ILocator PlatformLink(string config, string link) =>
        Config(config).GetByRole(AriaRole.Link, new() { Name = link, Exact = true });

    /// <summary>The platform's state badge (Provisioning, Active, …) on the tab; read it with ToHaveText.</summary>
    public ILocator PlatformState(string config, string link) =>
        PlatformItem(config, link).Locator(".state-badge").Filter(new() { HasTextRegex = StateText() });

    /// <summary>The tab-level refusal (e.g. deleting a Service Config that still has platforms).</summary>
    public ILocator TabRefusal => Page.Locator(".form-error[role=alert]");

    /// <summary>The open confirmation (the shared ConfirmDialog, a MudDialog).</summary>
    public ILocator ConfirmDialog => Page.GetByRole(AriaRole.Dialog);

    // ---- Service Configs ------------------------------------------------------------------------------------

    /// <summary>Opens "New Service Config" and fills name and description; returns the dialog (not saved).</summary>
    public async Task<ILocator> StartCreateAsync(string name, string? description = null)
    {
        await Page.Button("New Service Config").ClickAsync();
        var dialog = Page.OpenDialog();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "All tenants", Exact = true })).ToBeCheckedAsync();
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        if (description is not null)
            await dialog.GetByLabel("Description (optional)", new() { Exact = true }).FillAsync(description);
        return dialog;
    }

    /// <summary>Creates a Service Config offered to all tenants and waits for its card.</summary>
    public async Task CreateAsync(string name, string? description = null)
    {
        var dialog = await StartCreateAsync(name, description);
        await dialog.Button("Create Service Config").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(Config(name)).ToBeVisibleAsync();
        await Assertions.Expect(Config(name)).ToContainTextAsync("No platforms yet.");
    }

    /// <summary>Clicks "Delete Service Config {name}" and confirms; the caller checks the outcome.</summary>
    public async Task RequestDeleteAsync(string name)
    {
        await Page.Button($"Delete Service Config {name}").ClickAsync();
        await Assertions.Expect(ConfirmDialog).ToContainTextAsync($"Delete Service Config '{name}'?");
        await ConfirmDialog.Button("Delete Service Config").ClickAsync();
        await Assertions.Expect(ConfirmDialog).ToBeHiddenAsync();
    }

    // ---- MKS network platform -------------------------------------------------------------------------------

    /// <summary>Opens "Add MKS platform to {config}" and waits for the cloud's external networks; returns the dialog.</summary>
    public async Task<ILocator> StartMksAsync(string config)
    {
        var add = Page.Button($"Add MKS platform to {config}");
        await Assertions.Expect(add).ToHaveTextAsync(new Regex("Add MKS platform"));
        await add.ClickAsync();
        var dialog = Page.OpenDialog();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(NetworkDropdown(dialog)).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return dialog;
    }

    /// <summary>The dialog's "External network" select (a MudSelect: a combobox named by the label, showing the chosen name).</summary>
    public static ILocator NetworkDropdown(ILocator dialog) =>
        dialog.GetByRole(AriaRole.Combobox, new() { Name = "External network", Exact = true });

    /// <summary>Opens a MudSelect (by its combobox) and returns the texts of its options (MudBlazor renders them in the popover provider).</summary>
    public async Task<IReadOnlyList<string>> OpenDropdownAsync(ILocator combobox)
    {
        await combobox.ClickAsync();
        var options = Page.GetByRole(AriaRole.Option);
        await Assertions.Expect(options.First).ToBeVisibleAsync();
        return (await options.AllTextContentsAsync()).Select(t => t.Trim()).ToList();
    }

    /// <summary>Clicks an option of the open MudSelect and waits for its list to close.</summary>
    public async Task ChooseOptionAsync(string option)
    {
        var choice = Page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true });
        await choice.ClickAsync();
        await choice.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
    }

    /// <summary>
    /// Adds the MKS platform choosing an external network (the first one listed when none is named); waits until
    /// the card shows it Active. Returns the chosen network's name.
    /// </summary>
    public async Task<string> AddMksAsync(string config, string? network = null)
    {
        var dialog = await StartMksAsync(config);
        var options = await OpenDropdownAsync(NetworkDropdown(dialog));
        var chosen = network ?? options[0];
        await ChooseOptionAsync(chosen);
        await Assertions.Expect(NetworkDropdown(dialog)).ToContainTextAsync(chosen);
        await dialog.Button("Add MKS platform").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(PlatformLink(config, MksLink)).ToBeVisibleAsync();
        await Assertions.Expect(PlatformState(config, MksLink)).ToHaveTextAsync("Active");
        await Assertions.Expect(PlatformItem(config, MksLink)).ToContainTextAsync($"External network {chosen}");
        return chosen;
    }

    // ---- PostgreSQL platform --------------------------------------------------------------------------------

    /// <summary>Opens "Add PostgreSQL platform to {config}" and picks a mode; returns the dialog.</summary>
    public async Task<ILocator> StartPostgresAsync(string config, PostgresModeChoice mode)
    {
        var add = Page.Button($"Add PostgreSQL platform to {config}");
        await Assertions.Expect(add).ToHaveTextAsync(new Regex("Add PostgreSQL platform"));
        await add.ClickAsync();
        var dialog = Page.OpenDialog();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Button("Add PostgreSQL platform")).ToBeVisibleAsync();
        await ChooseModeAsync(dialog, mode);
        return dialog;
    }

    /// <summary>A mode radio; its label starts with the bold mode name, followed by a description.</summary>
    public static ILocator ModeRadio(ILocator dialog, PostgresModeChoice mode) => dialog.GetByRole(AriaRole.Radio, new()
    {
        NameRegex = mode switch
        {
            PostgresModeChoice.Managed => new Regex(@"^\s*Managed(?!\s*tools)"),
            PostgresModeChoice.ManagedTools => new Regex(@"^\s*Managed tools"),
            _ => new Regex(@"^\s*External"),
        },
    });

    public static async Task ChooseModeAsync(ILocator dialog, PostgresModeChoice mode)
    {
        await ModeRadio(dialog, mode).CheckAsync();
        await Assertions.Expect(ModeRadio(dialog, mode)).ToBeCheckedAsync();
        // The form follows the mode: Managed has no kubeconfig, External no operator version.
        var kubeconfig = dialog.GetByLabel("Kubeconfig", new() { Exact = true });
        if (mode == PostgresModeChoice.Managed)
            await Assertions.Expect(kubeconfig).ToHaveCountAsync(0);
        else
            await Assertions.Expect(kubeconfig).ToBeVisibleAsync();
        var version = VersionDropdown(dialog);
        if (mode == PostgresModeChoice.External)
            await Assertions.Expect(version).ToHaveCountAsync(0);
        else
            await Assertions.Expect(version).ToBeVisibleAsync();
    }

    public static ILocator VersionDropdown(ILocator dialog) =>
        dialog.GetByRole(AriaRole.Combobox, new() { Name = "Operator version", Exact = true });

    /// <summary>The kubeconfig box's summary once a valid one is entered (server, context, auth kind; never the secret).</summary>
    public static ILocator KubeconfigSummary(ILocator dialog) => dialog.Locator("#pg-kubeconfig-state");

    /// <summary>The message under the Kubeconfig field.</summary>
    public static ILocator KubeconfigError(ILocator dialog) =>
        dialog.Locator(".form-field").Filter(new() { Has = dialog.Page.Locator("label[for='pg-kubeconfig']") }).Locator(".field-error[role=alert]");

    /// <summary>Pastes text into the Kubeconfig box and leaves it (Tab), which sends it to the server.</summary>
    public static async Task PasteKubeconfigAsync(ILocator dialog, string text)
    {
        var box = dialog.GetByLabel("Kubeconfig", new() { Exact = true });
        await box.FillAsync(text);
        // Tab from whatever has the focus (the box): the change it commits may re-render the box, and a key press
        // aimed at the element itself would wait for an element that is no longer in the page.
        await box.Page.Keyboard.PressAsync("Tab");
    }

    /// <summary>Clicks "Add PostgreSQL platform"; the caller checks the result (dialog closed, or a refusal).</summary>
    public static Task SubmitPostgresAsync(ILocator dialog) => dialog.Button("Add PostgreSQL platform").ClickAsync();

    /// <summary>Submits the PostgreSQL dialog and waits until it closes and the card lists the platform.</summary>
    public async Task AddPostgresAsync(ILocator dialog, string config)
    {
        await SubmitPostgresAsync(dialog);
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(PlatformLink(config, PostgresLink)).ToBeVisibleAsync();
    }

    /// <summary>Clicks a platform's link and waits for its live platform page; returns the platform page object.</summary>
    public async Task<PlatformScreen> OpenPlatformAsync(string config, string link)
    {
        var href = await PlatformLink(config, link).GetAttributeAsync("href");
        await Page.GotoPortalAsync("/" + href!.TrimStart('/'));
        var platform = new PlatformScreen(Page);
        await Assertions.Expect(platform.Heading(link)).ToBeVisibleAsync();
        return platform;
    }

    private static Regex StateText() => new("^(Provisioning|Active|Upgrading|Deleting|Failed)$");
}

public enum PostgresModeChoice
{
    Managed,
    ManagedTools,
    External,
}

/// <summary>Page object for a platform's page (<c>/platforms/{id}</c>): state, configuration, toggles, upgrade, delete, action history.</summary>
public sealed class PlatformScreen(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading(string title) => Page.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true, Level = 1 });

    /// <summary>The platform's state badge in the page header; compare with ToHaveText.</summary>
    public ILocator StateBadge => Page.Locator(".page-header .state-badge").Filter(new() { HasTextRegex = new Regex("^(Provisioning|Active|Upgrading|Deleting|Failed)$") });

    /// <summary>The "Disabled" badge shown next to the state while the platform is disabled.</summary>
    public ILocator DisabledBadge => Page.Locator(".page-header").StateBadge("Disabled");

    /// <summary>The Configuration pane's value for a term ("Mode", "Operator version", "Status", …).</summary>
    public ILocator ConfigValue(string term) =>
        Page.Locator($"xpath=//dl[contains(@class,'review-list')]/dt[normalize-space()='{term}']/following-sibling::dd[1]").First;

    /// <summary>The page-level refusal.</summary>
    public ILocator Refusal => Page.Locator(".form-error[role=alert]");

    public ILocator ConfirmDialog => Page.GetByRole(AriaRole.Dialog);

    /// <summary>The "New operator version" select of the upgrade section (a combobox showing the chosen version).</summary>
    public ILocator UpgradeVersion => Page.GetByRole(AriaRole.Combobox, new() { Name = "New operator version", Exact = true });

    public ILocator NotFound => Page.GetByText("Platform not found", new() { Exact = true });

    // ---- Action history -------------------------------------------------------------------------------------

    public ILocator History => Page.Locator("[aria-label='Action history']");

    /// <summary>The history's operation rows (not expanded detail rows nor the empty-message row).</summary>
    public ILocator Operations => History.Locator("tbody tr").Filter(new() { Has = Page.Locator("[data-operation-state]") });

    /// <summary>The row of the newest operation of a kind (e.g. <c>postgres-platform.create</c>).</summary>
    public ILocator Operation(string kind) =>
        Operations.Filter(new() { Has = Page.Locator("code", new() { HasTextRegex = new Regex($"^{Regex.Escape(kind)}$") }) }).First;

    /// <summary>An operation row's state badge; its <c>data-operation-state</c> is the state's name.</summary>
    public static ILocator OperationState(ILocator row) => row.Locator("[data-operation-state]");

    /// <summary>The step log of an operation (shown once its row is expanded).</summary>
    public ILocator Steps(string kind) => History.Locator($"ol[aria-label='Steps of {kind}']");

    /// <summary>One step of an expanded operation, by its name.</summary>
    public ILocator Step(string kind, string name) =>
        Steps(kind).Locator("li").Filter(new() { Has = Page.Locator(".check-name", new() { HasTextRegex = new Regex($@"^\d+\. {Regex.Escape(name)}\b") }) });

    /// <summary>An operation row's expand/collapse button ("Show steps of …", with aria-expanded).</summary>
    public ILocator RowToggle(string kind) => Operation(kind).Locator("button[aria-expanded]").First;

    /// <summary>
    /// Expands an operation row unless it already reads expanded, then waits for its step log. A row that reads
    /// expanded (<c>aria-expanded="true"</c>) must show its steps: the test does not click again to "repair" it.
    /// </summary>
    public async Task ExpandAsync(string kind)
    {
        var toggle = RowToggle(kind);
        if (await toggle.GetAttributeAsync("aria-expanded") != "true")
            await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(Steps(kind)).ToBeVisibleAsync();
    }

    // ---- Actions --------------------------------------------------------------------------------------------

    /// <summary>Clicks "Disable" or "Enable" and waits for the Disabled badge to appear or go.</summary>
    public async Task ToggleAsync(string action)
    {
        await Page.Button(action).ClickAsync();
        if (action == "Disable")
        {
            await Assertions.Expect(DisabledBadge).ToBeVisibleAsync();
            await Assertions.Expect(Page.Button("Enable")).ToBeVisibleAsync();
        }
        else
        {
            await Assertions.Expect(DisabledBadge).ToHaveCountAsync(0);
            await Assertions.Expect(Page.Button("Disable")).ToBeVisibleAsync();
        }
    }

    /// <summary>Clicks "Delete platform" and confirms; the caller checks the outcome.</summary>
    public async Task RequestDeleteAsync()
    {
        await Page.Button("Delete platform").ClickAsync();
        await Assertions.Expect(ConfirmDialog).ToBeVisibleAsync();
        await ConfirmDialog.Button("Delete platform").ClickAsync();
        await Assertions.Expect(ConfirmDialog).ToBeHiddenAsync();
    }
}
