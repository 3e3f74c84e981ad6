using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Jobs.Kubernetes;

/// <summary>The API server's <c>/version</c> answer.</summary>
public sealed record KubeVersionInfo(string Major, string Minor, string GitVersion, string? Platform);

/// <summary>How a delete ended.</summary>
public enum KubeDeleteOutcome
{
    /// <summary>The object is gone.</summary>
    Deleted,
    /// <summary>The object is marked for deletion (deletionTimestamp set); finalizers still have work to do.</summary>
    DeletionPending,
    /// <summary>There was nothing to delete (404): deleting is idempotent.</summary>
    AlreadyGone,
}

/// <summary>One entry of <c>status.conditions</c>, in the shape shared by core, Cluster API and CloudNativePG resources.</summary>
public sealed record KubeCondition(string Type, string Status, string? Reason, string? Message, DateTimeOffset? LastTransitionTime)
{
    /// <summary>Cluster API v1beta1's severity of a False condition (Error, Warning, Info), when present.</summary>
    public string? Severity { get; init; }

    /// <summary>The generation the condition was computed for, when the controller records it.</summary>
    public long? ObservedGeneration { get; init; }

    public bool IsTrue => string.Equals(Status, "True", StringComparison.OrdinalIgnoreCase);

    public bool IsFalse => string.Equals(Status, "False", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses one condition; null when it has no type.</summary>
    public static KubeCondition? From(JsonNode? node)
    {
        if (node is not JsonObject condition || KubeJson.String(condition, "type") is not { Length: > 0 } type)
            return null;
        return new KubeCondition(
            type,
            KubeJson.String(condition, "status") ?? "Unknown",
            KubeJson.String(condition, "reason"),
            KubeJson.String(condition, "message"),
            KubeJson.Time(condition, "lastTransitionTime"))
        {
            Severity = KubeJson.String(condition, "severity"),
            ObservedGeneration = KubeJson.Long(condition, "observedGeneration"),
        };
    }
}

/// <summary>An object's <c>.status</c> with its conditions parsed, plus the metadata that says how current it is.</summary>
public sealed record KubeResourceStatus(JsonObject Status, IReadOnlyList<KubeCondition> Conditions)
{
    /// <summary><c>metadata.generation</c>: bumped by the API server on every spec change.</summary>
    public long? Generation { get; init; }

    /// <summary><c>status.observedGeneration</c>: the generation the controller last acted on.</summary>
    public long? ObservedGeneration { get; init; }

    public string? ResourceVersion { get; init; }

    /// <summary>When deletion was requested; the object still exists while finalizers run.</summary>
    public DateTimeOffset? DeletionTimestamp { get; init; }

    /// <summary><c>status.phase</c>, which many resources (CloudNativePG, Cluster API, namespaces) report.</summary>
    public string? Phase => KubeJson.String(Status, "phase");

    /// <summary>Whether the controller has caught up with the latest spec (true when either side is unknown).</summary>
    public bool IsCurrent => Generation is not { } generation || ObservedGeneration is not { } observed || observed >= generation;

    public KubeCondition? Condition(string type) => Conditions.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>The status of any object (an empty status when it has none yet).</summary>
    public static KubeResourceStatus From(JsonObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var status = resource["status"] as JsonObject;
        var copy = status is null ? new JsonObject() : (JsonObject)status.DeepClone();
        var conditions = copy["conditions"] is JsonArray array
            ? array.Select(KubeCondition.From).OfType<KubeCondition>().ToArray()
            : [];
        var metadata = resource["metadata"] as JsonObject;
        return new KubeResourceStatus(copy, conditions)
        {
            Generation = metadata is null ? null : KubeJson.Long(metadata, "generation"),
            ObservedGeneration = KubeJson.Long(copy, "observedGeneration"),
            ResourceVersion = metadata is null ? null : KubeJson.String(metadata, "resourceVersion"),
            DeletionTimestamp = metadata is null ? null : KubeJson.Time(metadata, "deletionTimestamp"),
        };
    }
}

/// <summary>A resource type as discovery describes it: <c>clusters.postgresql.cnpg.io/v1</c>, namespaced.</summary>
public sealed record KubeResourceType(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The path of the collection, e.g. <c>/apis/apps/v1/namespaces/ns/deployments</c> (<paramref name="ns"/> null: all namespaces).</summary>
    public string CollectionPath(string? ns)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced && ns is not null
            ? $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{root}/{Plural}";
    }

