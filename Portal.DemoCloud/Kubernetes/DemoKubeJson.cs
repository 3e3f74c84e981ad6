using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>JSON plumbing of the demo API: apply merges, merge patches, Status bodies.</summary>
internal static class DemoKubeJson
{
    /// <summary>Metadata only the API server writes; bodies sent by clients never change them.</summary>
    public static readonly string[] SystemMetadata =
        ["uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    /// <summary>
    /// Server-side apply, simplified to one rule per manager: fields this manager applied before but left out now are
    /// removed; every field given replaces the current one (maps merge key by key, lists are replaced whole); fields
    /// set by others (controllers, other managers) stay.
    /// </summary>
    public static void Apply(JsonObject target, JsonObject? previouslyApplied, JsonObject applied)
    {
        if (previouslyApplied is not null)
            RemoveDropped(target, previouslyApplied, applied);
        MergeInto(target, applied);
    }

    private static void RemoveDropped(JsonObject target, JsonObject previous, JsonObject current)
    {
        foreach (var (key, before) in previous)
        {
            if (!current.TryGetPropertyValue(key, out var now))
                target.Remove(key);
            else if (before is JsonObject beforeObject && now is JsonObject nowObject && target[key] is JsonObject targetObject)
                RemoveDropped(targetObject, beforeObject, nowObject);
        }
    }

    /// <summary>RFC 7386 JSON merge patch: objects merge recursively, null removes, anything else replaces.</summary>
    public static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
                target.Remove(key);
            else if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
                MergeInto(targetObject, patchObject);
            else
                target[key] = StripNulls(value.DeepClone());
        }
    }

    private static JsonNode StripNulls(JsonNode node)
    {
        if (node is JsonObject o)
        {
            foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
                o.Remove(key);
            foreach (var (_, value) in o)
                StripNulls(value!);
        }
        return node;
    }

    /// <summary>A copy without metadata and status: what a generation bump is judged on.</summary>
    public static JsonObject SpecPart(JsonObject resource)
    {
        var copy = (JsonObject)resource.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    public static JsonObject Metadata(JsonObject resource)
    {
        if (resource["metadata"] is JsonObject metadata)
            return metadata;
        metadata = [];
        resource["metadata"] = metadata;
        return metadata;
    }

    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A whole number, whether the node was parsed from JSON or built from any CLR numeric type.</summary>
    public static long? Number(JsonNode? node) => KubeJson.Long(node);

    public static IReadOnlyList<string> Finalizers(JsonObject resource) =>
        resource["metadata"]?["finalizers"] is JsonArray array ? array.Select(Text).OfType<string>().ToArray() : [];

    public static bool IsDeleting(JsonObject resource) => resource["metadata"]?["deletionTimestamp"] is not null;

    /// <summary>A Kubernetes Status object, as every error (and a completed delete) is answered.</summary>
    public static JsonObject Status(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = code is >= 200 and < 300 ? "Success" : "Failure",
        };
        if (code is < 200 or >= 300)
        {
            status["message"] = message;
            status["reason"] = reason;
        }
        if (details is not null)
            status["details"] = details;
        status["code"] = code;
        return status;
    }

    public static JsonObject Details(DemoResourceKind type, string? name, string? uid = null)
    {
        var details = new JsonObject();
        if (name is not null)
            details["name"] = name;
        if (type.Group.Length > 0)
            details["group"] = type.Group;
        details["kind"] = type.Plural;
        if (uid is not null)
            details["uid"] = uid;
        return details;
    }
}

/// <summary>A parsed label selector: equality (=, ==, !=), existence (key, !key) and sets (in, notin).</summary>
internal sealed class DemoLabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    private DemoLabelSelector()
    {
    }

    /// <summary>Null and the selector, or a message like the API server's when it cannot be parsed.</summary>
    public static string? TryParse(string? text, out DemoLabelSelector selector)
    {
        selector = new DemoLabelSelector();
        if (string.IsNullOrWhiteSpace(text))
            return null;
        foreach (var raw in SplitTerms(text))
        {
            var term = raw.Trim();
            if (term.Length == 0)
                return $"unable to parse requirement: found '', expected: identifier";
            var words = term.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2 && words[1] is "in" or "notin")
            {
                var key = words[0];
                var open = term.IndexOf('(', StringComparison.Ordinal);
                var close = term.LastIndexOf(')');
                if (open < 0 || close < open)
                    return $"unable to parse requirement: found '{term}', expected: '('";
                var values = term[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                var negate = words[1] == "notin";
                selector._requirements.Add(labels => labels.TryGetValue(key, out var v) ? values.Contains(v) != negate : negate);
            }
            else if (term.Contains("!=", StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "!=");
                selector._requirements.Add(labels => !labels.TryGetValue(key, out var v) || v != value);
            }
            else if (term.Contains("==", StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "==");
                selector._requirements.Add(labels => labels.TryGetValue(key, out var v) && v == value);
            }
            else if (term.Contains('=', StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "=");
                selector._requirements.Add(labels => labels.TryGetValue(key, out var v) && v == value);
            }
            else if (term.StartsWith('!'))
            {
                var key = term[1..].Trim();
                selector._requirements.Add(labels => !labels.ContainsKey(key));
            }
            else if (term.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            {
                selector._requirements.Add(labels => labels.ContainsKey(term));
            }
            else
            {
                return $"unable to parse requirement: found '{term}', expected: in, notin, =, ==, !=, gt, lt";
            }
        }
        return null;
    }

    public bool Matches(JsonObject resource)
    {
        var labels = resource["metadata"]?["labels"] is JsonObject map
            ? map.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => DemoKubeJson.Text(p.Value) ?? p.Value!.ToJsonString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        return _requirements.All(r => r(labels));
    }

    private static (string Key, string Value) Split(string term, string op)
    {
        var at = term.IndexOf(op, StringComparison.Ordinal);
        return (term[..at].Trim(), term[(at + op.Length)..].Trim());
    }

    /// <summary>Splits on commas outside parentheses (<c>a=b,c in (x,y)</c>).</summary>
    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
                depth++;
            else if (text[i] == ')')
                depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
