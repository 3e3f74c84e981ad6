using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Domain.Identity;

namespace Portal.Identity;

/// <summary>
/// Re-checks a live circuit's user every <see cref="SignInThrottleOptions.SessionRevalidationInterval"/>: a deleted account, a
/// sign-out elsewhere, a changed password or role, or a lock (each a new security stamp) ends the circuit's
/// authenticated state; the page then sends the browser to sign in, which closes the circuit (SessionEndedRedirect).
/// </summary>
public sealed class RevalidatingIdentityStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> options,
    SignInThrottleOptions signIn)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => signIn.SessionRevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        var claimed = state.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return claimed == await users.GetSecurityStampAsync(user);
    }
}
