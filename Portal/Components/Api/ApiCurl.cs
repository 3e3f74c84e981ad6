using System.Text;

namespace Portal.Components.Api;

/// <summary>
/// A ready-to-edit <c>curl</c> command for an operation: path parameters become <c>&lt;tenantId&gt;</c> placeholders,
/// required query parameters are appended, the token comes from <c>$PORTAL_TOKEN</c>, and a JSON body lists the request
/// schema's properties with placeholder values of their type.
/// </summary>
public static class ApiCurl
{
    public static string For(ApiOperation operation, string baseUrl)
    {
        var url = new StringBuilder(baseUrl.TrimEnd('/'));
        url.Append(operation.Path.Replace("{", "<", StringComparison.Ordinal).Replace("}", ">", StringComparison.Ordinal));
        var query = operation.Parameters.Where(p => p.In == "query" && p.Required).Select(p => $"{p.Name}=<{p.Name}>").ToList();
        if (query.Count > 0) url.Append('?').AppendJoin('&', query);

        var lines = new List<string>
        {
            operation.Method == "GET" ? $"curl \"{url}\"" : $"curl -X {operation.Method} \"{url}\"",
            "-H \"Authorization: Bearer $PORTAL_TOKEN\"",
        };
        if (operation.RequestBody is { } body)
        {
            lines.Add($"-H \"Content-Type: {body.ContentType}\"");
            lines.Add($"-d '{Example(body)}'");
        }
        return string.Join(" \\\n  ", lines);
    }

    private static string Example(ApiRequestBody body) =>
        body.Properties.Count == 0
            ? "{}"
            : "{" + string.Join(", ", body.Properties.Select(p => $"\"{p.Name}\": {Placeholder(p)}")) + "}";

    private static string Placeholder(ApiProperty property) => property.Type switch
    {
        { EnumValues: [var first, ..] } => $"\"{first}\"",
        { Text: "integer" or "number" } => "0",
        { Text: "boolean" } => "false",
        { Text: var text } when text.StartsWith("array", StringComparison.Ordinal) => "[]",
        { SchemaName: not null } or { Text: "object" } => "{}",
        _ => $"\"<{property.Name}>\"",
    };
}
