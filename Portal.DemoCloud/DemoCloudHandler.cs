using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Portal.Jobs.OpenStack;

namespace Portal.DemoCloud;

/// <summary>
/// Answers Keystone v3, Nova v2.1, Glance v2 and Neutron v2.0 requests for <see cref="DemoCloudService.Host"/> in process,
/// with the same status codes, headers and JSON shapes as the real services (including their paging links and
/// error bodies). Ports select the service, as in a default deployment: 5000 Keystone, 8774 Nova, 9292 Glance,
/// 9696 Neutron.
/// </summary>
public sealed class DemoCloudHandler(DemoCloudService cloud) : HttpMessageHandler
{
    private static readonly string BaseUrl = $"https://{DemoCloudService.Host}";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cloud.CountRequest();
        if (cloud.Options.Latency > TimeSpan.Zero)
            await Task.Delay(cloud.Options.Latency, cancellationToken).ConfigureAwait(false);
        var url = request.RequestUri ?? throw new InvalidOperationException("The request has no URL.");
        if (!DemoCloudService.IsDemo(url))
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError,
                $"The demo cloud only answers for {DemoCloudService.Host}, not {url.Host}.");
        }
        var service = url.Port switch
        {
            DemoCloudService.IdentityPort => "identity",
            DemoCloudService.ComputePort => "compute",
            DemoCloudService.ImagePort => "image",
            DemoCloudService.NetworkPort => "network",
            _ => null,
        };
        if (service is null)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({url.Authority})",
                new SocketException((int)SocketError.ConnectionRefused));
        }

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var response = cloud.TakeFault(service) is { } fault
            ? Fault(service, fault.Status)
            : service switch
            {
                "identity" => Identity(request.Method, url, request.Headers, body),
                "compute" => Compute(request.Method, url, request.Headers),
                "image" => Image(request.Method, url, request.Headers),
                _ => Network(request.Method, url, request.Headers),
            };
        response.RequestMessage = request;
        response.Headers.TryAddWithoutValidation("x-openstack-request-id", $"req-{Guid.NewGuid()}");
        return response;
    }

    // ---- Keystone ----------------------------------------------------------------------------------------------

    private HttpResponseMessage Identity(HttpMethod method, Uri url, HttpRequestHeaders headers, byte[] body)
    {
        var path = url.AbsolutePath;
        if (method == HttpMethod.Get && path == "/")
        {
            return Json(HttpStatusCode.MultipleChoices, w =>
            {
                w.WriteStartObject("versions");
                w.WriteStartArray("values");
                KeystoneVersion(w);
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        if (method == HttpMethod.Get && path is "/v3" or "/v3/")
            return Json(HttpStatusCode.OK, w => { w.WritePropertyName("version"); KeystoneVersion(w); });
        if (path == "/v3/auth/tokens" && method == HttpMethod.Post)
            return Authenticate(body);
        if (path == "/v3/auth/catalog" && method == HttpMethod.Get)
        {
            if (!Authorized(headers))
                return Unauthorized();
            return Json(HttpStatusCode.OK, w =>
            {
                Catalog(w);
                w.WriteStartObject("links");
                w.WriteString("self", $"{BaseUrl}:{DemoCloudService.IdentityPort}/v3/auth/catalog");
                w.WriteEndObject();
            });
        }
        return KeystoneError(HttpStatusCode.NotFound, "The resource could not be found.");
    }

    private static void KeystoneVersion(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", "v3.14");
        w.WriteString("status", "stable");
        w.WriteString("updated", "2020-04-07T00:00:00Z");
        w.WriteStartArray("links");
        Link(w, "self", $"{BaseUrl}:{DemoCloudService.IdentityPort}/v3/");
        w.WriteEndArray();
        w.WriteStartArray("media-types");
        w.WriteStartObject();
        w.WriteString("base", "application/json");
        w.WriteString("type", "application/vnd.openstack.identity-v3+json");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private HttpResponseMessage Authenticate(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return KeystoneError(HttpStatusCode.BadRequest, "Malformed JSON in request body.");
        }
        using (document)
        {
            if (!TryGet(document.RootElement, out var identity, "auth", "identity")
                || !identity.TryGetProperty("methods", out var methods) || methods.ValueKind != JsonValueKind.Array)
            {
                return KeystoneError(HttpStatusCode.BadRequest, "Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.");
            }
            var method = methods.EnumerateArray().Select(static m => m.GetString()).FirstOrDefault();
            bool accepted;
            var scoped = true;
            switch (method)
            {
                case "application_credential":
                    if (!identity.TryGetProperty("application_credential", out var app)
                        || Text(app, "secret") is not { } secret || (Text(app, "id") is not { } id))
                    {
                        return KeystoneError(HttpStatusCode.BadRequest, "Invalid input for field 'identity/application_credential': 'secret' is a required property");
                    }
                    accepted = id == DemoCloudService.ApplicationCredentialId && secret == DemoCloudService.ApplicationCredentialSecret;
                    break;
                case "password":
                    if (!TryGet(identity, out var user, "password", "user")
                        || Text(user, "name") is not { } name || Text(user, "password") is not { } password
                        || !user.TryGetProperty("domain", out var userDomain))
                    {
                        return KeystoneError(HttpStatusCode.BadRequest, "Invalid input for field 'identity/password/user': 'name', 'domain' and 'password' are required");
                    }
                    accepted = name == DemoCloudService.UserName && password == DemoCloudService.Password && IsDefaultDomain(userDomain);
                    if (document.RootElement.GetProperty("auth").TryGetProperty("scope", out var scope))
                    {
                        if (!scope.TryGetProperty("project", out var project) || Text(project, "name") is not { } projectName
                            || !project.TryGetProperty("domain", out var projectDomain))
                        {
                            return KeystoneError(HttpStatusCode.BadRequest, "Invalid input for field 'scope/project': 'name' and 'domain' are required");
                        }
                        accepted &= projectName == DemoCloudService.ProjectName && IsDefaultDomain(projectDomain);
                    }
                    else
                    {
                        scoped = false;
                    }
                    break;
                default:
                    return KeystoneError(HttpStatusCode.Unauthorized, "The request you have made requires authentication.");
            }
            if (!accepted)
                return KeystoneError(HttpStatusCode.Unauthorized, "The request you have made requires authentication.");

            var (token, issued, expires) = cloud.IssueToken();
            var response = Json(HttpStatusCode.Created, w =>
            {
                w.WriteStartObject("token");
                w.WriteStartArray("methods");
                w.WriteStringValue(method);
                w.WriteEndArray();
                w.WriteStartObject("user");
                DefaultDomain(w);
                w.WriteString("id", DemoCloudService.UserId);
                w.WriteString("name", DemoCloudService.UserName);
                w.WriteNull("password_expires_at");
                w.WriteEndObject();
                w.WriteStartArray("audit_ids");
                w.WriteStringValue(Guid.NewGuid().ToString("N")[..22]);
                w.WriteEndArray();
                w.WriteString("expires_at", KeystoneTime(expires));
                w.WriteString("issued_at", KeystoneTime(issued));
                if (scoped)
                {
                    w.WriteStartObject("project");
                    DefaultDomain(w);
                    w.WriteString("id", DemoCloudService.ProjectId);
                    w.WriteString("name", DemoCloudService.ProjectName);
                    w.WriteEndObject();
                    w.WriteBoolean("is_domain", false);
                    w.WriteStartArray("roles");
                    foreach (var role in (ReadOnlySpan<string>)["member", "reader", "load-balancer_member"])
                    {
                        w.WriteStartObject();
                        w.WriteString("id", DemoCloudData.HexId("role/" + role));
                        w.WriteString("name", role);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    Catalog(w);
                }
                if (method == "application_credential")
                {
                    w.WriteStartObject("application_credential");
                    w.WriteString("id", DemoCloudService.ApplicationCredentialId);
                    w.WriteString("name", $"{DemoCloudService.DisplayName} (built in)");
                    w.WriteBoolean("restricted", true);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            });
            response.Headers.TryAddWithoutValidation("X-Subject-Token", token);
            response.Headers.Vary.Add("X-Auth-Token");
            return response;
        }
    }

    private static bool IsDefaultDomain(JsonElement domain) =>
        string.Equals(Text(domain, "name"), "Default", StringComparison.OrdinalIgnoreCase) || Text(domain, "id") == "default";

    private static void DefaultDomain(Utf8JsonWriter w)
    {
        w.WriteStartObject("domain");
        w.WriteString("id", "default");
        w.WriteString("name", "Default");
        w.WriteEndObject();
    }

    private static void Catalog(Utf8JsonWriter w)
    {
        w.WriteStartArray("catalog");
        CatalogService(w, "identity", "keystone", $"{BaseUrl}:{DemoCloudService.IdentityPort}");
        CatalogService(w, "compute", "nova", $"{BaseUrl}:{DemoCloudService.ComputePort}/v2.1");
        CatalogService(w, "image", "glance", $"{BaseUrl}:{DemoCloudService.ImagePort}");
        CatalogService(w, "network", "neutron", $"{BaseUrl}:{DemoCloudService.NetworkPort}");
        CatalogService(w, "placement", "placement", $"{BaseUrl}:8778");
        w.WriteEndArray();
    }

    private static void CatalogService(Utf8JsonWriter w, string type, string name, string url)
    {
        w.WriteStartObject();
        w.WriteStartArray("endpoints");
        foreach (var endpointInterface in (ReadOnlySpan<string>)["public", "internal", "admin"])
        {
            w.WriteStartObject();
            w.WriteString("id", DemoCloudData.HexId($"endpoint/{type}/{endpointInterface}"));
            w.WriteString("interface", endpointInterface);
            w.WriteString("region_id", DemoCloudService.Region);
            w.WriteString("url", url);
            w.WriteString("region", DemoCloudService.Region);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("id", DemoCloudData.HexId("service/" + type));
        w.WriteString("type", type);
        w.WriteString("name", name);
        w.WriteEndObject();
    }

    private static string KeystoneTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static HttpResponseMessage KeystoneError(HttpStatusCode status, string message)
    {
        var response = Json(status, w =>
        {
            w.WriteStartObject("error");
            w.WriteNumber("code", (int)status);
            w.WriteString("message", message);
            w.WriteString("title", Title(status));
            w.WriteEndObject();
        });
        if (status == HttpStatusCode.Unauthorized)
            response.Headers.WwwAuthenticate.ParseAdd($"Keystone uri=\"{BaseUrl}:{DemoCloudService.IdentityPort}/v3\"");
        return response;
    }

    private bool Authorized(HttpRequestHeaders headers) =>
        headers.TryGetValues("X-Auth-Token", out var values) && cloud.IsValidToken(values.FirstOrDefault());

    /// <summary>What keystonemiddleware answers in front of every service for a missing, unknown or expired token.</summary>
    private static HttpResponseMessage Unauthorized() =>
        KeystoneError(HttpStatusCode.Unauthorized, "The request you have made requires authentication.");

    // ---- Nova --------------------------------------------------------------------------------------------------

    private HttpResponseMessage Compute(HttpMethod method, Uri url, HttpRequestHeaders headers)
    {
        var path = url.AbsolutePath;
        if (method == HttpMethod.Get && path == "/")
        {
            return Json(HttpStatusCode.OK, w =>
            {
                w.WriteStartArray("versions");
                NovaVersion(w);
                w.WriteEndArray();
            });
        }
        if (method == HttpMethod.Get && path is "/v2.1" or "/v2.1/")
            return Json(HttpStatusCode.OK, w => { w.WritePropertyName("version"); NovaVersion(w); });
        if (method != HttpMethod.Get || path is not ("/v2.1/flavors/detail" or "/v2.1/limits"))
            return NovaError(HttpStatusCode.NotFound, "itemNotFound", "The resource could not be found.");
        if (!Authorized(headers))
            return Unauthorized();
        return path == "/v2.1/limits" ? Limits() : FlavorsDetail(url);
    }

    private static void NovaVersion(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", "v2.1");
        w.WriteString("status", "CURRENT");
        w.WriteString("version", "2.93");
        w.WriteString("min_version", "2.1");
        w.WriteString("updated", "2013-07-23T11:33:21Z");
        w.WriteStartArray("links");
        Link(w, "self", $"{BaseUrl}:{DemoCloudService.ComputePort}/v2.1/");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private HttpResponseMessage FlavorsDetail(Uri url)
    {
        var query = Query(url);
        var max = cloud.Options.NovaMaxLimit;
        var limit = max;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText, out limit) || limit < 0)
                return NovaError(HttpStatusCode.BadRequest, "badRequest", $"Invalid input for query parameters limit. Value: {limitText}. '{limitText}' does not match '^[0-9]*$'");
            limit = Math.Min(limit, max);
        }
        var start = 0;
        if (query.TryGetValue("marker", out var marker))
        {
            var position = cloud.FlavorPosition(marker);
            if (position < 0)
                return NovaError(HttpStatusCode.BadRequest, "badRequest", $"marker [{marker}] not found");
            start = position + 1;
        }
        var rows = cloud.FlavorRows;
        var count = Math.Max(0, Math.Min(limit, rows.Count - start));
        return Json(HttpStatusCode.OK, w =>
        {
            w.WriteStartArray("flavors");
            for (var i = start; i < start + count; i++)
            {
                var f = rows[i].Flavor;
                w.WriteStartObject();
                w.WriteString("id", f.Id);
                w.WriteString("name", f.Name);
                w.WriteNumber("ram", f.RamMb);
                w.WriteNumber("disk", f.DiskGb);
                w.WriteString("swap", string.Empty);
                w.WriteNumber("OS-FLV-EXT-DATA:ephemeral", 0);
                w.WriteBoolean("OS-FLV-DISABLED:disabled", false);
                w.WriteNumber("vcpus", f.Vcpus);
                w.WriteBoolean("os-flavor-access:is_public", f.IsPublic);
                w.WriteNumber("rxtx_factor", 1.0);
                w.WriteStartArray("links");
                Link(w, "self", $"{BaseUrl}:{DemoCloudService.ComputePort}/v2.1/flavors/{f.Id}");
                Link(w, "bookmark", $"{BaseUrl}:{DemoCloudService.ComputePort}/flavors/{f.Id}");
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            // Like Nova: a next link whenever the page is full, even when nothing follows.
            if (count > 0 && count == limit)
            {
                w.WriteStartArray("flavors_links");
                Link(w, "next", $"{BaseUrl}:{DemoCloudService.ComputePort}/v2.1/flavors/detail?{NextQuery(query, rows[start + count - 1].Flavor.Id)}");
                w.WriteEndArray();
            }
        });
    }

    private HttpResponseMessage Limits()
    {
        var l = cloud.ComputeLimits;
        return Json(HttpStatusCode.OK, w =>
        {
            w.WriteStartObject("limits");
            w.WriteStartArray("rate");
            w.WriteEndArray();
            w.WriteStartObject("absolute");
            w.WriteNumber("maxServerMeta", 128);
            w.WriteNumber("maxPersonality", 5);
            w.WriteNumber("totalServerGroupsUsed", 0);
            w.WriteNumber("maxImageMeta", 128);
            w.WriteNumber("maxPersonalitySize", 10240);
            w.WriteNumber("maxTotalKeypairs", 100);
            w.WriteNumber("maxSecurityGroupRules", 20);
            w.WriteNumber("maxServerGroups", 10);
            w.WriteNumber("totalCoresUsed", l.UsedCores);
            w.WriteNumber("totalRAMUsed", l.UsedRamMb);
            w.WriteNumber("totalInstancesUsed", l.UsedInstances);
            w.WriteNumber("maxSecurityGroups", 10);
            w.WriteNumber("totalFloatingIpsUsed", 0);
            w.WriteNumber("maxTotalCores", l.MaxCores);
            w.WriteNumber("maxServerGroupMembers", 10);
            w.WriteNumber("maxTotalFloatingIps", 10);
            w.WriteNumber("totalSecurityGroupsUsed", 0);
            w.WriteNumber("maxTotalInstances", l.MaxInstances);
            w.WriteNumber("maxTotalRAMSize", l.MaxRamMb);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static HttpResponseMessage NovaError(HttpStatusCode status, string kind, string message) =>
        Json(status, w =>
        {
            w.WriteStartObject(kind);
            w.WriteNumber("code", (int)status);
            w.WriteString("message", message);
            w.WriteEndObject();
        });

    // ---- Glance ------------------------------------------------------------------------------------------------

    private HttpResponseMessage Image(HttpMethod method, Uri url, HttpRequestHeaders headers)
    {
        var path = url.AbsolutePath;
        if (method == HttpMethod.Get && path == "/")
        {
            return Json(HttpStatusCode.MultipleChoices, w =>
            {
                w.WriteStartArray("versions");
                w.WriteStartObject();
                w.WriteString("id", "v2.15");
                w.WriteString("status", "CURRENT");
                w.WriteStartArray("links");
                Link(w, "self", $"{BaseUrl}:{DemoCloudService.ImagePort}/v2/");
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
            });
        }
        if (method != HttpMethod.Get || path != "/v2/images")
            return Text(HttpStatusCode.NotFound, "404 Not Found\n\nThe resource could not be found.\n\n   ");
        if (!Authorized(headers))
            return Unauthorized();

        var query = Query(url);
        var limit = cloud.Options.GlanceDefaultLimit;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText, out limit) || limit < 0)
                return Text(HttpStatusCode.BadRequest, "400 Bad Request\n\nlimit param must be an integer\n\n   ");
        }
        limit = Math.Min(limit, cloud.Options.GlanceMaxLimit);
        var start = 0;
        if (query.TryGetValue("marker", out var marker))
        {
            var position = cloud.ImagePosition(marker);
            if (position < 0)
                return Text(HttpStatusCode.BadRequest, $"400 Bad Request\n\nImage with identifier {marker} not found\n\n   ");
            start = position + 1;
        }
        var rows = cloud.ImageRows;
        var count = Math.Max(0, Math.Min(limit, rows.Count - start));
        return Json(HttpStatusCode.OK, w =>
        {
            w.WriteStartArray("images");
            for (var i = start; i < start + count; i++)
                WriteImage(w, rows[i]);
            w.WriteEndArray();
            w.WriteString("first", "/v2/images");
            w.WriteString("schema", "/v2/schemas/images");
            // Like Glance: "next" is relative to the service root and appears whenever the page is full.
            if (count > 0 && count == limit)
                w.WriteString("next", $"/v2/images?{NextQuery(query, rows[start + count - 1].Image.Id)}");
        });
    }

    private static void WriteImage(Utf8JsonWriter w, DemoImageRow row)
    {
        var image = row.Image;
        w.WriteStartObject();
        foreach (var (key, value) in image.Properties)
            w.WriteString(key, value);
        w.WriteString("name", image.Name);
        w.WriteString("disk_format", row.DiskFormat);
        w.WriteString("container_format", "bare");
        w.WriteString("visibility", image.Visibility);
        w.WriteNumber("size", row.Size);
        w.WriteNumber("virtual_size", row.VirtualSize);
        w.WriteString("status", image.Status);
        w.WriteString("checksum", row.Checksum);
        w.WriteBoolean("protected", false);
        w.WriteNumber("min_ram", image.MinRamMb);
        w.WriteNumber("min_disk", image.MinDiskGb);
        w.WriteString("owner", DemoCloudService.ProjectId);
        w.WriteBoolean("os_hidden", false);
        w.WriteString("os_hash_algo", "sha512");
        w.WriteString("os_hash_value", row.HashValue);
        w.WriteString("id", image.Id);
        w.WriteString("created_at", row.CreatedAt);
        w.WriteString("updated_at", row.CreatedAt);
        w.WriteStartArray("tags");
        w.WriteEndArray();
        w.WriteString("self", $"/v2/images/{image.Id}");
        w.WriteString("file", $"/v2/images/{image.Id}/file");
        w.WriteString("schema", "/v2/schemas/image");
        w.WriteString("stores", "fs");
        w.WriteEndObject();
    }

    // ---- Neutron -----------------------------------------------------------------------------------------------

    private HttpResponseMessage Network(HttpMethod method, Uri url, HttpRequestHeaders headers)
    {
        var path = url.AbsolutePath;
        if (method == HttpMethod.Get && path == "/")
        {
            return Json(HttpStatusCode.OK, w =>
            {
                w.WriteStartArray("versions");
                w.WriteStartObject();
                w.WriteString("id", "v2.0");
                w.WriteString("status", "CURRENT");
                w.WriteStartArray("links");
                Link(w, "self", $"{BaseUrl}:{DemoCloudService.NetworkPort}/v2.0/");
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
            });
        }
        // Like Neutron: "/v2.0" without the trailing slash is not found; resource URLs are fine.
        if (method != HttpMethod.Get || path != "/v2.0/networks")
            return Text(HttpStatusCode.NotFound, "404 Not Found\n\nThe resource could not be found.\n\n   ");
        if (!Authorized(headers))
            return Unauthorized();

        var query = Query(url);
        IEnumerable<DemoNetworkRow> selected = cloud.NetworkRows;
        if (query.TryGetValue("router:external", out var external))
        {
            bool? wanted = external.ToLowerInvariant() switch { "true" or "1" => true, "false" or "0" => false, _ => null };
            if (wanted is null)
                return NeutronError(HttpStatusCode.BadRequest, "HTTPBadRequest", $"Invalid input for operation: '{external}' cannot be converted to boolean.");
            selected = selected.Where(n => n.Network.IsExternal == wanted);
        }
        var rows = selected.ToList();
        var start = 0;
        int? limit = null;
        if (query.TryGetValue("limit", out var limitText) && int.TryParse(limitText, out var parsedLimit) && parsedLimit > 0)
            limit = parsedLimit;
        if (query.TryGetValue("marker", out var marker))
        {
            var position = rows.FindIndex(n => n.Network.Id == marker);
            if (position < 0)
                return NeutronError(HttpStatusCode.NotFound, "NetworkNotFound", $"Network {marker} could not be found.");
            start = position + 1;
        }
        var count = Math.Max(0, Math.Min(limit ?? int.MaxValue, rows.Count - start));
        return Json(HttpStatusCode.OK, w =>
        {
            w.WriteStartArray("networks");
            for (var i = start; i < start + count; i++)
                WriteNetwork(w, rows[i]);
            w.WriteEndArray();
            if (limit is not null && count > 0 && count == limit)
            {
                w.WriteStartArray("networks_links");
                Link(w, "next", $"{BaseUrl}:{DemoCloudService.NetworkPort}/v2.0/networks?{NextQuery(query, rows[start + count - 1].Network.Id)}");
                w.WriteEndArray();
            }
        });
    }

    private static void WriteNetwork(Utf8JsonWriter w, DemoNetworkRow row)
    {
        var n = row.Network;
        w.WriteStartObject();
        w.WriteString("id", n.Id);
        w.WriteString("name", n.Name);
        w.WriteString("tenant_id", DemoCloudService.ProjectId);
        w.WriteBoolean("admin_state_up", true);
        w.WriteNumber("mtu", row.Mtu);
        w.WriteString("status", n.Status);
        w.WriteStartArray("subnets");
        w.WriteStringValue(row.SubnetId);
        w.WriteEndArray();
        w.WriteBoolean("shared", false);
        w.WriteStartArray("availability_zone_hints");
        w.WriteEndArray();
        w.WriteStartArray("availability_zones");
        w.WriteStringValue("nova");
        w.WriteEndArray();
        w.WriteNull("ipv4_address_scope");
        w.WriteNull("ipv6_address_scope");
        w.WriteBoolean("router:external", n.IsExternal);
        w.WriteString("description", row.Description);
        w.WriteBoolean("port_security_enabled", true);
        if (n.IsExternal)
            w.WriteBoolean("is_default", row.IsDefault);
        w.WriteStartArray("tags");
        w.WriteEndArray();
        w.WriteString("created_at", "2026-01-12T09:30:00Z");
        w.WriteString("updated_at", "2026-01-12T09:30:00Z");
        w.WriteNumber("revision_number", 2);
        w.WriteString("project_id", DemoCloudService.ProjectId);
        w.WriteString("provider:network_type", row.NetworkType);
        if (row.PhysicalNetwork is null)
            w.WriteNull("provider:physical_network");
        else
            w.WriteString("provider:physical_network", row.PhysicalNetwork);
        w.WriteNull("provider:segmentation_id");
        w.WriteEndObject();
    }

    private static HttpResponseMessage NeutronError(HttpStatusCode status, string type, string message) =>
        Json(status, w =>
        {
            w.WriteStartObject("NeutronError");
            w.WriteString("type", type);
            w.WriteString("message", message);
            w.WriteString("detail", string.Empty);
            w.WriteEndObject();
        });

    // ---- Injected faults ---------------------------------------------------------------------------------------

    private static HttpResponseMessage Fault(string service, HttpStatusCode status)
    {
        var message = $"{DemoCloudService.DisplayName}: injected failure ({(int)status} {Title(status)}).";
        if (status == HttpStatusCode.Unauthorized)
            return KeystoneError(status, "The request you have made requires authentication.");
        var response = service switch
        {
            "identity" => KeystoneError(status, message),
            "compute" => NovaError(status, (int)status >= 500 ? "computeFault" : status == HttpStatusCode.Forbidden ? "forbidden" : "badRequest", message),
            "network" => NeutronError(status, (int)status >= 500 ? "HTTPInternalServerError" : "HTTPError", message),
            _ => Text(status, $"{(int)status} {Title(status)}\n\n{message}\n\n   "),
        };
        if (status == HttpStatusCode.TooManyRequests)
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        return response;
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------

    private static HttpResponseMessage Json(HttpStatusCode status, Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpResponseMessage(status) { Content = content, ReasonPhrase = Title(status) };
    }

    private static HttpResponseMessage Text(HttpStatusCode status, string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
        return new HttpResponseMessage(status) { Content = content, ReasonPhrase = Title(status) };
    }

    private static void Link(Utf8JsonWriter w, string rel, string href)
    {
        w.WriteStartObject();
        w.WriteString("rel", rel);
        w.WriteString("href", href);
        w.WriteEndObject();
    }

    private static string Title(HttpStatusCode status) => status switch
    {
        HttpStatusCode.OK => "OK",
        HttpStatusCode.Created => "Created",
        HttpStatusCode.MultipleChoices => "Multiple Choices",
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.TooManyRequests => "Too Many Requests",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        HttpStatusCode.BadGateway => "Bad Gateway",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        HttpStatusCode.GatewayTimeout => "Gateway Timeout",
        _ => status.ToString(),
    };

    /// <summary>The request's query parameters (last one wins), URL-decoded.</summary>
    private static Dictionary<string, string> Query(Uri url)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            parameters[key] = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }
        return parameters;
    }

    /// <summary>The request's parameters with <c>marker</c> set to the last id of the page, as the services build next links.</summary>
    private static string NextQuery(Dictionary<string, string> query, string marker)
    {
        var parameters = new Dictionary<string, string>(query, StringComparer.Ordinal) { ["marker"] = marker };
        return string.Join('&', parameters.Select(static p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    private static bool TryGet(JsonElement element, out JsonElement found, params ReadOnlySpan<string> path)
    {
        found = element;
        foreach (var name in path)
        {
            if (found.ValueKind != JsonValueKind.Object || !found.TryGetProperty(name, out found))
                return false;
        }
        return true;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
