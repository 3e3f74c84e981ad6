using System.Globalization;
using Portal.Components.Shared;
using Portal.Domain.Api;

namespace Portal.Components.ApiTokens;

/// <summary>Whether a token still works, as its row reads.</summary>
public enum ApiTokenStatus
{
    Active,
    Expired,
    Revoked,
}

/// <summary>How the token pages word a token's scope, status and times.</summary>
public static class ApiTokenFormat
{
    /// <summary>Revoked wins over expired: a revoked token was ended by someone, which is the more telling fact.</summary>
    public static ApiTokenStatus Status(ApiTokenRow token, DateTimeOffset now) =>
        token.RevokedAt is not null ? ApiTokenStatus.Revoked
        : token.IsLive(now) ? ApiTokenStatus.Active
        : ApiTokenStatus.Expired;

    public static BadgeTone Tone(ApiTokenStatus status) => status switch
    {
        ApiTokenStatus.Active => BadgeTone.Success,
        ApiTokenStatus.Expired => BadgeTone.Muted,
        ApiTokenStatus.Revoked => BadgeTone.Error,
    };

    /// <summary>When the token ended, or until when it works: the status badge's hover text.</summary>
    public static string StatusTitle(ApiTokenRow token, ApiTokenStatus status) => status switch
    {
        ApiTokenStatus.Revoked => $"Revoked {When(token.RevokedAt!.Value)}",
        ApiTokenStatus.Expired => $"Expired {When(token.ExpiresAt)}",
        ApiTokenStatus.Active => $"Works until {When(token.ExpiresAt)}",
    };

    public static string Scope(ApiScope scope) => scope switch
    {
        ApiScope.ReadOnly => "Read-only",
        ApiScope.ReadWrite => "Read & write",
        _ => scope.ToString(),
    };

    public static string ScopeExplained(ApiScope scope) => scope switch
    {
        ApiScope.ReadOnly => "Reads only: every change is refused, whatever your roles.",
        ApiScope.ReadWrite => "Reads and changes, exactly as you could on the pages.",
        _ => "",
    };

    /// <summary>The prefix as lists show it: enough to tell tokens apart, never the secret part.</summary>
    public static string Prefix(string prefix) => $"{ApiTokenSecret.Marker}{prefix}…";

    /// <summary>"2026-12-06 10:50 UTC": the absolute time, shown on hover next to a relative one.</summary>
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"in 29 days", "3 hours ago", "just now".</summary>
    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var delta = at - now;
        var span = delta.Duration();
        if (span < TimeSpan.FromMinutes(1)) return "just now";
        // Days are rounded: a token created for 30 days reads "in 30 days" a minute later, not "in 29 days".
        var amount = span.TotalDays >= 1 ? Count((int)Math.Round(span.TotalDays, MidpointRounding.AwayFromZero), "day")
            : span.TotalHours >= 1 ? Count((int)span.TotalHours, "hour")
            : Count((int)span.TotalMinutes, "minute");
        return delta > TimeSpan.Zero ? $"in {amount}" : $"{amount} ago";
    }

    private static string Count(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
