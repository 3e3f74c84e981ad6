using System.Net;
using Portal.Domain.Tenancy;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Integration.Web;

/// <summary>Hangfire's dashboard at /jobs: behind the portal's own sign-in, for platform readers, actions for admins only.</summary>
public sealed class JobsDashboardTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Jobs_Anonymous_IsSentToSignInAndComesBack()
    {
        using var client = factory.CreatePortalClient();

        using var response = await client.GetAsync("/jobs");

        var location = PortalHttp.AssertRedirect(response, PortalHttp.LoginPath);
        Assert.Equal("/jobs", PortalHttp.QueryValue(location, "ReturnUrl"));
    }

    [Fact]
    public async Task Jobs_TenantOnlyUser_IsDenied()
    {
        const string email = "jobs-tenant-only@portal.test";
        await factory.CreateUserAsync(email, PlatformRole.None);
        using var client = factory.CreatePortalClient();
        await PortalHttp.SignInOrFailAsync(client, email, PortalWebFactory.DefaultUserPassword);

        using var response = await client.GetAsync("/jobs");

        if (response.StatusCode != HttpStatusCode.Forbidden)
            PortalHttp.AssertRedirect(response, "/account/access-denied");
    }

    [Fact]
    public async Task JobsRecurring_PlatformViewer_SeesThePeriodicWorkButCannotTriggerIt()
    {
        const string email = "jobs-viewer@portal.test";
        await factory.CreateUserAsync(email, PlatformRole.Viewer);
        using var client = factory.CreatePortalClient();
        await PortalHttp.SignInOrFailAsync(client, email, PortalWebFactory.DefaultUserPassword);

        var html = await PortalHttp.GetHtmlAsync(client, "/jobs/recurring");

        Assert.Contains("Portal jobs", html);
        Assert.Contains("clusters.reconcile", html);
        Assert.Contains("operations.sweep", html);
        Assert.DoesNotContain("Trigger now", html);
    }

    [Fact]
    public async Task JobsRecurring_PlatformAdmin_MayTriggerThePeriodicWork()
    {
        using var client = factory.CreatePortalClient();
        await PortalHttp.SignInOrFailAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var html = await PortalHttp.GetHtmlAsync(client, "/jobs/recurring");

        Assert.Contains("clusters.reconcile", html);
        Assert.Contains("Trigger now", html);
        // The way back goes to the portal's own history of operations.
        Assert.Contains("href=\"/operations\"", html);
    }
}
