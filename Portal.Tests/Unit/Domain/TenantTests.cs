using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Domain;

public sealed class TenantTests
{
    private static readonly DateTimeOffset _now = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Create_ValidInput_SetsTrimmedFieldsANewIdAndTheCreationTime()
    {
        var tenant = Tenant.Create("  Acme Corp ", " acme ", "  Our first customer ", _now).ShouldSucceed();

        Assert.NotEqual(Guid.Empty, tenant.Id);
        Assert.Equal("Acme Corp", tenant.Name);
        Assert.Equal("acme", tenant.Slug);
        Assert.Equal("Our first customer", tenant.Description);
        Assert.Equal(_now, tenant.CreatedAt);
        Assert.Equal(0, tenant.Version);
        Assert.Empty(tenant.Projects);
        Assert.Empty(tenant.Memberships);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_WithoutSlug_DerivesTheSlugFromTheName(string? slug)
    {
        var tenant = Tenant.Create("Acme Corp & Sons", slug, null, _now).ShouldSucceed();

        Assert.Equal("acme-corp-sons", tenant.Slug);
    }

    [Fact]
    public void Create_TwoTenants_GetDistinctIds()
    {
        var first = Tenant.Create("Acme", null, null, _now).ShouldSucceed();
        var second = Tenant.Create("Acme", null, null, _now).ShouldSucceed();

        Assert.NotEqual(first.Id, second.Id);
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("acme corp")]
    [InlineData("-acme")]
    public void Create_InvalidSlug_IsInvalidOnSlug(string slug)
    {
        Tenant.Create("Acme", slug, null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Slug);
    }

    [Fact]
    public void Create_SlugOverMaxLength_IsInvalidOnSlug()
    {
        Tenant.Create("Acme", new string('a', Limits.SlugMaxLength + 1), null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Slug);
    }

    [Fact]
    public void Create_NameWithoutLettersOrDigitsAndNoSlug_IsInvalidOnSlug()
    {
        // "日本" yields an empty derived slug: the person must give one.
        Tenant.Create("日本", null, null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Slug);
        Assert.Equal("nihon", Tenant.Create("日本", "nihon", null, _now).ShouldSucceed().Slug);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("Acme\tCorp")]
    public void Create_InvalidName_IsInvalidOnNameEvenWithoutASlug(string? name)
    {
        Tenant.Create(name, null, null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
    }

    [Fact]
    public void Create_NameOverMaxLength_IsInvalidOnName()
    {
        Tenant.Create(new string('a', Limits.NameMaxLength + 1), "acme", null, _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
    }

    [Fact]
    public void Create_InvalidDescription_IsInvalidOnDescription()
    {
        Tenant.Create("Acme", null, "bell\u0007", _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);
        Tenant.Create("Acme", null, new string('d', Limits.DescriptionMaxLength + 1), _now).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);
    }

    [Fact]
    public void Rename_ValidInput_ChangesNameAndDescriptionButNeverTheSlug()
    {
        var tenant = Tenant.Create("Acme", null, "old", _now).ShouldSucceed();

        tenant.Rename("  Acme Holdings ", " new\nlines ").ShouldSucceed();

        Assert.Equal("Acme Holdings", tenant.Name);
        Assert.Equal("new\nlines", tenant.Description);
        Assert.Equal("acme", tenant.Slug);
    }

    [Theory]
    [InlineData("", "fine")]
    [InlineData("Acme\nHoldings", "fine")]
    [InlineData("Acme", "bell\u0007")]
    public void Rename_InvalidInput_IsRefusedAndLeavesTheTenantUnchanged(string name, string description)
    {
        var tenant = Tenant.Create("Acme", null, "old", _now).ShouldSucceed();

        tenant.Rename(name, description).ShouldBeRefused(RefusalKind.Invalid);

        Assert.Equal("Acme", tenant.Name);
        Assert.Equal("old", tenant.Description);
    }

    [Fact]
    public void WhyNotDelete_WithoutProjects_IsNull()
    {
        var tenant = Tenant.Create("Acme", null, null, _now).ShouldSucceed();

        Assert.Null(tenant.WhyNotDelete([]));
    }

    [Fact]
    public void WhyNotDelete_WithProjects_NamesThemAndSaysToDeleteThemFirst()
    {
        var tenant = Tenant.Create("Acme", null, null, _now).ShouldSucceed();

        var why = tenant.WhyNotDelete(["shop", "web"]);

        Assert.NotNull(why);
        Assert.StartsWith("Tenant 'Acme' still has projects: ", why);
        Assert.Contains("shop", why);
        Assert.Contains("web", why);
        Assert.EndsWith("Delete those projects first.", why);
    }
}
