using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Tenancy;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Keycloak;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.E2E.Keycloak;

/// <summary>
/// A real OpenID Provider (the test realm in <c>tools/test-oidc</c>), a Portal on Kestrel configured to sign in with
/// it, tenants Acme (project <c>acme-web</c>) and Globex (project <c>globex-billing</c>), and headless Chromium.
/// The provider starts first (Portal needs its address); its client is registered once Portal's port is known.
/// </summary>
public sealed class KeycloakBrowserFixture : PortalBrowserFixture
{
    public const string ClientId = "portal";
    public const string AcmeProject = "acme-web";
    public const string GlobexProject = "globex-billing";
    private const string ClientSecret = "portal-e2e-client-secret";

    public TestOidcServer Provider { get; private set; } = null!;

    /// <summary>The portal, configured to sign in with the test realm.</summary>
    public new KeycloakKestrelFactory App => (KeycloakKestrelFactory)base.App;

    protected override async Task<PortalKestrelFactory> CreateAppAsync()
    {
        Provider = await TestOidcServer.StartAsync();
        return new KeycloakKestrelFactory(new KeycloakPortalSettings(Provider.Issuer, ClientId, ClientSecret));
    }

    protected override async Task OnStartedAsync()
    {
        await Provider.RegisterClientAsync(ClientId, ClientSecret, App.ServerAddress);
        var tenancy = App.Services.GetRequiredService<TenancyService>();
        var admin = await App.AdminActorAsync();
        foreach (var (name, slug, project) in new[] { ("Acme", "acme", AcmeProject), ("Globex", "globex", GlobexProject) })
        {
            var tenant = await tenancy.CreateTenantAsync(admin, name, slug, $"{name} team");
            await tenancy.CreateProjectAsync(admin, tenant.Value, project, null);
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
    }
}
