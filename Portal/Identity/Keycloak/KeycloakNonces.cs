using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Identity.Keycloak;

/// <summary>
/// Nonces: one fresh per sign-in (carried in the protected state), and a memory of those already redeemed, so an
/// id_token can never be used twice even if its state and correlation cookie were captured. In memory: Portal runs as
/// one process (SQLite); a multi-instance deployment would need a shared store.
/// </summary>
public sealed class KeycloakNonces(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public static string Create() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Marks the nonce used until <paramref name="keepUntil"/>; false when it was used before.</summary>
    public bool TryRedeem(string nonce, DateTimeOffset keepUntil)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, until) in _used)
        {
            if (until < now) _used.TryRemove(key, out _);
        }
        return _used.TryAdd(nonce, keepUntil);
    }
}
