using System.Security.Cryptography;
using System.Text;

namespace Portal.Domain.Api;

/// <summary>
/// The shape of an API token and how it is kept: <c>ptl_</c> and 40 random base62 characters (about 238 bits), shown to
/// its owner once. The database keeps only its SHA-256, which is enough for a secret this random (no salt or slow hash
/// is needed: nobody can guess their way to a preimage), and the first characters after the marker to tell tokens apart.
/// </summary>
public static class ApiTokenSecret
{
    /// <summary>Marks a portal token, so secret scanners and people recognise one in a log or a repository.</summary>
    public const string Marker = "ptl_";
    public const int RandomLength = 40;
    public const int PrefixLength = 8;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A new token: <see cref="RandomNumberGenerator.GetString(ReadOnlySpan{char}, int)"/> picks each character without bias.</summary>
    public static string NewToken() => Marker + RandomNumberGenerator.GetString(Alphabet, RandomLength);

    /// <summary>The characters shown in lists: not secret, just enough to recognise a token.</summary>
    public static string PrefixOf(string token) => token.Substring(Marker.Length, PrefixLength);

    /// <summary>SHA-256 of the whole token, lower-case hex: what the database stores and looks tokens up by.</summary>
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether the text has a token's shape; anything else is refused before the database is asked.</summary>
    public static bool LooksLikeToken(string? presented) =>
        presented is { Length: var length } && length == Marker.Length + RandomLength
        && presented.StartsWith(Marker, StringComparison.Ordinal)
        && presented.AsSpan(Marker.Length).ContainsAnyExcept(Alphabet) == false;

    /// <summary>Compares two hashes in time that does not depend on where they differ.</summary>
    public static bool SameHash(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
