using Portal.Domain.Catalog;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;

namespace Portal.Api.Platform;

/// <summary>A region with its zones.</summary>
public sealed record RegionResource(Guid Id, string Name, string Description, IReadOnlyList<ZoneResource> Zones, int Version)
{
    public static RegionResource From(RegionRow r, IReadOnlyList<ZoneRow> zones) => new(r.Id, r.Name, r.Description, zones.Select(ZoneResource.From).ToList(), r.Version);
}

public sealed record ZoneResource(Guid Id, Guid RegionId, string Name, string Description, int Version)
{
    public static ZoneResource From(ZoneRow z) => new(z.Id, z.RegionId, z.Name, z.Description, z.Version);
}

/// <summary>A registered cloud as the list shows it.</summary>
public sealed record InfrastructureResource(Guid Id, string Name, InfrastructureProvider Provider, string RegionName, string ZoneName,
    bool? LastValidationSucceeded, DateTimeOffset? LastValidatedAt, int FlavorCount, int ImageCount, string Url)
{
    public static InfrastructureResource From(InfrastructureRow i) => new(i.Id, i.Name, i.Provider, i.RegionName, i.ZoneName, i.LastValidationSucceeded,
        i.LastValidatedAt, i.FlavorCount, i.ImageCount, PlatformApi.InfrastructureUrl(i.Id));
}

/// <summary>
/// One registered cloud. <see cref="Connection"/> is how the portal reaches it WITHOUT the secret (the application
/// credential secret or password never leaves the server); <see cref="HasSecret"/> says one is stored.
/// </summary>
public sealed record InfrastructureDetailResource(Guid Id, string Name, string Description, InfrastructureProvider Provider, Guid RegionId, string RegionName,
    Guid ZoneId, string ZoneName, InfrastructureConnectionResource? Connection, bool HasSecret, DateTimeOffset? LastValidatedAt, bool LastValidationSucceeded,
    string LastValidationSummary, string? ManagementClusterServer, DateTimeOffset CreatedAt, int Version, string Url)
{
    public static InfrastructureDetailResource From(InfrastructureDetail i) => new(i.Id, i.Name, i.Description, i.Provider, i.RegionId, i.RegionName,
        i.ZoneId, i.ZoneName, i.Connection is { } c ? InfrastructureConnectionResource.From(c) : null, i.HasSecret, i.LastValidatedAt,
        i.LastValidationSucceeded, i.LastValidationSummary, i.ManagementClusterServer, i.CreatedAt, i.Version, PlatformApi.InfrastructureUrl(i.Id));
}

/// <summary>The non-secret half of an OpenStack connection. <see cref="HasCaBundle"/>: a custom CA bundle is configured.</summary>
public sealed record InfrastructureConnectionResource(string AuthUrl, string? RegionName, EndpointInterfaceKind Interface, CredentialKind CredentialType,
    string? ApplicationCredentialId, string? UserName, string? UserDomain, string? ProjectName, string? ProjectDomain, bool HasCaBundle)
{
    public static InfrastructureConnectionResource From(ConnectionSettings c) => new(c.AuthUrl, c.RegionName, c.Interface, c.CredentialKind,
        c.ApplicationCredentialId, c.UserName, c.UserDomain, c.ProjectName, c.ProjectDomain, !string.IsNullOrEmpty(c.CaBundlePem));
}

/// <summary>
/// Changes to an infrastructure; omitted values stay as they are. <see cref="Connection"/> replaces how the portal
/// reaches the cloud once the cloud accepted it (OpenStack only).
/// </summary>
public sealed record UpdateInfrastructureBody(string? Name, string? Description, Guid? ZoneId, UpdateConnectionBody? Connection);

/// <summary>
/// A new connection: omitted settings keep their current value. The secret is write-only (never returned): give
/// <see cref="Password"/> or <see cref="ApplicationCredentialSecret"/> for the credential type; omitted, the stored
/// secret is kept while the credential type stays the same. <see cref="CaBundle"/>: PEM, empty to remove.
/// </summary>
public sealed record UpdateConnectionBody(string? AuthUrl, string? RegionName, EndpointInterfaceKind? Interface, CredentialKind? CredentialType,
    string? ApplicationCredentialId, string? UserName, string? UserDomain, string? ProjectName, string? ProjectDomain, string? CaBundle,
    string? Password, string? ApplicationCredentialSecret)
{
    /// <summary>The settings: these values over <paramref name="current"/>'s.</summary>
    public ConnectionSettings Over(ConnectionSettings? current) => new(
        AuthUrl ?? current?.AuthUrl ?? "", RegionName ?? current?.RegionName, Interface ?? current?.Interface ?? EndpointInterfaceKind.Public,
        CredentialType ?? current?.CredentialKind ?? CredentialKind.ApplicationCredential, ApplicationCredentialId ?? current?.ApplicationCredentialId,
        UserName ?? current?.UserName, UserDomain ?? current?.UserDomain, ProjectName ?? current?.ProjectName, ProjectDomain ?? current?.ProjectDomain,
        CaBundle is null ? current?.CaBundlePem : CaBundle.Length == 0 ? null : CaBundle);

    /// <summary>The new secret for the credential type, or null to keep the stored one.</summary>
    public string? SecretFor(CredentialKind kind) => (kind == CredentialKind.Password ? Password : ApplicationCredentialSecret) is { Length: > 0 } secret ? secret : null;
}

