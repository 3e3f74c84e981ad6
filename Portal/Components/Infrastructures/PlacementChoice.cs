using Portal.Domain.Common;
using Portal.Domain.Infrastructures;

namespace Portal.Components.Infrastructures;

public enum PlacementMode
{
    ExistingZone = 0,
    NewZone = 1,
    NewRegionAndZone = 2,
}

/// <summary>The placement step's state: pick a zone, or create a zone (and maybe its region) with the infrastructure.</summary>
public sealed class PlacementChoice
{
    public PlacementMode Mode { get; set; }
    public Guid? RegionId { get; set; }
    public string? RegionName { get; set; }
    public Guid? ZoneId { get; set; }
    public string? ZoneName { get; set; }
    public string? NewRegionName { get; set; }
    public string? NewZoneName { get; set; }

    /// <summary>Checks the step; the same names are checked again (with uniqueness) when registering.</summary>
    public Refusal? Check() => Mode switch
    {
        PlacementMode.ExistingZone when RegionId is null => Refusal.Invalid(Fields.Region, "Choose a region."),
        PlacementMode.ExistingZone when ZoneId is null => Refusal.Invalid(Fields.Zone, "Choose a zone, or create one."),
        PlacementMode.NewZone when RegionId is null => Refusal.Invalid(Fields.Region, "Choose the region the new zone belongs to."),
        PlacementMode.NewZone => NameRules.Name(NewZoneName, Fields.NewZoneName, "Zone name").Refusal,
        PlacementMode.NewRegionAndZone => NameRules.Name(NewRegionName, Fields.NewRegionName, "Region name").Refusal ?? NameRules.Name(NewZoneName, Fields.NewZoneName, "Zone name").Refusal,
        _ => null,
    };

    public Placement ToPlacement() => Mode switch
    {
        PlacementMode.ExistingZone => Placement.Existing(ZoneId!.Value),
        PlacementMode.NewZone => Placement.NewZone(RegionId!.Value, NewZoneName!),
        PlacementMode.NewRegionAndZone => Placement.NewRegionAndZone(NewRegionName!, NewZoneName!),
    };

    public string Describe() => Mode switch
    {
        PlacementMode.ExistingZone => $"Zone {ZoneName} in region {RegionName}",
        PlacementMode.NewZone => $"New zone {NewZoneName?.Trim()} in region {RegionName}",
        PlacementMode.NewRegionAndZone => $"New zone {NewZoneName?.Trim()} in new region {NewRegionName?.Trim()}",
    };
}
