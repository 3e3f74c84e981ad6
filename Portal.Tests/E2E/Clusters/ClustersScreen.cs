using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;

namespace Portal.Tests.E2E.Clusters;

/// <summary>
/// The cluster pages as a person uses them: the list, the creation wizard, and a cluster's page with its control plane,
/// node pools and action history. Locates elements by role, label and the state attributes the pages render
/// (<c>data-cluster-state</c>, <c>data-operation-state</c>).
/// </summary>
public sealed partial class ClustersScreen(IPage page)
{
    public IPage Page { get; } = page;

    // ---- The list ------------------------------------------------------------------------------------------

    public ILocator ListGrid => Page.Locator("[aria-label='Clusters']");

    public ILocator ListRow(string name) =>
        ListGrid.Locator("tbody tr").Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });

    public static ILocator StateOf(ILocator scope) => scope.Locator("[data-cluster-state]").First;

    public ILocator CreateButton => Page.Button("Create cluster");

    public Task OpenListAsync() => Page.GotoPortalAsync("/clusters");

    // ---- The wizard ----------------------------------------------------------------------------------------

    public ILocator StepHeading(string title) => Page.Locator(".wizard-body").GetByRole(AriaRole.Heading, new() { Name = title, Exact = true });

    public ILocator NextButton => Page.Button("Next");
    public ILocator FinishButton => Page.Locator(".wizard-buttons").Button("Create cluster");

    /// <summary>The message under a field (RefusalText renders role=alert next to it) or the step's form-level alert.</summary>
    public ILocator Alerts => Page.Locator(".wizard-body [role=alert]");

    public ILocator NameField => Page.GetByLabel("Cluster name", new() { Exact = true });

    public async Task StartWizardAsync()
    {
        await OpenListAsync();
        await CreateButton.First.ClickAsync();
        await Assertions.Expect(StepHeading("Project & name")).ToBeVisibleAsync();
    }

    public async Task NextAsync(string nextTitle)
    {
        await NextButton.ClickAsync();
        await Assertions.Expect(StepHeading(nextTitle)).ToBeVisibleAsync();
    }

    /// <summary>Clicks Next and waits for the refusal shown in the step (it stays on the step).</summary>
    public async Task NextRefusedAsync(string message)
    {
        await NextButton.ClickAsync();
        await Assertions.Expect(Alerts.Filter(new() { HasText = message })).ToBeVisibleAsync();
    }

    /// <summary>A select (MudSelect) by its label: the input that shows the chosen option.</summary>
    public ILocator Combobox(string label) => Page.GetByLabel(label, new() { Exact = true });

    /// <summary>Opens the select labelled <paramref name="label"/> and picks the option that starts with <paramref name="option"/>.</summary>
    public Task ChooseAsync(string label, string option) => Page.SelectAsync(label, option);

    public ILocator Radio(string name) => Page.GetByRole(AriaRole.Radio, new() { Name = name, Exact = true });

    public Task ChooseVersionAsync(string version) => Radio(version).CheckAsync();

    public async Task ChooseControlPlaneAsync(bool hosted)
    {
        await Radio(hosted ? "Hosted (HCP)" : "Standalone (SCP)").CheckAsync();
        await Assertions.Expect(Page.GetByText(hosted ? "A hosted control plane always runs 3 replicas" : "Architecture (cannot be changed later)", new() { Exact = false }).First).ToBeVisibleAsync();
    }

    public async Task SetPoolAsync(int position, string name, string flavor, int nodes)
    {
        await Page.GetByLabel($"Pool {position} name", new() { Exact = true }).FillAsync(name);
        await ChooseAsync($"Pool {position} flavor", flavor);
        var count = Page.GetByLabel($"Pool {position} nodes", new() { Exact = true });
        await count.FillAsync(nodes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await count.BlurAsync();
    }

    public ILocator PreflightChecks => Page.Locator("ul[aria-label='Pre-flight checks'] li");
    public ILocator PreflightVerdict => Page.GetByTestId("preflight-verdict");

    /// <summary>Clicks "Create cluster" on the review step; returns the new cluster's id once its page shows.</summary>
    public async Task<Guid> CreateAsync(string name)
    {
        await FinishButton.ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return Guid.Parse(DetailUrl().Match(new Uri(Page.Url).AbsolutePath).Groups["id"].Value);
    }

    // ---- A cluster's page ----------------------------------------------------------------------------------

    public Task OpenClusterAsync(Guid id) => Page.GotoPortalAsync($"/clusters/{id}");

    public ILocator ClusterState => Page.GetByTestId("cluster-state").Locator("[data-cluster-state]");
    public ILocator ClusterAlert => Page.GetByTestId("cluster-alert");
    public ILocator Version => Page.GetByTestId("cluster-version");

    public ILocator PoolsGrid => Page.Locator("[aria-label='Node pools grid']");

    public ILocator PoolRow(string pool) =>
        PoolsGrid.Locator("tbody tr").Filter(new() { Has = Page.GetByTestId("pool-name").GetByText(pool, new() { Exact = true }) });

    public ILocator PoolState(string pool) => PoolRow(pool).Locator("[data-cluster-state]");

    public ILocator PoolButton(string pool, string accessibleName) => PoolRow(pool).GetByRole(AriaRole.Button, new() { Name = accessibleName, Exact = true });

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    /// <summary>
    /// A confirmation: a MudBlazor dialog (role dialog) on the cluster pages; the shared action history's own confirmation
    /// reads as role alertdialog until the Operations folder moves to MudBlazor.
    /// </summary>
    public ILocator ConfirmDialog => Page.GetByRole(AriaRole.Alertdialog).Or(Page.GetByRole(AriaRole.Dialog));

    /// <summary>Rows of the action history (newest first) for an action kind on a target ("web/workers").</summary>
    public ILocator History(string kind, string? target = null)
    {
        var rows = Page.Locator("[aria-label='Cluster action history'] tbody tr")
            .Filter(new() { Has = Page.Locator("code", new() { HasTextRegex = new Regex($"^{Regex.Escape(kind)}$") }) });
        return target is null ? rows : rows.Filter(new() { HasText = $"on {target}" });
    }

    public static ILocator OperationState(ILocator row) => row.Locator("[data-operation-state]");

    /// <summary>Scales a pool through its dialog and waits for the dialog to close.</summary>
    public async Task ScalePoolAsync(string pool, int nodes)
    {
        await PoolButton(pool, $"Scale {pool}").ClickAsync();
        var field = Dialog.GetByLabel("Nodes", new() { Exact = true });
        await field.FillAsync(nodes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await field.BlurAsync();
        await Dialog.Button("Scale pool").ClickAsync();
        await Assertions.Expect(Dialog).ToBeHiddenAsync();
    }

    [GeneratedRegex(@"/clusters/(?<id>[0-9a-fA-F-]{36})$")]
    private static partial Regex DetailUrl();
}
