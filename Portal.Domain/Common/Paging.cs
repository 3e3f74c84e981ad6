namespace Portal.Domain.Common;

/// <summary>A window of a list, as a grid asks for it. Out-of-range values are clamped, never trusted.</summary>
public sealed record PageRequest(int Skip = 0, int Take = Limits.DefaultPageSize, string? Search = null)
{
    public int SafeSkip => Math.Max(0, Skip);
    public int SafeTake => Math.Clamp(Take, 1, Limits.MaxPageSize);
    public string? SafeSearch => string.IsNullOrWhiteSpace(Search) ? null : Search.Trim();

    /// <summary>The search as a LIKE pattern for upper-cased columns (see <see cref="TextSearch"/>), or null.</summary>
    public string? SearchPattern => SafeSearch is { } search ? TextSearch.ContainsPattern(search) : null;
}

/// <summary>One page of rows plus the total the grid needs for its pager.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total)
{
    public static Page<T> Empty { get; } = new([], 0);
}
