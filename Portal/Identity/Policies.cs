using Microsoft.AspNetCore.Authorization;
using Portal.Domain.Tenancy;

namespace Portal.Identity;

/// <summary>
/// Page-level policies, evaluated from the sign-in's claims. They decide what a page shows; every
/// action is authorized again by the domain services against the database.
/// </summary>
public static class Policies
{
    public const string PlatformReader = nameof(PlatformReader);
    public const string PlatformAdmin = nameof(PlatformAdmin);
    public const string PlatformRoleClaim = "portal:platform_role";

    public static void Configure(AuthorizationOptions options)
    {
        options.AddPolicy(PlatformReader, p => p.RequireAuthenticatedUser()
            .RequireClaim(PlatformRoleClaim, nameof(PlatformRole.Admin), nameof(PlatformRole.Viewer)));
        options.AddPolicy(PlatformAdmin, p => p.RequireAuthenticatedUser()
            .RequireClaim(PlatformRoleClaim, nameof(PlatformRole.Admin)));
    }
}
