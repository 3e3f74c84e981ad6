using Portal.Domain.Api;
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

    /// <summary>
    /// The API token this request came with (null for a person at a page). Its scope and tenant limit are applied where
    /// every service already passes: <see cref="CommandRunner"/> refuses commands of a read-only token and
    /// <see cref="TenantAccess"/> grants nothing outside the token's tenants, so no service checks tokens itself.
    /// </summary>
    public ApiCredential? Credential { get; init; }

    /// <summary>A read-only token: every command is refused.</summary>
    public bool IsReadOnly => Credential?.Scope == ApiScope.ReadOnly;

    /// <summary>Whether the actor's credential reaches this tenant at all (a person at a page: always).</summary>
    public bool MayReachTenant(Guid tenantId) => Credential?.TenantLimit is not { } limit || limit.Contains(tenantId);

    /// <summary>The refusal every command of a read-only token gets, worded once.</summary>
    public Refusal? WhyNotWrite() => IsReadOnly
        ? Refusal.Forbidden($"The API token '{Credential!.TokenName}' is read-only: it cannot change anything.")
        : null;
}
