namespace Portal.Domain.Identity;

/// <summary>
/// A directory (Keycloak) group that looks like a tenant group but names no existing tenant. Such a group grants
/// nothing; it is recorded here so platform admins can see it and create the tenant or fix the group.
/// </summary>
public sealed class UnmatchedDirectoryGroup
{
    private UnmatchedDirectoryGroup() { }

    public UnmatchedDirectoryGroup(string group, string tenantSlug, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        Group = group;
        TenantSlug = tenantSlug;
        FirstSeenAt = now;
        LastSeenAt = now;
    }

    public Guid Id { get; private set; }
    /// <summary>The full group path as the directory sent it, e.g. <c>/tenants/initech</c>.</summary>
    public string Group { get; private set; } = "";
    public string TenantSlug { get; private set; } = "";
    public DateTimeOffset FirstSeenAt { get; private set; }
    public DateTimeOffset LastSeenAt { get; private set; }
    /// <summary>Email or user name of the last person who signed in with this group.</summary>
    public string LastSeenBy { get; private set; } = "";
    public int TimesSeen { get; private set; }

    public void Seen(string by, DateTimeOffset now)
    {
        LastSeenAt = now;
        LastSeenBy = by;
        TimesSeen++;
    }
}
