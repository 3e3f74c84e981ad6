using System.Text.RegularExpressions;

namespace Portal.Jobs.Http;

/// <summary>
/// Wording shared by the remote clients' error messages: durations, attempt counts, and the clean-up of what a server
/// said (markup and runs of whitespace removed, anything shaped like a token masked) before a person reads it.
/// </summary>
internal static partial class RemoteText
{
    /// <summary>"1.5 s" or "150 ms".</summary>
    public static string Seconds(TimeSpan span) =>
        span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMilliseconds:0} ms";

    /// <summary>" (3 attempts)" after a retried call; nothing after a single attempt.</summary>
    public static string Tries(int attempts) => attempts > 1 ? $" ({attempts} attempts)" : string.Empty;

    /// <summary>A long unbroken base64url run: a token, a key or a secret, whatever a server echoes back.</summary>
    [GeneratedRegex("[A-Za-z0-9_=-]{40,}")]
    public static partial Regex TokenLike();

    [GeneratedRegex("<[^>]+>")]
    public static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    public static partial Regex WhitespaceRun();
}
