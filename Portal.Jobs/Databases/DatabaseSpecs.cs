using Portal.Domain.Databases;
using Portal.Domain.ServiceConfigs;

namespace Portal.Jobs.Databases;

/// <summary>Turns a stored database (and its platform's object store) into the spec its manifests are built from.</summary>
public static class DatabaseSpecs
{
    public static DatabaseManifestSpec Of(ManagedDatabase database, string ns, BackupStoreSecret? store)
    {
        var storeSpec = store is null ? null : new BackupStoreSpec(store.DestinationPath, store.EndpointUrl, store.AccessKeyId, store.SecretAccessKey);
        var plan = database.Backups;
        var restore = database.RestoredFromServer is { } server && database.RestorePoint is { } point ? new RestoreSpec(server, ns, point) : null;
        // The store's Secret is needed to write backups and, for a restore, to read the source's.
        var withStore = plan is not null || restore is not null ? storeSpec : null;
        var compute = database.Compute;
        return new DatabaseManifestSpec(database.Id, database.TenantId, database.ProjectId, ns, database.Name,
            DatabaseManifests.ImageFor(database.PostgresVersion), database.Instances, compute.CpuMillicores, compute.MemoryMiB, database.StorageGiB,
            database.DatabaseName, database.OwnerName, withStore, plan is null ? null : new BackupPlanSpec(plan.Cron, plan.RetentionDays), restore,
            database.Hibernated, database.RestartRequestedAt);
    }
}
