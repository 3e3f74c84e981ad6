using Portal.Domain.Common;
using Portal.Domain.Identity;

namespace Portal.Domain.Tenancy;

/// <summary>A user's role in one tenant. A user has at most one membership per tenant.</summary>
public sealed class TenantMembership : IVersioned
{
    private TenantMembership() { }

    public TenantMembership(Guid tenantId, string userId, TenantRole role, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        UserId = userId;
        Role = role;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Tenant? Tenant { get; private set; }
    public string UserId { get; private set; } = "";
    public PortalUser? User { get; private set; }
    public TenantRole Role { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public int Version { get; set; }

    public void ChangeRole(TenantRole role) => Role = role;
}
