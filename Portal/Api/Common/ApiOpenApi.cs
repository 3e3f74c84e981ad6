using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Domain.Common;

namespace Portal.Api.Common;

/// <summary>Marks an endpoint that honours If-Match (its OpenAPI operation documents the header and the 412).</summary>
public sealed class HonorsIfMatchAttribute : Attribute;

/// <summary>
/// The API's OpenAPI 3.1 document, <c>/openapi/v1.json</c>, generated from the endpoints themselves (their parameters,
/// bodies and declared responses), so it cannot drift from the wire format unless an endpoint declares something it
/// does not do — which the tests compare. Enums travel as camelCase strings, in the document and on the wire alike.
/// </summary>
public static class ApiOpenApi
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string SecurityScheme = "bearer";

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        return services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.OrdinalIgnoreCase) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Portal API",
                    Version = "v1",
                    Description = Description,
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "Portal API token (ptl_…)",
                    Description = "A personal access token or a project service account's token, created in the portal.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, document)] = [] }];
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // A request body's nullable members may be left out (a missing one reaches the domain, which names it
                // when it is needed): only the non-nullable ones are required of a client.
                if (context.ParameterDescription is not null && schema.Required is { Count: > 0 } required && schema.Properties is { } members)
                {
                    foreach (var name in required.Where(n => members.TryGetValue(n, out var member) && member.Type is { } type
                        && type.HasFlag(JsonSchemaType.Null)).ToList())
                        required.Remove(name);
                }
                // The API's problems carry a stable code and, for one input, its field (see ApiProblems).
                if (context.JsonTypeInfo.Type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) || context.JsonTypeInfo.Type == typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))
                {
                    schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                    schema.Properties["code"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "What kind of refusal this is; stable, for programs to branch on.",
                        Enum = ApiProblemCodes.Titles.Keys.Select(code => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(code)!).ToList(),
                    };
                    schema.Properties["field"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String | JsonSchemaType.Null,
                        Description = "The input the refusal is about (a body property, a query parameter or a header), when there is one.",
                    };
                }
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var method = context.Description.HttpMethod ?? "";
                operation.Parameters ??= [];
                AddSharedResponses(operation, context, method);
                if (method is "POST" or "PUT" or "PATCH" or "DELETE")
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = ApiIdempotency.Header,
                        In = ParameterLocation.Header,
                        Required = false,
                        Description = $"Makes the request safe to retry: the same key within {Limits.IdempotencyWindow.TotalHours:0} hours returns the first answer.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Limits.IdempotencyKeyMaxLength },
                    });
                }
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<HonorsIfMatchAttribute>().Any())
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = ApiPreconditions.IfMatchField,
                        In = ParameterLocation.Header,
                        Required = false,
                        Description = "The ETag the change is based on; 412 when the resource changed since.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>
    /// The problems the API's shared machinery may answer on any operation, whatever its handler declares: a write may
    /// meet a read-only token (403) or an idempotency key in use (409) or reused (422); a body may not parse (400); an id
    /// may name nothing the caller can see (404); a list's page token or size may be wrong, an If-Match malformed (422)
    /// or stale (412). Each is a problem document, like the 401 and 429 every operation declares.
    /// </summary>
    private static void AddSharedResponses(OpenApiOperation operation, OpenApiOperationTransformerContext context, string method)
    {
        operation.Responses ??= [];
        if (!operation.Responses.TryGetValue("401", out var template) || template.Content is null) return;
        void Add(int status, string description)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
                operation.Responses[key] = new OpenApiResponse { Description = description, Content = template.Content };
        }
        var write = method is "POST" or "PUT" or "PATCH" or "DELETE";
        if (write)
        {
            Add(StatusCodes.Status403Forbidden, "Not allowed: the caller's role, or a read-only token");
            Add(StatusCodes.Status409Conflict, "Conflicts with the current state, or the Idempotency-Key's first request is still running");
            Add(StatusCodes.Status422UnprocessableEntity, "The request breaks a rule, or the Idempotency-Key was used for another request");
        }
        if (context.Description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body))
            Add(StatusCodes.Status400BadRequest, "The body is not valid JSON for this operation");
        if (context.Description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Path))
            Add(StatusCodes.Status404NotFound, "Nothing you can see has this id");
        if (context.Description.ParameterDescriptions.Any(p => p.Name is ApiPaging.PageTokenField or ApiPaging.PageSizeField))
            Add(StatusCodes.Status422UnprocessableEntity, "pageToken or pageSize is not valid for this list");
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<HonorsIfMatchAttribute>().Any())
        {
            Add(StatusCodes.Status412PreconditionFailed, "If-Match names a version the resource no longer has");
            Add(StatusCodes.Status422UnprocessableEntity, "If-Match is not an ETag this API returned");
        }
    }

    private const string Description = """
        Everything a tenant or a platform team does in the portal's pages, for automation: the same rules, the same
        authorization and the same audit trail. Authenticate with `Authorization: Bearer <token>`.

        * Lists are paged: pass `pageSize` (1-200) and the `nextPageToken` of the previous page as `pageToken`, with
          the same filters.
        * Work that takes time answers `202 Accepted` with a `Location` of its operation; follow the operation until it
          is `succeeded`, `failed` or `cancelled`. A failed one can be retried, a running one cancelled.
        * Writes accept `Idempotency-Key`; resources carry an `ETag`, and `If-Match` makes a change conditional (412).
        * Errors are RFC 9457 problem details with a stable `code` and, when one input is at fault, its `field`.
        * Each token may make a burst of requests and then a steady rate; beyond it the answer is 429 with `Retry-After`.
        """;
}
