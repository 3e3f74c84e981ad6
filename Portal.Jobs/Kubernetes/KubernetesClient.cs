using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Portal.Jobs.Http;

namespace Portal.Jobs.Kubernetes;

/// <summary>
/// Kubernetes client for one connection over the <c>KubernetesClient</c> library: get, list, server-side apply, delete,
/// watch and status reads of any resource type by apiVersion and kind, through the library's custom-object calls (group
/// "" reaches the core <c>/api/v1</c> paths) with discovery to learn plural names and scope. Thread-safe. The library
/// only ever sees a connection the kubeconfig policy accepted; its exceptions are turned into <see cref="RemoteError"/>s
/// here and never leave this class, because they carry the request with its bearer token and body.
/// </summary>
public sealed partial class KubernetesClient : IKubernetesClient
{
    private readonly IKubernetes? _api;
    private readonly Func<IKubernetes>? _watchApi;
    private readonly KubeConnection _connection;
    private readonly KubernetesClientOptions _options;
    private readonly ILogger _log;
    private readonly TlsTrust? _tls;
    private readonly KubeDiscoveryCache _discovery;
    private readonly RemoteError? _configurationError;
    private readonly string _serverKey;
    private readonly string[] _secrets;

    /// <summary>A client over a library instance the factory owns (null when the connection is invalid: nothing is sent).</summary>
    internal KubernetesClient(
        IKubernetes? api,
        Func<IKubernetes>? watchApi,
        KubeConnection connection,
        KubernetesClientOptions options,
        ILogger log,
        TlsTrust? tls,
        KubeDiscoveryCache discovery)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _options = options;
        _log = log;
        _tls = tls;
        _discovery = discovery;
        _secrets = connection.Credential?.Token is { Length: > 0 } token ? [token] : [];
        _configurationError = connection.Validate() ?? (api is null
            ? new RemoteError(RemoteErrorKind.InvalidConfiguration, "The connection could not be set up.")
            : null);
        _api = api;
        _watchApi = watchApi;
        _serverKey = ServerKey(connection);
    }

    internal static string ServerKey(KubeConnection connection) =>
        connection.Server.IsAbsoluteUri ? connection.Server.GetLeftPart(UriPartial.Path).TrimEnd('/') : connection.Server.OriginalString;

    public KubeConnection Connection => _connection;

    public async Task<RemoteResult<KubeVersionInfo>> VersionAsync(CancellationToken ct = default)
    {
        if (_configurationError is not null)
            return _configurationError;
        var call = new Call("read the server version");
        var response = await InvokeAsync(call, "/version", c => _api!.Version.GetCodeAsync(c), ct).ConfigureAwait(false);
        if (!response.Succeeded)
            return response.Cast<KubeVersionInfo>();
        var body = response.Value;
        if (body.GitVersion is not { Length: > 0 } gitVersion)
            return Malformed(call, "/version", "its answer has no gitVersion");
        return new KubeVersionInfo(body.Major ?? string.Empty, body.Minor ?? string.Empty, gitVersion, body.Platform);
    }

    public async Task<RemoteResult<JsonObject>> GetAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default)
    {
        if (Check(apiVersion, kind, name) is { } invalid)
            return invalid;
        var type = await ResolveTypeCoreAsync(apiVersion, kind, ct).ConfigureAwait(false);
        if (!type.Succeeded)
            return type.Error;
        var target = Describe(type.Value, ns, name);
        var call = new Call($"read {target}") { Type = type.Value, Target = target };
        var (t, scope) = (type.Value, Namespace(type.Value, ns));
        return await InvokeAsync(call, t.ObjectPath(scope, name), c => scope is null
            ? _api!.CustomObjects.GetClusterCustomObjectAsync<JsonObject>(t.Group, t.Version, t.Plural, name, c)
            : _api!.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(t.Group, t.Version, scope, t.Plural, name, c), ct).ConfigureAwait(false);
    }

    public async Task<RemoteResult<IReadOnlyList<JsonObject>>> ListAsync(
        string apiVersion, string kind, string? ns = null, string? labelSelector = null, CancellationToken ct = default)
    {
        if (Check(apiVersion, kind, name: null) is { } invalid)
            return invalid;
        var type = await ResolveTypeCoreAsync(apiVersion, kind, ct).ConfigureAwait(false);
        if (!type.Succeeded)
            return type.Error;
        var where = type.Value.Namespaced ? ns is null ? " in all namespaces" : $" in namespace \"{ns}\"" : string.Empty;
        var selected = string.IsNullOrWhiteSpace(labelSelector) ? string.Empty : $" with labels {labelSelector}";
        var call = new Call($"list {type.Value}{where}{selected}") { Type = type.Value };
        var path = type.Value.CollectionPath(type.Value.Namespaced ? ns : null);
        var (itemApiVersion, itemKind) = (type.Value.ApiVersion, type.Value.Kind);

        var items = new List<JsonObject>();
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        string? continueToken = null;
        var restarted = false;
        for (var page = 0; ; page++)
        {
            if (page >= _options.MaxPages)
                return Malformed(call, path, $"the list did not end after {page} pages");
            var token = continueToken;
            var selector = string.IsNullOrWhiteSpace(labelSelector) ? null : labelSelector.Trim();
            var limit = Math.Max(1, _options.ListPageSize);
            var t = type.Value;
            var parsed = await InvokeAsync(call, path, c => !t.Namespaced
                    ? _api!.CustomObjects.ListClusterCustomObjectAsync<JsonObject>(t.Group, t.Version, t.Plural,
                        continueParameter: token, labelSelector: selector, limit: limit, cancellationToken: c)
                    : ns is null
                        ? _api!.CustomObjects.ListCustomObjectForAllNamespacesAsync<JsonObject>(t.Group, t.Version, t.Plural,
                            continueParameter: token, labelSelector: selector, limit: limit, cancellationToken: c)
                        : _api!.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(t.Group, t.Version, ns, t.Plural,
                            continueParameter: token, labelSelector: selector, limit: limit, cancellationToken: c), ct)
                .ConfigureAwait(false);
            if (!parsed.Succeeded && parsed.Error.StatusCode == 410 && continueToken is not null && !restarted)
            {
                // The continue token expired (etcd compacted): start over once, as kubectl does.
                restarted = true;
                items.Clear();
                tokens.Clear();
                continueToken = null;
                continue;
            }
            if (!parsed.Succeeded)
                return parsed.Error;
            if (parsed.Value["items"] is not JsonArray array)
            {
                if (parsed.Value["items"] is null && KubeJson.String(parsed.Value, "kind")?.EndsWith("List", StringComparison.Ordinal) == true)
                    array = [];
                else
                    return Malformed(call, path, "its answer has no items list");
            }
            foreach (var node in array)
            {
                if (node is not JsonObject item)
                    return Malformed(call, path, "an item of the list is not an object");
                var copy = (JsonObject)item.DeepClone();
                // Lists of built-in types omit each item's apiVersion and kind; callers get complete objects.
                if (copy["apiVersion"] is null)
                    copy.Insert(0, "apiVersion", itemApiVersion);
                if (copy["kind"] is null)
                    copy.Insert(1, "kind", itemKind);
                items.Add(copy);
            }
            var next = parsed.Value["metadata"] is JsonObject metadata ? KubeJson.String(metadata, "continue") : null;
            if (string.IsNullOrEmpty(next))
                break;
            if (!tokens.Add(next))
                return Malformed(call, path, "its continue tokens go in circles");
            continueToken = next;
        }
        return items;
    }

    public Task<RemoteResult<JsonObject>> ApplyAsync(JsonObject manifest, CancellationToken ct = default) => ApplyCoreAsync(manifest, status: false, ct);

    public Task<RemoteResult<JsonObject>> ApplyStatusAsync(JsonObject manifest, CancellationToken ct = default) => ApplyCoreAsync(manifest, status: true, ct);

    private async Task<RemoteResult<JsonObject>> ApplyCoreAsync(JsonObject manifest, bool status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (_configurationError is not null)
            return _configurationError;
        if (KubeObjectRef.From(manifest) is not { } target)
        {
            return new RemoteError(RemoteErrorKind.InvalidConfiguration,
                "The manifest to apply needs apiVersion, kind and metadata.name.");
        }
        if (Check(target.ApiVersion, target.Kind, target.Name) is { } invalid)
            return invalid;
        var type = await ResolveTypeCoreAsync(target.ApiVersion, target.Kind, ct).ConfigureAwait(false);
        if (!type.Succeeded)
            return type.Error;

        var body = (JsonObject)manifest.DeepClone();
        var metadata = (JsonObject)body["metadata"]!;
        string? ns = null;
        if (type.Value.Namespaced)
        {
            ns = target.Namespace ?? _connection.Namespace;
            metadata["namespace"] = ns;
        }
        else
        {
            // Cluster-scoped objects have no namespace; one left in the manifest would make the server refuse it.
            metadata.Remove("namespace");
        }
        // Server-managed fields would only cause conflicts (a stale resourceVersion) or be ignored.
        foreach (var field in (ReadOnlySpan<string>)["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp"])
            metadata.Remove(field);
        if (status)
        {
            // Only the status is applied through the status subresource: what the spec says is left alone.
            body.Remove("spec");
            if (body["status"] is not JsonObject)
                return new RemoteError(RemoteErrorKind.InvalidConfiguration, "The status to apply needs a status object.");
        }
        else
        {
            body.Remove("status");
        }

        var described = Describe(type.Value, ns, target.Name);
        var call = new Call($"apply {(status ? "the status of " : "")}{described}") { Type = type.Value, Target = described, IsApply = true };
        var path = type.Value.ObjectPath(ns, target.Name) + (status ? "/status" : "");
        var patch = new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch);
        var t = type.Value;
        if (status)
        {
            return await InvokeAsync(call, path, c => ns is null
                ? _api!.CustomObjects.PatchClusterCustomObjectStatusAsync<JsonObject>(patch, t.Group, t.Version, t.Plural, target.Name,
                    fieldManager: _options.FieldManager, force: true, cancellationToken: c)
                : _api!.CustomObjects.PatchNamespacedCustomObjectStatusAsync<JsonObject>(patch, t.Group, t.Version, ns, t.Plural, target.Name,
                    fieldManager: _options.FieldManager, force: true, cancellationToken: c), ct).ConfigureAwait(false);
        }
        return await InvokeAsync(call, path, c => ns is null
            ? _api!.CustomObjects.PatchClusterCustomObjectAsync<JsonObject>(patch, t.Group, t.Version, t.Plural, target.Name,
                fieldManager: _options.FieldManager, force: true, cancellationToken: c)
            : _api!.CustomObjects.PatchNamespacedCustomObjectAsync<JsonObject>(patch, t.Group, t.Version, ns, t.Plural, target.Name,
                fieldManager: _options.FieldManager, force: true, cancellationToken: c), ct).ConfigureAwait(false);
    }

    public async Task<RemoteResult<KubeDeleteOutcome>> DeleteAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default)
    {
        if (Check(apiVersion, kind, name) is { } invalid)
            return invalid;
        var type = await ResolveTypeCoreAsync(apiVersion, kind, ct).ConfigureAwait(false);
        if (!type.Succeeded)
            return type.IsNotFound ? KubeDeleteOutcome.AlreadyGone : type.Error;
        var target = Describe(type.Value, ns, name);
        var call = new Call($"delete {target}") { Type = type.Value, Target = target };
        var (t, scope) = (type.Value, Namespace(type.Value, ns));
        var answered = await InvokeAsync(call, t.ObjectPath(scope, name), c => scope is null
            ? _api!.CustomObjects.DeleteClusterCustomObjectAsync<JsonObject>(t.Group, t.Version, t.Plural, name,
                propagationPolicy: _options.DeletePropagation, cancellationToken: c)
            : _api!.CustomObjects.DeleteNamespacedCustomObjectAsync<JsonObject>(t.Group, t.Version, scope, t.Plural, name,
                propagationPolicy: _options.DeletePropagation, cancellationToken: c), ct).ConfigureAwait(false);
        if (!answered.Succeeded && answered.Error.StatusCode == 404)
            return KubeDeleteOutcome.AlreadyGone;
        // The answer is a Status (gone at once) or the object itself (marked, finalizers pending; or just deleted); an
        // empty or unreadable answer to a successful delete still means the object is gone.
        if (!answered.Succeeded && answered.Error.Kind != RemoteErrorKind.Malformed)
            return answered.Error;
        var answer = answered.Succeeded ? answered.Value : null;
        if (answer is null || KubeJson.String(answer, "kind") == "Status")
            return KubeDeleteOutcome.Deleted;
        // An object still carrying deletionTimestamp was not removed yet: finalizers (or a grace period, or namespace
        // termination) still run. An object deleted at once comes back as it was, without one.
        var pending = answer["metadata"] is JsonObject metadata && metadata["deletionTimestamp"] is not null;
        return pending ? KubeDeleteOutcome.DeletionPending : KubeDeleteOutcome.Deleted;
    }

    public async Task<RemoteResult<KubeResourceStatus>> GetStatusAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default)
    {
        var resource = await GetAsync(apiVersion, kind, ns, name, ct).ConfigureAwait(false);
        return resource.Succeeded ? KubeResourceStatus.From(resource.Value) : resource.Cast<KubeResourceStatus>();
    }

    public async Task<RemoteResult<KubeResourceType>> ResolveTypeAsync(string apiVersion, string kind, CancellationToken ct = default)
    {
        if (Check(apiVersion, kind, name: null) is { } invalid)
            return invalid;
        return await ResolveTypeCoreAsync(apiVersion, kind, ct).ConfigureAwait(false);
    }

    // ---- Discovery ---------------------------------------------------------------------------------------------

    private async Task<RemoteResult<KubeResourceType>> ResolveTypeCoreAsync(string apiVersion, string kind, CancellationToken ct)
    {
        var (group, version) = KubeJson.SplitApiVersion(apiVersion)!.Value;
        var groupVersion = group.Length == 0 ? version : $"{group}/{version}";
        if (_discovery.TryGet(_serverKey, groupVersion, out var cached) && cached.TryGetValue(kind, out var known))
            return known;

        // Not cached, expired, or the kind is missing (a CRD may have been installed since): ask the server.
        var call = new Call($"discover the resource types of {groupVersion}");
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        var answer = await InvokeAsync(call, path, c => _api!.CustomObjects.GetAPIResourcesAsync(group, version, c), ct).ConfigureAwait(false);
        if (!answer.Succeeded && (answer.Error.StatusCode is >= 400 and < 500 and not 401 and not 429 || answer.Error.Kind == RemoteErrorKind.Malformed))
        {
            // Discovery is unavailable for this group version (not served, hidden by RBAC, refused, or unreadable): fall
            // back to Kubernetes' own guess. Credentials (401) and throttling or server faults are reported as they are.
            LogDiscoveryFallback(_log, groupVersion, answer.Error.StatusCode ?? 200);
            _discovery.MarkGuessed(_serverKey, groupVersion);
            return Guess(group, version, kind);
        }
        if (!answer.Succeeded)
            return answer.Error;

        var types = new Dictionary<string, KubeResourceType>(StringComparer.Ordinal);
        foreach (var resource in answer.Value.Resources ?? [])
        {
            // Subresources (deployments/status, pods/log) share the kind; only the resource itself names the collection.
            if (resource?.Name is not { Length: > 0 } plural || plural.Contains('/'))
                continue;
            if (resource.Kind is not { Length: > 0 } resourceKind || types.ContainsKey(resourceKind))
                continue;
            types[resourceKind] = new KubeResourceType(group, version, resourceKind, plural, resource.Namespaced);
        }
        _discovery.Set(_serverKey, groupVersion, types);
        if (types.TryGetValue(kind, out var found))
            return found;
        var served = types.Keys.Order(StringComparer.Ordinal).Take(12).ToList();
        return new RemoteError(RemoteErrorKind.NotFound,
            $"The cluster at {Authority} serves {groupVersion} but no kind \"{kind}\" in it" +
            (served.Count == 0 ? "." : $" (it has {string.Join(", ", served)}{(types.Count > served.Count ? ", …" : string.Empty)}).") +
            " Check the manifest's apiVersion and kind, and that the right version of its CRD is installed.")
        { StatusCode = 404, Reason = "NotFound" };
    }

    /// <summary>Kubernetes' own fallback (meta.UnsafeGuessKindToResource): lowercase, then "s", "es" after s, "ies" for y.</summary>
    internal static KubeResourceType Guess(string group, string version, string kind)
    {
        var lower = kind.ToLowerInvariant();
        var plural = lower.EndsWith('s') ? lower + "es" : lower.EndsWith('y') ? lower[..^1] + "ies" : lower + "s";
        return new KubeResourceType(group, version, kind, plural, !ClusterScopedKinds.Contains(kind));
    }

    private static readonly HashSet<string> ClusterScopedKinds = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
        "PriorityClass", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "CSIDriver", "CSINode",
        "IngressClass", "RuntimeClass", "VolumeAttachment", "CertificateSigningRequest", "ComponentStatus",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "FlowSchema", "PriorityLevelConfiguration",
    };

    // ---- Helpers -----------------------------------------------------------------------------------------------

    private RemoteError? Check(string apiVersion, string kind, string? name)
    {
        if (_configurationError is not null)
            return _configurationError;
        if (KubeJson.SplitApiVersion(apiVersion) is null)
            return new RemoteError(RemoteErrorKind.InvalidConfiguration, $"\"{apiVersion}\" is not an apiVersion (expected v1 or group/version such as apps/v1).");
        if (string.IsNullOrWhiteSpace(kind) || !kind.All(char.IsAsciiLetterOrDigit))
            return new RemoteError(RemoteErrorKind.InvalidConfiguration, $"\"{kind}\" is not a kind (expected a name such as Deployment).");
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Contains('/') || name is "." or ".."))
            return new RemoteError(RemoteErrorKind.InvalidConfiguration, $"\"{name}\" is not an object name.");
        return null;
    }

    private string? Namespace(KubeResourceType type, string? ns) => type.Namespaced ? ns ?? _connection.Namespace : null;

    private string Describe(KubeResourceType type, string? ns, string name) =>
        type.Namespaced ? $"{type.Kind} \"{ns ?? _connection.Namespace}/{name}\"" : $"{type.Kind} \"{name}\"";

    private RemoteError Malformed(Call call, string path, string what) =>
        new(RemoteErrorKind.Malformed, $"The API server at {Authority} gave an answer Portal cannot use when asked to {call.What} ({PathOnly(path)}): {what}.");

    private string Authority => _connection.Server.IsAbsoluteUri ? _connection.Server.Authority : _connection.Server.OriginalString;

    private static string PathOnly(string pathAndQuery)
    {
        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? pathAndQuery : pathAndQuery[..question];
    }

    /// <summary>What a request was for, in words for messages.</summary>
    private sealed record Call(string What)
    {
        public KubeResourceType? Type { get; init; }
        public string? Target { get; init; }
        public bool IsApply { get; init; }
    }
}
