using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>
/// Service Configs and their platforms in a real browser, on a demo cloud: the MKS network platform, PostgreSQL
/// in each mode (operations running against the demo Kubernetes API with its default delays), live action history,
/// enable/disable gating, ordered deletion and operator upgrades.
/// <para>
/// Each scenario is its own class, so each gets its own portal: a Managed tools platform claims the demo cluster
/// (one operator per cluster), so two scenarios cannot both install onto it in one portal. The classes share one
/// collection so they run one after another (the demo controllers' delays are wall-clock; a 2-CPU machine running
/// five portals at once would make them crawl).
/// </para>
/// </summary>
public abstract class ServiceConfigsBrowserTest(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    public const string Collection = BrowserCollection.Name;

    protected const string CreateKind = "postgres-platform.create";
    protected const string UpgradeKind = "postgres-platform.upgrade";
    protected const string DeleteKind = "postgres-platform.delete";

    /// <summary>Long enough for the demo controllers' default delays (Deployment rollout ~5 s) on a busy machine.</summary>
    protected static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 45_000 };

    // The layout scrolls inside its body, so "full page" screenshots stop at the viewport: a taller one shows whole pages.
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Page.SetViewportSizeAsync(1280, 1400);
    }

    protected async Task<(Guid Id, ServiceConfigsScreen Configs)> RegisterAsync(string name, string region, string zone)
    {
        await SignInAsAdminAsync();
        var id = await new InfrastructureWizardScreen(Page).RegisterDemoCloudAsync(name, region, zone, ["m1.small"], []);
        var configs = new ServiceConfigsScreen(Page);
        await configs.OpenAsync(id);
        return (id, configs);
    }
}

