using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Portal.Domain.Common;

/// <summary>
/// A kind of text people paste or upload: what to call it in a message, the field a refusal names, and its size limit.
/// </summary>
public sealed record UserTextKind(string Noun, FieldKey Field, int MaxBytes)
{
    /// <summary>A paste that may be either a clouds.yaml entry or an openrc file (before the format is known).</summary>
    public static readonly UserTextKind CloudConfig = new("clouds.yaml or openrc file", Fields.Paste, Limits.CloudConfigMaxBytes);
    public static readonly UserTextKind CloudsYaml = new("clouds.yaml", Fields.Paste, Limits.CloudConfigMaxBytes);
    public static readonly UserTextKind Kubeconfig = new("kubeconfig", Fields.Kubeconfig, Limits.KubeconfigMaxBytes);
    public static readonly UserTextKind CaBundle = new("CA bundle", Fields.CaBundle, Limits.CaBundleMaxBytes);
}

/// <summary>
/// The one gate every parser of pasted or uploaded text goes through before it parses: a size limit, UTF-8 text only
/// (no NUL or other binary control characters), and for YAML no anchors or aliases, no mapping keys that are themselves
/// mappings or lists, no repeated keys, bounded nesting and a bounded number of nodes. The YAML checks read the parser's
/// event stream (which keeps no recursion and builds no tree), so a document built to exhaust memory or the stack is
/// refused before anything is built from it. Every problem is a typed refusal; nothing here throws for bad input.
/// </summary>
public static partial class UserText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes an uploaded file: its size, then strict UTF-8 (a byte-order mark is dropped), then <see cref="Check"/>.</summary>
    public static Result<string> Decode(ReadOnlySpan<byte> bytes, UserTextKind kind)
    {
        if (bytes.Length > kind.MaxBytes)
            return TooLarge(kind, bytes.Length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            bytes = bytes[3..];
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return Refusal.Invalid(kind.Field, $"The {kind.Noun} file is saved as UTF-16; Portal reads UTF-8 text. Save it as UTF-8 and upload it again.");
        if (!Utf8.IsValid(bytes))
        {
            return Refusal.Invalid(kind.Field,
                $"The {kind.Noun} file is not UTF-8 text (the byte at offset {FirstInvalidUtf8(bytes)} is not valid UTF-8); it may be a binary file. Upload the text file itself.");
        }
        var text = StrictUtf8.GetString(bytes);
        var checkedText = Check(text, kind);
        return checkedText.Succeeded ? text : Result<string>.Refused(checkedText.Refusal!);
    }

    /// <summary>
    /// Checks text already decoded (a paste): its UTF-8 size, that it is well-formed, and that it holds no control
    /// characters other than tab, line feed and carriage return. Empty text passes: each parser says what it expected.
    /// </summary>
    public static Result Check(string? text, UserTextKind kind)
    {
        if (string.IsNullOrEmpty(text))
            return Result.Ok();
        // Every character is at least one byte, so a text longer in characters than the limit is over it in bytes.
        if (text.Length > kind.MaxBytes)
            return TooLarge(kind, Encoding.UTF8.GetByteCount(text));
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                continue;
            }
            if (c is '\t' or '\r')
                continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                return Refusal.Invalid(kind.Field, $"The {kind.Noun} is not valid text (a broken character on line {line}). Paste or upload the text file itself.");
            if (c == '\0')
                return Refusal.Invalid(kind.Field, $"The {kind.Noun} contains NUL characters (line {line}), so it is binary data, not text. Paste or upload the text file itself.");
            if (char.IsControl(c) || c == '\uFFFD')
            {
                return Refusal.Invalid(kind.Field,
                    $"The {kind.Noun} contains a character that does not belong in a text file (U+{(int)c:X4} on line {line}); it may be binary data. Paste or upload the text file itself.");
            }
        }
        var bytes = Encoding.UTF8.GetByteCount(text);
        return bytes > kind.MaxBytes ? TooLarge(kind, bytes) : Result.Ok();
    }

    /// <summary>
    /// Checks text with <see cref="Check"/> and its YAML structure, then loads it. A syntax error is a refusal with the
    /// line; so are anchors and aliases, complex keys, repeated keys, deep nesting and too many nodes.
    /// </summary>
    public static Result<YamlStream> ReadYaml(string? text, UserTextKind kind)
    {
        var checkedText = Check(text, kind);
        if (!checkedText.Succeeded)
            return Result<YamlStream>.Refused(checkedText.Refusal!);
        var structure = CheckYamlStructure(text ?? string.Empty, kind);
        if (!structure.Succeeded)
            return Result<YamlStream>.Refused(structure.Refusal!);
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text ?? string.Empty);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            // The structure walk read the same events, so this is only reached by a rule of the tree builder itself.
            return Refusal.Invalid(kind.Field, SyntaxMessage(kind, ex));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return Refusal.Invalid(kind.Field, $"The {kind.Noun} is not valid YAML. Paste the file exactly as it was written; check the indentation, brackets and quotes.");
        }
        return stream;
    }

    private static Result CheckYamlStructure(string text, UserTextKind kind)
    {
        // One frame per open mapping or list: its keys so far (mappings only) and whether the next node is a key.
        var frames = new Stack<(HashSet<string>? Keys, bool ExpectKey)>();
        var nodes = 0;
        var line = 1L;
        try
        {
            using var reader = new StringReader(text);
            var parser = new Parser(reader);
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                line = current.Start.Line;
                if (current is AnchorAlias alias)
                    return Refusal.Invalid(kind.Field, $"The {kind.Noun} uses YAML aliases (*{Shorten(alias.Value.Value)} on line {alias.Start.Line}), which Portal does not accept. Write the values out in full.");
                if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
                    return Refusal.Invalid(kind.Field, $"The {kind.Noun} uses YAML anchors (&{Shorten(anchored.Anchor.Value)} on line {anchored.Start.Line}), which Portal does not accept. Write the values out in full.");

                if (current is MappingEnd or SequenceEnd)
                {
                    frames.Pop();
                    continue;
                }
                if (current is not NodeEvent node)
                    continue;

                if (++nodes > Limits.YamlMaxNodes)
                    return Refusal.Invalid(kind.Field, $"The {kind.Noun} holds more than {Limits.YamlMaxNodes:N0} YAML values, far more than a real one. Paste only the {kind.Noun}.");

                // Is this node a mapping key? Then it must be a plain value, and new in its mapping.
                if (frames.Count > 0 && frames.Peek().Keys is { } keys)
                {
                    var (_, expectKey) = frames.Pop();
                    frames.Push((keys, !expectKey));
                    if (expectKey)
                    {
                        if (node is not Scalar key)
                            return Refusal.Invalid(kind.Field, $"The {kind.Noun} uses a mapping or list as a key (line {node.Start.Line}), which Portal does not accept. Keys must be plain names.");
                        if (!keys.Add(key.Value))
                            return Refusal.Invalid(kind.Field, $"The {kind.Noun} repeats the key \"{Shorten(key.Value)}\" (line {key.Start.Line}) in the same section; each key may appear once.");
                    }
                }

                if (node is MappingStart or SequenceStart)
                {
                    if (frames.Count >= Limits.YamlMaxDepth)
                        return Refusal.Invalid(kind.Field, $"The {kind.Noun} nests deeper than {Limits.YamlMaxDepth} levels (line {node.Start.Line}), far deeper than a real one.");
                    frames.Push((node is MappingStart ? new HashSet<string>(StringComparer.Ordinal) : null, true));
                }
            }
        }
        catch (YamlException ex)
        {
            return Refusal.Invalid(kind.Field, SyntaxMessage(kind, ex));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner throws these instead of a YamlException for some broken input (a plain value continued
            // across lines inside an unclosed brace, an empty tag), so they are the same refusal.
            return Refusal.Invalid(kind.Field, $"The {kind.Noun} is not valid YAML (after line {line}). " +
                                               "Paste the file exactly as it was written; check the indentation, brackets and quotes.");
        }
        return Result.Ok();
    }

    private static Refusal TooLarge(UserTextKind kind, long bytes) =>
        Refusal.Invalid(kind.Field, Size(bytes) == Size(kind.MaxBytes)
            ? $"The {kind.Noun} is too large: just over the limit of {Size(kind.MaxBytes)}."
            : $"The {kind.Noun} is too large: {Size(bytes)}; the limit is {Size(kind.MaxBytes)}.");

    /// <summary>A size for people: "300 bytes", "12.5 KB", "2.1 MB".</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };

    private static string SyntaxMessage(UserTextKind kind, YamlException ex)
    {
        var message = ex.Message;
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 40) - (Line: 3, Col: 9, Idx: 44): "; the position is given separately.
        var colon = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && colon >= 0)
            message = message[(colon + 3)..];
        message = Shorten(message.Split('\n')[0].Trim().TrimEnd('.'));
        return $"The {kind.Noun} is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}: {message}). " +
               "Paste the file exactly as it was written; check the indentation and that no line was cut.";
    }

    /// <summary>Text from the document, for a message: shortened, with anything token-shaped masked (the text may hold secrets).</summary>
    private static string Shorten(string value)
    {
        var text = TokenLike().Replace(value, "***");
        return text.Length > 80 ? text[..80] + "…" : text;
    }

    [GeneratedRegex("[A-Za-z0-9+_=-]{32,}")]
    private static partial Regex TokenLike();

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
                return offset;
            offset += consumed;
        }
        return offset;
    }
}
