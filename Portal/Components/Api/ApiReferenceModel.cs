namespace Portal.Components.Api;

/// <summary>
/// What the API reference page shows, read from the OpenAPI document: its operations grouped by tag, in the document's
/// order, and its component schemas. A view model of our own, so the page never walks the OpenAPI object model.
/// </summary>
public sealed record ApiReferenceModel
{
    public required string Title { get; init; }
    public required string Version { get; init; }
    public string? Description { get; init; }
    public required IReadOnlyList<ApiTag> Tags { get; init; }
    public required IReadOnlyList<ApiSchema> Schemas { get; init; }

    public IEnumerable<ApiOperation> Operations => Tags.SelectMany(t => t.Operations);
}

/// <summary>A group of operations; <see cref="Anchor"/> is the id of its section on the page.</summary>
public sealed record ApiTag(string Name, string? Description, IReadOnlyList<ApiOperation> Operations)
{
    public string Anchor => ApiAnchors.Tag(Name);
}

public sealed record ApiOperation
{
    /// <summary>Upper case: GET, POST, PUT, PATCH, DELETE...</summary>
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required string Tag { get; init; }
    public string? OperationId { get; init; }
    public string? Summary { get; init; }
    public string? Description { get; init; }
    public bool Deprecated { get; init; }
    public required IReadOnlyList<ApiParameter> Parameters { get; init; }
    public ApiRequestBody? RequestBody { get; init; }
    /// <summary>Ordered by status code.</summary>
    public required IReadOnlyList<ApiResponse> Responses { get; init; }

    public string Anchor => ApiAnchors.Operation(OperationId ?? $"{Method}-{Path}");

    /// <summary>Whether a search text finds this operation: by path, summary, operation id, tag or method.</summary>
    public bool Matches(string? search) =>
        string.IsNullOrWhiteSpace(search)
        || new[] { Path, Summary, OperationId, Tag, Method }.Any(text => text?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) == true);
}

/// <summary>A parameter: <see cref="In"/> is path, query, header or cookie.</summary>
public sealed record ApiParameter(string Name, string In, bool Required, ApiType Type, string? Description);

/// <summary>A request body; <see cref="Properties"/> are its (referenced) object schema's, empty when it is not an object.</summary>
public sealed record ApiRequestBody(string ContentType, bool Required, ApiType Type, IReadOnlyList<ApiProperty> Properties, string? Description);

/// <summary>A response; <see cref="Type"/> is null when it has no body.</summary>
public sealed record ApiResponse(string Status, string Description, string? ContentType, ApiType? Type);

/// <summary>A component schema: an object's properties, or an enumeration's values.</summary>
public sealed record ApiSchema(string Name, string? Description, ApiType Type, IReadOnlyList<ApiProperty> Properties)
{
    public string Anchor => ApiAnchors.Schema(Name);
}

public sealed record ApiProperty(string Name, ApiType Type, bool Required, string? Description);

/// <summary>
/// A schema's type as people read it: <see cref="Text"/> is "string", "integer", "array of TenantSummary" or a schema's
/// name; <see cref="SchemaName"/> names the component schema it refers to (an array's item's), for a link.
/// </summary>
public sealed record ApiType
{
    public required string Text { get; init; }
    public string? SchemaName { get; init; }
    public string? Format { get; init; }
    public bool Nullable { get; init; }
    /// <summary>The allowed values, its own or those of the enumeration it refers to (null excluded: see <see cref="Nullable"/>).</summary>
    public IReadOnlyList<string> EnumValues { get; init; } = [];

    public static readonly ApiType Any = new() { Text = "any" };

    /// <summary>"string (uuid)", "array of TenantSummary", with ", nullable" when null is allowed.</summary>
    public override string ToString() => Text + (Format is null ? "" : $" ({Format})") + (Nullable ? ", nullable" : "");
}

/// <summary>The page's element ids: stable, from names, safe in a URL fragment.</summary>
public static class ApiAnchors
{
    public static string Tag(string name) => "tag-" + Slug(name);
    public static string Operation(string id) => "op-" + Slug(id);
    public static string Schema(string name) => "schema-" + Slug(name);

    private static string Slug(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray();
        return new string(chars).Trim('-');
    }
}
