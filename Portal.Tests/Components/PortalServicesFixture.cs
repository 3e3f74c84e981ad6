using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;
using Portal.Identity;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.Operations;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Integration.ServiceConfigs;

namespace Portal.Tests.Components;

/// <summary>
/// The portal's real services for components that call them (dialogs that list the cloud's networks or create a
/// platform, the action history): one <see cref="ServiceConfigTestHost"/> (SQLite, demo cloud, operations engine) per
/// test class, shared by its tests. <see cref="UseAs"/> registers them in a test's bUnit context, signed in as someone.
/// </summary>
public sealed class PortalServicesFixture : IAsyncLifetime
{
    public ServiceConfigTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServiceConfigTestHost.CreateAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>Registers the services the portal's components inject, and signs <paramref name="actor"/> in.</summary>
    public void UseAs(BunitContext context, Actor actor) => Register(context, Host.Services, actor);

    /// <summary>Registers the components' services from <paramref name="services"/> (any started test host), and signs <paramref name="actor"/> in.</summary>
    public static void Register(BunitContext context, IServiceProvider services, Actor actor)
    {
        context.Services.AddSingleton(services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(services.GetRequiredService<CloudCatalogReader>());
        context.Services.AddSingleton(services.GetRequiredService<PlatformCommands>());
        context.Services.AddSingleton(services.GetRequiredService<OperationService>());
        context.Services.AddSingleton(services.GetRequiredService<OperationNotifier>());
        context.Services.AddSingleton(services.GetRequiredService<IResourceNotifier>());
        context.Services.AddSingleton(services.GetRequiredService<ClusterService>());
        context.Services.AddSingleton(services.GetRequiredService<TenancyService>());
        context.Services.AddSingleton<CurrentActor>();
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized(actor.DisplayName);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.UserId));
    }
}