/// <summary>Scenario 1: a Service Config, its MKS platform, and a Managed tools PostgreSQL platform watched live until Active.</summary>
[Collection(ServiceConfigsBrowserTest.Collection)]
public sealed class ServiceConfigsLifecycleTests(PortalBrowserFixture fixture, ITestOutputHelper output) : ServiceConfigsBrowserTest(fixture, output)
{
    [Fact]
    public Task Admin_creates_a_service_config_with_mks_and_watches_a_managed_tools_platform_come_up_live() => RunAsync(async page =>
    {
        var (_, configs) = await RegisterAsync("Demo services", "Services region", "services-a");
        await Expect(page.GetByText("No Service Configs yet", new() { Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("lifecycle-01-empty-tab");

        var create = await configs.StartCreateAsync("production", "Databases for the shop");
        await SnapshotAsync("lifecycle-02-new-service-config-dialog");
        await create.Button("Create Service Config").ClickAsync();
        await Expect(create).ToBeHiddenAsync();
        await Expect(configs.Config("production")).ToContainTextAsync("No platforms yet.");
        await Expect(configs.Config("production")).ToContainTextAsync("Databases for the shop");
        await Expect(configs.Config("production")).ToContainTextAsync("Offered to all tenants");
        await SnapshotAsync("lifecycle-03-config-created");

        // MKS: the dropdown lists the cloud's external networks (live), and the platform is Active at once.
        var mks = await configs.StartMksAsync("production");
        var networks = await configs.OpenDropdownAsync(ServiceConfigsScreen.NetworkDropdown(mks));
        Assert.Equal(["public", "public-v6"], networks);
        await SnapshotAsync("lifecycle-04-mks-dialog-networks");
        await configs.ChooseOptionAsync(networks[0]);
        await mks.Button("Add MKS platform").ClickAsync();
        await Expect(mks).ToBeHiddenAsync();
        await Expect(configs.PlatformState("production", ServiceConfigsScreen.MksLink)).ToHaveTextAsync("Active");
        await Expect(configs.PlatformItem("production", ServiceConfigsScreen.MksLink)).ToContainTextAsync("External network public");
        await Expect(page.Button("Add MKS platform to production")).ToHaveCountAsync(0); // at most one per kind
        await SnapshotAsync("lifecycle-05-mks-active");

        // PostgreSQL, Managed tools, on the demo cluster's kubeconfig.
        var pg = await configs.StartPostgresAsync("production", PostgresModeChoice.ManagedTools);
        await ServiceConfigsScreen.PasteKubeconfigAsync(pg, DemoKubernetesApi.Kubeconfig);
        await Expect(ServiceConfigsScreen.KubeconfigSummary(pg)).ToContainTextAsync(DemoKubernetesApi.Host);
        await Expect(pg.Button("Replace Kubeconfig")).ToBeVisibleAsync();
        Assert.DoesNotContain(DemoKubernetesApi.Token, await pg.InnerHTMLAsync()); // the secret is never shown back
        await SnapshotAsync("lifecycle-06-postgres-dialog-managed-tools");
        var started = Stopwatch.StartNew();
        await configs.AddPostgresAsync(pg, "production");
        await SnapshotAsync("lifecycle-07-postgres-listed");

        // Its page: the create operation progresses live, without reloading.
        var platform = await configs.OpenPlatformAsync("production", ServiceConfigsScreen.PostgresLink);
        await page.EvaluateAsync("() => window.__sameDocument = true");
        await Expect(platform.ConfigValue("Mode")).ToHaveTextAsync("Managed tools");
        await Expect(platform.ConfigValue("Cluster")).ToContainTextAsync(DemoKubernetesApi.Host);
        await Expect(platform.ConfigValue("Kubeconfig")).ToHaveTextAsync("Stored encrypted; never shown");
        var operation = platform.Operation(CreateKind);
        await Expect(PlatformScreen.OperationState(operation)).ToHaveAttributeAsync("data-operation-state", "Running");
        await Expect(platform.StateBadge).ToHaveTextAsync("Provisioning");
        await Expect(operation).ToContainTextAsync(new Regex(@"Step \d of 6: "));
        await SnapshotAsync("lifecycle-08-platform-page-running");

        await Expect(PlatformScreen.OperationState(operation)).ToHaveAttributeAsync("data-operation-state", "Succeeded", new() { Timeout = 45_000 });
        await Expect(operation).ToContainTextAsync("All 6 steps done");
        await Expect(platform.StateBadge).ToHaveTextAsync("Active");
        await Expect(platform.ConfigValue("Operator version")).ToHaveTextAsync("1.26.1");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page was reloaded; it should update live.");
        Output.WriteLine($"Managed tools platform active {started.Elapsed.TotalSeconds:0.0} s after it was added.");

        await platform.ExpandAsync(CreateKind);
        await Expect(platform.Step(CreateKind, "Install the CloudNativePG operator")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await Expect(platform.Step(CreateKind, "Wait for the operator to become available")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await Expect(platform.Step(CreateKind, "Provision the backing cluster")).ToHaveAttributeAsync("data-step-state", "Skipped");
        await Expect(platform.Step(CreateKind, "Activate the platform")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await SnapshotAsync("lifecycle-09-platform-active-steps");

        // Back on the tab, the platform reads Active with its mode and operator version.
        await platform.Page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = "Demo services", Exact = true }).ClickAsync();
        await configs.OpenTabAsync();
        await Expect(configs.PlatformState("production", ServiceConfigsScreen.PostgresLink)).ToHaveTextAsync("Active");
        await Expect(configs.PlatformItem("production", ServiceConfigsScreen.PostgresLink)).ToContainTextAsync("Managed tools, operator 1.26.1");
        await Expect(page.Button("Add PostgreSQL platform to production")).ToHaveCountAsync(0);
        await SnapshotAsync("lifecycle-10-tab-with-both-platforms");

        // One operator per cluster: another Service Config cannot install it onto the same cluster again.
        await configs.CreateAsync("shadow");
        await configs.AddMksAsync("shadow");
        var second = await configs.StartPostgresAsync("shadow", PostgresModeChoice.ManagedTools);
        await ServiceConfigsScreen.PasteKubeconfigAsync(second, DemoKubernetesApi.Kubeconfig);
        await Expect(ServiceConfigsScreen.KubeconfigSummary(second)).ToContainTextAsync(DemoKubernetesApi.Host);
        await ServiceConfigsScreen.SubmitPostgresAsync(second);
        await Expect(ServiceConfigsScreen.KubeconfigError(second)).ToHaveTextAsync(
            $"The PostgreSQL platform of Service Config 'production' already manages the operator on {DemoKubernetesApi.ServerUrl}. Use that Service Config, or another cluster.");
        await SnapshotAsync("lifecycle-11-second-operator-on-the-cluster-refused");
        await second.Button("Cancel").ClickAsync();
        await Expect(second).ToBeHiddenAsync();
        await Expect(configs.PlatformLink("shadow", ServiceConfigsScreen.PostgresLink)).ToHaveCountAsync(0);
    });
}

/// <summary>Scenario 2: External needs a valid kubeconfig and installs nothing; a disabled MKS platform refuses Managed but not Managed tools.</summary>
[Collection(ServiceConfigsBrowserTest.Collection)]
public sealed class ServiceConfigsModesTests(PortalBrowserFixture fixture, ITestOutputHelper output) : ServiceConfigsBrowserTest(fixture, output)
{
    [Fact]
    public Task External_mode_needs_a_valid_kubeconfig_and_installs_nothing() => RunAsync(async page =>
    {
        var (_, configs) = await RegisterAsync("Demo external", "External region", "external-a");

        // External: record only; a kubeconfig is required and must be one.
        await configs.CreateAsync("staging");
        await configs.AddMksAsync("staging", "public-v6");
        var external = await configs.StartPostgresAsync("staging", PostgresModeChoice.External);
        await SnapshotAsync("modes-01-external-dialog");
        await ServiceConfigsScreen.SubmitPostgresAsync(external);
        await Expect(ServiceConfigsScreen.KubeconfigError(external)).ToHaveTextAsync("Paste or upload the kubeconfig of the cluster.");
        await Expect(external).ToBeVisibleAsync();
        await SnapshotAsync("modes-02-external-without-kubeconfig");

        await ServiceConfigsScreen.PasteKubeconfigAsync(external, "hello: world");
        await Expect(ServiceConfigsScreen.KubeconfigError(external)).ToHaveTextAsync(
            "The text is not a kubeconfig: it has no clusters, users or contexts (nor kind: Config).");
        await Expect(ServiceConfigsScreen.KubeconfigSummary(external)).ToHaveCountAsync(0);
        await SnapshotAsync("modes-03-external-invalid-kubeconfig");

        await ServiceConfigsScreen.PasteKubeconfigAsync(external, DemoKubernetesApi.Kubeconfig);
        await Expect(ServiceConfigsScreen.KubeconfigSummary(external)).ToContainTextAsync(DemoKubernetesApi.Host);
        await SnapshotAsync("modes-04-external-valid-kubeconfig");
        // The earlier "required" message no longer applies once a valid kubeconfig is in (it renders with the
        // summary, so reading it now is not a race). Checked at the end, so the rest of the scenario still runs.
        var staleKubeconfigErrors = await ServiceConfigsScreen.KubeconfigError(external).AllTextContentsAsync();
        await configs.AddPostgresAsync(external, "staging");
        // The tab shows the state as it was when it loaded (it does not follow operations live); the page does.
        await Expect(configs.PlatformState("staging", ServiceConfigsScreen.PostgresLink)).ToHaveTextAsync(new Regex("^(Provisioning|Active)$"));
        await Expect(configs.PlatformItem("staging", ServiceConfigsScreen.PostgresLink)).ToContainTextAsync("External");

        var platform = await configs.OpenPlatformAsync("staging", ServiceConfigsScreen.PostgresLink);
        await Expect(platform.StateBadge).ToHaveTextAsync("Active", Slow);
        await Expect(platform.ConfigValue("Mode")).ToHaveTextAsync("External");
        await Expect(PlatformScreen.OperationState(platform.Operation(CreateKind))).ToHaveAttributeAsync("data-operation-state", "Succeeded", new() { Timeout = 30_000 });
        await Expect(page.Button("Upgrade")).ToHaveCountAsync(0); // nothing Portal installed, nothing to upgrade
        await platform.ExpandAsync(CreateKind);
        await Expect(platform.Step(CreateKind, "Provision the backing cluster")).ToHaveAttributeAsync("data-step-state", "Skipped");
        await Expect(platform.Step(CreateKind, "Install the CloudNativePG operator")).ToHaveAttributeAsync("data-step-state", "Skipped");
        await Expect(platform.Step(CreateKind, "Wait for the operator to become available")).ToHaveAttributeAsync("data-step-state", "Skipped");
        await Expect(platform.Step(CreateKind, "Activate the platform")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await SnapshotAsync("modes-05-external-platform-page");

        Assert.True(staleKubeconfigErrors.Count == 0,
            "After a valid kubeconfig was pasted (its summary shown), the Kubeconfig field still showed the earlier refusal: " +
            string.Join(" | ", staleKubeconfigErrors));
    });

    [Fact]
    public Task A_disabled_mks_platform_refuses_new_managed_postgres_but_not_managed_tools() => RunAsync(async page =>
    {
        var (_, configs) = await RegisterAsync("Demo modes", "Modes region", "modes-a");

        // A disabled MKS platform: no new Managed PostgreSQL platform may use it; Managed tools may.
        await configs.CreateAsync("dev");
        await configs.AddMksAsync("dev");
        var mks = await configs.OpenPlatformAsync("dev", ServiceConfigsScreen.MksLink);
        await Expect(mks.StateBadge).ToHaveTextAsync("Active");
        await Expect(mks.ConfigValue("External network")).ToContainTextAsync("public");
        await Expect(mks.History).ToHaveCountAsync(0); // data only: no operations
        await SnapshotAsync("modes-06-mks-platform-page");
        await mks.ToggleAsync("Disable");
        await Expect(mks.ConfigValue("Status")).ToHaveTextAsync("Active, disabled for new use");
        await SnapshotAsync("modes-07-mks-disabled");

        await mks.Page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = "Demo modes", Exact = true }).ClickAsync();
        await configs.OpenTabAsync();
        await Expect(configs.PlatformItem("dev", ServiceConfigsScreen.MksLink).StateBadge("Disabled")).ToBeVisibleAsync();
        var managed = await configs.StartPostgresAsync("dev", PostgresModeChoice.Managed);
        await ServiceConfigsScreen.SubmitPostgresAsync(managed);
        await Expect(managed.Locator("[role=alert]")).ToContainTextAsync(
            "The MKS network platform of 'dev' is disabled, so no new Managed PostgreSQL platform can use it.");
        await Expect(managed).ToBeVisibleAsync();
        await SnapshotAsync("modes-08-managed-refused-mks-disabled");

        // The same dialog, switched to Managed tools, is accepted.
        await ServiceConfigsScreen.ChooseModeAsync(managed, PostgresModeChoice.ManagedTools);
        await ServiceConfigsScreen.PasteKubeconfigAsync(managed, DemoKubernetesApi.Kubeconfig);
        await Expect(ServiceConfigsScreen.KubeconfigSummary(managed)).ToContainTextAsync(DemoKubernetesApi.Host);
        await configs.AddPostgresAsync(managed, "dev");
        await Expect(configs.PlatformItem("dev", ServiceConfigsScreen.PostgresLink)).ToContainTextAsync("Managed tools");
        await Expect(configs.Config("dev").Locator("[role=alert]")).ToHaveCountAsync(0);
        await SnapshotAsync("modes-09-managed-tools-accepted");
        var tools = await configs.OpenPlatformAsync("dev", ServiceConfigsScreen.PostgresLink);
        await Expect(tools.StateBadge).ToHaveTextAsync("Active", Slow);
    });
}

/// <summary>Scenario 3: deletion in the wrong order is refused with the dependents named; in the right order it succeeds.</summary>
[Collection(ServiceConfigsBrowserTest.Collection)]
public sealed class ServiceConfigsDeletionTests(PortalBrowserFixture fixture, ITestOutputHelper output) : ServiceConfigsBrowserTest(fixture, output)
{
    [Fact]
    public Task Platforms_and_service_configs_are_deleted_in_order() => RunAsync(async page =>
    {
        var (id, configs) = await RegisterAsync("Demo teardown", "Teardown region", "teardown-a");
        await configs.CreateAsync("retiring");
        await configs.AddMksAsync("retiring");
        var pg = await configs.StartPostgresAsync("retiring", PostgresModeChoice.ManagedTools);
        await ServiceConfigsScreen.PasteKubeconfigAsync(pg, DemoKubernetesApi.Kubeconfig);
        await Expect(ServiceConfigsScreen.KubeconfigSummary(pg)).ToBeVisibleAsync();
        await configs.AddPostgresAsync(pg, "retiring");
        await Expect(configs.PlatformState("retiring", ServiceConfigsScreen.PostgresLink)).ToHaveTextAsync(new Regex("Provisioning|Active"));

        // Wrong order 1: the Service Config while it has platforms.
        await configs.RequestDeleteAsync("retiring");
        await Expect(configs.TabRefusal).ToHaveTextAsync(
            "Service Config 'retiring' still has platforms: MKS network platform, PostgreSQL platform. Delete them first (PostgreSQL before MKS).");
        await Expect(configs.Config("retiring")).ToBeVisibleAsync();
        await SnapshotAsync("teardown-01-config-delete-refused");

        // Wrong order 2: the MKS platform while PostgreSQL builds on it.
        var mks = await configs.OpenPlatformAsync("retiring", ServiceConfigsScreen.MksLink);
        await mks.RequestDeleteAsync();
        await Expect(mks.Refusal).ToHaveTextAsync(
            "The PostgreSQL platform of 'retiring' builds on this MKS network platform. Delete the PostgreSQL platform first.");
        await Expect(mks.Heading(ServiceConfigsScreen.MksLink)).ToBeVisibleAsync();
        await SnapshotAsync("teardown-02-mks-delete-refused");

        // Right order: PostgreSQL first (once its setup finished), watched live until it is gone.
        await configs.OpenAsync(id);
        var platform = await configs.OpenPlatformAsync("retiring", ServiceConfigsScreen.PostgresLink);
        await Expect(platform.StateBadge).ToHaveTextAsync("Active", Slow);
        await page.EvaluateAsync("() => window.__sameDocument = true");
        await platform.RequestDeleteAsync();
        // Removing the operator from the demo cluster is quick: the page may already have returned to the list.
        await Expect(platform.Operation(DeleteKind).Or(configs.Tab)).ToBeVisibleAsync();
        await SnapshotAsync("teardown-03-postgres-deleting");
        // Once it is gone, the page returns to the infrastructure that lists its Service Config (not "not found").
        await Expect(page).ToHaveURLAsync(new Regex($"/infrastructures/{id}\\?tab=service-configs$"), new() { Timeout = 45_000 });
        await Expect(platform.NotFound).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page was reloaded; it should update live.");
        await SnapshotAsync("teardown-04-postgres-gone");

        // The deletion ran as an operation: the Operations page keeps it after the platform is gone.
        await GotoAsync("/operations");
        var deletion = page.Locator("[aria-label='Operations'] tbody tr")
            .Filter(new() { Has = page.Locator("code", new() { HasTextRegex = new Regex($"^{Regex.Escape(DeleteKind)}$") }) })
            .Filter(new() { HasText = "PostgreSQL platform of retiring" });
        await Expect(deletion).ToHaveCountAsync(1);
        await Expect(deletion.Locator("[data-operation-state]")).ToHaveAttributeAsync("data-operation-state", "Succeeded");
        await Expect(deletion).ToContainTextAsync("All 3 steps done");
        await SnapshotAsync("teardown-05-operations-page");

        await configs.OpenAsync(id);
        await Expect(configs.PlatformLink("retiring", ServiceConfigsScreen.PostgresLink)).ToHaveCountAsync(0);
        await Expect(page.Button("Add PostgreSQL platform to retiring")).ToBeVisibleAsync();

        // Then MKS: it holds only data; deleting it returns to the infrastructure.
        mks = await configs.OpenPlatformAsync("retiring", ServiceConfigsScreen.MksLink);
        await mks.RequestDeleteAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/infrastructures/{id}\\?tab=service-configs$"));
        await configs.OpenTabAsync();
        await Expect(configs.Config("retiring")).ToContainTextAsync("No platforms yet.");
        await SnapshotAsync("teardown-06-platforms-deleted");

        // Finally the Service Config itself.
        await configs.RequestDeleteAsync("retiring");
        await Expect(configs.Config("retiring")).ToHaveCountAsync(0);
        await Expect(configs.TabRefusal).ToHaveCountAsync(0);
        await Expect(page.GetByText("No Service Configs yet", new() { Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("teardown-07-config-deleted");
    });
}

/// <summary>Scenario 4: upgrading the operator of a Managed tools platform.</summary>
[Collection(ServiceConfigsBrowserTest.Collection)]
public sealed class ServiceConfigsUpgradeTests(PortalBrowserFixture fixture, ITestOutputHelper output) : ServiceConfigsBrowserTest(fixture, output)
{
    [Fact]
    public Task Admin_upgrades_the_operator_of_a_managed_tools_platform() => RunAsync(async page =>
    {
        var (_, configs) = await RegisterAsync("Demo upgrades", "Upgrades region", "upgrades-a");
        await configs.CreateAsync("upgrading");
        await configs.AddMksAsync("upgrading");
        var pg = await configs.StartPostgresAsync("upgrading", PostgresModeChoice.ManagedTools);
        var versions = await configs.OpenDropdownAsync(ServiceConfigsScreen.VersionDropdown(pg));
        Assert.Equal(["1.24.4", "1.25.2", "1.26.1"], versions);
        await configs.ChooseOptionAsync("1.24.4");
        await Expect(ServiceConfigsScreen.VersionDropdown(pg)).ToContainTextAsync("1.24.4");
        await ServiceConfigsScreen.PasteKubeconfigAsync(pg, DemoKubernetesApi.Kubeconfig);
        await Expect(ServiceConfigsScreen.KubeconfigSummary(pg)).ToBeVisibleAsync();
        await configs.AddPostgresAsync(pg, "upgrading");

        var platform = await configs.OpenPlatformAsync("upgrading", ServiceConfigsScreen.PostgresLink);
        await Expect(platform.StateBadge).ToHaveTextAsync("Active", Slow);
        await Expect(platform.ConfigValue("Operator version")).ToHaveTextAsync("1.24.4");

        var upgradeTo = platform.UpgradeVersion;
        Assert.Equal(["1.25.2", "1.26.1"], await configs.OpenDropdownAsync(upgradeTo));
        await configs.ChooseOptionAsync("1.26.1");
        await Expect(upgradeTo).ToContainTextAsync("1.26.1");
        await SnapshotAsync("upgrade-01-version-chosen");
        await page.Button("Upgrade").ClickAsync();
        await Expect(platform.ConfirmDialog).ToContainTextAsync("Upgrade CloudNativePG from 1.24.4 to 1.26.1?");
        await platform.ConfirmDialog.Button("Upgrade").ClickAsync();
        await Expect(platform.ConfirmDialog).ToBeHiddenAsync();

        var upgrade = platform.Operation(UpgradeKind);
        await Expect(upgrade).ToBeVisibleAsync();
        await Expect(platform.StateBadge).ToHaveTextAsync("Upgrading");
        await Expect(platform.ConfigValue("Operator version")).ToHaveTextAsync("1.24.4 → 1.26.1");
        await SnapshotAsync("upgrade-02-upgrading");

        await Expect(PlatformScreen.OperationState(upgrade)).ToHaveAttributeAsync("data-operation-state", "Succeeded", new() { Timeout = 45_000 });
        await Expect(platform.StateBadge).ToHaveTextAsync("Active");
        await Expect(platform.ConfigValue("Operator version")).ToHaveTextAsync("1.26.1");
        await Expect(page.GetByText("The platform runs the newest supported operator version.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(platform.Operations).ToHaveCountAsync(2);
        await platform.ExpandAsync(UpgradeKind);
        await Expect(platform.Step(UpgradeKind, "Upgrade the CloudNativePG operator")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await Expect(platform.Step(UpgradeKind, "Record the new version")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await SnapshotAsync("upgrade-03-upgraded");
    });
}

/// <summary>Managed mode: a backing cluster is provisioned through the demo management cluster.</summary>
[Collection(ServiceConfigsBrowserTest.Collection)]
public sealed class ServiceConfigsManagedTests(PortalBrowserFixture fixture, ITestOutputHelper output) : ServiceConfigsBrowserTest(fixture, output)
{
    [Fact]
    public Task Managed_mode_provisions_a_backing_cluster_on_an_enabled_mks_platform() => RunAsync(async page =>
    {
        var (_, configs) = await RegisterAsync("Demo managed", "Managed region", "managed-a");
        await configs.CreateAsync("analytics");
        await configs.AddMksAsync("analytics");
        var pg = await configs.StartPostgresAsync("analytics", PostgresModeChoice.Managed);
        await SnapshotAsync("managed-01-dialog");
        var started = Stopwatch.StartNew();
        await configs.AddPostgresAsync(pg, "analytics");
        await Expect(configs.PlatformState("analytics", ServiceConfigsScreen.PostgresLink)).ToHaveTextAsync("Provisioning");

        var platform = await configs.OpenPlatformAsync("analytics", ServiceConfigsScreen.PostgresLink);
        await Expect(platform.ConfigValue("Mode")).ToHaveTextAsync("Managed");
        var operation = platform.Operation(CreateKind);
        await Expect(PlatformScreen.OperationState(operation)).ToHaveAttributeAsync("data-operation-state", "Running");
        await platform.ExpandAsync(CreateKind);
        await Expect(platform.Step(CreateKind, "Provision the backing cluster")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await Expect(platform.Step(CreateKind, "Wait for the backing cluster")).ToHaveAttributeAsync("data-step-state", "Running");
        await SnapshotAsync("managed-02-provisioning");

        // The backing cluster takes a while with the demo's default delays; wait for it, but report how long.
        await Expect(PlatformScreen.OperationState(operation)).ToHaveAttributeAsync("data-operation-state", "Succeeded", new() { Timeout = 90_000 });
        Output.WriteLine($"Managed platform active {started.Elapsed.TotalSeconds:0.0} s after it was added.");
        await Expect(platform.StateBadge).ToHaveTextAsync("Active");
        await Expect(operation).ToContainTextAsync("All 6 steps done");
        await SnapshotAsync("managed-03-active");

        // The step log expanded while the operation ran followed it live: still open, every step done.
        await Expect(platform.RowToggle(CreateKind)).ToHaveAttributeAsync("aria-expanded", "true");
        try
        {
            await Expect(platform.Steps(CreateKind)).ToBeVisibleAsync(new() { Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
            Assert.Fail("The create operation's row was expanded while it ran, and its toggle still reads aria-expanded=\"true\", " +
                        "but its step log disappeared when the action history refreshed live; it should stay open and show the steps.");
        }
        await Expect(platform.Step(CreateKind, "Wait for the backing cluster")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await Expect(platform.Step(CreateKind, "Install the CloudNativePG operator")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await Expect(platform.Step(CreateKind, "Activate the platform")).ToHaveAttributeAsync("data-step-state", "Succeeded");
        await SnapshotAsync("managed-04-steps-after-live-updates");
    });
}
