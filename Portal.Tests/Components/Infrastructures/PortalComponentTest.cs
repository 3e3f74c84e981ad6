using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Identity;
using Portal.Tests.Integration.ServiceConfigs;

namespace Portal.Tests.Components.Infrastructures;

/// <summary>
/// bUnit tests of components that talk to the real services: a migrated SQLite portal with the engine
/// (<see cref="ServiceConfigTestHost"/>) behind the component's injections, and the signed-in person a platform admin
/// (<see cref="Admin"/>), as <see cref="CurrentActor"/> reads it. Services the test registers itself win over the host's.
/// </summary>
public abstract class PortalComponentTest : ComponentTest, IAsyncLifetime
{
    protected ServiceConfigTestHost Host { get; private set; } = null!;
    protected Actor Admin => Host.Admin;

    async Task IAsyncLifetime.InitializeAsync()
    {
        Host = await ServiceConfigTestHost.CreateAsync();
        Services.AddFallbackServiceProvider(Host.Services);
        var dbFactory = Host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        Services.AddScoped(sp => new CurrentActor(sp.GetRequiredService<AuthenticationStateProvider>(), dbFactory));
        var authorization = AddAuthorization();
        authorization.SetAuthorized(Admin.DisplayName);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, Admin.UserId));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Host is not null) await Host.DisposeAsync();
    }
}
