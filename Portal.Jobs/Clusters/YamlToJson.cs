using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.Jobs.Clusters;

/// <summary>
/// Reads the documents of a manifest template into <see cref="JsonObject"/>s, keeping key order.
/// </summary>
/// <remarks>
/// Kubernetes reads YAML with YAML 1.1 rules, where a plain <c>on</c>, <c>yes</c> or <c>n</c> is a boolean and
/// <c>0755</c> an octal number; YAML 1.2 and most editors read them otherwise. A template must not depend on which
/// reading wins, so any plain scalar the two read differently is refused with its line: write it in double quotes.
/// What is left is unambiguous: quoted and block scalars are strings; plain <c>true</c>/<c>false</c> are booleans,
/// <c>null</c>/<c>~</c>/nothing is null, a decimal integer without a leading zero is a number, everything else is a
/// string. Floats, explicit tags other than <c>!!str</c>, anchors and aliases, and duplicate keys are refused too:
/// templates have no use for them, and each is a way for a file to mean something other than it shows.
/// </remarks>
internal static partial class YamlToJson
{
    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>Every document of <paramref name="yaml"/>; each must be a Kubernetes object with apiVersion and kind.</summary>
    /// <param name="source">The template's name, for error messages.</param>
    public static IReadOnlyList<JsonObject> Documents(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ManifestTemplateException($"{source} line {ex.Start.Line}: not valid YAML ({ex.Message}).", ex);
        }
        var objects = new List<JsonObject>();
        foreach (var document in stream.Documents)
        {
            if (Node(document.RootNode, source) is not JsonObject manifest)
                throw Refused(source, document.RootNode, "every document must be a Kubernetes object (a mapping)");
            if (manifest["apiVersion"] is not JsonValue || manifest["kind"] is not JsonValue)
                throw Refused(source, document.RootNode, "every document needs an apiVersion and a kind");
            objects.Add(manifest);
        }
        if (objects.Count == 0)
            throw new ManifestTemplateException($"{source}: the template holds no document.");
        return objects;
    }

    private static JsonNode? Node(YamlNode node, string source)
    {
        if (!node.Anchor.IsEmpty)
            throw Refused(source, node, $"anchor or alias &{node.Anchor}: write the value out");
        return node switch
        {
            YamlMappingNode mapping => Mapping(mapping, source),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(child => Node(child, source))]),
            YamlScalarNode scalar => Scalar(scalar, source),
            _ => throw Refused(source, node, $"unexpected YAML node {node.NodeType}"),
        };
    }

    private static JsonObject Mapping(YamlMappingNode mapping, string source)
    {
        var json = new JsonObject();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode keyScalar || Scalar(keyScalar, source) is not JsonValue keyValue
                || !keyValue.TryGetValue<string>(out var key))
                throw Refused(source, keyNode, "a key must be a string");
            if (json.ContainsKey(key))
                throw Refused(source, keyNode, $"duplicate key '{key}'");
            json[key] = Node(valueNode, source);
        }
        return json;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar, string source)
    {
        var text = scalar.Value ?? string.Empty;
        if (!scalar.Tag.IsEmpty)
        {
            return scalar.Tag.Value == StringTag
                ? JsonValue.Create(text)
                : throw Refused(source, scalar, $"explicit tag {scalar.Tag.Value}: write the value plainly or in double quotes");
        }
        if (scalar.Style != ScalarStyle.Plain)
            return JsonValue.Create(text);
        if (NullWord().IsMatch(text))
            return null;
        if (text is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (DecimalInteger().IsMatch(text) && long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _))
            return JsonNode.Parse(text); // a number node readable as int, long or double alike
        if (ReadDifferently().IsMatch(text))
            throw Refused(source, scalar, $"'{text}' is read differently by YAML 1.1 (Kubernetes) and YAML 1.2, or as a number: write it in double quotes");
        return JsonValue.Create(text);
    }

    private static ManifestTemplateException Refused(string source, YamlNode node, string why) =>
        new($"{source} line {node.Start.Line}: {why}.");

    [GeneratedRegex("^(~|null|Null|NULL|)$", RegexOptions.CultureInvariant)]
    private static partial Regex NullWord();

    [GeneratedRegex("^-?(0|[1-9][0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();

    /// <summary>
    /// Plain scalars that YAML 1.1 and YAML 1.2 resolve differently, or that either reads as a non-decimal or
    /// non-integer number: 1.1 booleans (y, yes, on, off, ...), numbers with a leading zero, a sign, a base prefix or
    /// underscores, base-60 numbers, floats and their specials, dates, and the 1.1 merge and value keys.
    /// </summary>
    [GeneratedRegex(
        @"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF" +
        @"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?" +
        @"|[-+]?0[xXoObB][0-9a-fA-F_]+" +
        @"|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?" +
        @"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)" +
        @"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?" +
        @"|<<|=)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReadDifferently();
}
