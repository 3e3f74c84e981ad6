using System.Collections.Specialized;
using System.Globalization;
using Portal.Domain.Data;
using Quartz.Impl.AdoJobStore;

namespace Portal.Jobs.Operations.Scheduling;

/// <summary>
/// Quartz's configuration for the portal (see NOTES-QUARTZ-SQLITE): a persistent, non-clustered ADO job store in the
/// portal's SQLite file, the string-map serializer, a stable instance id (needed for crash recovery) and batched
/// trigger acquisition.
/// </summary>
internal static class QuartzProperties
{
    public const string TablePrefix = "QRTZ_";

    public static NameValueCollection For(OperationsOptions options)
    {
        var schedulerName = options.EffectiveSchedulerName;
        // Quartz groups data-source properties by dots; the name must not contain any.
        var dataSource = "portal" + schedulerName.Replace("-", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal);
        return new NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = schedulerName,
            ["quartz.scheduler.instanceId"] = options.InstanceId,
            ["quartz.scheduler.batchTriggerAcquisitionMaxCount"] = options.TriggerBatchSize.ToString(CultureInfo.InvariantCulture),
            ["quartz.threadPool.maxConcurrency"] = options.MaxConcurrency.ToString(CultureInfo.InvariantCulture),
            ["quartz.jobStore.type"] = typeof(JobStoreTX).AssemblyQualifiedName,
            ["quartz.jobStore.driverDelegateType"] = typeof(SQLiteDelegate).AssemblyQualifiedName,
            ["quartz.jobStore.dataSource"] = dataSource,
            ["quartz.jobStore.tablePrefix"] = TablePrefix,
            ["quartz.jobStore.useProperties"] = "true",
            ["quartz.jobStore.performSchemaValidation"] = "true",
            // SQLite cannot host a Quartz cluster: exactly one scheduler per database file.
            ["quartz.jobStore.clustered"] = "false",
            // Quartz's documentation requires this when more than one trigger is acquired per round trip.
            ["quartz.jobStore.acquireTriggersWithinLock"] = options.TriggerBatchSize > 1 ? "true" : "false",
            [$"quartz.dataSource.{dataSource}.connectionProvider.type"] = typeof(SqliteJobStoreProvider).AssemblyQualifiedName,
            [$"quartz.dataSource.{dataSource}.connectionProvider.connectionString"] = SqlitePragmas.ConnectionString(options.DatabaseFile),
            ["quartz.serializer.type"] = typeof(StringMapSerializer).AssemblyQualifiedName,
        };
    }
}
