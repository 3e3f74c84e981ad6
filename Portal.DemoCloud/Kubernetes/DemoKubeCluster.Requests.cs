using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

public sealed partial class DemoKubeCluster
{
    private static readonly string[] ObjectVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    /// <summary>Answers one REST request: discovery, /version, or a verb on a collection, object or status subresource.</summary>
    internal DemoApiResponse Handle(HttpMethod method, string path, IReadOnlyDictionary<string, string> query, string? contentType, byte[] body)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments is ["version"])
            return method == HttpMethod.Get ? new(200, VersionDocument()) : MethodNotAllowed();
        if (segments.Length == 0 || segments[0] is not ("api" or "apis"))
            return NotFoundPath();

        string group;
        string version;
        string[] rest;
        if (segments[0] == "api")
        {
            if (segments.Length == 1)
                return Discovery(method, () => ApiVersionsDocument());
            (group, version, rest) = (string.Empty, segments[1], segments[2..]);
        }
        else
        {
            if (segments.Length == 1)
                return Discovery(method, GroupListDocument);
            if (segments.Length == 2)
                return Discovery(method, () => GroupDocument(segments[1]));
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        if (rest.Length == 0)
            return Discovery(method, () => ResourceListDocument(group, version));

        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(group.Length == 0 && rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }
        if (rest.Length > 3)
            return NotFoundPath();
        var type = FindType(group, version, rest[0]);
        if (type is null)
            return NotFoundPath();
        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        if (subresource is not null && (subresource != "status" || !type.HasStatus))
            return NotFoundPath();
        if (ns is not null && !type.Namespaced)
            return NotFoundPath();
        if (ns is null && type.Namespaced && (name is not null || method != HttpMethod.Get))
            return NotFoundPath();
        if (query.TryGetValue("watch", out var watch) && watch is "true" or "1")
            return new(400, DemoKubeJson.Status(400, "BadRequest", "watch is served as a stream by DemoKubernetesHandler"));

        lock (_lock)
        {
            if (method == HttpMethod.Get)
                return name is null ? ListCore(type, ns, query) : GetCore(type, ns, name);
            if (name is null)
            {
                return method == HttpMethod.Post
                    ? ParseBody(body, out var created) ?? CreateCore(type, ns, created!, query.GetValueOrDefault("fieldManager"))
                    : MethodNotAllowed();
            }
            var statusOnly = subresource == "status";
            if (method == HttpMethod.Delete)
                return statusOnly ? MethodNotAllowed() : DeleteCore(type, ns, name);
            if (method == HttpMethod.Put)
                return ParseBody(body, out var replacement) ?? ReplaceCore(type, ns, name, replacement!, query.GetValueOrDefault("fieldManager"), statusOnly);
            if (method == HttpMethod.Patch)
            {
                var media = contentType?.Split(';')[0].Trim().ToLowerInvariant();
                switch (media)
                {
                    case "application/apply-patch+yaml":
                        if (!query.TryGetValue("fieldManager", out var manager) || string.IsNullOrWhiteSpace(manager))
                        {
                            return new(422, DemoKubeJson.Status(422, "Invalid",
                                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"));
                        }
                        return ParseBody(body, out var applied, apply: true) ?? ApplyCore(type, ns, name, applied!, manager, statusOnly);
                    case "application/merge-patch+json":
                        return ParseBody(body, out var patch) ?? MergePatchCore(type, ns, name, patch!, query.GetValueOrDefault("fieldManager"), statusOnly);
                    default:
                        return new(415, DemoKubeJson.Status(415, "UnsupportedMediaType",
                            $"the demo Kubernetes API does not support the patch type {media ?? "(none)"}; use application/apply-patch+yaml or application/merge-patch+json"));
                }
            }
            return MethodNotAllowed();
        }
    }

    // ---- Verbs -----------------------------------------------------------------------------------------------

    private DemoApiResponse GetCore(DemoResourceKind type, string? ns, string name) =>
        Find(type, ns, name) is { } stored ? new(200, stored.Object.DeepClone()) : NotFound(type, name);

    private DemoApiResponse ListCore(DemoResourceKind type, string? ns, IReadOnlyDictionary<string, string> query)
    {
        if (DemoLabelSelector.TryParse(query.GetValueOrDefault("labelSelector"), out var selector) is { } problem)
            return new(400, DemoKubeJson.Status(400, "BadRequest", problem));
        var limit = 0;
        if (query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 0))
            return new(400, DemoKubeJson.Status(400, "BadRequest", $"limit: Invalid value: \"{limitText}\""));
        string? after = null;
        if (query.TryGetValue("continue", out var token) && token.Length > 0)
        {
            after = DecodeContinue(token);
            if (after is null)
                return new(400, DemoKubeJson.Status(400, "BadRequest", "continue key is not valid: illegal base64 data"));
        }

        var matching = Objects(type)
            .Where(p => ns is null || NamespaceOf(p.Key) == ns)
            .Where(p => after is null || string.CompareOrdinal(p.Key, after) > 0)
            .Where(p => selector.Matches(p.Value.Object))
            .ToList();
        var page = limit > 0 ? matching.Take(limit).ToList() : matching;
        var metadata = new JsonObject { ["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture) };
        if (page.Count < matching.Count)
        {
            metadata["continue"] = EncodeContinue(page[^1].Key);
            metadata["remainingItemCount"] = matching.Count - page.Count;
        }
        return new(200, new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(page.Select(p => (JsonNode?)p.Value.Object.DeepClone()).ToArray()),
        });
    }

    private DemoApiResponse CreateCore(DemoResourceKind type, string? ns, JsonObject body, string? manager)
    {
        var metadata = body["metadata"] as JsonObject;
        var name = DemoKubeJson.Text(metadata?["name"]);
        if (name is null && DemoKubeJson.Text(metadata?["generateName"]) is { Length: > 0 } prefix)
            name = prefix + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..5];
        if (name is null)
            return Invalid(type, "", "metadata.name: Required value: name or generateName is required");
        if (CheckIdentity(type, ns, null, body, requireTypeFields: false) is { } mismatch)
            return mismatch;
        var cleaned = Clean(type, ns, name, body);
        return Create(type, ns, name, cleaned, manager ?? "demo-client", "Update");
    }

    private DemoApiResponse Create(DemoResourceKind type, string? ns, string name, JsonObject cleaned, string manager, string operation)
    {
        if (NameProblem(type, name) is { } nameProblem)
            return Invalid(type, name, $"metadata.name: Invalid value: \"{name}\": {nameProblem}");
        if (Validate(type, name, cleaned, existing: null) is { } invalid)
            return invalid;
        if (type.Namespaced && EnsureNamespace(type, ns!, name) is { } refused)
            return refused;
        if (Find(type, ns, name) is not null)
            return new(409, DemoKubeJson.Status(409, "AlreadyExists", $"{type.Resource} \"{name}\" already exists", DemoKubeJson.Details(type, name)));
        var created = Insert(type, ns, name, cleaned, manager, operation);
        return new(201, created.DeepClone());
    }

    private DemoApiResponse ApplyCore(DemoResourceKind type, string? ns, string name, JsonObject body, string manager, bool statusOnly)
    {
        if (CheckIdentity(type, ns, name, body, requireTypeFields: true) is { } mismatch)
            return mismatch;
        var existing = Find(type, ns, name);
        if (statusOnly)
        {
            if (existing is null)
                return NotFound(type, name);
            var withStatus = (JsonObject)existing.Object.DeepClone();
            if (body["status"] is JsonObject appliedStatus)
            {
                if (withStatus["status"] is not JsonObject status)
                {
                    status = [];
                    withStatus["status"] = status;
                }
                DemoKubeJson.MergeInto(status, appliedStatus);
            }
            return Commit(type, ns, name, existing, withStatus, manager, "Apply");
        }

        var cleaned = Clean(type, ns, name, body);
        if (existing is null)
        {
            var created = Create(type, ns, name, (JsonObject)cleaned.DeepClone(), manager, "Apply");
            if (created.Status == 201 && Find(type, ns, name) is { } stored)
                stored.Applied[manager] = cleaned;
            return created;
        }
        if (ResourceVersionConflict(type, name, body, existing) is { } conflict)
            return conflict;
        var next = (JsonObject)existing.Object.DeepClone();
        DemoKubeJson.Apply(next, existing.Applied.GetValueOrDefault(manager), cleaned);
        if (Validate(type, name, next, existing.Object) is { } invalid)
            return invalid;
        existing.Applied[manager] = cleaned;
        return Commit(type, ns, name, existing, next, manager, "Apply");
    }

    private DemoApiResponse MergePatchCore(DemoResourceKind type, string? ns, string name, JsonObject patch, string? manager, bool statusOnly)
    {
        if (Find(type, ns, name) is not { } existing)
            return NotFound(type, name);
        if (ResourceVersionConflict(type, name, patch, existing) is { } conflict)
            return conflict;
        var next = (JsonObject)existing.Object.DeepClone();
        if (statusOnly)
        {
            if (patch["status"] is JsonObject statusPatch)
            {
                if (next["status"] is not JsonObject status)
                {
                    status = [];
                    next["status"] = status;
                }
                DemoKubeJson.MergeInto(status, statusPatch);
            }
        }
        else
        {
            var cleaned = (JsonObject)patch.DeepClone();
            cleaned.Remove("apiVersion");
            cleaned.Remove("kind");
            if (type.HasStatus)
                cleaned.Remove("status");
            if (cleaned["metadata"] is JsonObject metadata)
            {
                foreach (var field in DemoKubeJson.SystemMetadata.Append("name").Append("namespace"))
                    metadata.Remove(field);
            }
            DemoKubeJson.MergeInto(next, cleaned);
            if (Validate(type, name, next, existing.Object) is { } invalid)
                return invalid;
        }
        return Commit(type, ns, name, existing, next, manager ?? "demo-client", "Update");
    }

    private DemoApiResponse ReplaceCore(DemoResourceKind type, string? ns, string name, JsonObject body, string? manager, bool statusOnly)
    {
        if (CheckIdentity(type, ns, name, body, requireTypeFields: false) is { } mismatch)
            return mismatch;
        if (Find(type, ns, name) is not { } existing)
            return NotFound(type, name);
        if (ResourceVersionConflict(type, name, body, existing) is { } conflict)
            return conflict;
        JsonObject next;
        if (statusOnly)
        {
            next = (JsonObject)existing.Object.DeepClone();
            next["status"] = body["status"]?.DeepClone() ?? new JsonObject();
        }
        else
        {
            next = Clean(type, ns, name, body);
            var metadata = DemoKubeJson.Metadata(next);
            var current = DemoKubeJson.Metadata(existing.Object);
            foreach (var field in DemoKubeJson.SystemMetadata)
            {
                if (current[field] is { } value)
                    metadata[field] = value.DeepClone();
            }
            if (type.HasStatus && existing.Object["status"] is { } status)
                next["status"] = status.DeepClone();
            if (Validate(type, name, next, existing.Object) is { } invalid)
                return invalid;
        }
        return Commit(type, ns, name, existing, next, manager ?? "demo-client", "Update");
    }

    private DemoApiResponse DeleteCore(DemoResourceKind type, string? ns, string name)
    {
        if (Find(type, ns, name) is not { } stored)
            return NotFound(type, name);
        var resource = stored.Object;
        var isNamespace = type.Key == NamespaceKind.Key;
        if (isNamespace || DemoKubeJson.Finalizers(resource).Count > 0)
        {
            if (DemoKubeJson.IsDeleting(resource))
                return new(200, resource.DeepClone());
            var marked = (JsonObject)resource.DeepClone();
            var metadata = DemoKubeJson.Metadata(marked);
            metadata["deletionTimestamp"] = Now;
            metadata["deletionGracePeriodSeconds"] = 0;
            if (isNamespace)
                marked["status"] = new JsonObject { ["phase"] = "Terminating" };
            return Commit(type, ns, name, stored, marked, ControllerManager, "Update");
        }
        Objects(type).Remove(Key(type, ns, name));
        _revision++;
        Published(type, ns, "DELETED", Gone(resource));
        if (IsCrd(type))
            UnregisterCrd(resource);
        return new(200, DemoKubeJson.Status(200, string.Empty, string.Empty, DemoKubeJson.Details(type, name, Uid(resource))));
    }

    // ---- Checks ------------------------------------------------------------------------------------------------

    private DemoApiResponse? EnsureNamespace(DemoResourceKind type, string ns, string name)
    {
        if (Find(NamespaceKind, null, ns) is { } stored)
        {
            if (!DemoKubeJson.IsDeleting(stored.Object))
                return null;
            return new(403, DemoKubeJson.Status(403, "Forbidden",
                $"{type.Resource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                DemoKubeJson.Details(type, name)));
        }
        if (!_api.Options.AutoCreateNamespaces)
            return new(404, DemoKubeJson.Status(404, "NotFound", $"namespaces \"{ns}\" not found", DemoKubeJson.Details(NamespaceKind, ns)));
        if (NameProblem(NamespaceKind, ns) is { } problem)
            return new(422, DemoKubeJson.Status(422, "Invalid", $"Namespace \"{ns}\" is invalid: metadata.name: Invalid value: \"{ns}\": {problem}"));
        CreateNamespace(ns);
        return null;
    }

    private DemoApiResponse? CheckIdentity(DemoResourceKind type, string? ns, string? urlName, JsonObject body, bool requireTypeFields)
    {
        var apiVersion = DemoKubeJson.Text(body["apiVersion"]);
        var kind = DemoKubeJson.Text(body["kind"]);
        if (requireTypeFields && (apiVersion is null || kind is null))
            return BadRequest(apiVersion is null ? "apiVersion must be set in the applied object" : "kind must be set in the applied object");
        if (apiVersion is not null && apiVersion != type.ApiVersion)
            return BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        if (kind is not null && kind != type.Kind)
            return BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        var metadata = body["metadata"] as JsonObject;
        var bodyName = DemoKubeJson.Text(metadata?["name"]);
        if (urlName is not null && bodyName is not null && bodyName != urlName)
            return BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({urlName})");
        var bodyNamespace = DemoKubeJson.Text(metadata?["namespace"]);
        if (type.Namespaced && bodyNamespace is not null && bodyNamespace != ns)
            return BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        return null;
    }

    private DemoApiResponse? ResourceVersionConflict(DemoResourceKind type, string name, JsonObject body, Stored existing)
    {
        var expected = DemoKubeJson.Text(body["metadata"]?["resourceVersion"]);
        var actual = DemoKubeJson.Text(existing.Object["metadata"]?["resourceVersion"]);
        if (expected is null || expected == actual)
            return null;
        return new(409, DemoKubeJson.Status(409, "Conflict",
            $"Operation cannot be fulfilled on {type.Resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            DemoKubeJson.Details(type, name)));
    }

    /// <summary>The schema's checks, then the admission webhook's (<paramref name="existing"/> is null on a create).</summary>
    private static DemoApiResponse? Validate(DemoResourceKind type, string name, JsonObject resource, JsonObject? existing)
    {
        if (type.Validate?.Invoke(resource).ToList() is { Count: > 0 } problems)
            return Invalid(type, name, string.Join(", ", problems));
        if (type.Admission?.Invoke(existing, resource).ToList() is not { Count: > 0 } refusals)
            return null;
        var refused = Invalid(type, name, string.Join(", ", refusals));
        if (type.Webhook is null)
            return refused;
        // The API server passes a webhook's refusal on with the webhook's name in front.
        var body = (JsonObject)refused.Body;
        body["message"] = $"admission webhook \"{type.Webhook}\" denied the request: {DemoKubeJson.Text(body["message"])}";
        return refused;
    }

    /// <summary>A client body reduced to what a client may set: no server metadata, no status (for types with a status subresource).</summary>
    private static JsonObject Clean(DemoResourceKind type, string? ns, string name, JsonObject body)
    {
        var copy = (JsonObject)body.DeepClone();
        copy["apiVersion"] = type.ApiVersion;
        copy["kind"] = type.Kind;
        var metadata = DemoKubeJson.Metadata(copy);
        foreach (var field in DemoKubeJson.SystemMetadata)
            metadata.Remove(field);
        metadata.Remove("generateName");
        metadata["name"] = name;
        if (type.Namespaced)
            metadata["namespace"] = ns;
        else
            metadata.Remove("namespace");
        if (type.HasStatus)
            copy.Remove("status");

        // Like the real API, a Secret's stringData is written into data (base64) and never stored itself.
        if (type.Group.Length == 0 && type.Kind == "Secret")
        {
            if (copy["stringData"] is JsonObject stringData)
            {
                if (copy["data"] is not JsonObject data)
                {
                    data = [];
                    copy["data"] = data;
                }
                foreach (var (key, value) in stringData)
                    data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(DemoKubeJson.Text(value) ?? string.Empty));
            }
            copy.Remove("stringData");
            if (copy["type"] is null)
                copy["type"] = "Opaque";
        }
        return Ordered(copy);
    }

    private static DemoApiResponse? ParseBody(byte[] body, out JsonObject? parsed, bool apply = false)
    {
        parsed = null;
        try
        {
            parsed = body.Length == 0 ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
        }
        if (parsed is not null)
            return null;
        var message = apply
            ? "the demo Kubernetes API accepts apply bodies as JSON (which is valid YAML); the body is not a JSON object"
            : "the request body is not a JSON object";
        return BadRequest(message);
    }

    private static DemoApiResponse NotFound(DemoResourceKind type, string name) =>
        new(404, DemoKubeJson.Status(404, "NotFound", $"{type.Resource} \"{name}\" not found", DemoKubeJson.Details(type, name)));

    private static DemoApiResponse Invalid(DemoResourceKind type, string name, string causes)
    {
        var kind = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
        return new(422, DemoKubeJson.Status(422, "Invalid", $"{kind} \"{name}\" is invalid: {causes}", DemoKubeJson.Details(type, name)));
    }

    private static DemoApiResponse BadRequest(string message) => new(400, DemoKubeJson.Status(400, "BadRequest", message));

    private static DemoApiResponse NotFoundPath() => new(404, DemoKubeJson.Status(404, "NotFound", "the server could not find the requested resource"));

    private static DemoApiResponse MethodNotAllowed() =>
        new(405, DemoKubeJson.Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));

    // ---- Discovery ---------------------------------------------------------------------------------------------

    private static DemoApiResponse Discovery(HttpMethod method, Func<JsonObject?> document)
    {
        if (method != HttpMethod.Get)
            return MethodNotAllowed();
        return document() is { } found ? new(200, found) : NotFoundPath();
    }

    private JsonObject VersionDocument()
    {
        var version = _api.Options.KubernetesVersion;
        var parts = version.TrimStart('v').Split('.');
        return new JsonObject
        {
            ["major"] = parts.ElementAtOrDefault(0) ?? "1",
            ["minor"] = parts.ElementAtOrDefault(1) ?? "0",
            ["gitVersion"] = version,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2026-01-15T00:00:00Z",
            ["goVersion"] = "go1.23.6",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    private JsonObject ApiVersionsDocument() => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = $"{Host}:443" }),
    };

    private JsonObject GroupListDocument() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Kinds.Where(k => k.Group.Length > 0).Select(k => k.Group).Distinct().Order(StringComparer.Ordinal)
            .Select(g => (JsonNode?)GroupBody(g)).ToArray()),
    };

    private JsonObject? GroupDocument(string group)
    {
        if (Kinds.All(k => k.Group != group))
            return null;
        var body = GroupBody(group);
        body.Insert(0, "kind", "APIGroup");
        body.Insert(1, "apiVersion", "v1");
        return body;
    }

    private JsonObject GroupBody(string group)
    {
        var versions = Kinds.Where(k => k.Group == group).Select(k => k.Version).Distinct().OrderByDescending(v => v, StringComparer.Ordinal).ToList();
        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v }).ToArray()),
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    private JsonObject? ResourceListDocument(string group, string version)
    {
        var kinds = Kinds.Where(k => k.Group == group && k.Version == version).ToList();
        if (kinds.Count == 0)
            return null;
        var resources = new JsonArray();
        foreach (var kind in kinds.OrderBy(k => k.Plural, StringComparer.Ordinal))
        {
            var resource = new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray(ObjectVerbs.Select(v => (JsonNode?)v).ToArray()),
            };
            if (kind.ShortNames.Count > 0)
                resource["shortNames"] = new JsonArray(kind.ShortNames.Select(s => (JsonNode?)s).ToArray());
            resources.Add(resource);
            if (kind.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{kind.Plural}/status",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = kind.Namespaced,
                    ["kind"] = kind.Kind,
                    ["verbs"] = new JsonArray(StatusVerbs.Select(v => (JsonNode?)v).ToArray()),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
