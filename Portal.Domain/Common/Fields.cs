namespace Portal.Domain.Common;

/// <summary>
/// Names the input a refusal is about, by a stable machine-readable code (camelCase, dotted for nested values,
/// <c>pools[0].flavor</c> for an item of a list). Pages match a refusal to the field they show it under by key, and an
/// HTTP API can report the code as it is (for example in RFC 9457 problem details). Codes are part of the contract:
/// do not rename them. Build keys through <see cref="Fields"/>, never from display text.
/// </summary>
public readonly record struct FieldKey(string Code)
{
    public override string ToString() => Code;
}

/// <summary>The keys of the fields a refusal can name: one member per field.</summary>
public static class Fields
{
    // ---- shared by most entities
    public static readonly FieldKey Name = new("name");
    public static readonly FieldKey Description = new("description");
    public static readonly FieldKey Slug = new("slug");
    /// <summary>The kind of a record (e.g. a platform's kind, unique per Service Config).</summary>
    public static readonly FieldKey Kind = new("kind");
    /// <summary>The entries a bulk action or an import works on.</summary>
    public static readonly FieldKey Selection = new("selection");

    // ---- people and tenancy
    public static readonly FieldKey Email = new("email");
    public static readonly FieldKey DisplayName = new("displayName");
    /// <summary>A portal account's password, or the password of an infrastructure's connection.</summary>
    public static readonly FieldKey Password = new("password");
    /// <summary>A tenant role, or a platform role when a user is created.</summary>
    public static readonly FieldKey Role = new("role");
    public static readonly FieldKey PlatformRole = new("platformRole");
    public static readonly FieldKey Tenant = new("tenant");
    /// <summary>The tenants a Service Config is offered to.</summary>
    public static readonly FieldKey Tenants = new("tenants");
    public static readonly FieldKey Project = new("project");

    // ---- infrastructures, their connection and placement
    public static readonly FieldKey Infrastructure = new("infrastructure");
    public static readonly FieldKey Provider = new("provider");
    /// <summary>The cloud's own id of a catalog entry.</summary>
    public static readonly FieldKey ProviderId = new("providerId");
    /// <summary>The connection as a whole (its validation against the cloud).</summary>
    public static readonly FieldKey Connection = new("connection");
    /// <summary>A pasted clouds.yaml or openrc.</summary>
    public static readonly FieldKey Paste = new("paste");
    public static readonly FieldKey AuthUrl = new("authUrl");
    /// <summary>The OpenStack region the connection uses (not the portal's placement region).</summary>
    public static readonly FieldKey RegionName = new("regionName");
    public static readonly FieldKey Interface = new("interface");
    public static readonly FieldKey CredentialType = new("credentialType");
    public static readonly FieldKey ApplicationCredentialId = new("applicationCredentialId");
    public static readonly FieldKey ApplicationCredentialSecret = new("applicationCredentialSecret");
    public static readonly FieldKey UserName = new("userName");
    public static readonly FieldKey UserDomain = new("userDomain");
    public static readonly FieldKey ProjectName = new("projectName");
    public static readonly FieldKey ProjectDomain = new("projectDomain");
    public static readonly FieldKey CaBundle = new("caBundle");
    /// <summary>An existing placement region.</summary>
    public static readonly FieldKey Region = new("region");
    /// <summary>An existing placement zone.</summary>
    public static readonly FieldKey Zone = new("zone");
    /// <summary>The name of a placement region created on the way.</summary>
    public static readonly FieldKey NewRegionName = new("newRegion.name");
    /// <summary>The name of a placement zone created on the way.</summary>
    public static readonly FieldKey NewZoneName = new("newZone.name");

    // ---- Service Configs and platforms
    public static readonly FieldKey ServiceConfig = new("serviceConfig");
    public static readonly FieldKey ExternalNetwork = new("externalNetwork");
    public static readonly FieldKey Mode = new("mode");
    public static readonly FieldKey OperatorVersion = new("operatorVersion");
    public static readonly FieldKey Kubeconfig = new("kubeconfig");

