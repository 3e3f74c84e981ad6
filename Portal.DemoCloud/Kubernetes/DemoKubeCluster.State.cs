using System.Globalization;
using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>One saved object: its type key, its store key, the object as stored and what each field manager last applied.</summary>
internal sealed record DemoSavedObject(string Type, string Key, JsonObject Object, IReadOnlyDictionary<string, JsonObject> Applied);

/// <summary>One saved cluster: its host, name, resourceVersion counter and objects.</summary>
internal sealed record DemoSavedCluster(string Host, string Name, long Revision, IReadOnlyList<DemoSavedObject> Objects);

/// <summary>
/// Saving and restoring a cluster's objects exactly as stored — uids, resourceVersions, generations, finalizers,
/// deletion timestamps, managed fields, server-side apply ownership — so that after a restart of the portal the
/// cluster answers as if it had never stopped. Secrets (the object and what was applied to it) are saved only through
/// the caller's protector: credentials and passwords never reach the file in plain text.
/// </summary>
public sealed partial class DemoKubeCluster
{
    private static readonly string SecretTypeKey = DemoResourceKind.BuiltIn.First(k => k.Group.Length == 0 && k.Kind == "Secret").Key;

    /// <summary>This cluster as a JSON document for the demo's saved state.</summary>
    internal JsonObject CaptureState(Func<string, string> protect)
    {
        List<(string Type, string Key, JsonObject Body)> entries = [];
        long revision;
        lock (_lock)
        {
            revision = _revision;
            foreach (var (type, objects) in _objects)
            {
                foreach (var (key, stored) in objects)
                {
                    var applied = new JsonObject();
                    foreach (var (manager, configuration) in stored.Applied)
                        applied[manager] = configuration.DeepClone();
                    entries.Add((type, key, new JsonObject { ["object"] = stored.Object.DeepClone(), ["applied"] = applied }));
                }
            }
        }
        // Protected outside the lock: the first use of the key ring may read the database.
        var saved = new JsonArray();
        foreach (var (type, key, body) in entries)
        {
            var entry = new JsonObject { ["type"] = type, ["key"] = key };
            if (type == SecretTypeKey)
            {
                entry["protected"] = protect(body.ToJsonString());
            }
            else
            {
                entry["object"] = body["object"]!.DeepClone();
                entry["applied"] = body["applied"]!.DeepClone();
            }
            saved.Add(entry);
        }
        return new JsonObject { ["host"] = Host, ["name"] = Name, ["revision"] = revision, ["objects"] = saved };
    }

    /// <summary>Reads one saved cluster; throws <see cref="InvalidDataException"/> when the document is not one.</summary>
    internal static DemoSavedCluster ParseState(JsonNode? node, Func<string, string> unprotect)
    {
        if (node is not JsonObject cluster)
            throw new InvalidDataException("a saved cluster is not a JSON object");
        var host = Required(cluster, "host");
        var name = Required(cluster, "name");
        var revision = DemoKubeJson.Number(cluster["revision"]) ?? throw new InvalidDataException($"cluster {host} has no revision");
        if (cluster["objects"] is not JsonArray entries)
            throw new InvalidDataException($"cluster {host} has no objects");
        var objects = new List<DemoSavedObject>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry is not JsonObject item)
                throw new InvalidDataException($"an object of cluster {host} is not a JSON object");
            var type = Required(item, "type");
            var key = Required(item, "key");
            var body = item["protected"] is { } sealedBody
                ? JsonNode.Parse(unprotect(DemoKubeJson.Text(sealedBody) ?? throw new InvalidDataException($"{type} {key} has an empty protected body"))) as JsonObject
                : item;
            if (body?["object"] is not JsonObject resource)
                throw new InvalidDataException($"{type} {key} of cluster {host} has no object");
            var applied = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            if (body["applied"] is JsonObject managers)
            {
                foreach (var (manager, configuration) in managers)
                {
                    if (configuration is JsonObject configurationObject)
                        applied[manager] = (JsonObject)configurationObject.DeepClone();
                }
            }
            objects.Add(new DemoSavedObject(type, key, (JsonObject)resource.DeepClone(), applied));
        }
        return new DemoSavedCluster(host, name, revision, objects);
    }

    /// <summary>Replaces everything this cluster holds with a saved state (its CRDs serve their types again).</summary>
    internal void RestoreState(DemoSavedCluster saved)
    {
        lock (_lock)
        {
            _objects.Clear();
            _crdKinds.Clear();
            var revision = saved.Revision;
            List<Stored> crds = [];
            foreach (var item in saved.Objects)
            {
                var stored = new Stored(item.Object);
                foreach (var (manager, configuration) in item.Applied)
                    stored.Applied[manager] = configuration;
                if (!_objects.TryGetValue(item.Type, out var objects))
                {
                    objects = new SortedDictionary<string, Stored>(StringComparer.Ordinal);
                    _objects[item.Type] = objects;
                }
                objects[item.Key] = stored;
                // The counter never goes back below an object's resourceVersion, even if the file says otherwise.
                if (long.TryParse(DemoKubeJson.Text(item.Object["metadata"]?["resourceVersion"]), NumberStyles.None, CultureInfo.InvariantCulture, out var objectRevision))
                    revision = Math.Max(revision, objectRevision);
                if (KindByKey(item.Type) is { } kind && IsCrd(kind))
                    crds.Add(stored);
            }
            foreach (var crd in crds)
                RegisterCrd(crd);
            _revision = revision;
        }
    }

    private static string Required(JsonObject node, string field) =>
        DemoKubeJson.Text(node[field]) is { Length: > 0 } text ? text : throw new InvalidDataException($"'{field}' is missing");
}
