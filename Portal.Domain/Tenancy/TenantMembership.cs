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
