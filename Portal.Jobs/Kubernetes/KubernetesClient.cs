using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

using Portal.Jobs.Http;

namespace Portal.Jobs.Kubernetes;

/// <summary>
/// Plain-REST Kubernetes client for one connection: get, list, server-side apply, delete and status reads of any
/// resource type by apiVersion and kind, using the standard paths (<c>/api/v1/…</c> for core, <c>/apis/{group}/{version}/…</c>
/// for groups) and discovery to learn plural names and scope. Thread-safe. Tokens and keys never appear in a
/// result, an exception or a log line.
/// </summary>
public sealed partial class KubernetesClient : IKubernetesClient
{
    private const string ApplyMediaType = "application/apply-patch+yaml";

    private readonly HttpClient _http;
    private readonly KubeConnection _connection;
    private readonly TimeProvider _clock;
    private readonly KubernetesClientOptions _options;
    private readonly ILogger _log;
    private readonly TlsTrust? _tls;
    private readonly KubeDiscoveryCache _discovery;
    private readonly KubeError? _configurationError;
    private readonly string _baseUrl;
    private readonly string _serverKey;
    private readonly string[] _secrets;

    /// <summary>
    /// A client over <paramref name="http"/> (which the client does not dispose). Prefer <see cref="KubernetesClientFactory"/>,
    /// which also sets up TLS (CA data, client certificates) and serves the demo Kubernetes API in-process.
    /// </summary>
    public KubernetesClient(HttpClient http, KubeConnection connection, TimeProvider clock, KubernetesClientOptions options, ILogger<KubernetesClient> log)
        : this(http, connection, clock, options, log, tls: null, discovery: new KubeDiscoveryCache(clock, options.DiscoveryCacheLifetime))
    {
    }

