using Portal.Domain.Tenancy;

namespace Portal.Tests.Unit.Domain;

public sealed class MembershipRulesTests
{
    [Fact]
    public void WhyNotChange_LastLocalTenantAdmin_SaysMakeSomeoneElseAdminFirst()
    {
        var why = MembershipRules.WhyNotChange(MembershipSource.Local, TenantRole.Admin, localAdmins: 1, "boss@acme.test", "Acme");

        Assert.Equal("boss@acme.test is the last tenant admin of 'Acme'. Make someone else a tenant admin first.", why);
    }

    [Fact]
    public void WhyNotChange_OneOfTwoLocalTenantAdmins_IsNull() =>
        Assert.Null(MembershipRules.WhyNotChange(MembershipSource.Local, TenantRole.Admin, localAdmins: 2, "boss@acme.test", "Acme"));

    [Theory]
    [InlineData(TenantRole.Member)]
    [InlineData(TenantRole.Viewer)]
    public void WhyNotChange_LocalNonAdminWhileOneAdminExists_IsNull(TenantRole role) =>
        Assert.Null(MembershipRules.WhyNotChange(MembershipSource.Local, role, localAdmins: 1, "dev@acme.test", "Acme"));

    [Theory]
    [InlineData(TenantRole.Admin)]
    [InlineData(TenantRole.Viewer)]
    public void WhyNotChange_FromKeycloak_SaysChangeItInKeycloak(TenantRole role)
    {
        var why = MembershipRules.WhyNotChange(MembershipSource.Directory, role, localAdmins: 3, "alice@acme.test", "Acme");

        Assert.NotNull(why);
        Assert.StartsWith("alice@acme.test's membership in 'Acme' comes from their Keycloak groups.", why);
    }

    [Fact]
    public void WhyNotChange_KeycloakAdminWhenNoLocalAdminExists_GivesTheKeycloakReasonOnly()
    {
        var why = MembershipRules.WhyNotChange(MembershipSource.Directory, TenantRole.Admin, localAdmins: 0, "alice@acme.test", "Acme");

        Assert.DoesNotContain("last tenant admin", why);
    }

    [Fact]
    public void WhyNotStopBeingAdmin_NoLocalAdminCounted_StillProtectsTheAdmin() =>
        Assert.NotNull(MembershipRules.WhyNotStopBeingAdmin(TenantRole.Admin, localAdmins: 0, "boss@acme.test", "Acme"));
}
