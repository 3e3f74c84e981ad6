using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Domain.Databases;
using Portal.Jobs.Operations;

namespace Portal.Jobs.Databases;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Managed PostgreSQL databases: the domain service, the connection reveal, one operation handler per kind the domain
    /// declares, and the periodic reconcile that reads every database back.
    /// </summary>
    public static IServiceCollection AddManagedDatabases(this IServiceCollection services, DatabaseOperationOptions? options = null)
    {
        options ??= new DatabaseOperationOptions();
        services.TryAddSingleton(options);
        services.TryAddSingleton<DatabaseService>();
        services.AddSingleton<DatabaseConnections>();
        services.AddSingleton<DatabaseReconciler>();
        services.AddSingleton<DatabaseHandlerServices>();
        services.AddOperationHandler<CreateDatabaseHandler>();
        services.AddOperationHandler<RestoreDatabaseHandler>();
        services.AddOperationHandler<ScaleDatabaseHandler>();
        services.AddOperationHandler<GrowStorageHandler>();
        services.AddOperationHandler<ChangeComputeHandler>();
        services.AddOperationHandler<UpdateMinorHandler>();
        services.AddOperationHandler<UpgradeMajorHandler>();
        services.AddOperationHandler<RestartDatabaseHandler>();
        services.AddOperationHandler<SwitchoverHandler>();
        services.AddOperationHandler<HibernateDatabaseHandler>();
        services.AddOperationHandler<WakeDatabaseHandler>();
        services.AddOperationHandler<BackupDatabaseHandler>();
        services.AddOperationHandler<ResyncDatabaseHandler>();
        services.AddOperationHandler<DeleteDatabaseHandler>();
        services.AddRecurringJob<DatabaseReconcileJob>("databases.reconcile", options.ReconcileInterval);
        return services;
    }
}
