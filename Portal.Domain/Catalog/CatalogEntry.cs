using Portal.Domain.Common;
using Portal.Domain.Infrastructures;

namespace Portal.Domain.Catalog;

/// <summary>
/// What flavor and image entries share: a reference to something in the cloud (provider id, imported once),
/// a name that may change but never be cleared, a description, and whether new deployments may use it.
/// </summary>
public abstract class CatalogEntry : IVersioned
{
    public Guid Id { get; protected set; }
    public Guid InfrastructureId { get; protected set; }
    public Infrastructure? Infrastructure { get; protected set; }
    /// <summary>The cloud's own id for the flavor or image; unique within an infrastructure's catalog.</summary>
    public string ProviderId { get; protected set; } = "";
    /// <summary>The name the cloud gives it, as last seen.</summary>
    public string ProviderName { get; protected set; } = "";

    /// <summary>Longest provider id or provider name kept; a longer cloud name is cut (PostgreSQL would refuse it whole).</summary>
    public const int ProviderTextMaxLength = 255;

    protected static string CloudName(string name) => name.Length > ProviderTextMaxLength ? name[..ProviderTextMaxLength] : name;
    public string Name { get; protected set; } = "";
    public string Description { get; protected set; } = "";
    /// <summary>Disabled entries are not offered for new deployments; existing resources keep working.</summary>
    public bool Enabled { get; protected set; } = true;
    /// <summary>Set by a refresh when the cloud no longer lists this entry; it is flagged, never deleted automatically.</summary>
    public bool MissingFromCloud { get; protected set; }
    public DateTimeOffset ImportedAt { get; protected set; }
    public DateTimeOffset? LastSeenAt { get; protected set; }
    public int Version { get; set; }

    public Result Rename(string? name)
    {
        var validName = NameRules.Name(name);
        if (!validName.Succeeded) return validName.Refusal!;
        Name = validName.Value!;
        return Result.Ok();
    }

    public Result Describe(string? description)
    {
        var validDescription = NameRules.Description(description);
        if (!validDescription.Succeeded) return validDescription.Refusal!;
        Description = validDescription.Value!;
        return Result.Ok();
    }

    public void SetEnabled(bool enabled) => Enabled = enabled;

    /// <summary>Records whether the latest refresh found the entry in the cloud.</summary>
    public void MarkSeen(bool present, DateTimeOffset at)
    {
        MissingFromCloud = !present;
        if (present) LastSeenAt = at;
    }

    protected static Result<string> ImportedName(string providerId, string? providerName)
    {
        if (string.IsNullOrWhiteSpace(providerId))
            return Refusal.Invalid(Fields.ProviderId, "The cloud returned an entry without an id.");
        // Clouds allow names we do not (empty, very long, with hidden characters): drop those, fall back to the id, trim to our limit.
        var name = string.IsNullOrWhiteSpace(providerName) ? providerId
            : string.Concat(providerName.EnumerateRunes().Where(r => HiddenCharacters.KindOf(r) is null).Select(r => r.ToString())).Trim();
        if (name.Length == 0) name = providerId;
        return name.Length > Limits.NameMaxLength ? name[..Limits.NameMaxLength] : name;
    }
}

/// <summary>A compute size from the cloud, as the catalog imports it.</summary>
public sealed record FlavorSpec(string ProviderId, string Name, int Vcpus, int RamMb, int DiskGb);

/// <summary>An image from the cloud, as the catalog imports it.</summary>
public sealed record ImageSpec(string ProviderId, string Name, int MinRamMb, int MinDiskGb, string? KubernetesVersion, string? OsDistro);

public sealed class FlavorEntry : CatalogEntry
{
    private FlavorEntry() { }

    public int Vcpus { get; private set; }
    public int RamMb { get; private set; }
    public int DiskGb { get; private set; }

    public static Result<FlavorEntry> Import(Guid infrastructureId, FlavorSpec spec, DateTimeOffset now)
    {
        var name = ImportedName(spec.ProviderId, spec.Name);
        if (!name.Succeeded) return name.Refusal!;
        return new FlavorEntry
        {
            Id = Guid.NewGuid(),
            InfrastructureId = infrastructureId,
            ProviderId = spec.ProviderId,
            ProviderName = CloudName(spec.Name),
            Name = name.Value!,
            Vcpus = Math.Max(0, spec.Vcpus),
            RamMb = Math.Max(0, spec.RamMb),
            DiskGb = Math.Max(0, spec.DiskGb),
            ImportedAt = now,
            LastSeenAt = now,
        };
    }

    /// <summary>Updates what the cloud says about the flavor (sizes, its own name) without touching our name.</summary>
    public void Refresh(FlavorSpec spec, DateTimeOffset at)
    {
        ProviderName = CloudName(spec.Name);
        Vcpus = Math.Max(0, spec.Vcpus);
        RamMb = Math.Max(0, spec.RamMb);
        DiskGb = Math.Max(0, spec.DiskGb);
        MarkSeen(true, at);
    }
}

public sealed class ImageEntry : CatalogEntry
{
    private ImageEntry() { }

    public int MinRamMb { get; private set; }
    public int MinDiskGb { get; private set; }
    /// <summary>The Kubernetes version a node image carries (its <c>kube_version</c> property), e.g. 1.32.3-5.</summary>
    public string? KubernetesVersion { get; private set; }
    public string? OsDistro { get; private set; }

    public static Result<ImageEntry> Import(Guid infrastructureId, ImageSpec spec, DateTimeOffset now)
    {
        var name = ImportedName(spec.ProviderId, spec.Name);
        if (!name.Succeeded) return name.Refusal!;
        return new ImageEntry
        {
            Id = Guid.NewGuid(),
            InfrastructureId = infrastructureId,
            ProviderId = spec.ProviderId,
            ProviderName = CloudName(spec.Name),
            Name = name.Value!,
            MinRamMb = Math.Max(0, spec.MinRamMb),
            MinDiskGb = Math.Max(0, spec.MinDiskGb),
            KubernetesVersion = Short(spec.KubernetesVersion),
            OsDistro = Short(spec.OsDistro),
            ImportedAt = now,
            LastSeenAt = now,
        };
    }

    public void Refresh(ImageSpec spec, DateTimeOffset at)
    {
        ProviderName = CloudName(spec.Name);
        MinRamMb = Math.Max(0, spec.MinRamMb);
        MinDiskGb = Math.Max(0, spec.MinDiskGb);
        KubernetesVersion = Short(spec.KubernetesVersion);
        OsDistro = Short(spec.OsDistro);
        MarkSeen(true, at);
    }

    private static string? Short(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim() is { Length: > 64 } long_ ? long_[..64] : value.Trim();
}
