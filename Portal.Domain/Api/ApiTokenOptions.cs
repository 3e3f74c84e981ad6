using Portal.Domain.Common;

namespace Portal.Domain.Api;

/// <summary>
/// Settings of API tokens (section <c>Api</c>). Only the platform-wide maximum lifetime for now; without a setting it is
/// <see cref="Limits.MaxApiTokenLifetime"/>.
/// </summary>
public sealed record ApiTokenOptions
{
    public const string Section = "Api";

    /// <summary><c>Api:MaxTokenLifetimeDays</c>; null or not positive: the built-in maximum.</summary>
    public int? MaxTokenLifetimeDays { get; init; }

    public TimeSpan MaxTokenLifetime => MaxTokenLifetimeDays is { } days && days > 0 ? TimeSpan.FromDays(days) : Limits.MaxApiTokenLifetime;
}
