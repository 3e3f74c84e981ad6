namespace Portal.Components.Shared;

/// <summary>
/// Reads ids from a page's query string. Pages take them as text: a malformed value (a hand-edited or cut link) would
/// otherwise fail the whole request before the page runs. It is ignored, the page opens as without it, and one line
/// is logged.
/// </summary>
public static class QueryValues
{
    public static Guid? Id(string? raw, string name, ILogger logger)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (Guid.TryParse(raw, out var id))
            return id;
        logger.LogInformation("Ignored the query parameter {Name}: {Value} is not an id", name, raw.Length > 64 ? raw[..64] + "…" : raw);
        return null;
    }
}
