using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Domain.Identity;

namespace Portal.Identity;

/// <summary>Adds the display name, platform role and sign-in source to the sign-in so pages can shape navigation.</summary>
public sealed class PortalClaimsPrincipalFactory(UserManager<PortalUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser>(users, options)
{
    /// <summary>Present (value "Keycloak") when the account signs in through the directory.</summary>
    public const string DirectoryUserClaim = "portal:directory";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(Policies.PlatformRoleClaim, user.PlatformRole.ToString()));
        identity.AddClaim(new Claim("portal:display_name", user.DisplayName));
        // Accounts linked to Keycloak have no local password; the header offers no password change for them.
        if ((await UserManager.GetLoginsAsync(user)).Any(l => l.LoginProvider == DirectorySignInService.LoginProvider))
            identity.AddClaim(new Claim(DirectoryUserClaim, DirectorySignInService.LoginProvider));
        return identity;
    }
}
