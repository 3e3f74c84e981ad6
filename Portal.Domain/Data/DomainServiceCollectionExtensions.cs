using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Dashboard;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Data;

public static class DomainServiceCollectionExtensions
{
    /// <summary>
    /// The domain: the database (one short-lived context per operation; <paramref name="data"/> is registered too),
    /// data protection for secrets with its keys in the database, the Identity
    /// store of local accounts, the audit log, and every domain service (stateless singletons). One registration for
    /// the portal, the tests and the benchmarks alike. Returns the Identity builder for the host to add sign-in to.
    /// A <see cref="TimeProvider"/> registered before this call is kept (tests use a manual clock).
    /// </summary>
    public static IdentityBuilder AddPortalDomain(this IServiceCollection services, PortalDataOptions data)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(data);
        services.AddDbContextFactory<PortalDbContext>(db =>
        {
            DatabaseSetup.Configure(db, data);
            data.ConfigureDatabase?.Invoke(db);
        });
        // Keys in the database: every portal process on one database shares the key ring (files from earlier
        // versions are imported once at start-up, see LegacyKeyImport).
        services.AddDataProtection()
            .SetApplicationName(data.ApplicationName)
            .PersistKeysToDbContext<PortalDbContext>();

        services.AddSingleton<AuditLog>();
        // Without the engine (the domain's own tests) recorded operations just wait; AddPortalJobs replaces this with the engine's dispatcher.
        services.TryAddSingleton<IOperationDispatcher, NoOperationDispatcher>();
        services.TryAddSingleton<CommandRunner>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<RegionService>();
        services.AddSingleton<TenancyService>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<InfrastructureService>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<ServiceConfigService>();
        services.AddSingleton<ClusterService>();
        services.AddSingleton<Portal.Domain.Databases.DatabaseService>();
        services.AddSingleton<DashboardService>();
        services.AddSingleton<UserPreferences>();
        // The host registers the configured options first (Api section); without them, the built-in limits.
        services.TryAddSingleton(new Portal.Domain.Api.ApiTokenOptions());
        services.AddSingleton<Portal.Domain.Api.ApiTokenService>();
        services.AddSingleton<Portal.Domain.Api.IdempotencyStore>();
        return services.AddIdentityCore<PortalUser>(IdentitySettings.Configure).AddEntityFrameworkStores<PortalDbContext>()
            .AddPasswordValidator<PasswordStrengthValidator>();
    }
}
