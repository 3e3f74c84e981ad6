using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Jobs.Kubernetes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>What the demo API answers to one request: an HTTP status and a JSON body.</summary>
internal sealed record DemoApiResponse(int Status, JsonNode Body);

/// <summary>Thrown by the direct (non-HTTP) write methods when the API would have refused the request.</summary>
public sealed class DemoKubeException(int statusCode, string reason, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string Reason { get; } = reason;
}

/// <summary>
/// One simulated cluster of the demo Kubernetes API: a generic in-memory object store for every served type, keyed
/// by group/version/plural/namespace/name, with a cluster-wide resourceVersion counter (bumped on every change, like
/// etcd's revision), uid, creationTimestamp and generation (bumped on every change outside metadata and status),
/// namespaces, finalizers and CRDs that add types. Thread-safe. The management cluster is
/// <see cref="DemoKubernetesApi.Default"/>; Cluster API workload clusters get their own.
/// </summary>
public sealed partial class DemoKubeCluster
{
    internal const string ControllerManager = "demo-controller";

    private readonly DemoKubernetesApi _api;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedDictionary<string, Stored>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DemoResourceKind> _crdKinds = new(StringComparer.Ordinal);
    private long _revision;

    private sealed class Stored(JsonObject resource)
    {
        public JsonObject Object { get; set; } = resource;

        /// <summary>The configuration each field manager last applied (server-side apply ownership, simplified).</summary>
        public Dictionary<string, JsonObject> Applied { get; } = new(StringComparer.Ordinal);
    }

    internal DemoKubeCluster(DemoKubernetesApi api, string host, string name)
    {
        _api = api;
        Host = host;
        Name = name;
        lock (_lock)
        {
            foreach (var ns in (ReadOnlySpan<string>)["default", "kube-system", "kube-public", "kube-node-lease"])
                CreateNamespace(ns);
        }
    }

    /// <summary>The host name clients use (https://{Host}).</summary>
    public string Host { get; }

    /// <summary>A short name for kubeconfig contexts and display.</summary>
    public string Name { get; }

    public Uri Server => new($"https://{Host}");

    /// <summary>A kubeconfig (token authentication) that reaches this cluster through the demo API.</summary>
    public string Kubeconfig => DemoKubernetesApi.KubeconfigFor(Host, Name);

    /// <summary>The cluster-wide resourceVersion: the number of changes so far.</summary>
    public long Revision
    {
        get
        {
            lock (_lock)
                return _revision;
        }
    }

    /// <summary>Every type this cluster serves: the API's kinds plus those its CRDs add.</summary>
    public IReadOnlyList<DemoResourceKind> Kinds
    {
        get
        {
            lock (_lock)
                return [.. _api.Kinds.Where(k => !_crdKinds.ContainsKey(k.Key)), .. _crdKinds.Values];
        }
    }

    public DemoResourceKind? FindKind(string apiVersion, string kind)
    {
        if (KubeJson.SplitApiVersion(apiVersion) is not var (group, version))
            return null;
        return Kinds.FirstOrDefault(k => k.Group == group && k.Version == version && k.Kind == kind);
    }

    // ---- Direct access (tests, controllers) --------------------------------------------------------------------

    /// <summary>A copy of one object; null when it does not exist.</summary>
    public JsonObject? Get(string apiVersion, string kind, string? ns, string name)
    {
        var type = RequireKind(apiVersion, kind);
        lock (_lock)
            return Find(type, ns, name) is { } stored ? (JsonObject)stored.Object.DeepClone() : null;
    }

    /// <summary>Copies of the objects of a type (in a namespace, or all), optionally filtered by a label selector.</summary>
    public IReadOnlyList<JsonObject> List(string apiVersion, string kind, string? ns = null, string? labelSelector = null)
    {
        var type = RequireKind(apiVersion, kind);
        if (DemoLabelSelector.TryParse(labelSelector, out var selector) is { } problem)
            throw new ArgumentException(problem, nameof(labelSelector));
        lock (_lock)
        {
            return Objects(type)
                .Where(p => ns is null || !type.Namespaced || NamespaceOf(p.Key) == ns)
                .Select(p => p.Value.Object)
                .Where(selector.Matches)
                .Select(o => (JsonObject)o.DeepClone())
                .ToList();
        }
    }

