using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Domain;

public sealed class ProjectTests
{
    private static readonly DateTimeOffset _now = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly Guid _tenantId = Guid.NewGuid();

    [Fact]
    public void Create_ValidInput_BelongsToTheTenantWithTrimmedFields()
    {
        var project = Project.Create(_tenantId, "  web shop ", " storefront ", _now).ShouldSucceed();

        Assert.NotEqual(Guid.Empty, project.Id);
        Assert.Equal(_tenantId, project.TenantId);
        Assert.Equal("web shop", project.Name);
        Assert.Equal("storefront", project.Description);
        Assert.Equal(_now, project.CreatedAt);
        Assert.Equal(0, project.Version);
    }

    [Fact]
    public void Create_WithoutDescription_HasAnEmptyDescription()
    {
        Assert.Equal("", Project.Create(_tenantId, "web", null, _now).ShouldSucceed().Description);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("web\tshop")]
    [InlineData("web\u0007")]
    public void Create_InvalidName_IsInvalidOnName(string? name)
    {
        Project.Create(_tenantId, name, null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
    }

    [Fact]
    public void Create_NameOverMaxLength_IsInvalidWithTheLengthInTheMessage()
    {
        var refusal = Project.Create(_tenantId, new string('p', Limits.NameMaxLength + 1), null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Contains((Limits.NameMaxLength + 1).ToString(), refusal.Message);
    }

    [Fact]
    public void Create_InvalidDescription_IsInvalidOnDescription()
    {
        Project.Create(_tenantId, "web", "\u0000", _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);
    }

    [Fact]
    public void Rename_ValidInput_ChangesNameAndDescriptionAndKeepsTheTenant()
    {
        var project = Project.Create(_tenantId, "web", null, _now).ShouldSucceed();

        project.Rename(" shop ", "sells things").ShouldSucceed();

        Assert.Equal("shop", project.Name);
        Assert.Equal("sells things", project.Description);
        Assert.Equal(_tenantId, project.TenantId);
    }

    [Fact]
    public void Rename_InvalidName_LeavesTheProjectUnchanged()
    {
        var project = Project.Create(_tenantId, "web", "d", _now).ShouldSucceed();

        project.Rename(" ", "other").ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal("web", project.Name);
        Assert.Equal("d", project.Description);
    }

    [Fact]
    public void WhyNotDelete_WithoutClusters_IsNull() => Assert.Null(Project.WhyNotDelete("shop", []));

    [Fact]
    public void WhyNotDelete_WithClusters_NamesThem()
    {
        var why = Project.WhyNotDelete("shop", ["web-prod"]);

        Assert.Equal("Project 'shop' still has clusters: web-prod. Delete them first.", why);
    }

    [Fact]
    public void WhyNotDelete_WithMoreThanFiveClusters_NamesFiveAndSaysThereAreMore()
    {
        var why = Project.WhyNotDelete("shop", ["a", "b", "c", "d", "e", "f"]);

        Assert.Equal("Project 'shop' still has clusters: a, b, c, d, e and more. Delete them first.", why);
    }
}
