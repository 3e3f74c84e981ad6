using System.Globalization;
using System.Text.Json;

namespace Portal.Components.Api;

/// <summary>
/// Reads an OpenAPI 3.1 document (its JSON) into an <see cref="ApiReferenceModel"/>. It reads what the page shows and
/// nothing more: local <c>$ref</c>s are followed, JSON Schema 3.1 type arrays (<c>["null", "string"]</c>) become a
/// nullable type, and the generator's "integer or numeric string" pair is read as the integer it is.
/// </summary>
public static class ApiReferenceParser
{
    private const string Untagged = "Other";
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static ApiReferenceModel Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new Reader(document.RootElement).Read();
    }

    private sealed class Reader(JsonElement root)
    {
        public ApiReferenceModel Read()
        {
            var info = Has(root, "info", out var i) ? i : default;
            var operations = ReadOperations().ToList();
            var declared = Array(root, "tags").Select(t => (Name: String(t, "name") ?? Untagged, Description: String(t, "description"))).ToList();
            var tagNames = declared.Select(t => t.Name).Concat(operations.Select(o => o.Tag)).Distinct(StringComparer.Ordinal);
            var tags = tagNames
                .Select(name => new ApiTag(name, declared.FirstOrDefault(t => t.Name == name).Description,
                    operations.Where(o => o.Tag == name).ToList()))
                .Where(t => t.Operations.Count > 0)
                .ToList();
            return new ApiReferenceModel
            {
                Title = String(info, "title") ?? "API",
                Version = String(info, "version") ?? "",
                Description = String(info, "description"),
                Tags = tags,
                Schemas = ReadSchemas().ToList(),
            };
        }

        private IEnumerable<ApiOperation> ReadOperations()
        {
            if (!Has(root, "paths", out var paths) || paths.ValueKind != JsonValueKind.Object) yield break;
            foreach (var path in paths.EnumerateObject())
            {
                var item = Resolve(path.Value);
                var shared = Array(item, "parameters").Select(ReadParameter).ToList();
                foreach (var method in Methods)
                {
                    if (!Has(item, method, out var operation)) continue;
                    var own = Array(operation, "parameters").Select(ReadParameter).ToList();
                    // An operation's parameter overrides the path's of the same name and location.
                    var parameters = shared.Where(s => !own.Any(o => o.Name == s.Name && o.In == s.In)).Concat(own).ToList();
                    yield return new ApiOperation
                    {
                        Method = method.ToUpperInvariant(),
                        Path = path.Name,
                        Tag = Array(operation, "tags").Select(t => t.ValueKind == JsonValueKind.String ? t.GetString() : null).FirstOrDefault(t => !string.IsNullOrEmpty(t)) ?? Untagged,
                        OperationId = String(operation, "operationId"),
                        Summary = String(operation, "summary"),
                        Description = String(operation, "description"),
                        Deprecated = Has(operation, "deprecated", out var d) && d.ValueKind == JsonValueKind.True,
                        Parameters = parameters,
                        RequestBody = Has(operation, "requestBody", out var body) ? ReadBody(Resolve(body)) : null,
                        Responses = ReadResponses(operation).ToList(),
                    };
                }
            }
        }

        private ApiParameter ReadParameter(JsonElement parameter)
        {
            parameter = Resolve(parameter);
            return new ApiParameter(String(parameter, "name") ?? "", String(parameter, "in") ?? "query",
                Has(parameter, "required", out var r) && r.ValueKind == JsonValueKind.True,
                Has(parameter, "schema", out var schema) ? Describe(schema) : ApiType.Any, String(parameter, "description"));
        }

        private ApiRequestBody? ReadBody(JsonElement body)
        {
            if (FirstContent(body) is not var (contentType, schema)) return null;
            return new ApiRequestBody(contentType, Has(body, "required", out var r) && r.ValueKind == JsonValueKind.True,
                schema is { } s ? Describe(s) : ApiType.Any, schema is { } o ? Properties(Resolve(o)) : [], String(body, "description"));
        }

        private IEnumerable<ApiResponse> ReadResponses(JsonElement operation)
        {
            if (!Has(operation, "responses", out var responses) || responses.ValueKind != JsonValueKind.Object) yield break;
            foreach (var response in responses.EnumerateObject().OrderBy(r => StatusOrder(r.Name)).ThenBy(r => r.Name, StringComparer.Ordinal))
            {
                var value = Resolve(response.Value);
                var content = FirstContent(value);
                yield return new ApiResponse(response.Name, String(value, "description") ?? "", content?.ContentType,
                    content?.Schema is { } schema ? Describe(schema) : null);
            }
        }

        private static int StatusOrder(string status) =>
            int.TryParse(status.Replace('X', '0').Replace('x', '0'), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 1000;

        /// <summary>The body's JSON content when it has one, else its first; the schema is null when the content has none.</summary>
        private static (string ContentType, JsonElement? Schema)? FirstContent(JsonElement holder)
        {
            if (!Has(holder, "content", out var content) || content.ValueKind != JsonValueKind.Object) return null;
            var all = content.EnumerateObject().ToList();
            if (all.Count == 0) return null;
            var chosen = all.FirstOrDefault(c => c.Name.Contains("json", StringComparison.OrdinalIgnoreCase));
            if (chosen.Value.ValueKind == JsonValueKind.Undefined) chosen = all[0];
            return (chosen.Name, Has(chosen.Value, "schema", out var schema) ? schema : null);
        }

        private IEnumerable<ApiSchema> ReadSchemas()
        {
            if (!Has(root, "components", out var components) || !Has(components, "schemas", out var schemas)
                || schemas.ValueKind != JsonValueKind.Object)
                yield break;
            foreach (var schema in schemas.EnumerateObject())
                yield return new ApiSchema(schema.Name, String(schema.Value, "description"), Describe(schema.Value, followRef: false), Properties(schema.Value));
        }

        private List<ApiProperty> Properties(JsonElement schema)
        {
            if (schema.ValueKind != JsonValueKind.Object || !Has(schema, "properties", out var properties)
                || properties.ValueKind != JsonValueKind.Object)
                return [];
            var required = Array(schema, "required").Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal);
            return properties.EnumerateObject()
                .Select(p => new ApiProperty(p.Name, Describe(p.Value), required.Contains(p.Name), String(p.Value, "description")))
                .ToList();
        }

        /// <summary>The type of <paramref name="schema"/>; a reference is named after its schema unless <paramref name="followRef"/> is false.</summary>
        private ApiType Describe(JsonElement schema, bool followRef = true)
        {
            if (schema.ValueKind != JsonValueKind.Object) return ApiType.Any;
            if (followRef && String(schema, "$ref") is { } reference)
            {
                var name = reference[(reference.LastIndexOf('/') + 1)..];
                var target = Resolve(schema);
                var (values, nullable) = EnumOf(target);
                return new ApiType { Text = name, SchemaName = name, EnumValues = values, Nullable = nullable || HasNull(target) };
            }
            foreach (var combinator in (string[])["oneOf", "anyOf"])
            {
                var members = Array(schema, combinator).ToList();
                if (members.Count == 0) continue;
                var real = members.Where(m => !IsNullOnly(m)).Select(m => Describe(m)).ToList();
                var nullable = real.Count < members.Count;
                return real.Count == 1
                    ? real[0] with { Nullable = real[0].Nullable || nullable }
                    : new ApiType { Text = "one of " + string.Join(" | ", real.Select(r => r.Text)), Nullable = nullable };
            }
            if (Array(schema, "allOf").ToList() is [var single]) return Describe(single);

            var types = Types(schema);
            var isNullable = types.Remove("null");
            // ASP.NET Core documents a number as ["integer", "string"] with a numeric pattern: the number is the type.
            if (types.Contains("integer") || types.Contains("number")) types.Remove("string");
            var (enumValues, enumNull) = EnumOf(schema);
            var format = String(schema, "format");
            if (types.Count == 1 && types[0] == "array")
            {
                var items = Has(schema, "items", out var i) ? Describe(i) : ApiType.Any;
                return new ApiType { Text = "array of " + items.Text + (items.Format is null ? "" : $" ({items.Format})"), SchemaName = items.SchemaName, Nullable = isNullable, EnumValues = items.EnumValues };
            }
            if (types.Count == 1 && types[0] == "object" && Has(schema, "additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.Object)
            {
                var values = Describe(extra);
                return new ApiType { Text = "map of " + values.Text, SchemaName = values.SchemaName, Nullable = isNullable };
            }
            var text = types.Count switch
            {
                0 when enumValues.Count > 0 => "string",
                0 => Has(schema, "properties", out _) ? "object" : "any",
                _ => string.Join(" or ", types),
            };
            return new ApiType { Text = text, Format = format, Nullable = isNullable || enumNull, EnumValues = enumValues };
        }

        private static List<string> Types(JsonElement schema) =>
            !Has(schema, "type", out var type) ? []
            : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString() ?? "").ToList()
            : [type.GetString() ?? ""];

        private static (IReadOnlyList<string> Values, bool Nullable) EnumOf(JsonElement schema)
        {
            var all = Array(schema, "enum").ToList();
            return (all.Where(v => v.ValueKind != JsonValueKind.Null).Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToList(),
                all.Any(v => v.ValueKind == JsonValueKind.Null));
        }

        private static bool HasNull(JsonElement schema) => schema.ValueKind == JsonValueKind.Object && Types(schema).Contains("null");

        private static bool IsNullOnly(JsonElement schema) => Types(schema) is ["null"];

        /// <summary>Follows a local <c>$ref</c> (<c>#/components/...</c>), however deep; anything else is returned as it is.</summary>
        private JsonElement Resolve(JsonElement element)
        {
            for (var hops = 0; hops < 16 && String(element, "$ref") is { } reference && reference.StartsWith("#/", StringComparison.Ordinal); hops++)
            {
                var target = root;
                foreach (var segment in reference[2..].Split('/'))
                {
                    var key = Uri.UnescapeDataString(segment).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                    if (target.ValueKind != JsonValueKind.Object || !Has(target, key, out target)) return default;
                }
                element = target;
            }
            return element;
        }

        private static bool Has(JsonElement element, string name, out JsonElement value)
        {
            value = default;
            return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value);
        }

        private static string? String(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && Has(element, name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;

        private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && Has(element, name, out var value) && value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray()
                : [];
    }
}