    /// <summary>Server-side apply without HTTP (for seeding and controllers). Throws <see cref="DemoKubeException"/> when refused.</summary>
    public JsonObject Apply(JsonObject manifest, string fieldManager = ControllerManager)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var type = RequireKind(DemoKubeJson.Text(manifest["apiVersion"]) ?? string.Empty, DemoKubeJson.Text(manifest["kind"]) ?? string.Empty);
        var metadata = manifest["metadata"] as JsonObject;
        var name = DemoKubeJson.Text(metadata?["name"]) ?? throw new ArgumentException("The manifest has no metadata.name.", nameof(manifest));
        var ns = type.Namespaced ? DemoKubeJson.Text(metadata?["namespace"]) ?? "default" : null;
        DemoApiResponse response;
        lock (_lock)
            response = ApplyCore(type, ns, name, manifest, fieldManager, statusOnly: false);
        return Unwrap(response);
    }

    /// <summary>Deletes like the API does (finalizers first). False when there was nothing to delete.</summary>
    public bool Delete(string apiVersion, string kind, string? ns, string name)
    {
        var type = RequireKind(apiVersion, kind);
        lock (_lock)
            return DeleteCore(type, ns, name).Status != 404;
    }

    /// <summary>Deletes the object a snapshot describes (when it still is the same object, by uid).</summary>
    public bool Delete(JsonObject resource)
    {
        var (type, ns, name, uid) = Identify(resource);
        lock (_lock)
        {
            if (Find(type, ns, name) is not { } stored || Uid(stored.Object) != uid)
                return false;
            return DeleteCore(type, ns, name).Status != 404;
        }
    }

    /// <summary>
    /// Changes the status of the object a snapshot describes (the status object is created when missing). The
    /// resourceVersion moves only when something changed. False when the object is gone or was replaced.
    /// </summary>
    public bool UpdateStatus(JsonObject resource, Action<JsonObject> mutate) =>
        Update(resource, next =>
        {
            if (next["status"] is not JsonObject status)
            {
                status = [];
                next["status"] = status;
            }
            mutate(status);
        });

    /// <inheritdoc cref="UpdateStatus(JsonObject, Action{JsonObject})"/>
    public bool UpdateStatus(string apiVersion, string kind, string? ns, string name, Action<JsonObject> mutate) =>
        Get(apiVersion, kind, ns, name) is { } resource && UpdateStatus(resource, mutate);

    /// <summary>Changes the metadata (labels, annotations, finalizers) of the object a snapshot describes.</summary>
    public bool UpdateMetadata(JsonObject resource, Action<JsonObject> mutate) =>
        Update(resource, next => mutate(DemoKubeJson.Metadata(next)));

    public bool AddFinalizer(JsonObject resource, string finalizer) =>
        !DemoKubeJson.Finalizers(resource).Contains(finalizer) && !DemoKubeJson.IsDeleting(resource) && UpdateMetadata(resource, metadata =>
        {
            if (metadata["finalizers"] is not JsonArray finalizers)
            {
                finalizers = [];
                metadata["finalizers"] = finalizers;
            }
            if (finalizers.All(f => DemoKubeJson.Text(f) != finalizer))
                finalizers.Add(finalizer);
        });

    /// <summary>Removes a finalizer; a deleting object whose last finalizer goes is removed.</summary>
    public bool RemoveFinalizer(JsonObject resource, string finalizer) =>
        UpdateMetadata(resource, metadata =>
        {
            if (metadata["finalizers"] is not JsonArray finalizers)
                return;
            foreach (var entry in finalizers.Where(f => DemoKubeJson.Text(f) == finalizer).ToList())
                finalizers.Remove(entry);
            if (finalizers.Count == 0)
                metadata.Remove("finalizers");
        });

    /// <inheritdoc cref="RemoveFinalizer(JsonObject, string)"/>
    public bool RemoveFinalizer(string apiVersion, string kind, string? ns, string name, string finalizer) =>
        Get(apiVersion, kind, ns, name) is { } resource && RemoveFinalizer(resource, finalizer);

    /// <summary>Whether an object with this uid exists (any type).</summary>
    public bool ContainsUid(string uid)
    {
        lock (_lock)
            return _objects.Values.Any(t => t.Values.Any(s => Uid(s.Object) == uid));
    }

    /// <summary>Copies of every object (all types), for controllers that look across types.</summary>
    public IReadOnlyList<JsonObject> All()
    {
        lock (_lock)
            return _objects.Values.SelectMany(t => t.Values).Select(s => (JsonObject)s.Object.DeepClone()).ToList();
    }

    /// <summary>The keys of every namespaced object in <paramref name="ns"/>.</summary>
    internal IReadOnlyList<string> NamespacedObjectKeys(string ns)
    {
        lock (_lock)
        {
            return _objects
                .Where(t => KindByKey(t.Key) is { Namespaced: true })
                .SelectMany(t => t.Value.Keys.Where(k => NamespaceOf(k) == ns).Select(k => $"{t.Key}/{k}"))
                .ToList();
        }
    }

    /// <summary>Removes a terminating namespace whose contents are gone (the namespace controller's last step).</summary>
    internal bool FinalizeNamespace(string ns)
    {
        lock (_lock)
        {
            var type = NamespaceKind;
            if (Find(type, null, ns) is not { } stored || !DemoKubeJson.IsDeleting(stored.Object))
                return false;
            if (NamespacedObjectKeys(ns).Count > 0)
                return false;
            Objects(type).Remove(Key(type, null, ns));
            _revision++;
            Published(type, null, "DELETED", Gone(stored.Object));
            return true;
        }
    }

    /// <summary>Deletes every object in a namespace (each honouring its finalizers).</summary>
    internal void DeleteNamespaceContents(string ns)
    {
        lock (_lock)
        {
            foreach (var (typeKey, objects) in _objects.ToList())
            {
                if (KindByKey(typeKey) is not { Namespaced: true } type)
                    continue;
                foreach (var key in objects.Keys.Where(k => NamespaceOf(k) == ns).ToList())
                    DeleteCore(type, ns, NameOf(key));
            }
        }
    }

    // ---- Internals shared by HTTP and direct access -----------------------------------------------------------

    private bool Update(JsonObject resource, Action<JsonObject> mutate)
    {
        var (type, ns, name, uid) = Identify(resource);
        lock (_lock)
        {
            if (Find(type, ns, name) is not { } stored || (uid is not null && Uid(stored.Object) != uid))
                return false;
            var next = (JsonObject)stored.Object.DeepClone();
            mutate(next);
            Commit(type, ns, name, stored, next, ControllerManager, "Update");
            return true;
        }
    }

    private (DemoResourceKind Type, string? Namespace, string Name, string? Uid) Identify(JsonObject resource)
    {
        var type = RequireKind(DemoKubeJson.Text(resource["apiVersion"]) ?? string.Empty, DemoKubeJson.Text(resource["kind"]) ?? string.Empty);
        var metadata = resource["metadata"] as JsonObject ?? throw new ArgumentException("The object has no metadata.", nameof(resource));
        var name = DemoKubeJson.Text(metadata["name"]) ?? throw new ArgumentException("The object has no name.", nameof(resource));
        var ns = type.Namespaced ? DemoKubeJson.Text(metadata["namespace"]) ?? "default" : null;
        return (type, ns, name, DemoKubeJson.Text(metadata["uid"]));
    }

    private DemoResourceKind RequireKind(string apiVersion, string kind) =>
        FindKind(apiVersion, kind) ?? throw new ArgumentException($"The demo cluster {Name} does not serve {apiVersion} {kind}.");

    private static JsonObject Unwrap(DemoApiResponse response)
    {
        if (response.Status is >= 200 and < 300)
            return (JsonObject)response.Body;
        var body = response.Body as JsonObject;
        throw new DemoKubeException(response.Status, DemoKubeJson.Text(body?["reason"]) ?? "Unknown", DemoKubeJson.Text(body?["message"]) ?? "refused");
    }

    private static DemoResourceKind NamespaceKind { get; } = DemoResourceKind.BuiltIn.First(k => k.Kind == "Namespace");

    private DemoResourceKind? KindByKey(string key) =>
        _crdKinds.GetValueOrDefault(key) ?? _api.Kinds.FirstOrDefault(k => k.Key == key);

    internal DemoResourceKind? FindType(string group, string version, string plural)
    {
        var key = $"{group}/{version}/{plural}";
        lock (_lock)
            return KindByKey(key);
    }

    private SortedDictionary<string, Stored> Objects(DemoResourceKind type)
    {
        if (!_objects.TryGetValue(type.Key, out var objects))
        {
            objects = new SortedDictionary<string, Stored>(StringComparer.Ordinal);
            _objects[type.Key] = objects;
        }
        return objects;
    }

    private Stored? Find(DemoResourceKind type, string? ns, string name) =>
        _objects.TryGetValue(type.Key, out var objects) && objects.TryGetValue(Key(type, ns, name), out var stored) ? stored : null;

    private static string Key(DemoResourceKind type, string? ns, string name) => type.Namespaced ? $"{ns}/{name}" : $"/{name}";

    private static string NamespaceOf(string key) => key[..key.IndexOf('/', StringComparison.Ordinal)];

    private static string NameOf(string key) => key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static string? Uid(JsonObject resource) => DemoKubeJson.Text(resource["metadata"]?["uid"]);

    private string Now => KubeJson.FormatTime(_api.Clock.GetUtcNow());

    /// <summary>Stores a changed object: bumps resourceVersion (and generation when more than metadata/status changed), removes it once deleted and unfinalized.</summary>
    private DemoApiResponse Commit(DemoResourceKind type, string? ns, string name, Stored stored, JsonObject next, string manager, string operation, int status = 200)
    {
        var before = stored.Object;
        if (JsonNode.DeepEquals(before, next))
            return new DemoApiResponse(status, before.DeepClone());
        var metadata = DemoKubeJson.Metadata(next);
        metadata["resourceVersion"] = (++_revision).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!JsonNode.DeepEquals(DemoKubeJson.SpecPart(before), DemoKubeJson.SpecPart(next)))
            metadata["generation"] = (DemoKubeJson.Number(metadata["generation"]) ?? 0) + 1;
        RecordManager(type, metadata, manager, operation);
        stored.Object = Ordered(next);

        if (DemoKubeJson.IsDeleting(next) && DemoKubeJson.Finalizers(next).Count == 0 && type.Key != NamespaceKind.Key)
        {
            Objects(type).Remove(Key(type, ns, name));
            Published(type, ns, "DELETED", stored.Object);
            if (IsCrd(type))
                UnregisterCrd(next);
        }
        else
        {
            if (IsCrd(type))
                RegisterCrd(stored);
            Published(type, ns, "MODIFIED", stored.Object);
        }
        return new DemoApiResponse(status, stored.Object.DeepClone());
    }

    private void RecordManager(DemoResourceKind type, JsonObject metadata, string manager, string operation)
    {
        if (metadata["managedFields"] is not JsonArray managed)
        {
            managed = [];
            metadata["managedFields"] = managed;
        }
        var entry = managed.OfType<JsonObject>().FirstOrDefault(e => DemoKubeJson.Text(e["manager"]) == manager && DemoKubeJson.Text(e["operation"]) == operation);
        if (entry is null)
        {
            entry = new JsonObject { ["manager"] = manager, ["operation"] = operation, ["apiVersion"] = type.ApiVersion };
            managed.Add(entry);
        }
        entry["time"] = Now;
        entry["fieldsType"] = "FieldsV1";
    }

    /// <summary>apiVersion, kind, metadata first and status last, as the API server writes objects.</summary>
    private static JsonObject Ordered(JsonObject resource)
    {
        var ordered = new JsonObject();
        foreach (var first in (ReadOnlySpan<string>)["apiVersion", "kind", "metadata"])
        {
            if (resource[first] is { } value)
                ordered[first] = value.DeepClone();
        }
        foreach (var (key, value) in resource)
        {
            if (key is "apiVersion" or "kind" or "metadata" or "status" || value is null)
                continue;
            ordered[key] = value.DeepClone();
        }
        if (resource["status"] is { } status)
            ordered["status"] = status.DeepClone();
        return ordered;
    }

    private void CreateNamespace(string name)
    {
        var type = NamespaceKind;
        var resource = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name },
        };
        Insert(type, null, name, resource, ControllerManager, "Update");
    }

    /// <summary>Stores a new object with its server-written metadata.</summary>
    private JsonObject Insert(DemoResourceKind type, string? ns, string name, JsonObject resource, string manager, string operation)
    {
        var metadata = DemoKubeJson.Metadata(resource);
        metadata["name"] = name;
        if (type.Namespaced)
            metadata["namespace"] = ns;
        else
            metadata.Remove("namespace");
        metadata["uid"] = Guid.NewGuid().ToString("D");
        metadata["resourceVersion"] = (++_revision).ToString(System.Globalization.CultureInfo.InvariantCulture);
        metadata["generation"] = 1;
        metadata["creationTimestamp"] = Now;
        RecordManager(type, metadata, manager, operation);

        if (type.Key == NamespaceKind.Key)
        {
            if (metadata["labels"] is not JsonObject labels)
            {
                labels = [];
                metadata["labels"] = labels;
            }
            labels["kubernetes.io/metadata.name"] = name;
            resource["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
            resource["status"] = new JsonObject { ["phase"] = "Active" };
        }
        var stored = new Stored(Ordered(resource));
        Objects(type)[Key(type, ns, name)] = stored;
        if (IsCrd(type))
            RegisterCrd(stored);
        Published(type, ns, "ADDED", stored.Object);
        return stored.Object;
    }

    // ---- CRDs ------------------------------------------------------------------------------------------------

    private static bool IsCrd(DemoResourceKind type) => type.Group == "apiextensions.k8s.io" && type.Kind == "CustomResourceDefinition";

    /// <summary>A CRD adds its served versions as types of this cluster and reports itself Established.</summary>
    private void RegisterCrd(Stored stored)
    {
        var crd = stored.Object;
        var spec = crd["spec"] as JsonObject;
        var group = DemoKubeJson.Text(spec?["group"]);
        var names = spec?["names"] as JsonObject;
        var kind = DemoKubeJson.Text(names?["kind"]);
        var plural = DemoKubeJson.Text(names?["plural"]);
        if (group is null || kind is null || plural is null || spec?["versions"] is not JsonArray versions)
            return;
        var namespaced = !string.Equals(DemoKubeJson.Text(spec["scope"]), "Cluster", StringComparison.Ordinal);
        foreach (var version in versions.OfType<JsonObject>())
        {
            if (DemoKubeJson.Text(version["name"]) is not { } versionName || version["served"] is JsonValue served && served.TryGetValue<bool>(out var isServed) && !isServed)
                continue;
            var hasStatus = version["subresources"]?["status"] is not null;
            var registered = new DemoResourceKind(group, versionName, kind, plural, namespaced)
            {
                Singular = DemoKubeJson.Text(names!["singular"]) ?? kind.ToLowerInvariant(),
                ShortNames = names["shortNames"] is JsonArray shortNames ? shortNames.Select(DemoKubeJson.Text).OfType<string>().ToArray() : [],
                HasStatus = hasStatus,
            };
            // A CRD for a type the API already knows (the CloudNativePG operator's own CRD) keeps the built-in definition.
            if (_api.Kinds.Any(k => k.Key == registered.Key))
                continue;
            _crdKinds[registered.Key] = registered;
        }
        var status = new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts", ["message"] = "no conflicts found", ["lastTransitionTime"] = Now },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = Now }),
            ["acceptedNames"] = names!.DeepClone(),
            ["storedVersions"] = new JsonArray(versions.OfType<JsonObject>().Select(v => (JsonNode?)JsonValue.Create(DemoKubeJson.Text(v["name"]))).Take(1).ToArray()),
        };
        if (crd["status"] is JsonObject existing && existing["conditions"] is not null)
            return;
        crd["status"] = status;
    }

    private void UnregisterCrd(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        var group = DemoKubeJson.Text(spec?["group"]);
        var plural = DemoKubeJson.Text(spec?["names"]?["plural"]);
        foreach (var key in _crdKinds.Keys.Where(k => k.StartsWith($"{group}/", StringComparison.Ordinal) && k.EndsWith($"/{plural}", StringComparison.Ordinal)).ToList())
        {
            _crdKinds.Remove(key);
            _objects.Remove(key);
        }
    }

    // ---- Name rules ------------------------------------------------------------------------------------------

    private static string? NameProblem(DemoResourceKind type, string name)
    {
        var label = type.Key == NamespaceKind.Key || (type.Group.Length == 0 && type.Kind == "Service");
        if (label)
        {
            if (name.Length > 63)
                return "must be no more than 63 characters";
            if (!DnsLabel().IsMatch(name))
            {
                return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric " +
                       "character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
            }
            return null;
        }
        if (name.Length > 253)
            return "must be no more than 253 characters";
        if (!DnsSubdomain().IsMatch(name))
        {
            return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an " +
                   "alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        }
        return null;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    private static string EncodeContinue(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeContinue(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
