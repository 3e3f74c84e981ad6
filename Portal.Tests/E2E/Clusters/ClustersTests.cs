using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Domain.Clusters;
using Portal.Domain.Tenancy;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Clusters;

/// <summary>
/// Managed Kubernetes in a real browser on the demo cloud (fast demo delays, see <see cref="ClustersBrowserFixture"/>).
/// Every test seeds its own tenant, cloud and Service Config, so the tests share one portal without seeing each other.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClustersTests(ClustersBrowserFixture fixture, ITestOutputHelper output) : ClustersBrowserTest(fixture, output)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 30_000 };

    private ClustersWorld World => new(App);

    [Fact]
    public Task Wizard_validates_each_step_and_a_hosted_control_plane_asks_no_flavor() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("wizard");
        await SignInAsync(tenant.MemberEmail);
        var screen = new ClustersScreen(page);
        await screen.OpenListAsync();
        await Expect(page.GetByText("No clusters yet", new() { Exact = true })).ToBeVisibleAsync();
        await SnapshotAsync("wizard-01-empty-list");

        await screen.StartWizardAsync();
        // One project: chosen already. The name is checked on the server as the first step's Next.
        await screen.NextRefusedAsync("Give the cluster a name.");
        await screen.NameField.FillAsync("Web_Prod");
        await screen.NextRefusedAsync("A cluster name uses lowercase letters, digits and hyphens");
        await SnapshotAsync("wizard-02-name-refused");
        await screen.NameField.FillAsync("edge");
        await screen.NextAsync("Service Config");
        await Expect(page.Locator(".placement-choice")).ToContainTextAsync(tenant.ServiceConfigName);
        await Expect(page.Locator(".placement-choice")).ToContainTextAsync("External network public");
        await Expect(screen.Radio($"{tenant.ServiceConfigName} on {tenant.InfrastructureName}")).ToBeCheckedAsync();
        await SnapshotAsync("wizard-03-service-config");

        await screen.NextAsync("Kubernetes version");
        await Expect(screen.Radio(ClustersWorld.NewVersion)).ToBeCheckedAsync();
        await Expect(screen.Radio(ClustersWorld.OldVersion)).ToBeVisibleAsync();
        await screen.NextAsync("Control plane");

        // Standalone: a flavor is required. Hosted: no flavor is asked at all.
        await screen.NextRefusedAsync("Choose a flavor for the control plane machines.");
        await Expect(screen.Combobox("Control plane flavor")).ToBeVisibleAsync();
        await SnapshotAsync("wizard-04-standalone-needs-flavor");
        await screen.ChooseControlPlaneAsync(hosted: true);
        await Expect(screen.Combobox("Control plane flavor")).ToHaveCountAsync(0);
        await Expect(page.GetByText("No flavor is asked for", new() { Exact = false })).ToBeVisibleAsync();
        await SnapshotAsync("wizard-05-hosted-no-flavor");
        await screen.NextAsync("Node pools");

        // The default pool has no flavor yet: refused on its own field.
        await screen.NextRefusedAsync("Choose a flavor for node pool 'workers'.");
        await screen.SetPoolAsync(1, "workers", ClustersWorld.SmallFlavor, 2);
        await page.GetByLabel("Pool 1 autoscaler", new() { Exact = true }).CheckAsync();
        var min = page.GetByLabel("Pool 1 minimum", new() { Exact = true });
        var max = page.GetByLabel("Pool 1 maximum", new() { Exact = true });
        await min.FillAsync("5");
        await max.FillAsync("3");
        await max.BlurAsync();
        await screen.NextRefusedAsync("The autoscaler's minimum (5) must not be greater than its maximum (3).");
        await SnapshotAsync("wizard-06-autoscaler-bounds-refused");
        await min.FillAsync("1");
        await max.FillAsync("4");
        await max.BlurAsync();
        await screen.NextAsync("Review");

        await Expect(screen.PreflightVerdict).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.True(await screen.PreflightChecks.CountAsync() >= 3, "The review step lists the pre-flight checks.");
        await Expect(page.Locator("dl[aria-label='Cluster summary']")).ToContainTextAsync("Hosted (HCP), 3 replicas");
        await Expect(page.Locator("dl[aria-label='Cluster summary']")).ToContainTextAsync("(no machines in your cloud)");
        await SnapshotAsync("wizard-07-review");

        var id = await screen.CreateAsync("edge");
        await Expect(page.GetByLabel("Control plane").First).ToContainTextAsync("Hosted (HCP)");
        await Expect(page.GetByTestId("control-plane-replicas")).ToContainTextAsync("/ 3");
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        await Expect(page.Button("Scale to 1 replica")).ToHaveCountAsync(0); // hosted: nothing to scale
        await SnapshotAsync("wizard-08-hosted-cluster-active");
        Assert.NotEqual(Guid.Empty, id);
    });

    [Fact]
    public Task Service_config_step_explains_that_a_platform_admin_must_offer_one() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("nooffer", offerServiceConfig: false);
        await SignInAsync(tenant.MemberEmail);
        var screen = new ClustersScreen(page);
        await screen.StartWizardAsync();
        await screen.NameField.FillAsync("first");
        await screen.NextAsync("Service Config");
        await Expect(page.GetByText("No Service Config offers Kubernetes to your tenant", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("A platform admin must offer one", new() { Exact = false })).ToBeVisibleAsync();
        await SnapshotAsync("empty-01-no-service-config");
        await screen.NextRefusedAsync("Choose the Service Config that places the cluster.");
    });

    [Fact]
    public Task Scp_cluster_with_two_pools_goes_live_to_active_then_scales_upgrades_and_downloads_its_kubeconfig() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("lifecycle");
        await SignInAsync(tenant.MemberEmail);
        var screen = new ClustersScreen(page);
        await screen.StartWizardAsync();
        await screen.NameField.FillAsync("shop");
        await screen.NextAsync("Service Config");
        await screen.NextAsync("Kubernetes version");
        await screen.ChooseVersionAsync(ClustersWorld.OldVersion);
        await screen.NextAsync("Control plane");
        await screen.Radio("1 replica (development)").CheckAsync();
        await screen.ChooseAsync("Control plane flavor", ClustersWorld.MediumFlavor);
        await screen.NextAsync("Node pools");
        await screen.SetPoolAsync(1, "workers", ClustersWorld.SmallFlavor, 2);
        await page.Button("Add node pool").ClickAsync();
        await screen.SetPoolAsync(2, "batch", ClustersWorld.MediumFlavor, 1);
        await SnapshotAsync("lifecycle-01-two-pools");
        await screen.NextAsync("Review");
        await Expect(screen.PreflightVerdict).ToHaveTextAsync("Every check passed. The cloud can hold this cluster.", new() { Timeout = 20_000 });
        await SnapshotAsync("lifecycle-02-review-checks-passed");

        var started = Stopwatch.StartNew();
        var id = await screen.CreateAsync("shop");
        await page.EvaluateAsync("() => window.__sameDocument = true");
        // Pending → Creating → Active, live, without reloading the page.
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", new Regex("^(Pending|Creating)$"));
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Creating", Slow);
        await Expect(screen.History(ClusterOperations.Create)).ToHaveCountAsync(1);
        await SnapshotAsync("lifecycle-03-creating");
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        Output.WriteLine($"Cluster active {started.Elapsed.TotalSeconds:0.0} s after Create.");
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Active");
        await Expect(screen.PoolState("batch")).ToHaveAttributeAsync("data-cluster-state", "Active");
        await Expect(ClustersScreen.OperationState(screen.History(ClusterOperations.Create))).ToHaveAttributeAsync("data-operation-state", "Succeeded");
        await Expect(screen.PoolRow("workers").GetByTestId("pool-nodes")).ToHaveTextAsync("2 / 2", new() { Timeout = 20_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page was reloaded; it should update live.");
        await SnapshotAsync("lifecycle-04-active");

        // The lifecycle records every state change: the cluster and each pool went null → Pending → Creating → Active.
        var lifecycle = page.Locator("#cluster-lifecycle");
        await lifecycle.ScrollIntoViewIfNeededAsync();
        await Expect(lifecycle.GetByTestId("cluster-transition")).ToHaveCountAsync(8);
        await Expect(lifecycle.Button("Show all 9")).ToBeVisibleAsync();
        await Expect(lifecycle.GetByTestId("cluster-transition").First).ToContainTextAsync("Active");

        // A resync applies the spec again and comes back to Active.
        await page.Button("Resync").ClickAsync();
        await Expect(screen.ConfirmDialog).ToContainTextAsync("Applies the cluster's whole spec");
        await screen.ConfirmDialog.Button("Resync").ClickAsync();
        await Expect(screen.History(ClusterOperations.Resync)).ToHaveCountAsync(1);
        await Expect(ClustersScreen.OperationState(screen.History(ClusterOperations.Resync))).ToHaveAttributeAsync("data-operation-state", "Succeeded", Slow);
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Active");
        await SnapshotAsync("lifecycle-04b-resynced");

        // The list shows it with its version, update chip, control plane, pools and nodes.
        await screen.OpenListAsync();
        var row = screen.ListRow("shop");
        await Expect(ClustersScreen.StateOf(row)).ToHaveAttributeAsync("data-cluster-state", "Active");
        await Expect(row).ToContainTextAsync(ClustersWorld.OldVersion);
        await Expect(row).ToContainTextAsync("Update available");
        await Expect(row).ToContainTextAsync("Standalone ×1");
        await Expect(row).ToContainTextAsync("3 / 3");
        await SnapshotAsync("lifecycle-05-list");

        // The project's clusters are one click away from the Projects page: the list opens filtered to that project.
        await GotoAsync("/projects");
        await page.GetByRole(AriaRole.Link, new() { Name = "Clusters of web", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/clusters\\?project="));
        await Expect(screen.Combobox("Project").Locator("option:checked")).ToHaveTextAsync(new Regex("web"));
        await Expect(screen.ListRow("shop")).ToBeVisibleAsync();

        // Scale a pool.
        await screen.OpenClusterAsync(id);
        await screen.ScalePoolAsync("workers", 3);
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Scaling");
        await SnapshotAsync("lifecycle-06-scaling");
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        // The ready count follows the cloud (the handler's last look, then the periodic reconcile); the size asked for is 3 at once.
        await Expect(screen.PoolRow("workers").GetByTestId("pool-nodes")).ToContainTextAsync("/ 3");

        // Pools cannot be upgraded past the control plane: their Upgrade is disabled with the reason.
        await Expect(screen.PoolButton("workers", "Upgrade workers")).ToBeDisabledAsync();
        await Expect(screen.PoolRow("workers").GetByTestId("pool-why")).ToContainTextAsync("Node pool workers already runs the control plane's version 1.32.3-5; there is nothing to upgrade.");

        // Upgrade the control plane, then a pool.
        await page.Button("Upgrade control plane").ClickAsync();
        await Expect(screen.Dialog).ToContainTextAsync(ClustersWorld.NewVersion);
        await SnapshotAsync("lifecycle-07-upgrade-dialog");
        await screen.Dialog.Button("Upgrade control plane").ClickAsync();
        await Expect(screen.Dialog).ToBeHiddenAsync();
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Upgrading");
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        await Expect(screen.Version).ToHaveTextAsync(ClustersWorld.NewVersion);
        await Expect(screen.PoolRow("workers")).ToContainTextAsync("Behind control plane");
        await screen.PoolButton("workers", "Upgrade workers").ClickAsync();
        await Expect(screen.ConfirmDialog).ToContainTextAsync("replaces all 3 nodes of the pool, one at a time, and cannot be undone. It typically takes 15–30 minutes.");
        await SnapshotAsync("lifecycle-08-pool-upgrade-confirmation");
        await screen.ConfirmDialog.Button("Upgrade pool").ClickAsync();
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Upgrading");
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        await Expect(screen.PoolRow("workers").GetByTestId("pool-version")).ToHaveTextAsync(ClustersWorld.NewVersion);
        await Expect(screen.PoolButton("workers", "Upgrade workers")).ToBeDisabledAsync();
        await Expect(screen.History(ClusterOperations.UpgradePool, "shop/workers")).ToHaveCountAsync(1);
        await SnapshotAsync("lifecycle-09-upgraded");

        // The kubeconfig comes down as a file.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Button("Download kubeconfig").ClickAsync());
        Assert.Equal("shop-kubeconfig.yaml", download.SuggestedFilename);
        var path = await download.PathAsync();
        Assert.Contains("clusters:", await File.ReadAllTextAsync(path));
    });

    [Fact]
    public Task A_cloud_fault_stays_visible_with_the_providers_reason_until_the_action_is_retried() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("faults");
        var id = await World.CreateClusterAsync(tenant, "api", pools: ("workers", 1));
        await SignInAsync(tenant.MemberEmail);
        var screen = new ClustersScreen(page);
        await screen.OpenClusterAsync(id);
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);

        // Nova will refuse the machines of the pool about to be added.
        Fixture.Kube.InjectFault(DemoCloudFault.NoValidHost, "api", "gpu");
        await page.Button("Add node pool").ClickAsync();
        await screen.Dialog.GetByLabel("Pool name", new() { Exact = true }).FillAsync("gpu");
        await screen.ChooseAsync("Flavor", ClustersWorld.MediumFlavor);
        var nodes = screen.Dialog.GetByLabel("Nodes", new() { Exact = true });
        await nodes.FillAsync("2");
        await nodes.BlurAsync();
        await SnapshotAsync("faults-01-add-pool-dialog");
        await screen.Dialog.Button("Add node pool").ClickAsync();
        await Expect(screen.Dialog).ToBeHiddenAsync();

        // A failed create leaves the pool in Error, with Nova's own words in the row, until it is retried.
        await Expect(screen.PoolState("gpu")).ToHaveAttributeAsync("data-cluster-state", "Error", Slow);
        await Expect(screen.PoolRow("gpu")).ToContainTextAsync("No valid host was found");
        var add = screen.History(ClusterOperations.AddPool, "api/gpu");
        await Expect(ClustersScreen.OperationState(add)).ToHaveAttributeAsync("data-operation-state", "Failed");
        await Expect(screen.PoolButton("gpu", "Scale gpu")).ToBeDisabledAsync();
        await Expect(screen.PoolRow("gpu").GetByTestId("pool-why")).ToContainTextAsync("The node pool gpu is in error");
        await SnapshotAsync("faults-02-pool-error-with-provider-reason");

        // The list shows the provider's reason in the cluster's row too.
        await screen.OpenListAsync();
        await Expect(screen.ListRow("api")).ToContainTextAsync("No valid host was found");
        await SnapshotAsync("faults-03-list-shows-fault");

        await screen.OpenClusterAsync(id);
        Fixture.Kube.HealFault(DemoCloudFault.NoValidHost, "api", "gpu");
        await add.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Retry ") }).ClickAsync();
        await Expect(ClustersScreen.OperationState(add)).ToHaveAttributeAsync("data-operation-state", "Succeeded", Slow);
        await Expect(screen.PoolState("gpu")).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);
        await Expect(screen.PoolRow("gpu").GetByTestId("pool-nodes")).ToHaveTextAsync("2 / 2", new() { Timeout = 20_000 });
        await Expect(screen.PoolRow("gpu")).Not.ToContainTextAsync("No valid host was found");
        await SnapshotAsync("faults-04-retried");
    });

    [Fact]
    public Task A_scale_in_progress_can_be_cancelled() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("cancel");
        var id = await World.CreateClusterAsync(tenant, "jobs", pools: ("workers", 1));
        await SignInAsync(tenant.MemberEmail);
        var screen = new ClustersScreen(page);
        await screen.OpenClusterAsync(id);
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);

        // Nineteen more machines take the demo nearly ten seconds: time to cancel.
        await screen.ScalePoolAsync("workers", 20);
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Scaling");
        var scale = screen.History(ClusterOperations.ScalePool, "jobs/workers");
        await Expect(ClustersScreen.OperationState(scale)).ToHaveAttributeAsync("data-operation-state", new Regex("^(Queued|Running)$"));
        await scale.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Cancel ") }).ClickAsync();
        await Expect(screen.ConfirmDialog).ToContainTextAsync("Stop the scale node pool on jobs/workers?");
        await SnapshotAsync("cancel-01-confirm");
        await screen.ConfirmDialog.Button("Cancel action").ClickAsync();
        await Expect(ClustersScreen.OperationState(scale)).ToHaveAttributeAsync("data-operation-state", "Cancelled", Slow);
        await Expect(screen.PoolState("workers")).ToHaveAttributeAsync("data-cluster-state", "Active");
        await Expect(screen.PoolRow("workers")).ToContainTextAsync("Scaling was cancelled by Member cancel");
        await SnapshotAsync("cancel-02-cancelled");
    });

    [Fact]
    public Task Deleting_a_cluster_needs_its_name_typed() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("delete");
        var id = await World.CreateClusterAsync(tenant, "old", ControlPlaneType.Hosted);
        await SignInAsync(tenant.MemberEmail);
        var screen = new ClustersScreen(page);
        await screen.OpenClusterAsync(id);
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Active", Slow);

        await page.Button("Delete cluster").ClickAsync();
        await screen.Dialog.GetByLabel("Type old to confirm", new() { Exact = true }).FillAsync("olde");
        await screen.Dialog.Button("Delete cluster").ClickAsync();
        await Expect(screen.Dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Type the cluster's name, old, to confirm that it and all its nodes are deleted.");
        await SnapshotAsync("delete-01-wrong-name");
        await screen.Dialog.GetByLabel("Type old to confirm", new() { Exact = true }).FillAsync("old");
        await screen.Dialog.Button("Delete cluster").ClickAsync();
        await Expect(screen.Dialog).ToBeHiddenAsync();
        // The person lands on the list, where the cluster reads Deleting until its machines are gone (never on "not found").
        await Expect(page).ToHaveURLAsync(new Regex("/clusters$"));
        await Expect(ClustersScreen.StateOf(screen.ListRow("old")).Or(page.GetByText("No clusters yet", new() { Exact = true }))).ToBeVisibleAsync();
        await SnapshotAsync("delete-02-deleting");
        await Expect(page.GetByText("No clusters yet", new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Other_tenants_cannot_see_or_act_and_viewers_only_read() => RunAsync(async page =>
    {
        var owner = await World.TenantAsync("owner");
        var id = await World.CreateClusterAsync(owner, "private", ControlPlaneType.Hosted);
        var viewerEmail = await World.AddPersonAsync(owner, "viewer-owner", TenantRole.Viewer);
        var stranger = await World.TenantAsync("stranger", offerServiceConfig: false);

        // A member of another tenant: not in the list, and the direct address is "not found".
        await SignInAsync(stranger.MemberEmail);
        var screen = new ClustersScreen(page);
        await screen.OpenListAsync();
        await Expect(page.GetByText("No clusters yet", new() { Exact = true })).ToBeVisibleAsync();
        await screen.OpenClusterAsync(id);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Expect(page.GetByText("private", new() { Exact = true })).ToHaveCountAsync(0);
        await SnapshotAsync("isolation-01-stranger-not-found");
        await page.SignOutAsync();

        // A viewer of the owning tenant sees everything, read-only.
        await SignInAsync(viewerEmail);
        await screen.OpenClusterAsync(id);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "private", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("You can see this cluster but not change it", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(page.Button("Delete cluster")).ToHaveCountAsync(0);
        await Expect(page.Button("Add node pool")).ToHaveCountAsync(0);
        await Expect(page.Button("Download kubeconfig")).ToHaveCountAsync(0);
        await Expect(screen.PoolButton("workers", "Scale workers")).ToHaveCountAsync(0);
        await Expect(screen.History(ClusterOperations.Create)).ToHaveCountAsync(1);
        await SnapshotAsync("isolation-02-viewer-read-only");
    });

    [Fact]
    public Task A_demo_infrastructure_shows_its_built_in_management_cluster() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("mgmt", offerServiceConfig: false);
        await Page.SignInAsync(Portal.Tests.Integration.Web.Infrastructure.PortalWebFactory.AdminEmail, Portal.Tests.Integration.Web.Infrastructure.PortalWebFactory.AdminPassword);
        await GotoAsync($"/infrastructures/{tenant.InfrastructureId}");
        var section = page.GetByLabel("Management cluster", new() { Exact = true });
        await Expect(page.GetByTestId("management-cluster")).ToContainTextAsync("Built in: the demo cloud's Kubernetes stand-in runs a simulated Cluster API.");
        // The demo cloud brings its own: nothing to set, replace or remove.
        await Expect(section.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await SnapshotAsync("management-01-demo-built-in");
    });

    [Fact]
    public Task A_platform_admin_arms_a_demo_fault_and_the_next_cluster_shows_keystones_words() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("switchboard");
        await SignInAsAdminAsync();
        await GotoAsync($"/infrastructures/{tenant.InfrastructureId}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Demo faults" }).ClickAsync();
        var screen = new ClustersScreen(page);
        await screen.ChooseAsync("Fault", "Credentials rejected (Keystone 401)");
        await Expect(page.GetByTestId("demo-fault-preview")).ToContainTextAsync("The request you have made requires authentication.");
        await page.Button("Inject fault").ClickAsync();
        await Expect(page.GetByText("Fault armed")).ToBeVisibleAsync();
        await SnapshotAsync("demo-faults-01-armed");

        // The next cluster that asks for its network is refused with Keystone's words, kept on the cluster.
        var id = await World.CreateClusterAsync(tenant, "locked");
        await screen.OpenClusterAsync(id);
        await Expect(screen.ClusterState).ToHaveAttributeAsync("data-cluster-state", "Error", new() { Timeout = 60_000 });
        await Expect(screen.ClusterAlert).ToContainTextAsync("requires authentication");
        await SnapshotAsync("demo-faults-02-cluster-refused");

        await GotoAsync($"/infrastructures/{tenant.InfrastructureId}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Demo faults" }).ClickAsync();
        await page.Button("Clear all faults").ClickAsync();
        await Expect(page.GetByText("Faults cleared")).ToBeVisibleAsync();
    });
}
