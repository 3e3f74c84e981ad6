using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Tests.Unit.Domain;

public sealed class ActorTests
{
    [Theory]
    [InlineData(PlatformRole.None, false, false)]
    [InlineData(PlatformRole.Viewer, false, true)]
    [InlineData(PlatformRole.Admin, true, true)]
    public void PlatformRole_DecidesPlatformAdminAndPlatformRead(PlatformRole role, bool isAdmin, bool canRead)
    {
        var actor = new Actor("user-1", "User One", role);

        Assert.Equal(isAdmin, actor.IsPlatformAdmin);
        Assert.Equal(canRead, actor.CanReadPlatform);
    }
}
