using System.Text;
using Portal.Domain.Common;

namespace Portal.Tests.Support;

/// <summary>
/// Texts built to hurt a parser of pasted text (too large, alias bombs, deep nesting, complex keys, binary data) and
/// files that are not UTF-8, each with a fragment the refusal must contain. Shared by the parser fuzz tests and the
/// tests that such input saves nothing.
/// </summary>
public static class HostileText
{
    /// <summary>A text case: its name, the text, the fragment its refusal says, and whether the fragment is about YAML.</summary>
    public sealed record Case(string Name, string Text, string Expected, bool Yaml)
    {
        public override string ToString() => Name;
    }

    /// <summary>An uploaded file case: its name, the bytes, and the fragment its refusal says.</summary>
    public sealed record FileCase(string Name, byte[] Bytes, string Expected)
    {
        public override string ToString() => Name;
    }

    /// <summary>The billion-laughs document: nine levels of ten aliases each, a billion strings once expanded.</summary>
    public static string AliasBomb()
    {
        var text = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            text.Append($"{level}: &{level} [{string.Join(',', Enumerable.Repeat($"*{previous}", 10))}]\n");
        }
        return text.ToString();
    }

    public static readonly IReadOnlyList<Case> Texts =
    [
        new("oversize", string.Concat(Enumerable.Repeat("# a comment line that makes the text far too large to be real\n", 6000)), "too large", false),
        new("alias bomb", AliasBomb(), "anchors", true),
        new("alias alone", "clouds: *elsewhere\nauth: *elsewhere\n", "aliases", true),
        new("deep flow nesting", new string('[', 10_000), "nests deeper", true),
        new("deep block nesting", string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i * 2) + "k:\n")), "nests deeper", true),
        new("complex key (list)", "clouds:\n  ? [a, b]\n  : {auth: {auth_url: https://k/v3}}\n? [a, b]\n: x\n", "as a key", true),
        new("complex key (mapping)", "? {apiVersion: v1}\n: x\nclouds: {}\n", "as a key", true),
        new("repeated key", "clouds:\n  a: {}\n  a: {}\nclusters: []\nclusters: []\n", "repeats the key", true),
        new("too many nodes", "[" + string.Join(',', Enumerable.Repeat("1", Limits.YamlMaxNodes + 10)) + "]", "more than", true),
        new("NUL bytes", "clouds:\n  demo:\0\0\0\n    auth: {}\n", "NUL", false),
        new("bell and escape", "clouds:\n  demo\u0007\u001b[31m: {}\n", "does not belong", false),
        new("broken character", "clouds:\n  demo\uD800: {}\n", "broken character", false),
    ];

    public static readonly IReadOnlyList<FileCase> Files =
    [
        new("invalid UTF-8", [.. "clouds:\n  demo: "u8, 0xC3, 0x28, 0xFF, 0xFE, .. "\n"u8], "not UTF-8"),
        new("UTF-16 file", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("clouds:\n  demo: {}\n")], "UTF-16"),
        new("oversize file", Encoding.UTF8.GetBytes(Texts[0].Text), "too large"),
        new("NUL bytes file", [.. "apiVersion: v1\n"u8, 0, 0, 0, .. "kind: Config\n"u8], "NUL"),
        new("a zip archive", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xB7, 0x4C, 0x86, 0x57], "not UTF-8"),
    ];

    /// <summary>Seeded random byte strings of up to 4 KB.</summary>
    public static IEnumerable<byte[]> RandomBytes(int seed, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            yield return bytes;
        }
    }

    /// <summary>Seeded random texts over YAML's own punctuation, to reach the parser past the text checks.</summary>
    public static IEnumerable<string> RandomYamlish(int seed, int count)
    {
        const string alphabet = "{}[]:,-?&*!|>'\"#%@`~ \n\n\n\t abcxyz019_./=\\";
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var chars = new char[random.Next(1, 600)];
            for (var c = 0; c < chars.Length; c++)
                chars[c] = alphabet[random.Next(alphabet.Length)];
            yield return new string(chars);
        }
    }

    /// <summary>Seeded random edits (insert, delete, replace) of a valid document, each a few characters of YAML punctuation.</summary>
    public static IEnumerable<string> Mutations(string valid, int seed, int count)
    {
        const string inserts = "{}[]:,-?&*!|>'\"# \n\t\0";
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder(valid);
            for (var edit = random.Next(1, 5); edit > 0 && text.Length > 0; edit--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Insert(at, inserts[random.Next(inserts.Length)]); break;
                    case 1: text.Remove(at, 1); break;
                    default: text[at] = inserts[random.Next(inserts.Length)]; break;
                }
            }
            yield return text.ToString();
        }
    }
}
