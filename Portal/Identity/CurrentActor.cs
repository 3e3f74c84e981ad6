using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Identity;

/// <summary>
/// The signed-in user as an <see cref="Actor"/>, with the platform role read from the database
/// (not from the cookie), so a demoted admin loses power on their very next action.
/// </summary>
public sealed class CurrentActor(AuthenticationStateProvider authentication, IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<Actor> GetAsync(CancellationToken ct = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        // An API request: the actor its token authenticated as, built from the database moments ago with the token's scope
        // and tenant limit (rebuilding it from the user id alone would drop them).
        if (ApiTokenIdentity.ActorOf(state.User) is { } tokenActor) return tokenActor;
        var userId = state.User.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new UnauthorizedAccessException("Sign in to continue.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.PlatformRole })
            .SingleOrDefaultAsync(ct)
            ?? throw new UnauthorizedAccessException("Your account no longer exists.");
        return new Actor(user.Id, string.IsNullOrEmpty(user.DisplayName) ? user.Email ?? user.Id : user.DisplayName, user.PlatformRole);
    }
}
