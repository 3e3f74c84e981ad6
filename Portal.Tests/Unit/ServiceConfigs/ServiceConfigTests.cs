using Portal.Domain.Common;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.ServiceConfigs;

public sealed class ServiceConfigTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static ServiceConfig Create(string name = "Standard") => ServiceConfig.Create(Guid.NewGuid(), name, null, Now).ShouldSucceed();

    [Fact]
    public void Create_PaddedName_IsTrimmedAndOfferedToAll()
    {
        var config = ServiceConfig.Create(Guid.NewGuid(), "  Standard ", " General ", Now).ShouldSucceed();

        Assert.Equal("Standard", config.Name);
        Assert.Equal("General", config.Description);
        Assert.True(config.OfferedToAllTenants);
        Assert.Empty(config.Offers);
        Assert.NotEqual(Guid.Empty, config.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a\tb")]
    public void Create_InvalidName_IsInvalidOnName(string? name)
    {
        ServiceConfig.Create(Guid.NewGuid(), name, null, Now).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
    }

    [Fact]
    public void Rename_EmptyName_IsInvalidAndKeepsName()
    {
        var config = Create();

        config.Rename(" ", "x").ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal("Standard", config.Name);
    }

    [Fact]
    public void OfferTo_SelectedWithoutTenants_IsInvalidOnTenantsAndKeepsOffer()
    {
        var config = Create();

        config.OfferTo(false, []).ShouldBeRefused(RefusalKind.Invalid, Fields.Tenants);

        Assert.True(config.OfferedToAllTenants);
    }

    [Fact]
    public void OfferTo_SelectedWithDuplicates_OffersEachTenantOnce()
    {
        var config = Create();
        var tenant = Guid.NewGuid();

        config.OfferTo(false, [tenant, tenant]).ShouldSucceed();

        Assert.False(config.OfferedToAllTenants);
        Assert.Equal([tenant], config.Offers.Select(o => o.TenantId));
        Assert.All(config.Offers, o => Assert.Equal(config.Id, o.ServiceConfigId));
    }

    [Fact]
    public void OfferTo_AllAfterSelected_DropsTheOffers()
    {
        var config = Create();
        config.OfferTo(false, [Guid.NewGuid()]).ShouldSucceed();

        config.OfferTo(true, [Guid.NewGuid()]).ShouldSucceed();

        Assert.True(config.OfferedToAllTenants);
        Assert.Empty(config.Offers);
    }

    [Fact]
    public void OfferTo_ChangedSelection_KeepsCommonTenantsAndReplacesOthers()
    {
        var config = Create();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        config.OfferTo(false, [a, b]).ShouldSucceed();
        var kept = config.Offers.Single(o => o.TenantId == a);

        config.OfferTo(false, [a, c]).ShouldSucceed();

        Assert.Equal(new[] { a, c }.Order(), config.Offers.Select(o => o.TenantId).Order());
        Assert.Same(kept, config.Offers.Single(o => o.TenantId == a));
    }
}
