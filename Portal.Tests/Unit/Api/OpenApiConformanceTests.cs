using System.Text.Json;
using Portal.Tests.Integration.Api;

namespace Portal.Tests.Unit.Api;

/// <summary>The checker that holds API responses against the OpenAPI document finds each kind of mismatch.</summary>
public sealed class OpenApiConformanceTests
{
    private static readonly OpenApiConformance Checker = new(JsonDocument.Parse("""
        {
          "paths": {
            "/api/v1/things/{id}": {
              "get": {
                "responses": {
                  "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
                  "404": { "content": { "application/problem+json": { "schema": { "type": "object", "additionalProperties": {} } } } }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Thing": {
                "type": "object",
                "properties": {
                  "id": { "type": "string" },
                  "size": { "type": ["integer", "string"] },
                  "note": { "type": ["null", "string"] },
                  "state": { "enum": ["active", "deleting"] },
                  "tags": { "type": "array", "items": { "type": "string" } }
                }
              }
            }
          }
        }
        """).RootElement.Clone());

    private static IReadOnlyList<string> Check(string body, int status = 200, string path = "/api/v1/things/1", string method = "GET") =>
        Checker.Check([new ApiExchange(method, path, status, status == 404 ? "application/problem+json" : "application/json; charset=utf-8", body)]);

    [Fact]
    public void Check_BodyAsDocumented_FindsNothing() =>
        Assert.Empty(Check("""{"id":"a","size":3,"note":null,"state":"active","tags":["x"]}"""));

    [Fact]
    public void Check_PropertyNotDocumented_SaysSo() =>
        Assert.Contains(Check("""{"id":"a","size":3,"note":null,"state":"active","tags":[],"secret":"x"}"""), p => p.Contains("'secret' is sent but not documented"));

    [Fact]
    public void Check_DocumentedPropertyMissing_SaysSo() =>
        Assert.Contains(Check("""{"id":"a","note":null,"state":"active","tags":[]}"""), p => p.Contains("'size' is documented but not sent"));

    [Fact]
    public void Check_NullWhereNotNullable_SaysSo() =>
        Assert.Contains(Check("""{"id":null,"size":3,"note":null,"state":"active","tags":[]}"""), p => p.Contains("$.id: null"));

    [Fact]
    public void Check_WrongTypeInAnArray_SaysWhere() =>
        Assert.Contains(Check("""{"id":"a","size":3,"note":null,"state":"active","tags":[1]}"""), p => p.Contains("$.tags[0]: a integer"));

    [Fact]
    public void Check_ValueOutsideTheEnum_SaysSo() =>
        Assert.Contains(Check("""{"id":"a","size":3,"note":null,"state":"gone","tags":[]}"""), p => p.Contains("is not one of"));

    [Fact]
    public void Check_StatusNotDeclared_SaysWhichAre() =>
        Assert.Contains(Check("{}", status: 409), p => p.Contains("status 409 is not declared (declared: 200, 404)"));

    [Fact]
    public void Check_MethodNotDocumented_SaysSo() =>
        Assert.Contains(Check("{}", method: "DELETE"), p => p.Contains("no such method"));

    [Fact]
    public void Check_UnknownPathAnsweredNotFound_IsAllowed_OtherwiseNot()
    {
        Assert.Empty(Check("""{"status":404}""", status: 404, path: "/api/v1/nothing"));
        Assert.Contains(Check("{}", path: "/api/v1/nothing"), p => p.Contains("no such path"));
    }
}
