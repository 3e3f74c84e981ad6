using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Portal.Tests.Integration.Api;

/// <summary>One API response as a client received it.</summary>
public sealed record ApiExchange(string Method, string Path, int Status, string? ContentType, string Body);

/// <summary>
/// Records every response the API sends while a test portal runs, so that they can all be held against the OpenAPI
/// document afterwards (<see cref="OpenApiConformance"/>): whatever the tests did, the wire must be what the document says.
/// </summary>
public sealed class ApiExchangeRecorder : IStartupFilter
{
    public ConcurrentQueue<ApiExchange> Exchanges { get; } = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, call) =>
        {
            if (!http.Request.Path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase))
            {
                await call(http);
                return;
            }
            var original = http.Response.Body;
            using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await call(http);
            }
            finally
            {
                http.Response.Body = original;
                buffer.Position = 0;
                await buffer.CopyToAsync(original);
                Exchanges.Enqueue(new ApiExchange(http.Request.Method, http.Request.Path, http.Response.StatusCode, http.Response.ContentType,
                    System.Text.Encoding.UTF8.GetString(buffer.ToArray())));
            }
        });
        next(app);
    };
}

/// <summary>
/// Checks recorded responses against the OpenAPI document: the operation (path template and method) exists, the status
/// is one it declares, and a JSON body matches the declared schema exactly — every property the document names is
/// there with its type (null only where it allows null), and no property it does not name. A deliberately small JSON
/// Schema reader: the keywords the document generator uses ($ref, type, properties, items, enum, oneOf/anyOf/allOf,
/// additionalProperties).
/// </summary>
public sealed class OpenApiConformance(JsonElement document)
{
    private readonly List<(string Template, string[] Segments, JsonElement Item)> _paths = document.GetProperty("paths").EnumerateObject()
        .Select(p => (p.Name, p.Name.Trim('/').Split('/'), p.Value)).ToList();

    public IReadOnlyList<string> Check(IEnumerable<ApiExchange> exchanges)
    {
        var problems = new List<string>();
        foreach (var exchange in exchanges)
        {
            foreach (var problem in Check(exchange))
                problems.Add($"{exchange.Method} {exchange.Path} → {exchange.Status}: {problem}");
        }
        return problems.Distinct().ToList();
    }

