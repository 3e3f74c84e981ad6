namespace Portal.Jobs.OpenStack;

/// <summary>A Nova flavor as the catalog imports it.</summary>
public sealed record OsFlavor(string Id, string Name, int Vcpus, int RamMb, int DiskGb, bool IsPublic);

/// <summary>
/// A Glance image. <paramref name="Properties"/> holds the image's custom (non-schema) properties, such as
/// <c>os_distro</c> or <c>kube_version</c>, as strings.
/// </summary>
public sealed record OsImage(
    string Id,
    string Name,
    int MinRamMb,
    int MinDiskGb,
    string Status,
    string Visibility,
    IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The Kubernetes version the image carries (property <c>kube_version</c>, e.g. <c>1.32.3-5</c>), if any.</summary>
    public string? KubernetesVersion => Properties.GetValueOrDefault("kube_version");
}

/// <summary>A Neutron network.</summary>
public sealed record OsNetwork(string Id, string Name, bool IsExternal, string Status);

/// <summary>
/// A project's absolute Nova limits and usage. A maximum of -1 means unlimited.
/// </summary>
public sealed record ComputeLimits(int MaxInstances, int MaxCores, int MaxRamMb, int UsedInstances, int UsedCores, int UsedRamMb)
{
    /// <summary>Instances still available; null when unlimited.</summary>
    public int? AvailableInstances => Available(MaxInstances, UsedInstances);

    /// <summary>vCPUs still available; null when unlimited.</summary>
    public int? AvailableCores => Available(MaxCores, UsedCores);

    /// <summary>RAM (MB) still available; null when unlimited.</summary>
    public int? AvailableRamMb => Available(MaxRamMb, UsedRamMb);

    private static int? Available(int max, int used) => max < 0 ? null : Math.Max(0, max - used);
}

/// <summary>What authentication found out: the project the token is scoped to and the usable services.</summary>
/// <param name="ServiceTypes">Service types with an endpoint for the connection's region and interface, sorted.</param>
public sealed record ServiceCatalogSummary(
    string ProjectId,
    string? ProjectName,
    IReadOnlyList<string> ServiceTypes,
    DateTimeOffset TokenExpiresAt)
{
    /// <summary>Every region named anywhere in the catalog, sorted.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>The authenticated user's name, when Keystone reports it.</summary>
    public string? UserName { get; init; }

    /// <summary>Role names the token carries on the project.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
}
