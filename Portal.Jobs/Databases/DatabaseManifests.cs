using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Jobs.Clusters;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.Databases;

/// <summary>
/// The CloudNativePG objects of one managed PostgreSQL database, as pure functions of its <see cref="DatabaseManifestSpec"/>:
/// the project's namespace, the Secret holding the object store's keys, the <c>Cluster</c> and, with backups on, its
/// <c>ScheduledBackup</c>. Names derive from the database name (and an operation id for on-demand backups) only, so
/// applying again with server-side apply finds and updates the same objects.
/// </summary>
/// <remarks>
/// Shapes follow CloudNativePG's postgresql.cnpg.io/v1 (api/v1 cluster_types.go, backup_types.go,
/// scheduledbackup_types.go) and the barman-cloud object store types it embeds (barman-cloud pkg/api/config.go).
/// The object store's secret key is written only into <see cref="BackupStoreSecret"/>'s <c>stringData</c>; every other
/// object refers to it by Secret name and key, never by value.
/// </remarks>
public static partial class DatabaseManifests
{
    public const string ApiVersion = "postgresql.cnpg.io/v1";

    public const string DatabaseIdLabel = "portal.io/database-id";
    public const string TenantIdLabel = "portal.io/tenant-id";
    public const string ProjectIdLabel = "portal.io/project-id";

    /// <summary>On a restored database's Cluster: the namespace of the database it was restored from (information only).</summary>
    public const string RestoredFromNamespaceLabel = "portal.io/restored-from-namespace";

    /// <summary>CloudNativePG's declarative hibernation: "on" stops the instances and keeps their volumes.</summary>
    public const string HibernationAnnotation = "cnpg.io/hibernation";

    /// <summary>The annotation CloudNativePG watches on a Cluster to roll its instances, as <c>kubectl cnpg restart</c> does.</summary>
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary>Key of the object store's access key id in <see cref="BackupStoreSecret"/>.</summary>
    public const string AccessKeyIdKey = "ACCESS_KEY_ID";

    /// <summary>Key of the object store's secret key in <see cref="BackupStoreSecret"/>.</summary>
    public const string SecretAccessKeyKey = "ACCESS_SECRET_KEY";

    /// <summary>The only backup method the portal uses: barman-cloud to an S3-compatible object store.</summary>
    public const string BackupMethod = "barmanObjectStore";

    /// <summary>Where CloudNativePG's own PostgreSQL operand images are published.</summary>
    public const string ImageRepository = "ghcr.io/cloudnative-pg/postgresql";

    // ---- Names ----------------------------------------------------------------------------------------------------

    /// <summary>A project's namespace on a PostgreSQL platform: <c>pg-</c> and the first 12 hex digits of the project id.</summary>
    public static string NamespaceFor(Guid projectId) => Portal.Domain.Databases.DatabaseService.NamespaceFor(projectId);

    public static string BackupStoreSecretName(DatabaseManifestSpec spec) => $"{ClusterName(spec)}-backup-store";

    public static string ScheduledBackupName(DatabaseManifestSpec spec) => $"{ClusterName(spec)}-scheduled";

    /// <summary>
    /// An on-demand backup's name carries the first 8 hex digits of the operation that asked for it, so a step run again
    /// after a restart applies the same Backup instead of starting a second one. A person's retry of a failed operation
    /// (<paramref name="attempt"/> 2, 3, ...) gets a new Backup: a failed Backup never runs again.
    /// </summary>
    public static string OnDemandBackupName(DatabaseManifestSpec spec, Guid operationId, int attempt = 1) =>
        $"{ClusterName(spec)}-{operationId.ToString("N")[..8]}{(attempt > 1 ? $"-{attempt}" : "")}";

    /// <summary>The Secret CloudNativePG writes with the application owner's credentials.</summary>
    public static string AppSecretName(string name) => $"{name}-app";

    /// <summary>The Service CloudNativePG points at the primary (reads and writes).</summary>
    public static string ReadWriteService(string name) => $"{name}-rw";

