namespace Portal.Domain.Common;

/// <summary>
/// How every search box filters: a value matches when it contains the typed text, ignoring case, on both databases.
/// A query compares the column folded with <c>ToUpper()</c> against <see cref="ContainsPattern"/> with
/// <c>EF.Functions.Like(column.ToUpper(), pattern, TextSearch.Escape)</c>: LIKE alone ignores case on SQLite (ASCII
/// letters only) but not on PostgreSQL, while upper-case on both sides means the same everywhere. SQLite's own
/// <c>upper()</c> folds ASCII only, so the portal replaces it with a Unicode one on every connection (SqlitePragmas).
/// </summary>
public static class TextSearch
{
    /// <summary>The LIKE escape character <see cref="ContainsPattern"/> uses.</summary>
    public const string Escape = "\\";

    /// <summary>The pattern for values containing <paramref name="text"/>: upper-cased, with LIKE's wildcards taken literally.</summary>
    public static string ContainsPattern(string text) =>
        "%" + text.Trim().ToUpperInvariant().Replace(Escape, Escape + Escape, StringComparison.Ordinal)
            .Replace("%", Escape + "%", StringComparison.Ordinal).Replace("_", Escape + "_", StringComparison.Ordinal) + "%";
}