    public string ObjectPath(string? ns, string name) => $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";

    /// <summary>How kubectl names the type: <c>clusters.postgresql.cnpg.io</c>, or just <c>secrets</c> for core.</summary>
    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>Points at one object: apiVersion, kind, namespace (null for cluster-scoped or the default) and name.</summary>
public sealed record KubeObjectRef(string ApiVersion, string Kind, string? Namespace, string Name)
{
    /// <summary>The reference of a manifest; null when it lacks apiVersion, kind or metadata.name.</summary>
    public static KubeObjectRef? From(JsonObject manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (KubeJson.String(manifest, "apiVersion") is not { Length: > 0 } apiVersion
            || KubeJson.String(manifest, "kind") is not { Length: > 0 } kind
            || manifest["metadata"] is not JsonObject metadata
            || KubeJson.String(metadata, "name") is not { Length: > 0 } name)
        {
            return null;
        }
        return new KubeObjectRef(apiVersion, kind, KubeJson.String(metadata, "namespace"), name);
    }

    public override string ToString() => Namespace is null ? $"{Kind} \"{Name}\"" : $"{Kind} \"{Namespace}/{Name}\"";
}

/// <summary>Small readers for Kubernetes JSON.</summary>
public static class KubeJson
{
    /// <summary>Splits an apiVersion into group ("" for core) and version; null when malformed.</summary>
    public static (string Group, string Version)? SplitApiVersion(string? apiVersion)
    {
        if (string.IsNullOrWhiteSpace(apiVersion))
            return null;
        var parts = apiVersion.Split('/');
        return parts switch
        {
            [var version] when IsSegment(version) => (string.Empty, version),
            [var group, var version] when IsSegment(group) && IsSegment(version) => (group, version),
            _ => null,
        };

        static bool IsSegment(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');
    }

    public static string? String(JsonObject node, string property) =>
        node[property] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static long? Long(JsonObject node, string property) => Long(node[property]);

    /// <summary>A whole number, whether the node was parsed from JSON or built from any CLR numeric type.</summary>
    public static long? Long(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
            return null;
        if (value.TryGetValue<long>(out var number))
            return number;
        if (value.TryGetValue<int>(out var small))
            return small;
        return double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && real == Math.Floor(real) && Math.Abs(real) < 9e18
            ? (long)real
            : null;
    }

    public static bool? Bool(JsonObject node, string property) =>
        node[property] is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? value.GetValue<bool>() : null;

    public static DateTimeOffset? Time(JsonObject node, string property) =>
        String(node, property) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    /// <summary>RFC 3339 in UTC with whole seconds, as the API server writes timestamps.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>What happened to an object, as a watch reports it.</summary>
public enum KubeWatchEventType
{
    Added,
    Modified,
    Deleted,
    /// <summary>The watch failed or the server ended it with an error; see <see cref="KubeWatchEvent.Error"/>. Always the last event.</summary>
    Error,
}

/// <summary>One watch event: the object as it is after the change (as it was last, for Deleted), or the error that ended the watch.</summary>
public sealed record KubeWatchEvent(KubeWatchEventType Type, JsonObject? Object, RemoteError? Error = null)
{
    /// <summary>The object's resourceVersion: where a new watch resumes.</summary>
    public string? ResourceVersion => Object?["metadata"] is JsonObject metadata ? KubeJson.String(metadata, "resourceVersion") : null;
}
