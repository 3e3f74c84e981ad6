using System.Globalization;
using System.Text;

namespace Portal.Domain.Common;

/// <summary>
/// Characters a name must not hide: control characters, the bidirectional controls that reorder what follows them
/// ("abc\u202Efdp.exe" reads as "abcexe.pdf"), and characters that show nothing at all (zero-width spaces and joiners,
/// soft hyphens, variation selectors, fillers), with which two names that look the same can both exist. Every name rule
/// (<see cref="NameRules.Name(string?, FieldKey, string, int)"/>, DNS-label names) asks here first, so a refusal names
/// the character a person cannot see.
/// </summary>
public static class HiddenCharacters
{
    /// <summary>What kind of hidden character <paramref name="rune"/> is (for a message), or null when it shows as itself.</summary>
    public static HiddenKind? KindOf(Rune rune)
    {
        var value = rune.Value;
        if (Rune.IsControl(rune)) return HiddenKind.Control;
        if (value is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069)) return HiddenKind.Bidirectional;
        if (value is 0x2028 or 0x2029) return HiddenKind.Control;
        // Format characters (zero-width space and joiners, word joiner, invisible operators, byte order mark, soft hyphen,
        // Mongolian vowel separator, tags) and characters that are drawn as nothing: the combining grapheme joiner,
        // variation selectors, Hangul fillers, the blank Braille pattern.
        if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format) return HiddenKind.Invisible;
        if (value is 0x034F or 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800 or (>= 0x180B and <= 0x180F)
            or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF))
            return HiddenKind.Invisible;
        return null;
    }

    /// <summary>The first hidden character of <paramref name="text"/> with its kind, or null when there is none.</summary>
    public static (Rune Character, HiddenKind Kind)? FirstIn(string text)
    {
        foreach (var rune in text.EnumerateRunes())
            if (KindOf(rune) is { } kind) return (rune, kind);
        return null;
    }

    /// <summary>
    /// Why <paramref name="text"/> cannot be a name, naming the first hidden character ("Name contains an invisible
    /// character (U+200B ZERO WIDTH SPACE); remove it."), or null when it has none.
    /// </summary>
    public static string? WhyNot(string text, string label) => FirstIn(text) switch
    {
        null => null,
        ({ } rune, HiddenKind.Control) => $"{label} must not contain control characters such as tabs or line breaks (it has {Describe(rune)}); remove it.",
        ({ } rune, HiddenKind.Bidirectional) => $"{label} contains a bidirectional control character ({Describe(rune)}), which changes the order in which the text is shown; remove it.",
        ({ } rune, _) => $"{label} contains an invisible character ({Describe(rune)}); remove it.",
    };

    /// <summary>"U+200B ZERO WIDTH SPACE", or just the code point when the portal does not know its name.</summary>
    public static string Describe(Rune rune) =>
        Names.TryGetValue(rune.Value, out var name) ? $"U+{rune.Value:X4} {name}" : $"U+{rune.Value:X4}";

    private static readonly Dictionary<int, string> Names = new()
    {
        [0x0000] = "NULL", [0x0009] = "CHARACTER TABULATION", [0x000A] = "LINE FEED", [0x000D] = "CARRIAGE RETURN",
        [0x001B] = "ESCAPE", [0x007F] = "DELETE", [0x0085] = "NEXT LINE",
        [0x00AD] = "SOFT HYPHEN", [0x034F] = "COMBINING GRAPHEME JOINER", [0x061C] = "ARABIC LETTER MARK",
        [0x115F] = "HANGUL CHOSEONG FILLER", [0x1160] = "HANGUL JUNGSEONG FILLER", [0x180E] = "MONGOLIAN VOWEL SEPARATOR",
        [0x200B] = "ZERO WIDTH SPACE", [0x200C] = "ZERO WIDTH NON-JOINER", [0x200D] = "ZERO WIDTH JOINER",
        [0x200E] = "LEFT-TO-RIGHT MARK", [0x200F] = "RIGHT-TO-LEFT MARK",
        [0x2028] = "LINE SEPARATOR", [0x2029] = "PARAGRAPH SEPARATOR",
        [0x202A] = "LEFT-TO-RIGHT EMBEDDING", [0x202B] = "RIGHT-TO-LEFT EMBEDDING", [0x202C] = "POP DIRECTIONAL FORMATTING",
        [0x202D] = "LEFT-TO-RIGHT OVERRIDE", [0x202E] = "RIGHT-TO-LEFT OVERRIDE",
        [0x2060] = "WORD JOINER", [0x2061] = "FUNCTION APPLICATION", [0x2062] = "INVISIBLE TIMES", [0x2063] = "INVISIBLE SEPARATOR",
        [0x2064] = "INVISIBLE PLUS",
        [0x2066] = "LEFT-TO-RIGHT ISOLATE", [0x2067] = "RIGHT-TO-LEFT ISOLATE", [0x2068] = "FIRST STRONG ISOLATE",
        [0x2069] = "POP DIRECTIONAL ISOLATE",
        [0x2800] = "BRAILLE PATTERN BLANK", [0x3164] = "HANGUL FILLER", [0xFE0F] = "VARIATION SELECTOR-16",
        [0xFEFF] = "ZERO WIDTH NO-BREAK SPACE", [0xFFA0] = "HALFWIDTH HANGUL FILLER",
    };
}

/// <summary>Why a character is hidden, for the message that refuses it.</summary>
public enum HiddenKind
{
    /// <summary>A control character (tab, line break, escape, ...).</summary>
    Control,
    /// <summary>A bidirectional control: it reorders the text around it.</summary>
    Bidirectional,
    /// <summary>Drawn as nothing: two names with and without it look the same.</summary>
    Invisible,
}
