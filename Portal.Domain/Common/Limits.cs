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

    /// <summary>Failed sign-ins before an account is locked.</summary>
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

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
}
