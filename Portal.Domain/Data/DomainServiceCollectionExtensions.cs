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

/// <summary>Where the portal keeps its data: the SQLite file and the data-protection keys that encrypt its secrets.</summary>
public sealed record PortalDataOptions(string DatabaseFile, string KeysFolder, string ApplicationName = "Portal")
{
    /// <summary>Extra set-up of every context (tests add interceptors here).</summary>
    public Action<DbContextOptionsBuilder>? ConfigureDatabase { get; init; }
}

public static class DomainServiceCollectionExtensions
{
    /// <summary>
    /// The domain: the database (one short-lived context per operation), data protection for secrets, the Identity
    /// store of local accounts, the audit log, and every domain service (stateless singletons). One registration for
    /// the portal, the tests and the benchmarks alike. Returns the Identity builder for the host to add sign-in to.
    /// A <see cref="TimeProvider"/> registered before this call is kept (tests use a manual clock).
    /// </summary>
    public static IdentityBuilder AddPortalDomain(this IServiceCollection services, PortalDataOptions data)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddDbContextFactory<PortalDbContext>(db =>
        {
            DatabaseSetup.Configure(db, data.DatabaseFile);
            data.ConfigureDatabase?.Invoke(db);
        });
        services.AddDataProtection()
            .SetApplicationName(data.ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(data.KeysFolder));

        services.AddSingleton<AuditLog>();
        // Without the engine (the domain's own tests) recorded operations just wait; AddPortalJobs replaces this with the engine's dispatcher.
        services.TryAddSingleton<IOperationDispatcher, NoOperationDispatcher>();
        services.AddSingleton<CommandRunner>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<RegionService>();
        services.AddSingleton<TenancyService>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<InfrastructureService>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<ServiceConfigService>();
        services.AddSingleton<ClusterService>();
        services.AddSingleton<DashboardService>();
        services.AddSingleton<UserPreferences>();
        return services.AddIdentityCore<PortalUser>(IdentitySettings.Configure).AddEntityFrameworkStores<PortalDbContext>();
    }
}
