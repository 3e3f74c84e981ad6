using Portal.Domain.Tenancy;

namespace Portal.Tests.Unit.Domain;

public sealed class TenantAccessTests
{
    [Theory]
    // role in the tenant, platform admin, platform reader => can read, can manage
    [InlineData(null, false, false, false, false)]
    [InlineData(TenantRole.Viewer, false, false, true, false)]
    [InlineData(TenantRole.Member, false, false, true, false)]
    [InlineData(TenantRole.Admin, false, false, true, true)]
    [InlineData(null, false, true, true, false)]
    [InlineData(null, true, true, true, true)]
    [InlineData(TenantRole.Viewer, false, true, true, false)]
    public void Access_RoleAndPlatformRole_DecideReadAndManage(TenantRole? role, bool platformAdmin, bool platformReader,
        bool canRead, bool canManage)
    {
        var access = new TenantAccess(role, platformAdmin, platformReader);

        Assert.Equal(canRead, access.CanRead);
        Assert.Equal(canManage, access.CanManage);
    }
}
