namespace Portal.Domain.Common;

/// <summary>Every length and count limit the portal enforces, in one place.</summary>
public static class Limits
{
    public const int NameMaxLength = 64;
    public const int DescriptionMaxLength = 500;
    public const int SlugMaxLength = 40;
    public const int EmailMaxLength = 256;
    public const int DisplayNameMaxLength = 100;
    public const int PasswordMinLength = 12;

    /// <summary>
    /// Failed sign-ins for one email from one client address within <see cref="SignInFailureWindow"/>; after that, that
    /// email waits at that address only, so wrong passwords typed elsewhere never lock its owner out.
    /// </summary>
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan SignInFailureWindow = TimeSpan.FromMinutes(15);
    /// <summary>Failed sign-ins for one email from every address together within an hour (NIST SP 800-63B allows at most 100).</summary>
    public const int MaxFailedSignInsPerAccountPerHour = 100;
    /// <summary>Sign-in attempts, right or wrong, from one client address per minute.</summary>
    public const int SignInAttemptsPerAddressPerMinute = 10;
    /// <summary>How long Identity's own lockout lasts when its failure counter is used (sign-in does not use it).</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    /// <summary>How often a live page re-checks that its session is still valid (a sign-out, password or role change ends it).</summary>
    public static readonly TimeSpan SessionRevalidationInterval = TimeSpan.FromSeconds(15);

    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    // ---- managed Kubernetes ----
    /// <summary>Cluster and node pool names are DNS labels (they name Kubernetes objects); clusters get a prefix of their own.</summary>
    public const int ClusterNameMaxLength = 40;
    public const int NodePoolNameMaxLength = 20;
    public const int MinNodesPerPool = 0;
    public const int MaxNodesPerPool = 20;
    public const int MaxNodePoolsPerCluster = 10;
    /// <summary>Standalone control planes run 1 (development) or 3 (highly available) replicas.</summary>
    public static readonly IReadOnlyList<int> StandaloneControlPlaneReplicas = [1, 3];
    /// <summary>A hosted control plane always runs this many replicas.</summary>
    public const int HostedControlPlaneReplicas = 3;

    // ---- managed PostgreSQL databases
    /// <summary>Database names are DNS labels: they name the CloudNativePG cluster, its pods ("-1"), services ("-rw") and secrets ("-app").</summary>
    public const int DatabaseNameMaxLength = 40;
    public const int MinDatabaseInstances = 1;
    public const int MaxDatabaseInstances = 3;
    public const int MinDatabaseStorageGiB = 1;
    public const int MaxDatabaseStorageGiB = 1024;
    public const int MinBackupRetentionDays = 1;
    public const int MaxBackupRetentionDays = 90;
    /// <summary>PostgreSQL identifiers (the initial database and its owner) are at most 63 bytes.</summary>
    public const int PostgresIdentifierMaxLength = 63;

    // ---- API tokens and service accounts
    /// <summary>
    /// The longest an API token may live, platform-wide: a forgotten token stops working on its own. Operators may
    /// lower or raise it with <c>Api:MaxTokenLifetimeDays</c> (see <see cref="Api.ApiTokenOptions"/>).
    /// </summary>
    public static readonly TimeSpan MaxApiTokenLifetime = TimeSpan.FromDays(365);
    public const int ApiTokenNameMaxLength = 64;
    /// <summary>Live (neither revoked nor expired) tokens one person or service account may hold at once: enough for every
    /// pipeline, few enough that a list of them stays readable and a leak is easy to survey.</summary>
    public const int MaxApiTokensPerOwner = 50;
    /// <summary>Tenants one token may be limited to.</summary>
    public const int MaxApiTokenTenants = 50;
    /// <summary>How long a token's "last used" may lag: it is written at most this often per token, not on every call.</summary>
    public static readonly TimeSpan ApiTokenLastUsedResolution = TimeSpan.FromMinutes(1);
    /// <summary>A user id (a GUID) or a service account's actor id (<c>sa:</c> and a GUID), with room to spare.</summary>
    public const int ActorIdMaxLength = 64;

    // ---- the HTTP API
    /// <summary>How long an Idempotency-Key is remembered: a retry within it gets the first answer, never a second resource.</summary>
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    /// <summary>A request that holds its key longer than this without finishing (its replica died) no longer blocks a retry.</summary>
    public static readonly TimeSpan IdempotencyPendingTimeout = TimeSpan.FromMinutes(5);
    public const int IdempotencyKeyMaxLength = 255;
    /// <summary>The largest response an idempotent request's answer may be remembered with.</summary>
    public const int IdempotencyMaxResponseBytes = 256 * 1024;

    // ---- text people paste or upload (clouds.yaml, openrc, kubeconfigs, CA bundles): checked by Common.UserText
    // before any parser sees it, so a hostile or mistaken paste is refused with a reason instead of exhausting the server.
    /// <summary>A clouds.yaml or openrc file is a few kilobytes; this leaves room for a file listing many clouds.</summary>
    public const int CloudConfigMaxBytes = 256 * 1024;
    /// <summary>A kubeconfig is a few kilobytes (certificates included); this leaves room for one with many contexts.</summary>
    public const int KubeconfigMaxBytes = 256 * 1024;
    /// <summary>A CA bundle of a private cloud holds a handful of certificates (about 2 KB each).</summary>
    public const int CaBundleMaxBytes = 64 * 1024;
    /// <summary>The deepest nesting of YAML mappings and lists accepted (a kubeconfig nests about six levels).</summary>
    public const int YamlMaxDepth = 32;
    /// <summary>The most YAML nodes (values, mappings, lists) one pasted document may hold.</summary>
    public const int YamlMaxNodes = 20_000;
    /// <summary>
    /// The largest message a browser may send over the interactive (SignalR) circuit. A pasted text travels in one
    /// message as JSON: up to three bytes a character for non-Latin text, plus escapes. Four times the largest text
    /// limit lets every paste within its limit arrive, so the parser (not the transport) decides and explains.
    /// </summary>
    public const int CircuitMessageBytes = 4 * KubeconfigMaxBytes;
}