    internal KubernetesClient(
        HttpClient http,
        KubeConnection connection,
        TimeProvider clock,
        KubernetesClientOptions options,
        ILogger log,
        TlsTrust? tls,
        KubeDiscoveryCache discovery)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(connection);
        _http = http;
        _connection = connection;
        _clock = clock;
        _options = options;
        _log = log;
        _tls = tls;
        _discovery = discovery;
        _secrets = connection.Credential?.Token is { Length: > 0 } token ? [token] : [];
        _configurationError = connection.Validate();
        _baseUrl = connection.Server.IsAbsoluteUri ? connection.Server.GetLeftPart(UriPartial.Path).TrimEnd('/') : string.Empty;
        _serverKey = _baseUrl;
    }

    public KubeConnection Connection => _connection;

    public async Task<KubeResult<KubeVersionInfo>> VersionAsync(CancellationToken ct = default)
    {
        if (_configurationError is not null)
            return _configurationError;
        var call = new Call("read the server version");
        var response = await GetObjectAsync(call, "/version", ct).ConfigureAwait(false);
        if (!response.Succeeded)
            return response.Cast<KubeVersionInfo>();
        var body = response.Value;
        if (KubeJson.String(body, "gitVersion") is not { Length: > 0 } gitVersion)
            return Malformed(call, "/version", "its answer has no gitVersion");
        return new KubeVersionInfo(KubeJson.String(body, "major") ?? string.Empty, KubeJson.String(body, "minor") ?? string.Empty,
            gitVersion, KubeJson.String(body, "platform"));
    }

    public async Task<KubeResult<JsonObject>> GetAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default)
    {
        if (Check(apiVersion, kind, name) is { } invalid)
            return invalid;
        var type = await ResolveTypeCoreAsync(apiVersion, kind, ct).ConfigureAwait(false);
        if (!type.Succeeded)
            return type.Error;
        var target = Describe(type.Value, ns, name);
        var call = new Call($"read {target}") { Type = type.Value, Target = target };
        return await GetObjectAsync(call, type.Value.ObjectPath(Namespace(type.Value, ns), name), ct).ConfigureAwait(false);
    }

    public async Task<KubeResult<IReadOnlyList<JsonObject>>> ListAsync(
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
            var query = new StringBuilder($"?limit={Math.Max(1, _options.ListPageSize)}");
            if (!string.IsNullOrWhiteSpace(labelSelector))
                query.Append("&labelSelector=").Append(Uri.EscapeDataString(labelSelector.Trim()));
            if (continueToken is not null)
                query.Append("&continue=").Append(Uri.EscapeDataString(continueToken));

            var raw = await SendAsync(HttpMethod.Get, path + query, body: null, contentType: null, call, ct).ConfigureAwait(false);
            if (!raw.Succeeded)
                return raw.Error;
            if (raw.Value.Status == 410 && continueToken is not null && !restarted)
            {
                // The continue token expired (etcd compacted): start over once, as kubectl does.
                restarted = true;
                items.Clear();
                tokens.Clear();
                continueToken = null;
                continue;
            }
            if (!raw.Value.IsSuccess)
                return MapStatus(call, path, raw.Value);
            var parsed = ParseObject(call, path, raw.Value);
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

    public async Task<KubeResult<JsonObject>> ApplyAsync(JsonObject manifest, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (_configurationError is not null)
            return _configurationError;
        if (KubeObjectRef.From(manifest) is not { } target)
        {
            return new KubeError(KubeErrorKind.InvalidConfiguration,
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
        body.Remove("status");

        var described = Describe(type.Value, ns, target.Name);
        var call = new Call($"apply {described}") { Type = type.Value, Target = described, IsApply = true };
        var path = type.Value.ObjectPath(ns, target.Name) +
                   $"?fieldManager={Uri.EscapeDataString(_options.FieldManager)}&force=true";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        var raw = await SendAsync(HttpMethod.Patch, path, bytes, ApplyMediaType, call, ct).ConfigureAwait(false);
        if (!raw.Succeeded)
            return raw.Error;
        if (!raw.Value.IsSuccess)
            return MapStatus(call, path, raw.Value);
        return ParseObject(call, path, raw.Value);
    }

    public async Task<KubeResult<KubeDeleteOutcome>> DeleteAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default)
    {
        if (Check(apiVersion, kind, name) is { } invalid)
            return invalid;
        var type = await ResolveTypeCoreAsync(apiVersion, kind, ct).ConfigureAwait(false);
        if (!type.Succeeded)
            return type.IsNotFound ? KubeDeleteOutcome.AlreadyGone : type.Error;
        var target = Describe(type.Value, ns, name);
        var call = new Call($"delete {target}") { Type = type.Value, Target = target };
        var path = type.Value.ObjectPath(Namespace(type.Value, ns), name) + $"?propagationPolicy={Uri.EscapeDataString(_options.DeletePropagation)}";
        var raw = await SendAsync(HttpMethod.Delete, path, body: null, contentType: null, call, ct).ConfigureAwait(false);
        if (!raw.Succeeded)
            return raw.Error;
        if (raw.Value.Status == 404)
            return KubeDeleteOutcome.AlreadyGone;
        if (!raw.Value.IsSuccess)
            return MapStatus(call, path, raw.Value);

        // The answer is a Status (gone at once) or the object itself (marked, finalizers pending; or just deleted).
        JsonObject? answer = null;
        try
        {
            answer = raw.Value.Body.Length == 0 ? null : JsonNode.Parse(raw.Value.Body) as JsonObject;
        }
        catch (JsonException)
        {
        }
        if (answer is null || KubeJson.String(answer, "kind") == "Status")
            return KubeDeleteOutcome.Deleted;
        // An object still carrying deletionTimestamp was not removed yet: finalizers (or a grace period, or namespace
        // termination) still run. An object deleted at once comes back as it was, without one.
        var pending = answer["metadata"] is JsonObject metadata && metadata["deletionTimestamp"] is not null;
        return pending ? KubeDeleteOutcome.DeletionPending : KubeDeleteOutcome.Deleted;
    }

    public async Task<KubeResult<KubeResourceStatus>> GetStatusAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct = default)
    {
        var resource = await GetAsync(apiVersion, kind, ns, name, ct).ConfigureAwait(false);
        return resource.Succeeded ? KubeResourceStatus.From(resource.Value) : resource.Cast<KubeResourceStatus>();
    }

    public async Task<KubeResult<KubeResourceType>> ResolveTypeAsync(string apiVersion, string kind, CancellationToken ct = default)
    {
        if (Check(apiVersion, kind, name: null) is { } invalid)
            return invalid;
        return await ResolveTypeCoreAsync(apiVersion, kind, ct).ConfigureAwait(false);
    }

    // ---- Discovery ---------------------------------------------------------------------------------------------

    private async Task<KubeResult<KubeResourceType>> ResolveTypeCoreAsync(string apiVersion, string kind, CancellationToken ct)
    {
        var (group, version) = KubeJson.SplitApiVersion(apiVersion)!.Value;
        var groupVersion = group.Length == 0 ? version : $"{group}/{version}";
        if (_discovery.TryGet(_serverKey, groupVersion, out var cached) && cached.TryGetValue(kind, out var known))
            return known;

        // Not cached, expired, or the kind is missing (a CRD may have been installed since): ask the server.
        var call = new Call($"discover the resource types of {groupVersion}");
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        var raw = await SendAsync(HttpMethod.Get, path, body: null, contentType: null, call, ct).ConfigureAwait(false);
        if (!raw.Succeeded)
            return raw.Error;
        if (raw.Value.Status is >= 400 and < 500 and not 401 and not 429)
        {
            // Discovery is unavailable for this group version (not served, hidden by RBAC, or refused): fall back to
            // Kubernetes' own guess. Credentials (401) and throttling or server faults are reported as they are.
            LogDiscoveryFallback(_log, groupVersion, raw.Value.Status);
            _discovery.MarkGuessed(_serverKey, groupVersion);
            return Guess(group, version, kind);
        }
        if (!raw.Value.IsSuccess)
            return MapStatus(call, path, raw.Value);
        var parsed = ParseObject(call, path, raw.Value);
        if (!parsed.Succeeded)
        {
            LogDiscoveryFallback(_log, groupVersion, raw.Value.Status);
            _discovery.MarkGuessed(_serverKey, groupVersion);
            return Guess(group, version, kind);
        }

        var types = new Dictionary<string, KubeResourceType>(StringComparer.Ordinal);
        if (parsed.Value["resources"] is JsonArray resources)
        {
            foreach (var node in resources)
            {
                // Subresources (deployments/status, pods/log) share the kind; only the resource itself names the collection.
                if (node is not JsonObject resource || KubeJson.String(resource, "name") is not { Length: > 0 } plural || plural.Contains('/'))
                    continue;
                if (KubeJson.String(resource, "kind") is not { Length: > 0 } resourceKind || types.ContainsKey(resourceKind))
                    continue;
                types[resourceKind] = new KubeResourceType(group, version, resourceKind, plural, KubeJson.Bool(resource, "namespaced") ?? true);
            }
        }
        _discovery.Set(_serverKey, groupVersion, types);
        if (types.TryGetValue(kind, out var found))
            return found;
        var served = types.Keys.Order(StringComparer.Ordinal).Take(12).ToList();
        return new KubeError(KubeErrorKind.NotFound,
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

    private KubeError? Check(string apiVersion, string kind, string? name)
    {
        if (_configurationError is not null)
            return _configurationError;
        if (KubeJson.SplitApiVersion(apiVersion) is null)
            return new KubeError(KubeErrorKind.InvalidConfiguration, $"\"{apiVersion}\" is not an apiVersion (expected v1 or group/version such as apps/v1).");
        if (string.IsNullOrWhiteSpace(kind) || !kind.All(char.IsAsciiLetterOrDigit))
            return new KubeError(KubeErrorKind.InvalidConfiguration, $"\"{kind}\" is not a kind (expected a name such as Deployment).");
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Contains('/') || name is "." or ".."))
            return new KubeError(KubeErrorKind.InvalidConfiguration, $"\"{name}\" is not an object name.");
        return null;
    }

    private string? Namespace(KubeResourceType type, string? ns) => type.Namespaced ? ns ?? _connection.Namespace : null;

    private string Describe(KubeResourceType type, string? ns, string name) =>
        type.Namespaced ? $"{type.Kind} \"{ns ?? _connection.Namespace}/{name}\"" : $"{type.Kind} \"{name}\"";

    private async Task<KubeResult<JsonObject>> GetObjectAsync(Call call, string path, CancellationToken ct)
    {
        var raw = await SendAsync(HttpMethod.Get, path, body: null, contentType: null, call, ct).ConfigureAwait(false);
        if (!raw.Succeeded)
            return raw.Error;
        if (!raw.Value.IsSuccess)
            return MapStatus(call, path, raw.Value);
        return ParseObject(call, path, raw.Value);
    }

    private KubeResult<JsonObject> ParseObject(Call call, string path, RawResponse raw)
    {
        if (raw.Body.Length == 0)
            return Malformed(call, path, "its answer is empty");
        try
        {
            if (JsonNode.Parse(raw.Body) is JsonObject body)
                return body;
            return Malformed(call, path, "its answer is not a JSON object");
        }
        catch (JsonException)
        {
            var what = raw.MediaType is { } media && !media.Contains("json", StringComparison.OrdinalIgnoreCase)
                ? $"its answer is {media}, not JSON; check that the server address points at the Kubernetes API itself"
                : "its answer is not valid JSON";
            return Malformed(call, path, what);
        }
    }

    private KubeError Malformed(Call call, string path, string what) =>
        new(KubeErrorKind.Malformed, $"The API server at {Authority} gave an answer Portal cannot use when asked to {call.What} ({PathOnly(path)}): {what}.");

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
