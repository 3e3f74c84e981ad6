namespace Portal.Domain.Tenancy;

/// <summary>A user's organization-wide role. Most users have none and act only inside their tenants.</summary>
public enum PlatformRole
{
    None = 0,
    /// <summary>Read-only view of everything platform-wide.</summary>
    Viewer = 1,
    /// <summary>Manages regions, zones, infrastructures, catalogs, service configs, platforms and tenants.</summary>
    Admin = 2,
}

/// <summary>A user's role inside one tenant.</summary>
public enum TenantRole
{
    /// <summary>Read-only.</summary>
    Viewer = 0,
    /// <summary>Deploys and operates resources in the tenant's projects.</summary>
    Member = 1,
    /// <summary>Manages the tenant's projects and members.</summary>
    Admin = 2,
}

public static class RoleNames
{
    public static string Describe(this PlatformRole role) => role switch
    {
        PlatformRole.None => "No platform role",
        PlatformRole.Viewer => "Platform viewer",
        PlatformRole.Admin => "Platform admin",
    };

    public static string Describe(this TenantRole role) => role switch
    {
        TenantRole.Viewer => "Viewer",
        TenantRole.Member => "Member",
        TenantRole.Admin => "Tenant admin",
    };

    /// <summary>What a tenant role may do, in a sentence (shown beside role choices).</summary>
    public static string Explain(this TenantRole role) => role switch
    {
        TenantRole.Viewer => "Sees the tenant's projects and resources; changes nothing.",
        TenantRole.Member => "Deploys and operates resources in the tenant's projects.",
        TenantRole.Admin => "Manages the tenant's projects and members, and does everything a member does.",
    };
}
