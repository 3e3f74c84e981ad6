using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// A simulated controller of the demo Kubernetes API. <see cref="Reconcile"/> runs on every tick for every demo
/// cluster; it reads objects through the context's cluster and moves them along (status, finalizers, child objects),
/// using the context's clock and timing markers so that each step takes its configured delay.
/// </summary>
public interface IDemoController
{
    void Reconcile(DemoControllerContext context);
}

/// <summary>A failure injected with <see cref="DemoKubernetesApi.FailNext"/>, as a controller shows it.</summary>
public sealed record DemoFailure(string Reason, string Message);

/// <summary>What a controller sees during one tick on one cluster.</summary>
public sealed class DemoControllerContext
{
    internal DemoControllerContext(DemoKubernetesApi api, DemoKubeCluster cluster, DateTimeOffset now)
    {
        Api = api;
        Cluster = cluster;
        Now = now;
    }

    public DemoKubernetesApi Api { get; }

    public DemoKubeCluster Cluster { get; }

    /// <summary>The tick's time (the API's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Now { get; }

    public DemoControllerDelays Delays => Api.Options.Delays;

    /// <summary>Copies of the objects of a served type; empty when this cluster does not serve it.</summary>
    public IReadOnlyList<JsonObject> List(string apiVersion, string kind) =>
        Cluster.FindKind(apiVersion, kind) is null ? [] : Cluster.List(apiVersion, kind);

    /// <summary>A copy of one object; null when it (or its type) does not exist.</summary>
    public JsonObject? Get(string? apiVersion, string? kind, string? ns, string? name) =>
        apiVersion is null || kind is null || name is null || Cluster.FindKind(apiVersion, kind) is null
            ? null
            : Cluster.Get(apiVersion, kind, ns, name);

    /// <summary>The failure this object must show now (takes a matching <see cref="DemoKubernetesApi.FailNext"/>); null when healthy.</summary>
    public DemoFailure? Failure(JsonObject resource) => Api.FailureFor(resource);

    /// <summary>How long ago this controller first saw <paramref name="marker"/> for the object (zero the first time).</summary>
    public TimeSpan Elapsed(JsonObject resource, string marker) => Now - Api.Since(Cluster, resource, marker, Now);

    /// <summary>Restarts the clock of <paramref name="marker"/> for the object.</summary>
    public void Restart(JsonObject resource, string marker) => Api.ResetMarker(Cluster, resource, marker, Now);
}

/// <summary>Helpers for writing status the way Kubernetes controllers do.</summary>
public static class DemoStatus
{
    /// <summary>
    /// Sets a condition, keeping its lastTransitionTime unless its status changes. True conditions in Cluster API style
    /// carry no reason or message: pass null for those.
    /// </summary>
    public static void SetCondition(JsonObject status, string type, bool value, string? reason, string? message, DateTimeOffset now, string? severity = null)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }
        var text = value ? "True" : "False";
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => DemoKubeJson.Text(c["type"]) == type);
        var transition = existing is not null && DemoKubeJson.Text(existing["status"]) == text
            ? DemoKubeJson.Text(existing["lastTransitionTime"]) ?? KubeJson.FormatTime(now)
            : KubeJson.FormatTime(now);
        var condition = new JsonObject { ["type"] = type, ["status"] = text };
        if (severity is not null && !value)
            condition["severity"] = severity;
        condition["lastTransitionTime"] = transition;
        if (reason is not null)
            condition["reason"] = reason;
        if (message is not null)
            condition["message"] = message;
        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            var index = conditions.IndexOf(existing);
            conditions[index] = condition;
        }
    }

    /// <summary>Sets a replica count the way Go's omitempty writes it: zero is left out.</summary>
    public static void SetCount(JsonObject status, string field, long value)
    {
        if (value == 0)
            status.Remove(field);
        else
            status[field] = value;
    }

    public static long Count(JsonObject? status, string field) => DemoKubeJson.Number(status?[field]) ?? 0;

    public static bool Flag(JsonObject? status, string field) =>
        status?[field] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    /// <summary>Whether the object's condition of that type is True.</summary>
    public static bool IsTrue(JsonObject? resource, string type) =>
        resource?["status"]?["conditions"] is JsonArray conditions
        && conditions.OfType<JsonObject>().Any(c => DemoKubeJson.Text(c["type"]) == type && DemoKubeJson.Text(c["status"]) == "True");

    /// <summary>A controller owner reference to <paramref name="owner"/>, so the garbage collector removes the child with it.</summary>
    public static JsonObject OwnerReference(JsonObject owner) => new()
    {
        ["apiVersion"] = DemoKubeJson.Text(owner["apiVersion"]),
        ["kind"] = DemoKubeJson.Text(owner["kind"]),
        ["name"] = DemoKubeJson.Text(owner["metadata"]?["name"]),
        ["uid"] = DemoKubeJson.Text(owner["metadata"]?["uid"]),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    public static string Name(JsonObject resource) => DemoKubeJson.Text(resource["metadata"]?["name"]) ?? string.Empty;

    public static string? Namespace(JsonObject resource) => DemoKubeJson.Text(resource["metadata"]?["namespace"]);

    public static long Generation(JsonObject resource) => DemoKubeJson.Number(resource["metadata"]?["generation"]) ?? 1;

    /// <summary>A short stable hash, for names like ReplicaSet suffixes.</summary>
    public static string Hash(string text, int length = 10) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..length];
}

/// <summary>Deletes objects whose owners (ownerReferences) are all gone, as the garbage collector does.</summary>
internal sealed class DemoGarbageCollector : IDemoController
{
    public void Reconcile(DemoControllerContext context)
    {
        var all = context.Cluster.All();
        var uids = all.Select(o => DemoKubeJson.Text(o["metadata"]?["uid"])).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var resource in all)
        {
            if (resource["metadata"]?["ownerReferences"] is not JsonArray { Count: > 0 } owners || DemoKubeJson.IsDeleting(resource))
                continue;
            if (owners.All(o => DemoKubeJson.Text(o?["uid"]) is not { } uid || !uids.Contains(uid)))
                context.Cluster.Delete(resource);
        }
    }
}

/// <summary>Terminates deleted namespaces: deletes their contents, then removes them.</summary>
internal sealed class DemoNamespaceController : IDemoController
{
    public void Reconcile(DemoControllerContext context)
    {
        foreach (var ns in context.List("v1", "Namespace"))
        {
            if (!DemoKubeJson.IsDeleting(ns))
                continue;
            var name = DemoStatus.Name(ns);
            context.Cluster.DeleteNamespaceContents(name);
            if (context.Elapsed(ns, "terminating") >= context.Delays.NamespaceTermination)
                context.Cluster.FinalizeNamespace(name);
        }
    }
}