    /// <summary>The Service CloudNativePG points at the replicas only.</summary>
    public static string ReadOnlyService(string name) => $"{name}-ro";

    /// <summary>"17.5" → <c>ghcr.io/cloudnative-pg/postgresql:17.5</c>, the operand image for that PostgreSQL version.</summary>
    public static string ImageFor(string postgresVersion)
    {
        var version = postgresVersion?.Trim() ?? string.Empty;
        return ImageTag().IsMatch(version)
            ? $"{ImageRepository}:{version}"
            : throw new ArgumentException($"'{postgresVersion}' is not a PostgreSQL version such as 17.5.", nameof(postgresVersion));
    }

    /// <summary>
    /// The server name the database archives under in the platform's object store: its name plus the first 8 hex digits
    /// of its id (the domain's <c>ManagedDatabase.BackupServerName</c>). Never the bare cluster name: the store is shared by
    /// every project on the platform, two projects may each have an "orders", a new database may reuse a deleted one's
    /// name, and barman refuses to archive into a folder that already holds another server's WAL. A restore names this.
    /// </summary>
    public static string ArchiveServerName(DatabaseManifestSpec spec) => $"{ClusterName(spec)}-{spec.DatabaseId.ToString("N")[..8]}";

    /// <summary>Scheduled and on-demand backups need both the object store and a plan.</summary>
    public static bool BackupsEnabled(DatabaseManifestSpec spec) => spec.Store is not null && spec.Backups is not null;

    // ---- Everything ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Every object of the database, in apply order: the namespace, the object store Secret (with a store), the
    /// Cluster, and the ScheduledBackup (with backups on). The Secret precedes the Cluster that reads it.
    /// </summary>
    public static IReadOnlyList<JsonObject> All(DatabaseManifestSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var objects = new List<JsonObject> { Namespace(spec) };
        if (spec.Store is not null)
            objects.Add(BackupStoreSecret(spec));
        objects.Add(Cluster(spec));
        if (BackupsEnabled(spec))
            objects.Add(ScheduledBackup(spec));
        return objects;
    }

    // ---- Objects --------------------------------------------------------------------------------------------------

