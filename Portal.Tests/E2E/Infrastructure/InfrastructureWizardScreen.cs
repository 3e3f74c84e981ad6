using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// Page object for the infrastructure list (<c>/infrastructures</c>) and the registration wizard
/// (<c>/infrastructures/new</c>). Every step waits for its visible result.
/// <code>
/// var wizard = new InfrastructureWizardScreen(page);
/// await wizard.StartFromListAsync();
/// await wizard.FillNameAsync("Demo one");
/// await wizard.ChooseDemoCloudAsync();
/// var checks = await wizard.NextToValidationAsync();
/// </code>
/// </summary>
public sealed partial class InfrastructureWizardScreen(IPage page)
{
    public const string ListPath = "/infrastructures";
    public const string WizardPath = "/infrastructures/new";

    /// <summary>The checks the Validate step lists, in order (Portal.Jobs ConnectionProbe).</summary>
    public static readonly IReadOnlyList<string> CheckNames =
    [
        "Authenticate with Keystone",
        "Read the service catalog",
        "List flavors (Nova)",
        "List images (Glance)",
        "List external networks (Neutron)",
    ];

    public IPage Page { get; } = page;

    // ---- The list ------------------------------------------------------------------------------------------

    /// <summary>The infrastructures grid (<c>aria-label="Infrastructures"</c>).</summary>
    public ILocator ListGrid => Page.Locator("[aria-label='Infrastructures']");