/// <summary>A flavor of an infrastructure's catalog. <see cref="Enabled"/>: new deployments may use it.</summary>
public sealed record FlavorResource(Guid Id, string ProviderId, string ProviderName, string Name, string Description, int Vcpus, int RamMb, int DiskGb,
    bool Enabled, bool MissingFromCloud, int Version)
{
    public static FlavorResource From(FlavorRow f) => new(f.Id, f.ProviderId, f.ProviderName, f.Name, f.Description, f.Vcpus, f.RamMb, f.DiskGb, f.Enabled,
        f.MissingFromCloud, f.Version);
}

/// <summary>An image of an infrastructure's catalog. <see cref="Enabled"/>: new deployments may use it.</summary>
public sealed record ImageResource(Guid Id, string ProviderId, string ProviderName, string Name, string Description, int MinRamMb, int MinDiskGb,
    string? KubernetesVersion, bool Enabled, bool MissingFromCloud, int Version)
{
    public static ImageResource From(ImageRow i) => new(i.Id, i.ProviderId, i.ProviderName, i.Name, i.Description, i.MinRamMb, i.MinDiskGb,
        i.KubernetesVersion, i.Enabled, i.MissingFromCloud, i.Version);
}

/// <summary>Changes to a catalog entry; omitted values stay as they are. Disabling affects new deployments only.</summary>
public sealed record UpdateCatalogEntryBody(string? Name, string? Description, bool? Enabled);

/// <summary>
/// A Service Config: where and how the portal places clusters and databases, with its platforms. The offer (whom it
/// is offered to) is shown to platform readers only; for a tenant's members those fields are null.
/// </summary>
public sealed record ServiceConfigResource(Guid Id, Guid InfrastructureId, string InfrastructureName, string Location, string Name, string Description,
    bool? OfferedToAllTenants, IReadOnlyList<Guid>? OfferedTenantIds, IReadOnlyList<string>? OfferedTenantNames, IReadOnlyList<PlatformSummaryResource> Platforms,
    int Version, string Url)
{
    public static ServiceConfigResource From(ServiceConfigView s) => new(s.Id, s.InfrastructureId, s.InfrastructureName, s.Location, s.Name, s.Description,
        s.OfferedToAllTenants, s.OfferedTenantIds, s.OfferedTenantNames, s.Platforms.Select(p => PlatformSummaryResource.From(s.Id, p)).ToList(), s.Version,
        PlatformApi.ServiceConfigUrl(s.Id));
}

/// <summary>A platform of a Service Config in short: its kind, state, whether it takes new work, and its mode (PostgreSQL).</summary>
public sealed record PlatformSummaryResource(Guid Id, PlatformKind Kind, bool Enabled, PlatformState State, string StateReason, string? ExternalNetworkName,
    PostgresMode? Mode, string? OperatorVersion, string Url)
{
    public static PlatformSummaryResource From(Guid serviceConfigId, PlatformSummary p) => new(p.Id, p.Kind, p.Enabled, p.State, p.StateReason,
        p.ExternalNetworkName, p.PostgresMode, p.OperatorVersion, PlatformApi.PlatformUrl(serviceConfigId, p.Id));
}

/// <summary>
/// One platform in full, for platform readers. <see cref="BackupStore"/> names the object store without its secret key;
/// <see cref="HasKubeconfig"/> says a cluster's kubeconfig is stored (never returned).
/// </summary>
public sealed record PlatformResource(Guid Id, Guid ServiceConfigId, string ServiceConfigName, Guid InfrastructureId, string InfrastructureName,
    PlatformKind Kind, bool Enabled, PlatformState State, string StateReason, string? ExternalNetworkId, string? ExternalNetworkName,
    PostgresMode? Mode, string? OperatorVersion, string? TargetOperatorVersion, bool HasKubeconfig, string? ClusterServer,
    PlatformBackupStoreResource? BackupStore, IReadOnlyList<string> UpgradeVersions, string? WhyNotUpgrade, string? WhyNotDelete,
    DateTimeOffset CreatedAt, int Version, string Url)
{
    public static PlatformResource From(PlatformDetail p) => new(p.Id, p.ServiceConfigId, p.ServiceConfigName, p.InfrastructureId, p.InfrastructureName,
        p.Kind, p.Enabled, p.State, p.StateReason, p.ExternalNetworkId, p.ExternalNetworkName, p.PostgresMode, p.OperatorVersion, p.TargetOperatorVersion,
        p.HasKubeconfig, p.ClusterServer,
        p.BackupStore is { } b ? new PlatformBackupStoreResource(b.DestinationPath, b.EndpointUrl, b.AccessKeyId) : null,
        p.UpgradeVersions, p.WhyNotUpgrade, p.WhyNotDelete, p.CreatedAt, p.Version, PlatformApi.PlatformUrl(p.ServiceConfigId, p.Id));
}

/// <summary>A PostgreSQL platform's backup object store, without the secret access key.</summary>
public sealed record PlatformBackupStoreResource(string DestinationPath, string? EndpointUrl, string AccessKeyId);

/// <summary>
/// Changes to a platform: whether it takes new clusters or databases (existing ones are not affected), and a PostgreSQL
/// platform's backup object store (omitted values stay; the secret key is write-only).
/// </summary>
public sealed record UpdatePlatformBody(bool? Enabled, BackupStoreBody? BackupStore);