    /// <summary>The project's namespace; several databases share it, so it carries only tenant and project labels.</summary>
    public static JsonObject Namespace(DatabaseManifestSpec spec) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = spec.Namespace, ["labels"] = ProjectLabels(spec) },
    };

    /// <summary>
    /// The object store's access key pair, in the database's own namespace (a Cluster can only read Secrets beside it).
    /// Written as <c>stringData</c>: the API server encodes it, and this is the one place the secret key appears.
    /// </summary>
    public static JsonObject BackupStoreSecret(DatabaseManifestSpec spec)
    {
        var store = RequireStore(spec);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = Metadata(spec, BackupStoreSecretName(spec)),
            ["type"] = "Opaque",
            ["stringData"] = new JsonObject
            {
                [AccessKeyIdKey] = store.AccessKeyId,
                [SecretAccessKeyKey] = store.SecretAccessKey,
            },
        };
    }

    /// <summary>
    /// The CloudNativePG Cluster. A new database bootstraps with initdb; a restore bootstraps from the source server's
    /// backups in the object store (an externalClusters entry) up to the target time. Backups are configured only
    /// when both the store and a plan are set. Primary updates run unsupervised: the portal has no one to ask for a
    /// switchover, and a supervised update would stop in "Waiting for user action".
    /// </summary>
    public static JsonObject Cluster(DatabaseManifestSpec spec)
    {
        var specNode = new JsonObject
        {
            ["instances"] = spec.Instances,
            ["imageName"] = spec.ImageName,
            ["primaryUpdateStrategy"] = "unsupervised",
            ["bootstrap"] = Bootstrap(spec),
            ["storage"] = new JsonObject { ["size"] = $"{spec.StorageGiB}Gi" },
            ["resources"] = new JsonObject { ["requests"] = Resources(spec), ["limits"] = Resources(spec) },
        };
        if (spec.Restore is not null)
            specNode["externalClusters"] = new JsonArray(RestoreSource(spec));
        if (BackupsEnabled(spec))
            specNode["backup"] = Backup(spec);

        var metadata = Metadata(spec, ClusterName(spec));
        if (spec.Restore is { SourceNamespace: { Length: > 0 } sourceNamespace } && DnsLabel().IsMatch(sourceNamespace))
            metadata["labels"]![RestoredFromNamespaceLabel] = sourceNamespace;
        var annotations = new JsonObject();
        if (spec.Hibernated)
            annotations[HibernationAnnotation] = "on";
        if (spec.RestartedAt is { } restartedAt)
            annotations[RestartedAtAnnotation] = KubeJson.FormatTime(restartedAt);
        if (annotations.Count > 0)
            metadata["annotations"] = annotations;

        return new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = "Cluster",
            ["metadata"] = metadata,
            ["spec"] = specNode,
        };
    }

    /// <summary>
    /// The database's schedule. <c>immediate</c> takes the first base backup right away, so point-in-time recovery is
    /// possible before the first scheduled run; <c>backupOwnerReference: self</c> lets the Backups it creates go with it.
    /// </summary>
    public static JsonObject ScheduledBackup(DatabaseManifestSpec spec)
    {
        RequireBackups(spec);
        return new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = "ScheduledBackup",
            ["metadata"] = Metadata(spec, ScheduledBackupName(spec)),
            ["spec"] = new JsonObject
            {
                ["schedule"] = spec.Backups!.Cron,
                ["backupOwnerReference"] = "self",
                ["cluster"] = new JsonObject { ["name"] = ClusterName(spec) },
                ["method"] = BackupMethod,
                ["immediate"] = true,
            },
        };
    }

    /// <summary>A backup a person asked for now, named after the operation (see <see cref="OnDemandBackupName"/>).</summary>
    public static JsonObject OnDemandBackup(DatabaseManifestSpec spec, Guid operationId, int attempt = 1)
    {
        RequireBackups(spec);
        return new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = "Backup",
            ["metadata"] = Metadata(spec, OnDemandBackupName(spec, operationId, attempt)),
            ["spec"] = new JsonObject
            {
                ["cluster"] = new JsonObject { ["name"] = ClusterName(spec) },
                ["method"] = BackupMethod,
            },
        };
    }

    // ---- Labels -----------------------------------------------------------------------------------------------------

    /// <summary>The labels of every object of the database: its id, its tenant and project, and who manages it.</summary>
    public static JsonObject Labels(DatabaseManifestSpec spec)
    {
        var labels = new JsonObject { [DatabaseIdLabel] = spec.DatabaseId.ToString("N") };
        foreach (var (key, value) in ProjectLabels(spec))
            labels[key] = value?.DeepClone();
        return labels;
    }

    /// <summary>The labels of what belongs to the project rather than one database (its namespace).</summary>
    public static JsonObject ProjectLabels(DatabaseManifestSpec spec) => new()
    {
        [TenantIdLabel] = spec.TenantId.ToString("N"),
        [ProjectIdLabel] = spec.ProjectId.ToString("N"),
        [ClusterManifests.ManagedByLabel] = "portal",
    };

    // ---- Parts ------------------------------------------------------------------------------------------------------

    private static JsonObject Bootstrap(DatabaseManifestSpec spec)
    {
        if (spec.Restore is not { } restore)
        {
            return new JsonObject
            {
                ["initdb"] = new JsonObject { ["database"] = spec.DatabaseName, ["owner"] = spec.OwnerName },
            };
        }
        RequireStore(spec);
        // database/owner name the application database and user of the restored data, so the -app Secret that
        // CloudNativePG writes after recovery points at them rather than at its default "app".
        return new JsonObject
        {
            ["recovery"] = new JsonObject
            {
                ["source"] = restore.SourceServerName,
                ["database"] = spec.DatabaseName,
                ["owner"] = spec.OwnerName,
                ["recoveryTarget"] = new JsonObject { ["targetTime"] = KubeJson.FormatTime(restore.TargetTime) },
            },
        };
    }

    /// <summary>
    /// The restore's source as an external cluster: named after the source server, whose folder in the store it
    /// reads (the entry's name is the default server name; it is also set explicitly so the intent is visible).
    /// </summary>
    private static JsonObject RestoreSource(DatabaseManifestSpec spec)
    {
        var restore = spec.Restore!;
        var store = ObjectStore(spec);
        store["serverName"] = restore.SourceServerName;
        return new JsonObject
        {
            ["name"] = restore.SourceServerName,
            ["barmanObjectStore"] = store,
        };
    }

    private static JsonObject Backup(DatabaseManifestSpec spec)
    {
        // CloudNativePG only accepts a positive count ("^[1-9][0-9]*[dwm]$"); refuse here rather than at the API server.
        if (spec.Backups!.RetentionDays < 1)
            throw new ArgumentException($"Database '{spec.Name}': backups must be kept at least one day.", nameof(spec));
        var store = ObjectStore(spec);
        store["serverName"] = ArchiveServerName(spec);
        store["wal"] = new JsonObject { ["compression"] = "gzip" };
        store["data"] = new JsonObject { ["compression"] = "gzip" };
        return new JsonObject
        {
            ["barmanObjectStore"] = store,
            ["retentionPolicy"] = $"{spec.Backups.RetentionDays}d",
        };
    }

    /// <summary>The store's location and a reference (by Secret name and key, never by value) to its keys.</summary>
    private static JsonObject ObjectStore(DatabaseManifestSpec spec)
    {
        var store = RequireStore(spec);
        var node = new JsonObject { ["destinationPath"] = store.DestinationPath };
        if (!string.IsNullOrWhiteSpace(store.EndpointUrl))
            node["endpointURL"] = store.EndpointUrl;
        node["s3Credentials"] = new JsonObject
        {
            ["accessKeyId"] = new JsonObject { ["name"] = BackupStoreSecretName(spec), ["key"] = AccessKeyIdKey },
            ["secretAccessKey"] = new JsonObject { ["name"] = BackupStoreSecretName(spec), ["key"] = SecretAccessKeyKey },
        };
        return node;
    }

    private static JsonObject Resources(DatabaseManifestSpec spec) => new()
    {
        ["cpu"] = $"{spec.CpuMillicores}m",
        ["memory"] = $"{spec.MemoryMiB}Mi",
    };

    private static JsonObject Metadata(DatabaseManifestSpec spec, string name) => new()
    {
        ["name"] = name,
        ["namespace"] = spec.Namespace,
        ["labels"] = Labels(spec),
    };

    /// <summary>The Cluster's name: the database's name, which the domain keeps a DNS label.</summary>
    private static string ClusterName(DatabaseManifestSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return DnsLabel().IsMatch(spec.Name) ? spec.Name : throw new ArgumentException($"Database name '{spec.Name}' is not a DNS label.", nameof(spec));
    }

    private static BackupStoreSpec RequireStore(DatabaseManifestSpec spec) =>
        spec.Store ?? throw new ArgumentException($"Database '{spec.Name}' has no object store: it cannot be backed up or restored.", nameof(spec));

    private static void RequireBackups(DatabaseManifestSpec spec)
    {
        if (!BackupsEnabled(spec))
            throw new ArgumentException($"Database '{spec.Name}' has no backups configured.", nameof(spec));
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    /// <summary>An image tag: "17", "17.5", "17.5-standard-bookworm" (letters, digits, dots, dashes, underscores).</summary>
    [GeneratedRegex("^[0-9]+(\\.[0-9]+)*([-_][A-Za-z0-9._-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageTag();
}
