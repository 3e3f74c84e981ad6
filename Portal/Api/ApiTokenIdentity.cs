using System.Security.Claims;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Identity;

namespace Portal.Api;

/// <summary>
/// The identity of a request authenticated with an API token. It carries the <see cref="Actor"/> authentication built
/// from the database (scope, tenant limit and service account included), so whatever asks for the current actor gets
/// exactly that and never re-derives it from claims. The claims are for the framework: the user id for request logs, the
/// platform role for the portal's policies.
/// </summary>
public sealed class ApiTokenIdentity : ClaimsIdentity
{
    /// <summary>The token's id, for anything that needs to tell which token made a request.</summary>
    public const string TokenIdClaim = "portal:api_token";

    public ApiTokenIdentity(Actor actor) : base(ClaimsOf(actor), ApiTokenAuthenticationHandler.SchemeName, ClaimTypes.Name, ClaimTypes.Role) =>
        PortalActor = actor;

    private ApiTokenIdentity(ApiTokenIdentity other) : base(other) => PortalActor = other.PortalActor;

    /// <summary>Named apart from <see cref="ClaimsIdentity.Actor"/> (delegation), which this is not.</summary>
    public Actor PortalActor { get; }

    /// <summary>Keeps the actor when the framework copies the identity.</summary>
    public override ClaimsIdentity Clone() => new ApiTokenIdentity(this);

    /// <summary>The actor of a principal an API token authenticated; null for any other principal.</summary>
    public static Actor? ActorOf(ClaimsPrincipal principal) =>
        principal.Identities.OfType<ApiTokenIdentity>().FirstOrDefault()?.PortalActor;

    private static IEnumerable<Claim> ClaimsOf(Actor actor)
    {
        yield return new Claim(ClaimTypes.NameIdentifier, actor.UserId);
        yield return new Claim(ClaimTypes.Name, actor.DisplayName);
        if (actor.PlatformRole != PlatformRole.None)
            yield return new Claim(Policies.PlatformRoleClaim, actor.PlatformRole.ToString());
        if (actor.Credential is { } credential)
            yield return new Claim(TokenIdClaim, credential.TokenId.ToString());
    }
}
