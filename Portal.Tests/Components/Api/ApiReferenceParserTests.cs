using Portal.Components.Api;

namespace Portal.Tests.Components.Api;

/// <summary>
/// A small hand-written OpenAPI 3.1 document shaped like the one ASP.NET Core generates: tags, path-level parameters,
/// refs, JSON Schema type arrays with "null", an enumeration with null, the integer-or-numeric-string pair.
/// </summary>
internal static class SampleApiDocument
{
    public const string Json = """
        {
          "openapi": "3.1.1",
          "info": { "title": "Sample API", "version": "v1",
            "description": "Automation for the sample.\n\n* Lists are paged: pass `pageSize`\n  and `pageToken`.\n* Errors are problem details." },
          "tags": [ { "name": "Identity", "description": "Who you are." }, { "name": "Tenants" } ],
          "paths": {
            "/api/v1/me": {
              "get": { "tags": ["Identity"], "summary": "Who this token acts as", "operationId": "getMe",
                "responses": {
                  "401": { "description": "Unauthorized", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } } },
                  "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MeResponse" } } } } } }
            },
            "/api/v1/tenants": {
              "get": { "tags": ["Tenants"], "summary": "Tenants you can see", "operationId": "listTenants",
                "parameters": [
                  { "name": "search", "in": "query", "description": "Part of a name", "schema": { "type": "string" } },
                  { "name": "pageSize", "in": "query", "schema": { "pattern": "^-?(?:0|[1-9]\\d*)$", "type": ["integer", "string"], "format": "int32" } } ],
                "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TenantPage" } } } } } },
              "post": { "tags": ["Tenants"], "summary": "Create a tenant", "operationId": "createTenant",
                "parameters": [ { "name": "Idempotency-Key", "in": "header", "description": "Makes the request safe to retry.", "schema": { "type": "string", "maxLength": 255 } } ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CreateTenantRequest" } } } },
                "responses": {
                  "422": { "description": "The request breaks a rule", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } } },
                  "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TenantResource" } } } } } }
            },
            "/api/v1/tenants/{tenantId}": {
              "parameters": [ { "name": "tenantId", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } } ],
              "get": { "tags": ["Tenants"], "summary": "One tenant", "operationId": "getTenant",
                "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TenantResource" } } } } } },
              "delete": { "tags": ["Tenants"], "summary": "Delete an empty tenant", "operationId": "deleteTenant",
                "responses": {
                  "404": { "description": "Not Found", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } } },
                  "204": { "description": "No Content" } } }
            }
          },
          "components": {
            "schemas": {
              "CreateTenantRequest": { "type": "object", "required": ["name", "slug"],
                "properties": {
                  "name": { "type": "string", "description": "Shown everywhere" },
                  "slug": { "type": "string" },
                  "description": { "type": ["null", "string"] },
                  "seats": { "type": ["integer", "string"], "format": "int32", "pattern": "^-?(?:0|[1-9]\\d*)$" },
                  "defaultRole": { "$ref": "#/components/schemas/TenantRole" } } },
              "MeResponse": { "type": "object", "required": ["id"], "properties": { "id": { "type": "string" }, "tenants": { "type": ["null", "array"], "items": { "type": "string", "format": "uuid" } } } },
              "ProblemDetails": { "type": "object", "properties": { "title": { "type": ["null", "string"] },
                "code": { "type": "string", "enum": ["invalid", "not-found"] } } },
              "TenantPage": { "type": "object", "required": ["items"], "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/TenantResource" } },
                "nextPageToken": { "type": ["null", "string"] } } },
              "TenantResource": { "type": "object", "required": ["id", "name", "myRole"], "properties": {
                "id": { "type": "string", "format": "uuid" },
                "name": { "type": "string" },
                "myRole": { "oneOf": [ { "type": "null" }, { "$ref": "#/components/schemas/TenantRole" } ] } } },
              "TenantRole": { "enum": ["viewer", "member", "admin", null] }
            }
          }
        }
        """;
}

public sealed class ApiReferenceParserTests
{
    private static readonly ApiReferenceModel Model = ApiReferenceParser.Parse(SampleApiDocument.Json);

    private static ApiOperation Operation(string id) => Model.Operations.Single(o => o.OperationId == id);

    private static ApiProperty Property(string schema, string name) => Model.Schemas.Single(s => s.Name == schema).Properties.Single(p => p.Name == name);

    [Fact]
    public void Parse_TaggedOperations_GroupsThemUnderTheirTagsInTheDocumentsOrder()
    {
        Assert.Equal("Sample API", Model.Title);
        Assert.Equal("v1", Model.Version);
        Assert.Equal(["Identity", "Tenants"], Model.Tags.Select(t => t.Name));
        Assert.Equal("Who you are.", Model.Tags[0].Description);
        Assert.Equal(["GET /api/v1/me"], Model.Tags[0].Operations.Select(o => $"{o.Method} {o.Path}"));
        Assert.Equal(["GET /api/v1/tenants", "POST /api/v1/tenants", "GET /api/v1/tenants/{tenantId}", "DELETE /api/v1/tenants/{tenantId}"],
            Model.Tags[1].Operations.Select(o => $"{o.Method} {o.Path}"));
        Assert.Equal("Create a tenant", Operation("createTenant").Summary);
    }

    [Fact]
    public void Parse_PathLevelParameter_AppliesToEveryOperationOfThePath()
    {
        foreach (var id in new[] { "getTenant", "deleteTenant" })
        {
            var parameter = Assert.Single(Operation(id).Parameters);
            Assert.Equal(("tenantId", "path", true), (parameter.Name, parameter.In, parameter.Required));
            Assert.Equal("string (uuid)", parameter.Type.ToString());
        }
    }