    // ---- managed Kubernetes
    public static readonly FieldKey Cluster = new("cluster");
    /// <summary>The Kubernetes version of a cluster, or the version an upgrade moves to.</summary>
    public static readonly FieldKey Version = new("version");
    public static readonly FieldKey ControlPlaneType = new("controlPlane.type");
    public static readonly FieldKey ControlPlaneReplicas = new("controlPlane.replicas");
    public static readonly FieldKey ControlPlaneFlavor = new("controlPlane.flavor");
    /// <summary>The node pools of a creation request as a whole (how many, unique names).</summary>
    public static readonly FieldKey Pools = new("pools");
    /// <summary>A node pool chosen by name (demo faults).</summary>
    public static readonly FieldKey NodePool = new("nodePool");
    public static readonly FieldKey Flavor = new("flavor");
    public static readonly FieldKey NodeCount = new("nodeCount");
    /// <summary>The autoscaler settings as a whole.</summary>
    public static readonly FieldKey Autoscaler = new("autoscaler");
    public static readonly FieldKey AutoscalerMin = new("autoscaler.min");
    public static readonly FieldKey AutoscalerMax = new("autoscaler.max");
    /// <summary>The name typed to confirm a deletion.</summary>
    public static readonly FieldKey ConfirmName = new("confirmName");
    /// <summary>The pre-flight checks of a cluster creation.</summary>
    public static readonly FieldKey Preflight = new("preflight");
    /// <summary>The fault to inject into the demo cloud.</summary>
    public static readonly FieldKey Fault = new("fault");

    // ---- managed PostgreSQL databases
    public static readonly FieldKey Database = new("database");
    /// <summary>The PostgreSQL version of a database (a major for a new one, a full version for an update).</summary>
    public static readonly FieldKey PostgresVersion = new("postgresVersion");
    public static readonly FieldKey Instances = new("instances");
    public static readonly FieldKey Compute = new("compute");
    public static readonly FieldKey StorageGiB = new("storageGiB");
    /// <summary>The initial database's name inside PostgreSQL.</summary>
    public static readonly FieldKey DatabaseName = new("databaseName");
    public static readonly FieldKey OwnerName = new("ownerName");
    public static readonly FieldKey Backups = new("backups");
    public static readonly FieldKey BackupSchedule = new("backups.schedule");
    public static readonly FieldKey BackupHour = new("backups.hour");
    public static readonly FieldKey BackupDay = new("backups.day");
    public static readonly FieldKey BackupRetentionDays = new("backups.retentionDays");
    /// <summary>The point in time a restore recovers to.</summary>
    public static readonly FieldKey RestorePoint = new("restorePoint");
    /// <summary>The replica a switchover promotes.</summary>
    public static readonly FieldKey Instance = new("instance");
    /// <summary>A platform's backup object store (destination, endpoint, keys).</summary>
    public static readonly FieldKey BackupDestination = new("backupStore.destinationPath");
    public static readonly FieldKey BackupEndpoint = new("backupStore.endpointUrl");
    public static readonly FieldKey BackupAccessKeyId = new("backupStore.accessKeyId");
    public static readonly FieldKey BackupSecretKey = new("backupStore.secretAccessKey");

    // ---- API tokens and service accounts
    /// <summary>When an API token stops working.</summary>
    public static readonly FieldKey ExpiresAt = new("expiresAt");
    /// <summary>Read-only or read-write.</summary>
    public static readonly FieldKey Scope = new("scope");
    public static readonly FieldKey ServiceAccount = new("serviceAccount");

    /// <summary>The fields of one node pool on its own (the add-pool, scale and autoscaler dialogs): <c>name</c>, <c>flavor</c>, ...</summary>
    public static readonly PoolFieldKeys SinglePool = new(Name, Flavor, NodeCount, AutoscalerMin, AutoscalerMax);

    /// <summary>The fields of the pool at <paramref name="index"/> (0-based, as in the request's list) of a creation request: <c>pools[0].name</c>, ...</summary>
    public static PoolFieldKeys Pool(int index) => new(
        new($"pools[{index}].name"), new($"pools[{index}].flavor"), new($"pools[{index}].nodeCount"),
        new($"pools[{index}].autoscaler.min"), new($"pools[{index}].autoscaler.max"));
}

/// <summary>The keys of one node pool's fields, alone or as an item of a creation request.</summary>
public sealed record PoolFieldKeys(FieldKey Name, FieldKey Flavor, FieldKey NodeCount, FieldKey AutoscalerMin, FieldKey AutoscalerMax)
{
    public IEnumerable<FieldKey> All => [Name, Flavor, NodeCount, AutoscalerMin, AutoscalerMax];
}
