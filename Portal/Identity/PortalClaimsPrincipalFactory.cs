using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Domain.Identity;

namespace Portal.Identity;

/// <summary>Adds the display name and platform role to the sign-in so pages can shape navigation.</summary>
public sealed class PortalClaimsPrincipalFactory(UserManager<PortalUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(Policies.PlatformRoleClaim, user.PlatformRole.ToString()));
        identity.AddClaim(new Claim("portal:display_name", user.DisplayName));
        return identity;
    }
}
