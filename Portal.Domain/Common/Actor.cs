using Portal.Domain.Tenancy;

namespace Portal.Domain.Common;

/// <summary>
/// Who is asking, as the server knows it (read from the database, not from what the browser holds).
/// Every domain service takes one and authorizes against it.
/// </summary>
public sealed record Actor(string UserId, string DisplayName, PlatformRole PlatformRole)
{
    public bool IsPlatformAdmin => PlatformRole == PlatformRole.Admin;
    public bool CanReadPlatform => PlatformRole is PlatformRole.Admin or PlatformRole.Viewer;
}
