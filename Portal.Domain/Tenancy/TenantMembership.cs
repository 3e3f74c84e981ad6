using Portal.Domain.Common;
using Portal.Domain.Identity;

namespace Portal.Domain.Tenancy;

/// <summary>Where a membership came from. Local grants and directory (Keycloak) grants are kept apart, so a
/// directory sync never removes what a tenant admin granted and the other way round.</summary>
public enum MembershipSource
{
    /// <summary>Granted in the portal by a tenant or platform admin.</summary>
    Local = 0,
    /// <summary>Derived from the user's Keycloak groups at sign-in; replaced at every sign-in.</summary>
    Directory = 1,
}

/// <summary>A user's role in one tenant, from one source. A user has at most one membership per tenant and source;
/// the effective role is the highest of them.</summary>
public sealed class TenantMembership : IVersioned
{
    private TenantMembership() { }

    public TenantMembership(Guid tenantId, string userId, TenantRole role, DateTimeOffset now, MembershipSource source = MembershipSource.Local)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        UserId = userId;
        Role = role;
        CreatedAt = now;
        Source = source;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Tenant? Tenant { get; private set; }
    public string UserId { get; private set; } = "";
    public PortalUser? User { get; private set; }
    public TenantRole Role { get; private set; }
    public MembershipSource Source { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    public void ChangeRole(TenantRole role) => Role = role;
}

/// <summary>
/// The rules on changing or removing a membership, in one place: the member commands refuse with these reasons and
/// the members list shows them on the disabled controls.
/// </summary>
public static class MembershipRules
{
    /// <summary>Keycloak grants are re-read at every sign-in, so they are changed in Keycloak, never here.</summary>
    public static string? WhyNotManageHere(MembershipSource source, string email, string tenantName) => source == MembershipSource.Local
        ? null
        : $"{email}'s membership in '{tenantName}' comes from their Keycloak groups. Change it in Keycloak; it is re-read at their next sign-in.";

    /// <summary>
    /// A tenant keeps at least one tenant admin: the last one can be neither demoted nor removed. Only local admins
    /// count (<paramref name="localAdmins"/>, this membership included): a directory grant lasts until the person's next
    /// sign-in and can vanish with a Keycloak group change, so it cannot be what keeps a tenant manageable.
    /// </summary>
    public static string? WhyNotStopBeingAdmin(TenantRole role, int localAdmins, string email, string tenantName) =>
        role == TenantRole.Admin && localAdmins <= 1
            ? $"{email} is the last tenant admin of '{tenantName}'. Make someone else a tenant admin first."
            : null;

    /// <summary>
    /// Why this membership's role cannot be changed, or the membership removed, now (null: it can). For the last admin
    /// every other role is a demotion, so the reason covers both.
    /// </summary>
    public static string? WhyNotChange(MembershipSource source, TenantRole role, int localAdmins, string email, string tenantName) =>
        WhyNotManageHere(source, email, tenantName)
        ?? (source == MembershipSource.Local ? WhyNotStopBeingAdmin(role, localAdmins, email, tenantName) : null);
}
