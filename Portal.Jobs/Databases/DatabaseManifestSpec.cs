namespace Portal.Jobs.Databases;

/// <summary>The object store a PostgreSQL platform's databases back up to (configured once on the platform).</summary>
/// <param name="DestinationPath">Where backups go, e.g. <c>s3://backups/portal</c>; each database writes under its own
/// server name below it.</param>
/// <param name="EndpointUrl">The S3 endpoint for stores that are not AWS (MinIO, Ceph RGW, Swift's S3 API), or null.</param>
/// <param name="AccessKeyId">The store's access key id.</param>
/// <param name="SecretAccessKey">The store's secret key: written only into the Secret in the database's namespace.</param>
public sealed record BackupStoreSpec(string DestinationPath, string? EndpointUrl, string AccessKeyId, string SecretAccessKey);

/// <summary>Scheduled backups of one database.</summary>
/// <param name="Cron">CloudNativePG's six-field schedule (seconds first), e.g. <c>0 0 2 * * *</c>.</param>
/// <param name="RetentionDays">How long backups are kept (<c>retentionPolicy: "{n}d"</c>).</param>
public sealed record BackupPlanSpec(string Cron, int RetentionDays);

/// <summary>A point-in-time restore the new database bootstraps from (<c>bootstrap.recovery</c>).</summary>
/// <param name="SourceServerName">The source database's server name in the object store (its CloudNativePG cluster name,
/// or the <c>serverName</c> it archived under).</param>
/// <param name="SourceNamespace">The source's namespace (informational label only).</param>
/// <param name="TargetTime">The point in time to recover to (UTC), written as RFC 3339.</param>
public sealed record RestoreSpec(string SourceServerName, string SourceNamespace, DateTimeOffset TargetTime);

/// <summary>
/// Everything the CloudNativePG manifests of one database are built from: the stored spec of a <c>ManagedDatabase</c>
/// and its platform's object store. Pure data; DatabaseManifests turns it into objects.
/// </summary>
/// <param name="DatabaseId">The portal's id (labels).</param>
/// <param name="TenantId">Labels.</param>
/// <param name="ProjectId">Labels; the namespace is the project's.</param>
/// <param name="Namespace">The project's namespace on the platform's cluster.</param>
/// <param name="Name">The CloudNativePG cluster name (a DNS label; the database's name in the portal).</param>
/// <param name="ImageName">The PostgreSQL operand image, e.g. <c>ghcr.io/cloudnative-pg/postgresql:17.5</c>.</param>
/// <param name="Instances">1-3.</param>
/// <param name="CpuMillicores">CPU request and limit, in millicores.</param>
/// <param name="MemoryMiB">Memory request and limit, in MiB.</param>
/// <param name="StorageGiB">The volume size of each instance, in GiB.</param>
/// <param name="DatabaseName">The initial database (<c>bootstrap.initdb.database</c>).</param>
/// <param name="OwnerName">Its owner (<c>bootstrap.initdb.owner</c>).</param>
/// <param name="Store">The platform's object store, or null when backups are off (then no <c>spec.backup</c>).</param>
/// <param name="Backups">The schedule, or null when backups are off.</param>
/// <param name="Restore">Set for a database restored from another's backups.</param>
/// <param name="Hibernated">Adds the <c>cnpg.io/hibernation: "on"</c> annotation.</param>
/// <param name="RestartedAt">When set, the <c>kubectl.kubernetes.io/restartedAt</c> annotation (a rolling restart).</param>
public sealed record DatabaseManifestSpec(
    Guid DatabaseId,
    Guid TenantId,
    Guid ProjectId,
    string Namespace,
    string Name,
    string ImageName,
    int Instances,
    int CpuMillicores,
    int MemoryMiB,
    int StorageGiB,
    string DatabaseName,
    string OwnerName,
    BackupStoreSpec? Store,
    BackupPlanSpec? Backups,
    RestoreSpec? Restore,
    bool Hibernated,
    DateTimeOffset? RestartedAt);
