using System.Text.Json.Nodes;

namespace Portal.Jobs.Kubernetes;

/// <summary>
/// Typed calls against one Kubernetes API server, for any resource type by apiVersion and kind. Failures come back
/// as a <see cref="RemoteError"/>, never as an exception; only cancellation through the caller's token throws
/// (<see cref="OperationCanceledException"/>). A null namespace means the connection's namespace for namespaced
/// types (and is ignored for cluster-scoped ones); <see cref="ListAsync"/> reads null as "all namespaces".
/// </summary>
public interface IKubernetesClient
{
    /// <summary>The connection this client talks to (its ToString hides secrets).</summary>
    KubeConnection Connection { get; }

    /// <summary>The server's version (<c>GET /version</c>): the connectivity and credential check.</summary>
    Task<RemoteResult<KubeVersionInfo>> VersionAsync(CancellationToken ct = default);

    /// <summary>One object; <see cref="RemoteErrorKind.NotFound"/> when it does not exist.</summary>
    Task<RemoteResult<JsonObject>> GetAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default);

    /// <summary>
    /// Every object of a type in a namespace (null: all namespaces), optionally filtered by a label selector
    /// (<c>app=db,tier!=cache</c>), following <c>continue</c> tokens. Items always carry apiVersion and kind.
    /// </summary>
    Task<RemoteResult<IReadOnlyList<JsonObject>>> ListAsync(string apiVersion, string kind, string? ns = null, string? labelSelector = null, CancellationToken ct = default);

    /// <summary>
    /// Server-side apply of a full manifest (apiVersion, kind, metadata.name; metadata.namespace optional): creates the
    /// object or updates the fields given, as field manager <see cref="KubernetesClientOptions.FieldManager"/>, taking
    /// over conflicting fields (force). Idempotent. Returns the object as the server stored it.
    /// </summary>
    Task<RemoteResult<JsonObject>> ApplyAsync(JsonObject manifest, CancellationToken ct = default);

    /// <summary>
    /// Server-side apply of an object's <c>.status</c> through its status subresource (as <c>kubectl cnpg promote</c> sets
    /// a CloudNativePG cluster's <c>status.targetPrimary</c>); the manifest's spec is ignored. Idempotent.
    /// </summary>
    Task<RemoteResult<JsonObject>> ApplyStatusAsync(JsonObject manifest, CancellationToken ct = default);

    /// <summary>Deletes an object; one that is already gone counts as success (<see cref="KubeDeleteOutcome.AlreadyGone"/>).</summary>
    Task<RemoteResult<KubeDeleteOutcome>> DeleteAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default);

    /// <summary>An object's <c>.status</c> with its conditions parsed.</summary>
    Task<RemoteResult<KubeResourceStatus>> GetStatusAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default);

    /// <summary>
    /// Changes to objects of a type in a namespace (null: all namespaces), as they happen, until the server ends the watch
    /// (after <see cref="KubernetesClientOptions.WatchTimeout"/>), the caller cancels, or it fails. Starts after
    /// <paramref name="resourceVersion"/> (from a list or an earlier event), or with an Added event per existing object
    /// when null. A failure is the last event, of type <see cref="KubeWatchEventType.Error"/>; an expired resourceVersion
    /// is one with <see cref="RemoteErrorKind.Conflict"/> and status 410: list again, then watch from the list's version.
    /// </summary>
    IAsyncEnumerable<KubeWatchEvent> WatchAsync(string apiVersion, string kind, string? ns = null, string? labelSelector = null,
        string? resourceVersion = null, CancellationToken ct = default);

    /// <summary>How the server names a type (plural, scope), from discovery (cached).</summary>
    Task<RemoteResult<KubeResourceType>> ResolveTypeAsync(string apiVersion, string kind, CancellationToken ct = default);
}

/// <summary>Creates clients; servers an <see cref="IInProcessKubernetesServers"/> answers (the demo) are served in-process.</summary>
public interface IKubernetesClientFactory
{
    IKubernetesClient Create(KubeConnection connection);

    /// <summary>A client for the kubeconfig's current context.</summary>
    IKubernetesClient Create(Kubeconfig kubeconfig);

    /// <summary>Parses a kubeconfig and creates a client for its current context; a bad kubeconfig is the error.</summary>
    RemoteResult<IKubernetesClient> Create(string kubeconfigYaml);
}

/// <summary>Conveniences over <see cref="IKubernetesClient"/> taking an object reference or manifest.</summary>
public static class KubernetesClientExtensions
{
    public static Task<RemoteResult<JsonObject>> GetAsync(this IKubernetesClient client, KubeObjectRef target, CancellationToken ct = default) =>
        client.GetAsync(target.ApiVersion, target.Kind, target.Namespace, target.Name, ct);

    public static Task<RemoteResult<KubeDeleteOutcome>> DeleteAsync(this IKubernetesClient client, KubeObjectRef target, CancellationToken ct = default) =>
        client.DeleteAsync(target.ApiVersion, target.Kind, target.Namespace, target.Name, ct);

    public static Task<RemoteResult<KubeResourceStatus>> GetStatusAsync(this IKubernetesClient client, KubeObjectRef target, CancellationToken ct = default) =>
        client.GetStatusAsync(target.ApiVersion, target.Kind, target.Namespace, target.Name, ct);
}
