using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;
using Portal.Identity;
using Portal.Tests.Support;

namespace Portal.Tests.Components.Api;

/// <summary>
/// The token components over the real domain on SQLite: a tenant Acme with a project, the token service with the
/// platform's options, the test clock, and <see cref="SignInAs"/> for whoever the page runs as.
/// </summary>
public abstract class ApiTokenComponentTest : ComponentTest, IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;
    protected ApiTokenService Tokens { get; private set; } = null!;
    protected Guid Acme { get; private set; }
    protected Guid AcmeShop { get; private set; }

    /// <summary>The platform's token settings for this test class.</summary>
    protected virtual ApiTokenOptions Options => new();

    async Task IAsyncLifetime.InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        Tokens = new ApiTokenService(Db.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), Db.Commands, Db.Clock, Options);
        Acme = await Db.SeedTenantAsync("Acme", "acme");
        AcmeShop = await Db.SeedProjectAsync(Acme, "web-shop");

        Services.AddSingleton(Tokens);
        Services.AddSingleton(Options);
        Services.AddSingleton(Db.Tenancy);
        Services.AddSingleton<TimeProvider>(Db.Clock);
        Services.AddSingleton(Db.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        Services.AddScoped<CurrentActor>();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Db.DisposeAsync();
    }

    protected void SignInAs(Actor actor) =>
        AddAuthorization().SetAuthorized(actor.DisplayName).SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.UserId));

    protected DateTimeOffset InDays(int days) => Db.Clock.GetUtcNow().AddDays(days);
}
