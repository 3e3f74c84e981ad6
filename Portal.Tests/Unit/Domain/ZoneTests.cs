using Portal.Domain.Common;
using Portal.Domain.Regions;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Domain;

public sealed class ZoneTests
{
    private static readonly DateTimeOffset _now = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly Guid _regionId = Guid.NewGuid();

    [Fact]
    public void Create_ValidInput_BelongsToTheRegionWithTrimmedFields()
    {
        var zone = Zone.Create(_regionId, " zone a ", " rack 1 ", _now).ShouldSucceed();

        Assert.NotEqual(Guid.Empty, zone.Id);
        Assert.Equal(_regionId, zone.RegionId);
        Assert.Equal("zone a", zone.Name);
        Assert.Equal("rack 1", zone.Description);
        Assert.Equal(_now, zone.CreatedAt);
        Assert.Equal(0, zone.Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("zone\na")]
    public void Create_InvalidName_IsInvalidOnName(string? name)
    {
        Zone.Create(_regionId, name, null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
    }

    [Fact]
    public void Create_NameOverMaxLength_IsInvalidOnName()
    {
        Zone.Create(_regionId, new string('z', Limits.NameMaxLength + 1), null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
    }

    [Fact]
    public void Create_InvalidDescription_IsInvalidOnDescription()
    {
        Zone.Create(_regionId, "a", "\u0007", _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);
    }

    [Fact]
    public void Rename_InvalidName_LeavesTheZoneUnchanged()
    {
        var zone = Zone.Create(_regionId, "a", "d", _now).ShouldSucceed();

        zone.Rename("", "x").ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
        Assert.Equal("a", zone.Name);

        zone.Rename("b", "x").ShouldSucceed();
        Assert.Equal("b", zone.Name);
        Assert.Equal("x", zone.Description);
    }
}