    /// <summary>The infrastructure's name link in the list.</summary>
    public ILocator ListLink(string name) => ListGrid.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    /// <summary>The list row of an infrastructure.</summary>
    public ILocator ListRow(string name) =>
        ListGrid.Locator("tbody tr").Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });

    public Task OpenListAsync() => Page.GotoPortalAsync(ListPath);

    /// <summary>
    /// Waits until the list grid shows <paramref name="expectedCount"/> infrastructures (its empty message when 0),
    /// so that a check for an absent name runs against the loaded list, not a grid still loading.
    /// </summary>
    public async Task WaitForListAsync(int expectedCount)
    {
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Infrastructures", Exact = true })).ToBeVisibleAsync();
        if (expectedCount == 0)
            await Assertions.Expect(ListGrid.GetByText("No infrastructures registered yet.", new() { Exact = false })).ToBeVisibleAsync();
        else
            await Assertions.Expect(ListGrid.Locator("tbody tr").Filter(new() { Has = Page.GetByRole(AriaRole.Link) })).ToHaveCountAsync(expectedCount);
    }

    /// <summary>Opens the list, clicks "Register infrastructure" and waits for the wizard's live first step.</summary>
    public async Task StartFromListAsync()
    {
        await OpenListAsync();
        await Page.Button("Register infrastructure").ClickAsync();
        // Client-side navigation in the same circuit: wait for the wizard itself, not for a page load.
        await Assertions.Expect(StepHeading("Provider & connection")).ToBeVisibleAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(WizardUrl());
    }

    // ---- The wizard frame ----------------------------------------------------------------------------------

    /// <summary>The current step's title (the wizard body's heading).</summary>
    public ILocator StepHeading(string title) => Page.Locator(".wizard-body").GetByRole(AriaRole.Heading, new() { Name = title, Exact = true });

    public ILocator NextButton => Page.Button("Next");
    public ILocator BackButton => Page.Button("Back");
    public ILocator CancelButton => Page.Locator(".wizard-buttons").Button("Cancel");
    public ILocator FinishButton => Page.Locator(".wizard-buttons").Button("Register infrastructure");

    /// <summary>Clicks Next and waits for the step titled <paramref name="nextTitle"/>.</summary>
    public async Task NextAsync(string nextTitle)
    {
        await NextButton.ClickAsync();
        await Assertions.Expect(StepHeading(nextTitle)).ToBeVisibleAsync();
    }

    /// <summary>Clicks Cancel and waits for the list page.</summary>
    public async Task CancelAsync()
    {
        await CancelButton.ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Infrastructures", Exact = true, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(ListUrl());
    }

    // ---- Step 1: provider & connection ---------------------------------------------------------------------

    public ILocator NameField => Page.GetByLabel("Name", new() { Exact = true });
    public ILocator DescriptionField => Page.GetByLabel("Description (optional)", new() { Exact = true });
    public ILocator DemoCloudRadio => Page.GetByRole(AriaRole.Radio, new() { Name = "Demo cloud" });
    public ILocator OpenStackRadio => Page.GetByRole(AriaRole.Radio, new() { Name = "OpenStack", Exact = true });

    public ILocator AuthUrlField => Page.GetByLabel("Auth URL", new() { Exact = true });
    public ILocator RegionNameField => Page.GetByLabel("Region name (optional)", new() { Exact = true });
    public ILocator PasswordCredentialRadio => Page.GetByRole(AriaRole.Radio, new() { Name = "User name and password", Exact = true });
    public ILocator AppCredentialRadio => Page.GetByRole(AriaRole.Radio, new() { Name = "Application credential (recommended)", Exact = true });
    public ILocator UserNameField => Page.GetByLabel("User name", new() { Exact = true });
    public ILocator UserDomainField => Page.GetByLabel("User domain", new() { Exact = true });
    public ILocator ProjectNameField => Page.GetByLabel("Project name", new() { Exact = true });
    public ILocator ProjectDomainField => Page.GetByLabel("Project domain", new() { Exact = true });

    /// <summary>The SecretInput's password box (present only while no password is entered).</summary>
    public ILocator PasswordField => Page.GetByLabel("Password", new() { Exact = true });

    /// <summary>The SecretInput's "set" state text (e.g. "Entered (hidden)").</summary>
    public ILocator PasswordState => Page.Locator("#conn-password-state");

    public ILocator PasteSummary => Page.GetByText("Fill from a clouds.yaml entry or an openrc file", new() { Exact = true });
    public ILocator PasteField => Page.GetByLabel("clouds.yaml or openrc contents", new() { Exact = true });

    public async Task FillNameAsync(string name, string? description = null)
    {
        await NameField.FillAsync(name);
        if (description is not null)
            await DescriptionField.FillAsync(description);
    }

    public async Task ChooseDemoCloudAsync()
    {
        await DemoCloudRadio.CheckAsync();
        await Assertions.Expect(Page.GetByText("The demo cloud is built into Portal", new() { Exact = false })).ToBeVisibleAsync();
    }

    public async Task ChooseOpenStackAsync()
    {
        await OpenStackRadio.CheckAsync();
        await Assertions.Expect(AuthUrlField).ToBeVisibleAsync();
    }

    /// <summary>Chooses "User name and password" and waits for its fields.</summary>
    public async Task ChoosePasswordCredentialAsync()
    {
        await PasswordCredentialRadio.CheckAsync();
        await Assertions.Expect(UserNameField).ToBeVisibleAsync();
    }

    /// <summary>Types the password into the SecretInput and waits until the server holds it ("Entered (hidden)").</summary>
    public async Task EnterPasswordAsync(string password)
    {
        await PasswordField.FillAsync(password);
        // The secret goes to the server on change (blur); the input is then replaced by its "set" state.
        await PasswordField.BlurAsync();
        await Assertions.Expect(PasswordState).ToHaveTextAsync("Entered (hidden)");
    }

    /// <summary>Opens the paste box, pastes <paramref name="text"/> and clicks "Fill the form".</summary>
    public async Task PasteConnectionAsync(string text)
    {
        await PasteSummary.ClickAsync();
        await Assertions.Expect(PasteField).ToBeVisibleAsync();
        await PasteField.FillAsync(text);
        await Page.Button("Fill the form").ClickAsync();
    }

    // ---- Step 2: validate ----------------------------------------------------------------------------------

    /// <summary>The check list of the Validate step.</summary>
    public ILocator CheckList => Page.Locator("ul[aria-label='Connection checks']");

    /// <summary>The check list item whose name is <paramref name="name"/>.</summary>
    public ILocator Check(string name) =>
        CheckList.Locator("li").Filter(new() { Has = Page.Locator(".check-name", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) });

    /// <summary>Clicks Next on the first step and waits for the Validate step's complete check list.</summary>
    public async Task<IReadOnlyList<CheckOutcome>> NextToValidationAsync()
    {
        await NextAsync("Validate");
        return await WaitForChecksAsync();
    }

    /// <summary>Waits until every check has an outcome; returns them in order.</summary>
    public async Task<IReadOnlyList<CheckOutcome>> WaitForChecksAsync()
    {
        await Assertions.Expect(CheckList.Locator("li")).ToHaveCountAsync(CheckNames.Count, new() { Timeout = 20_000 });
        var outcomes = new List<CheckOutcome>();
        foreach (var item in await CheckList.Locator("li").AllAsync())
        {
            outcomes.Add(new CheckOutcome(
                (await item.Locator(".check-name").TextContentAsync())?.Trim() ?? "",
                await item.GetAttributeAsync("data-check-status") ?? "",
                (await item.Locator(".check-name + div").TextContentAsync())?.Trim() ?? ""));
        }
        return outcomes;
    }

    // ---- Step 3: placement ---------------------------------------------------------------------------------

    public ILocator NewRegionAndZoneRadio => Page.GetByRole(AriaRole.Radio, new() { Name = "A new region and zone", Exact = true });
    public ILocator NewRegionNameField => Page.GetByLabel("New region name", new() { Exact = true });
    public ILocator NewZoneNameField => Page.GetByLabel("New zone name", new() { Exact = true });

    public async Task ChooseNewRegionAndZoneAsync(string regionName, string zoneName)
    {
        await NewRegionAndZoneRadio.CheckAsync();
        await Assertions.Expect(NewRegionNameField).ToBeVisibleAsync();
        await NewRegionNameField.FillAsync(regionName);
        await NewZoneNameField.FillAsync(zoneName);
    }

    // ---- Step 4: catalog seed ------------------------------------------------------------------------------

    /// <summary>Opens the seed step's Flavors or Images tab ("flavors" / "images").</summary>
    public async Task OpenSeedTabAsync(string noun)
    {
        var tab = Page.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex($"^{(noun == "flavors" ? "Flavors" : "Images")} \\(\\d+ selected\\)$") });
        await tab.ClickAsync();
        await Assertions.Expect(Page.GetByLabel($"Search {noun}", new() { Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>The "N selected" counter of the seed step's picker for "flavors" or "images".</summary>
    public ILocator SeedSelectedCount(string noun) => Page.GetByTestId($"seed-{noun}-selected-count");

    /// <summary>Picks entries in the seed step's open tab by their checkboxes (searching for each one first).</summary>
    public Task SelectSeedAsync(string noun, params string[] names) => PickerGrids.SelectAsync(Page.Locator("body"), noun, $"seed-{noun}", names);

    // ---- The whole journey ---------------------------------------------------------------------------------

    /// <summary>
    /// Registers the demo cloud through the wizard in a new region and zone, seeding the given flavors and
    /// images; returns the new infrastructure's id once its detail page shows.
    /// </summary>
    public async Task<Guid> RegisterDemoCloudAsync(string name, string regionName, string zoneName, string[] flavors, string[] images)
    {
        await StartFromListAsync();
        await FillNameAsync(name);
        await ChooseDemoCloudAsync();
        var checks = await NextToValidationAsync();
        var failing = checks.Where(c => c.Status is not ("Passed" or "Warning")).ToList();
        if (failing.Count > 0)
            throw new InvalidOperationException($"The demo cloud did not validate: {string.Join("; ", failing)}");
        await NextAsync("Placement");
        await ChooseNewRegionAndZoneAsync(regionName, zoneName);
        await NextAsync("Catalog seed");
        await OpenSeedTabAsync("flavors");
        await SelectSeedAsync("flavors", flavors);
        await OpenSeedTabAsync("images");
        await SelectSeedAsync("images", images);
        await NextAsync("Review");
        return await FinishAsync(name);
    }

    /// <summary>Clicks "Register infrastructure" on the review step and waits for the detail page.</summary>
    public async Task<Guid> FinishAsync(string name)
    {
        await FinishButton.ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(Page).ToHaveURLAsync(DetailUrl());
        return Guid.Parse(DetailUrl().Match(new Uri(Page.Url).AbsolutePath).Groups["id"].Value);
    }

    /// <summary>The review step's value for a term (e.g. "Catalog seed").</summary>
    public ILocator ReviewValue(string term) =>
        Page.Locator($"xpath=//dl[contains(@class,'review-list')]/dt[normalize-space()='{term}']/following-sibling::dd[1]");

    [GeneratedRegex(@"/infrastructures/(?<id>[0-9a-fA-F-]{36})$")]
    private static partial Regex DetailUrl();

    [GeneratedRegex(@"/infrastructures/new$")]
    private static partial Regex WizardUrl();

    [GeneratedRegex(@"/infrastructures$")]
    private static partial Regex ListUrl();

    /// <summary>One check of the Validate step: its name, <c>data-check-status</c> and detail text.</summary>
    public sealed record CheckOutcome(string Name, string Status, string Detail)
    {
        public override string ToString() => $"{Name}: {Status} ({Detail})";
    }
}

/// <summary>Steps on a <c>PickerGrid</c> (the wizard's catalog seed and the catalog import dialog).</summary>
public static class PickerGrids
{
    /// <summary>
    /// For each name: types it into "Search &lt;noun&gt;", ticks "Select &lt;name&gt;" and waits for the picker's counter to
    /// go up; clears the search at the end.
    /// </summary>
    public static async Task SelectAsync(ILocator scope, string noun, string idPrefix, params string[] names)
    {
        var search = scope.GetByLabel($"Search {noun}", new() { Exact = true });
        var counter = scope.GetByTestId($"{idPrefix}-selected-count");
        foreach (var name in names)
        {
            var before = int.Parse(((await counter.TextContentAsync()) ?? "0").Split(' ')[0]);
            await search.FillAsync(name);
            var box = scope.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {name}", Exact = true });
            await box.CheckAsync();
            await Assertions.Expect(counter).ToHaveTextAsync($"{before + 1} selected");
        }
        await search.FillAsync("");
    }
}
