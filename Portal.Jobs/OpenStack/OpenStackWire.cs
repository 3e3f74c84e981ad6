using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Jobs.OpenStack;

// Wire shapes of the OpenStack APIs the client uses (Keystone v3, Nova v2.1, Glance v2, Neutron v2.0).
// Every member is nullable: presence of required fields is checked after parsing, so that a missing
// field becomes a Malformed result naming it rather than an exception.

internal sealed record KeystoneAuthRequest(KeystoneAuth Auth);

internal sealed record KeystoneAuth(KeystoneIdentity Identity, KeystoneScope? Scope);

internal sealed record KeystoneIdentity(
    IReadOnlyList<string> Methods,
    KeystonePasswordMethod? Password,
    KeystoneApplicationCredentialMethod? ApplicationCredential);

internal sealed record KeystonePasswordMethod(KeystonePasswordUser User);

internal sealed record KeystonePasswordUser(string Name, KeystoneNameRef Domain, string Password);

internal sealed record KeystoneNameRef(string Name);

internal sealed record KeystoneApplicationCredentialMethod(string Id, string Secret);

internal sealed record KeystoneScope(KeystoneScopeProject Project);

internal sealed record KeystoneScopeProject(string Name, KeystoneNameRef Domain);

internal sealed class KeystoneTokenResponse
{
    public KeystoneToken? Token { get; init; }
}

internal sealed class KeystoneToken
{
    public List<string>? Methods { get; init; }
    public string? ExpiresAt { get; init; }
    public string? IssuedAt { get; init; }
    public KeystoneNamed? User { get; init; }
    public KeystoneNamed? Project { get; init; }
    public List<KeystoneNamed>? Roles { get; init; }
    public List<KeystoneCatalogService>? Catalog { get; init; }
}

internal sealed class KeystoneNamed
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public KeystoneNamed? Domain { get; init; }
}

internal sealed class KeystoneCatalogResponse
{
    public List<KeystoneCatalogService>? Catalog { get; init; }
}

internal sealed class KeystoneCatalogService
{
    public string? Id { get; init; }
    public string? Type { get; init; }
    public string? Name { get; init; }
    public List<KeystoneEndpoint>? Endpoints { get; init; }
}

internal sealed class KeystoneEndpoint
{
    public string? Id { get; init; }
    public string? Interface { get; init; }
    public string? RegionId { get; init; }
    public string? Region { get; init; }
    public string? Url { get; init; }
}

internal sealed class OpenStackLink
{
    public string? Rel { get; init; }
    public string? Href { get; init; }
}

internal sealed class NovaFlavorsResponse
{
    public List<NovaFlavor>? Flavors { get; init; }
    public List<OpenStackLink>? FlavorsLinks { get; init; }
}

internal sealed class NovaFlavor
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public int? Vcpus { get; init; }
    public int? Ram { get; init; }
    public int? Disk { get; init; }

    [JsonPropertyName("os-flavor-access:is_public")]
    public bool? IsPublic { get; init; }

    [JsonPropertyName("OS-FLV-DISABLED:disabled")]
    public bool? Disabled { get; init; }
}

internal sealed class NovaLimitsResponse
{
    public NovaLimits? Limits { get; init; }
}

internal sealed class NovaLimits
{
    public NovaAbsoluteLimits? Absolute { get; init; }
}

internal sealed class NovaAbsoluteLimits
{
    [JsonPropertyName("maxTotalInstances")]
    public int? MaxTotalInstances { get; init; }

    [JsonPropertyName("maxTotalCores")]
    public int? MaxTotalCores { get; init; }

    [JsonPropertyName("maxTotalRAMSize")]
    public int? MaxTotalRamSize { get; init; }

    [JsonPropertyName("totalInstancesUsed")]
    public int? TotalInstancesUsed { get; init; }

    [JsonPropertyName("totalCoresUsed")]
    public int? TotalCoresUsed { get; init; }

    [JsonPropertyName("totalRAMUsed")]
    public int? TotalRamUsed { get; init; }
}

internal sealed class GlanceImagesResponse
{
    public List<GlanceImage>? Images { get; init; }
    public string? Next { get; init; }
    public string? First { get; init; }
}

[JsonConverter(typeof(GlanceImageConverter))]
internal sealed class GlanceImage
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Status { get; set; }
    public string? Visibility { get; set; }
    public int? MinRam { get; set; }
    public int? MinDisk { get; set; }

    /// <summary>The image's custom properties (top-level keys outside Glance's image schema), as strings.</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Reads a Glance image in one pass: the schema fields the portal uses, and every custom property whose value
/// is a string, number or boolean (numbers keep their JSON text). Other schema fields, nulls, arrays and objects
/// are skipped. Hand-written because thousands of images with a dozen properties each are read per import.
/// </summary>
internal sealed class GlanceImageConverter : JsonConverter<GlanceImage>
{
    /// <summary>Top-level keys of Glance's image schema; every other key is a custom property.</summary>
    private static readonly HashSet<string> SchemaKeys = new(StringComparer.Ordinal)
    {
        "id", "name", "status", "visibility", "protected", "os_hidden", "checksum", "os_hash_algo", "os_hash_value",
        "owner", "size", "virtual_size", "min_ram", "min_disk", "disk_format", "container_format", "created_at",
        "updated_at", "tags", "self", "file", "schema", "locations", "direct_url", "stores",
    };

    public override GlanceImage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("An image must be a JSON object.");
        var image = new GlanceImage();
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
                return image;
            var key = reader.GetString()!;
            reader.Read();
            switch (key)
            {
                case "id":
                    image.Id = OptionalString(ref reader);
                    break;
                case "name":
                    image.Name = OptionalString(ref reader);
                    break;
                case "status":
                    image.Status = OptionalString(ref reader);
                    break;
                case "visibility":
                    image.Visibility = OptionalString(ref reader);
                    break;
                case "min_ram":
                    image.MinRam = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt32();
                    break;
                case "min_disk":
                    image.MinDisk = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt32();
                    break;
                default:
                    if (SchemaKeys.Contains(key))
                    {
                        reader.Skip();
                        break;
                    }
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            image.Properties[key] = reader.GetString()!;
                            break;
                        case JsonTokenType.Number:
                            image.Properties[key] = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
                            break;
                        case JsonTokenType.True:
                            image.Properties[key] = "true";
                            break;
                        case JsonTokenType.False:
                            image.Properties[key] = "false";
                            break;
                        default:
                            reader.Skip();
                            break;
                    }
                    break;
            }
        }
        throw new JsonException("The image object is not closed.");
    }

    public override void Write(Utf8JsonWriter writer, GlanceImage value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Images are only read.");

    private static string? OptionalString(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
}

internal sealed class NeutronNetworksResponse
{
    public List<NeutronNetwork>? Networks { get; init; }
    public List<OpenStackLink>? NetworksLinks { get; init; }
}

internal sealed class NeutronNetwork
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? Status { get; init; }

    [JsonPropertyName("router:external")]
    public bool? RouterExternal { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(KeystoneAuthRequest))]
[JsonSerializable(typeof(KeystoneTokenResponse))]
[JsonSerializable(typeof(KeystoneCatalogResponse))]
[JsonSerializable(typeof(NovaFlavorsResponse))]
[JsonSerializable(typeof(NovaLimitsResponse))]
[JsonSerializable(typeof(GlanceImagesResponse))]
[JsonSerializable(typeof(NeutronNetworksResponse))]
internal sealed partial class OpenStackJson : JsonSerializerContext;
