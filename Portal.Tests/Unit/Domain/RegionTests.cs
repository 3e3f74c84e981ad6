using Portal.Domain.Common;
using Portal.Domain.Regions;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Domain;

public sealed class RegionTests
{
    private static readonly DateTimeOffset _now = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Create_ValidInput_SetsTrimmedFieldsANewIdAndNoZones()
    {
        var region = Region.Create("  Frankfurt ", " Main\nsite ", _now).ShouldSucceed();

        Assert.NotEqual(Guid.Empty, region.Id);
        Assert.Equal("Frankfurt", region.Name);
        Assert.Equal("Main\nsite", region.Description);
        Assert.Equal(_now, region.CreatedAt);
        Assert.Equal(0, region.Version);
        Assert.Empty(region.Zones);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("Frank\nfurt")]
    [InlineData("Frank\tfurt")]
    [InlineData("Frankfurt\u0007")]
    public void Create_InvalidName_IsInvalidOnName(string? name)
    {
        Region.Create(name, null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
    }

    [Fact]
    public void Create_NameOverMaxLength_IsInvalidWithTheLengthInTheMessage()
    {
        var refusal = Region.Create(new string('r', Limits.NameMaxLength + 1), null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Contains($"at most {Limits.NameMaxLength}", refusal.Message);
    }

    [Fact]
    public void Create_InvalidDescription_IsInvalidOnDescription()
    {
        Region.Create("Frankfurt", "\u001B", _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);
        Region.Create("Frankfurt", new string('d', Limits.DescriptionMaxLength + 1), _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);
    }

    [Fact]
    public void Rename_ValidInput_ChangesNameAndDescription()
    {
        var region = Region.Create("Frankfurt", "old", _now).ShouldSucceed();

        region.Rename(" Frankfurt 2 ", null).ShouldSucceed();

        Assert.Equal("Frankfurt 2", region.Name);
        Assert.Equal("", region.Description);
    }

    [Fact]
    public void Rename_InvalidDescription_LeavesTheNameUnchangedToo()
    {
        var region = Region.Create("Frankfurt", "old", _now).ShouldSucceed();

        region.Rename("Berlin", "bell\u0007").ShouldBeRefused(RefusalKind.Invalid, Fields.Description);

        Assert.Equal("Frankfurt", region.Name);
        Assert.Equal("old", region.Description);
    }
}
