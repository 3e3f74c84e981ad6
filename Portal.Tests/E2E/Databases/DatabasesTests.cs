using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Databases;

/// <summary>
/// Managed PostgreSQL in a real browser on the demo cloud (CloudNativePG steps of a few hundred milliseconds, see
/// <see cref="DatabasesBrowserFixture"/>). Every journey seeds its own tenant, cloud, Service Config and platform, so
/// they share one portal without seeing each other's databases.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DatabasesTests(DatabasesBrowserFixture fixture, ITestOutputHelper output) : DatabasesBrowserTest(fixture, output)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToContainTextOptions SlowContains = new() { Timeout = 30_000 };

    private DatabasesWorld World => new(App);

    private static ILocator ListHeader(IPage page, string text) => page.Locator(".databases-list th", new() { HasText = text });

    [Fact]
    public Task A_member_creates_a_database_through_the_wizard_watches_it_come_up_and_reveals_how_to_connect() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("dbwizard");
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = Fixture.BaseUrl });
        await SignInAsync(tenant.MemberEmail);
        var screen = new DatabasesScreen(page);
        await screen.OpenListAsync();
        await Expect(screen.EmptyList).ToBeVisibleAsync();

        await screen.StartWizardAsync();
        // One project: chosen already.
        await Expect(page.Locator("#database-project")).ToHaveValueAsync("web");
        await page.Locator("#database-name").FillAsync("orders");
        await screen.NextAsync("Service Config");
        await screen.Radio(tenant.PlacementName).CheckAsync();
        await screen.NextAsync("PostgreSQL version");
        await screen.Radio("PostgreSQL 17").CheckAsync();
        await screen.NextAsync("Size");
        await screen.Radio("3 instances").CheckAsync();
        await screen.Radio("medium (1 vCPU, 2 GiB)").CheckAsync();
        await page.Locator("#database-storage").FillAsync("20");
        await page.Locator("#database-storage").BlurAsync();
        await screen.NextAsync("Database & owner");
        await page.Locator("#database-dbname").FillAsync("shop");
        await page.Locator("#database-owner").FillAsync("shop_app");
        await screen.NextAsync("Backups");
        await Expect(page.GetByText("Scheduled backups on", new() { Exact = true })).ToBeVisibleAsync();
        await page.Locator("#database-backup-frequency").SelectOptionAsync("Every12Hours");
        await page.Locator("#database-backup-hour").SelectOptionAsync("3");
        await page.Locator("#database-backup-retention").FillAsync("14");
        await page.Locator("#database-backup-retention").BlurAsync();
        await Expect(page.GetByTestId("backup-preview")).ToContainTextAsync("Every 12 hours, at 03:00 and 15:00 UTC");
        await screen.NextAsync("Review");

        var review = screen.Review;
        await Expect(review).ToContainTextAsync("orders");
        await Expect(review).ToContainTextAsync($"{tenant.Tenant.ServiceConfigName} on {tenant.Tenant.InfrastructureName}");
        await Expect(review).ToContainTextAsync(new Regex(@"PostgreSQL 17 \(17\.\d+\)"));
        await Expect(review).ToContainTextAsync("3 instances, one primary and its replicas");
        await Expect(review).ToContainTextAsync("20 GiB per instance");
        await Expect(review).ToContainTextAsync("owned by the role shop_app");
        await Expect(review).ToContainTextAsync("Every 12 hours");
        await SnapshotAsync("wizard-review.light");

        var id = await screen.CreateAsync("orders");
        // Without a reload: the page follows the operations (Pending/Creating, then Active with all three ready).
        await Expect(screen.State).ToHaveAttributeAsync("data-cluster-state", new Regex("^(Pending|Creating)$"));
        await SnapshotAsync("creating.light");
        await screen.ExpectStateAsync();
        await Expect(screen.Instances).ToHaveTextAsync("3/3", Slow);
        await Expect(screen.Version).ToContainTextAsync("PostgreSQL 17.");

        await page.Button("Reveal connection details").ClickAsync();
        var uri = screen.ConnectionValue("uri");
        await Expect(uri).ToHaveTextAsync(new Regex(@"^postgresql://shop_app:••••••••@orders-rw\." + Regex.Escape(tenant.Namespace)));
        await Expect(screen.ConnectionValue("password")).ToHaveTextAsync("••••••••");
        await SnapshotAsync("detail-connection-masked.light");

        // Copy URI: the real URI (with its password) reaches the clipboard, though the page shows it masked.
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy URI", Exact = true }).ClickAsync();
        await Expect(page.Toast("URI copied.")).ToBeVisibleAsync();
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.StartsWith("postgresql://shop_app:", copied);
        Assert.Contains($"@orders-rw.{tenant.Namespace}", copied);
        Assert.DoesNotContain("••", copied);

        await page.Button("Show password").ClickAsync();
        await Expect(screen.ConnectionValue("password")).Not.ToHaveTextAsync("••••••••");
        Assert.Contains(await screen.ConnectionValue("password").TextContentAsync() ?? "?", copied);
        await page.Button("Mask password").ClickAsync();
        await Expect(screen.ConnectionValue("password")).ToHaveTextAsync("••••••••");

        await screen.ChooseThemeAsync("Dark");
        await SnapshotAsync("detail-connection-masked.dark");
        await page.Button("Hide").ClickAsync();
        await Expect(page.GetByTestId("connection-details")).ToHaveCountAsync(0);
        await Expect(page.Button("Reveal connection details")).ToBeVisibleAsync();

        await screen.OpenListAsync();
        await Expect(screen.ListRow("orders").GetByTestId("database-instances")).ToHaveTextAsync("3/3 ready");
        // Every column fits at 1280 px: the grid does not scroll sideways (Created was once pushed out of sight).
        await page.SetViewportSizeAsync(1280, 1000);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => { const c = document.querySelector('.databases-list .mud-table-container'); return Math.max(0, c.scrollWidth - c.clientWidth); }"));
        await Expect(ListHeader(page, "Created (UTC)")).ToBeInViewportAsync();
        await SnapshotAsync("list.dark");
        await screen.ChooseThemeAsync("Light");
        await SnapshotAsync("list.light");
        Assert.NotEqual(Guid.Empty, id);
    });

    [Fact]
    public Task A_member_scales_grows_storage_backs_up_and_restores_into_a_new_database() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("dbdaytwo");
        var id = await World.CreateDatabaseAsync(tenant, "ledger", instances: 3);
        await SignInAsync(tenant.MemberEmail);
        var screen = new DatabasesScreen(page);
        await screen.OpenDatabaseAsync(id);
        await screen.ExpectStateAsync();
        await Expect(screen.Instances).ToHaveTextAsync("3/3", Slow);

        await screen.ScaleAsync(1);
        await Expect(screen.Instances).ToHaveTextAsync(new Regex("^1/1"), Slow);
        await screen.ExpectStateAsync();
        await screen.ScaleAsync(3);
        await Expect(screen.Instances).ToHaveTextAsync("3/3", Slow);
        await screen.ExpectStateAsync();

        // A smaller size: the server's reason, in the dialog, which stays open.
        await screen.Action("grow-storage").ClickAsync();
        await screen.Dialog.Locator("#grow-storage-gib").FillAsync("5");
        await screen.Dialog.Button("Grow storage").ClickAsync();
        await Expect(screen.Dialog.Locator(".field-error, .form-error")).ToContainTextAsync("Storage can only grow");
        await SnapshotAsync("grow-storage-shrink-refused");
        await screen.Dialog.Locator("#grow-storage-gib").FillAsync("25");
        await screen.Dialog.Button("Grow storage").ClickAsync();
        await Expect(screen.Dialog).ToBeHiddenAsync();
        await Expect(page.Locator("[aria-label='Overview']")).ToContainTextAsync("25 GiB per instance", SlowContains);
        await screen.ExpectStateAsync();

        // Creating with backups on already took the first base backup; this one is on request.
        await screen.ConfirmActionAsync(page.Button("Back up now"), "Back up now");
        await Expect(DatabasesScreen.OperationState(screen.History("postgres-database.backup"))).ToHaveAttributeAsync("data-operation-state", "Succeeded", new() { Timeout = 30_000 });
        await Expect(screen.BackupLastGood).ToContainTextAsync("UTC", SlowContains);
        await Expect(screen.RestoreWindow).ToContainTextAsync(" to ", SlowContains);
        await screen.ExpectStateAsync();

        await page.Button("Restore to a new database").ClickAsync();
        await Expect(screen.Dialog.Locator("#restore-project")).ToHaveValueAsync(tenant.Tenant.ProjectId.ToString());
        await Expect(screen.Dialog.Locator("#restore-date")).Not.ToHaveValueAsync("");
        await screen.Dialog.Locator("#restore-name").FillAsync("ledger-copy");
        await SnapshotAsync("restore-dialog");
        await screen.Dialog.Button("Restore").ClickAsync();
        await Expect(screen.Dialog).ToBeHiddenAsync();
        await Expect(screen.Heading("ledger-copy")).ToBeVisibleAsync();
        await screen.ExpectStateAsync();
        await Expect(page.GetByTestId("restored-from")).ToContainTextAsync("Restored from ledger");
        await Expect(screen.Instances).ToHaveTextAsync("3/3", Slow);
        await SnapshotAsync("restored");
    });

    [Fact]
    public Task A_member_hibernates_wakes_upgrades_sees_failing_backups_and_deletes() => RunAsync(async page =>
    {
        var tenant = await World.TenantAsync("dbfaults");
        var id = await World.CreateDatabaseAsync(tenant, "events", instances: 1, major: 16);
        await SignInAsync(tenant.MemberEmail);
        var screen = new DatabasesScreen(page);
        await screen.OpenDatabaseAsync(id);
        await screen.ExpectStateAsync();
        await Expect(screen.Version).ToContainTextAsync("PostgreSQL 16.");

        await screen.ConfirmActionAsync(screen.Action("hibernate"), "Hibernate");
        await Expect(screen.Hibernated).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(screen.Action("wake")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await SnapshotAsync("hibernated");
        await screen.ConfirmActionAsync(screen.Action("wake"), "Wake");
        await Expect(screen.Hibernated).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await screen.ExpectStateAsync();
        await Expect(screen.Instances).ToHaveTextAsync(new Regex("^1/1"), Slow);

        await Expect(screen.Action("major-upgrade")).ToHaveTextAsync("Upgrade to PostgreSQL 17");
        await screen.ConfirmActionAsync(screen.Action("major-upgrade"), "Upgrade");
        await Expect(screen.Version).ToContainTextAsync("PostgreSQL 17.", SlowContains);
        await screen.ExpectStateAsync();

        // A platform admin, in another browser, makes the object store refuse this database's backups on the switchboard.
        var admin = await NewSessionAsync();
        await admin.SignInAsync(Portal.Tests.Integration.Web.Infrastructure.PortalWebFactory.AdminEmail, Portal.Tests.Integration.Web.Infrastructure.PortalWebFactory.AdminPassword);
        await admin.GotoPortalAsync($"/infrastructures/{tenant.Tenant.InfrastructureId}");
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Demo faults" }).ClickAsync();
        await admin.SelectAsync("Database fault", "Backups failing");
        await admin.SelectAsync("Database", $"{tenant.Tenant.TenantName} / web / events");
        await Expect(admin.GetByTestId("demo-database-fault-preview")).ToContainTextAsync("events will report");
        await admin.Button("Inject database fault").ClickAsync();
        await Expect(admin.Toast("Database fault injected")).ToBeVisibleAsync();
        await admin.ScreenshotAsync(new() { Path = TestArtifacts.ScreenshotPath($"{nameof(DatabasesTests)}.demo-database-fault-injected"), FullPage = true });
        await admin.Context.CloseAsync();

        await screen.ConfirmActionAsync(page.Button("Back up now"), "Back up now");
        await Expect(DatabasesScreen.OperationState(screen.History("postgres-database.backup"))).ToHaveAttributeAsync("data-operation-state", "Failed", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("backup-last-failure")).ToContainTextAsync("Access Denied", SlowContains);
        await Expect(page.GetByTestId("backup-alert")).ToBeVisibleAsync();
        await SnapshotAsync("backup-failing");
        await screen.OpenListAsync();
        await Expect(screen.ListRow("events").GetByTestId("backup-warning")).ToBeVisibleAsync();
        await SnapshotAsync("list-backup-warning");
        Fixture.Kube.HealDatabaseFault(DemoDatabaseFault.BackupsFailing, tenant.Namespace, "events");

        await screen.OpenDatabaseAsync(id);
        await page.Button("Delete database").ClickAsync();
        await screen.Dialog.GetByLabel("Type events to confirm", new() { Exact = true }).FillAsync("events");
        await screen.Dialog.Button("Delete database").ClickAsync();
        await Expect(screen.Dialog).ToBeHiddenAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/databases$"));
        await Expect(screen.EmptyList).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(screen.ListRow("events")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task A_member_of_another_tenant_neither_sees_nor_opens_the_database() => RunAsync(async page =>
    {
        var owner = await World.TenantAsync("dbowner");
        var id = await World.CreateDatabaseAsync(owner, "secrets");
        var stranger = await new Portal.Tests.E2E.Clusters.ClustersWorld(App).TenantAsync("dbstranger", offerServiceConfig: false);

        await SignInAsync(stranger.MemberEmail);
        var screen = new DatabasesScreen(page);
        await screen.OpenListAsync();
        await Expect(screen.EmptyList).ToBeVisibleAsync();
        await screen.OpenDatabaseAsync(id);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Expect(page.GetByText("secrets", new() { Exact = true })).ToHaveCountAsync(0);
        await SnapshotAsync("isolation-stranger-not-found");
    });
}