    public IEnumerable<string> Check(ApiExchange exchange)
    {
        var segments = exchange.Path.Trim('/').Split('/');
        var path = _paths.Where(p => p.Segments.Length == segments.Length
                && p.Segments.Zip(segments).All(pair => pair.First.StartsWith('{') || string.Equals(pair.First, pair.Second, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(p => p.Segments.Count(s => s.StartsWith('{'))).Select(p => (JsonElement?)p.Item).FirstOrDefault();
        if (path is null)
        {
            // A route the API does not have answers a problem; that is the one undocumented path allowed.
            if (exchange.Status != StatusCodes.Status404NotFound) yield return "no such path in the document";
            yield break;
        }
        if (!path.Value.TryGetProperty(exchange.Method.ToLowerInvariant(), out var operation))
        {
            if (exchange.Status != StatusCodes.Status405MethodNotAllowed) yield return "the document has no such method on this path";
            yield break;
        }
        var responses = operation.GetProperty("responses");
        if (!responses.TryGetProperty(exchange.Status.ToString(CultureInfo.InvariantCulture), out var response)
            && !responses.TryGetProperty("default", out response))
        {
            yield return $"status {exchange.Status} is not declared (declared: {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))})";
            yield break;
        }
        response = Resolve(response);
        var mediaType = exchange.ContentType?.Split(';')[0].Trim();
        if (!response.TryGetProperty("content", out var content) || !content.EnumerateObject().Any())
        {
            if (exchange.Body.Length > 0) yield return $"a body ({mediaType}) where the document declares none";
            yield break;
        }
        if (exchange.Body.Length == 0)
        {
            yield return "no body where the document declares one";
            yield break;
        }
        if (!content.TryGetProperty(mediaType ?? "", out var media))
        {
            yield return $"content type {mediaType} is not declared (declared: {string.Join(", ", content.EnumerateObject().Select(c => c.Name))})";
            yield break;
        }
        if (!media.TryGetProperty("schema", out var schema) || mediaType is null || !mediaType.Contains("json", StringComparison.Ordinal)) yield break;
        JsonElement body;
        string? parseError = null;
        try
        {
            using var parsed = JsonDocument.Parse(exchange.Body);
            body = parsed.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            body = default;
            parseError = ex.Message;
        }
        if (parseError is not null)
        {
            yield return "the body is not JSON: " + parseError;
            yield break;
        }
        foreach (var problem in Validate(body, schema, "$"))
            yield return problem;
    }

    private JsonElement Resolve(JsonElement element)
    {
        for (var depth = 0; depth < 10 && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference); depth++)
        {
            var target = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
                target = target.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            element = target;
        }
        return element;
    }

    private IEnumerable<string> Validate(JsonElement value, JsonElement schema, string at)
    {
        schema = Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object) yield break;
        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (!schema.TryGetProperty(keyword, out var options)) continue;
            var failures = options.EnumerateArray().Select(o => Validate(value, o, at).ToList()).ToList();
            if (failures.All(f => f.Count > 0))
                yield return $"{at}: matches none of {keyword} ({string.Join(" | ", failures.Select(f => f[0]))})";
            yield break;
        }
        if (schema.TryGetProperty("allOf", out var all))
        {
            foreach (var part in all.EnumerateArray())
                foreach (var problem in Validate(value, part, at))
                    yield return problem;
        }
        var types = schema.TryGetProperty("type", out var type)
            ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToHashSet() : [type.GetString()!]
            : null;
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True) types?.Add("null");
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (types is not null && !types.Contains("null")) yield return $"{at}: null where the document says {string.Join("/", types)}";
            yield break;
        }
        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.ToString() == value.ToString()))
            yield return $"{at}: {value} is not one of {values}";
        if (types is not null && !types.Contains(KindOf(value)) && !(KindOf(value) == "integer" && types.Contains("number")))
        {
            yield return $"{at}: a {KindOf(value)} where the document says {string.Join("/", types)}";
            yield break;
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
                foreach (var problem in Validate(item, items, $"{at}[{index++}]"))
                    yield return problem;
        }
        if (value.ValueKind != JsonValueKind.Object) yield break;
        var properties = schema.TryGetProperty("properties", out var declared) ? declared : default;
        var open = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind != JsonValueKind.False;
        if (properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (value.TryGetProperty(property.Name, out var member))
                {
                    foreach (var problem in Validate(member, property.Value, $"{at}.{property.Name}"))
                        yield return problem;
                }
                else if (!IsNullable(property.Value) || Required(schema).Contains(property.Name))
                {
                    yield return $"{at}: property '{property.Name}' is documented but not sent";
                }
            }
        }
        if (!open && (properties.ValueKind == JsonValueKind.Object || types?.Contains("object") == true))
        {
            foreach (var member in value.EnumerateObject())
            {
                if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(member.Name, out _))
                    yield return $"{at}: property '{member.Name}' is sent but not documented";
            }
        }
        else if (open && additional.ValueKind == JsonValueKind.Object && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in value.EnumerateObject().Where(m => !properties.TryGetProperty(m.Name, out _)))
                foreach (var problem in Validate(member.Value, additional, $"{at}.{member.Name}"))
                    yield return problem;
        }
    }

    private static HashSet<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToHashSet() : [];

    private bool IsNullable(JsonElement schema)
    {
        schema = Resolve(schema);
        if (schema.TryGetProperty("type", out var type))
            return type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => t.GetString() == "null") : type.GetString() == "null";
        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(keyword, out var options) && options.EnumerateArray().Any(IsNullable)) return true;
        }
        return schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True;
    }

    private static string KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
