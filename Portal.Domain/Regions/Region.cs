using Portal.Domain.Common;

namespace Portal.Domain.Regions;

/// <summary>An organization-level location that groups zones; every infrastructure sits in one region and zone.</summary>
public sealed class Region : IVersioned, INamed
{
    private readonly List<Zone> _zones = [];

    private Region() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }
    public IReadOnlyList<Zone> Zones => _zones;

    public static Result<Region> Create(string? name, string? description, DateTimeOffset now)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        return new Region { Id = Guid.NewGuid(), Name = valid.Value.Name, Description = valid.Value.Description, CreatedAt = now };
    }

    public Result Rename(string? name, string? description)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        (Name, Description) = valid.Value;
        return Result.Ok();
    }
}

/// <summary>A failure domain inside a region.</summary>
public sealed class Zone : IVersioned, INamed
{
    private Zone() { }

    public Guid Id { get; private set; }
    public Guid RegionId { get; private set; }
    public Region? Region { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    public static Result<Zone> Create(Guid regionId, string? name, string? description, DateTimeOffset now)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        return new Zone { Id = Guid.NewGuid(), RegionId = regionId, Name = valid.Value.Name, Description = valid.Value.Description, CreatedAt = now };
    }

    public Result Rename(string? name, string? description)
    {
        var valid = NameRules.NameAndDescription(name, description);
        if (!valid.Succeeded) return valid.Refusal!;
        (Name, Description) = valid.Value;
        return Result.Ok();
    }
}