    [Fact]
    public void Parse_QueryAndHeaderParameters_KeepLocationDescriptionAndReadTheNumericStringPairAsInteger()
    {
        var list = Operation("listTenants").Parameters;
        Assert.Equal(("search", "query", false, "string", "Part of a name"), (list[0].Name, list[0].In, list[0].Required, list[0].Type.ToString(), list[0].Description));
        Assert.Equal("integer (int32)", list[1].Type.ToString());
        var key = Assert.Single(Operation("createTenant").Parameters);
        Assert.Equal(("Idempotency-Key", "header"), (key.Name, key.In));
    }

    [Fact]
    public void Parse_RequestBody_ResolvesItsSchemaToPropertiesWithRequiredNullableAndEnumValues()
    {
        var body = Operation("createTenant").RequestBody!;
        Assert.True(body.Required);
        Assert.Equal("application/json", body.ContentType);
        Assert.Equal("CreateTenantRequest", body.Type.SchemaName);
        Assert.Equal(["name", "slug", "description", "seats", "defaultRole"], body.Properties.Select(p => p.Name));
        Assert.True(body.Properties[0].Required);
        Assert.Equal("Shown everywhere", body.Properties[0].Description);
        Assert.False(body.Properties[2].Required);
        Assert.Equal("string, nullable", body.Properties[2].Type.ToString());
        Assert.Equal("integer (int32)", body.Properties[3].Type.ToString());
        var role = body.Properties[4].Type;
        Assert.Equal(("TenantRole", "TenantRole", true), (role.Text, role.SchemaName, role.Nullable));
        Assert.Equal(["viewer", "member", "admin"], role.EnumValues);
        Assert.Null(Operation("getTenant").RequestBody);
    }

    [Fact]
    public void Parse_OneOfNullAndRef_IsTheReferencedSchemaNullable()
    {
        var myRole = Property("TenantResource", "myRole").Type;
        Assert.Equal(("TenantRole", "TenantRole", true), (myRole.Text, myRole.SchemaName, myRole.Nullable));
        Assert.Equal(["viewer", "member", "admin"], myRole.EnumValues);
        Assert.True(Property("TenantResource", "myRole").Required);
    }

    [Fact]
    public void Parse_Arrays_NameTheirItemsAndLinkTheItemsSchema()
    {
        var items = Property("TenantPage", "items").Type;
        Assert.Equal(("array of TenantResource", "TenantResource", false), (items.Text, items.SchemaName, items.Nullable));
        Assert.Equal("array of string (uuid), nullable", Property("MeResponse", "tenants").Type.ToString());
        Assert.Equal(["invalid", "not-found"], Property("ProblemDetails", "code").Type.EnumValues);
    }

    [Fact]
    public void Parse_Responses_AreOrderedByStatusWithDescriptionAndSchema()
    {
        var responses = Operation("deleteTenant").Responses;
        Assert.Equal(["204", "404"], responses.Select(r => r.Status));
        Assert.Null(responses[0].Type);
        Assert.Equal("No Content", responses[0].Description);
        Assert.Equal(("application/problem+json", "ProblemDetails"), (responses[1].ContentType, responses[1].Type!.SchemaName));
        Assert.Equal(["201", "422"], Operation("createTenant").Responses.Select(r => r.Status));
    }

    [Fact]
    public void Parse_ComponentSchemas_ListsObjectsWithPropertiesAndEnumerationsWithValues()
    {
        Assert.Equal(["CreateTenantRequest", "MeResponse", "ProblemDetails", "TenantPage", "TenantResource", "TenantRole"], Model.Schemas.Select(s => s.Name));
        var role = Model.Schemas.Single(s => s.Name == "TenantRole");
        Assert.Empty(role.Properties);
        Assert.Equal(("string", true), (role.Type.Text, role.Type.Nullable));
        Assert.Equal(["viewer", "member", "admin"], role.Type.EnumValues);
        Assert.Equal("schema-tenantrole", role.Anchor);
    }

    [Fact]
    public void Curl_Write_HasMethodPlaceholdersTokenAndABodyWithTheRequestsProperties()
    {
        var curl = ApiCurl.For(Operation("createTenant"), "https://portal.example/");

        Assert.Equal("""
            curl -X POST "https://portal.example/api/v1/tenants" \
              -H "Authorization: Bearer $PORTAL_TOKEN" \
              -H "Content-Type: application/json" \
              -d '{"name": "<name>", "slug": "<slug>", "description": "<description>", "seats": 0, "defaultRole": "viewer"}'
            """, curl);
    }

    [Fact]
    public void Curl_ReadWithPathParameter_HasAPlaceholderAndNoBody()
    {
        Assert.Equal("""
            curl "https://portal.example/api/v1/tenants/<tenantId>" \
              -H "Authorization: Bearer $PORTAL_TOKEN"
            """, ApiCurl.For(Operation("getTenant"), "https://portal.example"));
        Assert.StartsWith("curl -X DELETE \"https://portal.example/api/v1/tenants/<tenantId>\"", ApiCurl.For(Operation("deleteTenant"), "https://portal.example"), StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_ParagraphsAndBulletsWithWrappedLines_BecomeBlocks()
    {
        var blocks = ApiMarkdownBlocks.Parse(Model.Description);

        Assert.Equal(2, blocks.Count);
        Assert.Equal((false, "Automation for the sample."), (blocks[0].IsList, Assert.Single(blocks[0].Lines)));
        Assert.True(blocks[1].IsList);
        Assert.Equal(["Lists are paged: pass `pageSize` and `pageToken`.", "Errors are problem details."], blocks[1].Lines);
    }
}
