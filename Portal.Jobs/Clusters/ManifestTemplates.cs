using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portal.Jobs.Clusters;

/// <summary>
/// The Kubernetes manifests the portal ships as YAML files (<c>Clusters/Addons/*.yaml</c>, embedded in this assembly),
/// filled in with one cluster's values and read into the <see cref="JsonObject"/>s the rest of the code applies.
/// </summary>
/// <remarks>
/// A placeholder is <c>${name}</c> (a letter, then letters and digits). It must stand inside a double-quoted string on
/// its line: a YAML double-quoted scalar (<c>image: "${flannelImage}"</c>, <c>- "--cluster=${clusterName}"</c>) or a
/// JSON string inside a block scalar. The value goes in escaped the way both YAML and JSON read back inside double
/// quotes (<c>\"</c>, <c>\\</c>, <c>\uXXXX</c> for control and line-break characters), so whatever a value holds it
/// stays one string and cannot add keys, lines or documents. Filling is a single pass over the template: text inside
/// a value is never taken for a placeholder. A placeholder with no value, a malformed one, or one outside quotes fails
/// loudly; values a template does not use are allowed, so one set of values serves every template of a cluster.
/// </remarks>
public static partial class ManifestTemplates
{
    private const string ResourcePrefix = "Portal.Jobs.Clusters.Addons.";

    private static readonly ConcurrentDictionary<string, string> Texts = new(StringComparer.Ordinal);

    /// <summary>The file names of every embedded template, e.g. <c>flannel.yaml</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. typeof(ManifestTemplates).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)];

    /// <summary>Fills the embedded template <paramref name="name"/> and reads its documents, in file order.</summary>
    public static IReadOnlyList<JsonObject> Render(string name, IReadOnlyDictionary<string, string> values) =>
        RenderText(name, Text(name), values);

    /// <summary>Fills a template given as text and reads its documents; <paramref name="source"/> names it in errors.</summary>
    internal static IReadOnlyList<JsonObject> RenderText(string source, string template, IReadOnlyDictionary<string, string> values) =>
        YamlToJson.Documents(Fill(source, template, values), source);

    /// <summary>The embedded template's text, as shipped.</summary>
    public static string Text(string name) => Texts.GetOrAdd(name, static n =>
    {
        using var stream = typeof(ManifestTemplates).Assembly.GetManifestResourceStream(ResourcePrefix + n)
            ?? throw new ManifestTemplateException($"There is no manifest template '{n}'. Templates: {string.Join(", ", Names)}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>Replaces every placeholder of <paramref name="template"/> with its escaped value (see the remarks).</summary>
    /// <param name="source">The template's name, for error messages.</param>
    public static string Fill(string source, string template, IReadOnlyDictionary<string, string> values)
    {
        var output = new StringBuilder(template.Length);
        var copied = 0;
        for (var at = template.IndexOf("${", StringComparison.Ordinal); at >= 0; at = template.IndexOf("${", copied, StringComparison.Ordinal))
        {
            var line = LineOf(template, at, out var lineStart);
            var token = Placeholder().Match(template, at);
            if (!token.Success || token.Index != at)
                throw new ManifestTemplateException($"{source} line {line}: a placeholder is written ${{name}} with a name of letters and digits.");
            var name = token.Groups["name"].Value;
            if (!IsInsideDoubleQuotes(template, lineStart, at))
                throw new ManifestTemplateException($"{source} line {line}: placeholder ${{{name}}} must stand inside a double-quoted string.");
            if (!values.TryGetValue(name, out var value))
                throw new ManifestTemplateException($"{source} line {line}: placeholder ${{{name}}} has no value. Values: {string.Join(", ", values.Keys.Order(StringComparer.Ordinal))}.");
            output.Append(template, copied, at - copied).Append(Escape(value));
            copied = at + token.Length;
        }
        return output.Append(template, copied, template.Length - copied).ToString();
    }

    /// <summary>
    /// A value as the inside of a double-quoted string, read back the same by YAML and by JSON. Line breaks of every
    /// kind YAML knows (including NEL, LS and PS) and other control characters become <c>\uXXXX</c>, so a value can
    /// never end its line, its block scalar or its string.
    /// </summary>
    internal static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '"' or '\\')
                escaped.Append('\\').Append(c);
            else if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF')
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else
                escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>Whether an odd number of unescaped double quotes precedes <paramref name="at"/> on its line, outside a comment.</summary>
    private static bool IsInsideDoubleQuotes(string text, int lineStart, int at)
    {
        var inside = false;
        for (var i = lineStart; i < at; i++)
        {
            if (text[i] == '\\' && inside)
                i++;
            else if (text[i] == '"')
                inside = !inside;
            else if (text[i] == '#' && !inside && (i == lineStart || char.IsWhiteSpace(text[i - 1])))
                return false;
        }
        return inside;
    }

    private static int LineOf(string text, int at, out int lineStart)
    {
        lineStart = at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;
        var line = 1;
        for (var i = 0; i < lineStart; i++)
        {
            if (text[i] == '\n')
                line++;
        }
        return line;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z][A-Za-z0-9]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
