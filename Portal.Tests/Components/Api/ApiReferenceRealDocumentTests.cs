using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Components.Api;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Components.Api;

/// <summary>
/// The API reference over the running portal's own document: every operation the document has is on the page, and every
/// schema a type links to is listed, whatever endpoints the API gains.
/// </summary>
public sealed class ApiReferenceRealDocumentTests(PortalWebFactory factory) : ComponentTest, IClassFixture<PortalWebFactory>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private IOpenApiDocumentProvider Provider => factory.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(ApiOpenApi.DocumentName);

    private async Task<List<string>> DocumentOperationsAsync()
    {
        using var json = JsonDocument.Parse(await ApiReferenceSource.SerializeAsync(Provider));
        return json.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)).Select(m => $"{m.Name.ToUpperInvariant()} {path.Name}"))
            .ToList();
    }

    [Fact]
    public async Task Model_RealDocument_ListsEveryOperationOnceUnderATag()
    {
        var expected = await DocumentOperationsAsync();
        var model = await ApiReferenceSource.GetAsync(Provider);

        Assert.True(expected.Count > 10, $"The document has only {expected.Count} operations.");
        Assert.Equal(expected.Order(), model.Operations.Select(o => $"{o.Method} {o.Path}").Order());
        Assert.All(model.Operations, o => Assert.False(string.IsNullOrEmpty(o.Summary), $"{o.Method} {o.Path} has no summary"));
        Assert.All(model.Operations, o => Assert.NotEmpty(o.Responses));
        Assert.Equal(model.Operations.Count(), model.Operations.Select(o => o.Anchor).Distinct().Count());
        Assert.Same(model, await ApiReferenceSource.GetAsync(Provider));
    }

    [Fact]
    public async Task Model_RealDocument_EveryLinkedSchemaIsListed()
    {
        var model = await ApiReferenceSource.GetAsync(Provider);
        var listed = model.Schemas.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var types = model.Operations.SelectMany(o => o.Parameters.Select(p => p.Type)
                .Concat(o.Responses.Select(r => r.Type).OfType<ApiType>())
                .Concat(o.RequestBody is { } body ? body.Properties.Select(p => p.Type).Append(body.Type) : []))
            .Concat(model.Schemas.SelectMany(s => s.Properties.Select(p => p.Type)));
        Assert.All(types.Where(t => t.SchemaName is not null), t => Assert.Contains(t.SchemaName!, listed));
        // The generator's integer-or-numeric-string pair reads as an integer.
        Assert.DoesNotContain(types, t => t.Text.Contains("integer or string", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Page_RealDocument_ShowsAPanelForEveryOperation()
    {
        var expected = await DocumentOperationsAsync();
        Services.AddKeyedSingleton(ApiOpenApi.DocumentName, Provider);
        RenderProviders();

        var page = Render<ApiReferencePage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".op-header")), TimeSpan.FromSeconds(10));
        var shown = page.FindAll(".op-header").Select(b => $"{b.QuerySelector(".op-method")!.TextContent} {b.QuerySelector(".op-path")!.TextContent}");
        Assert.Equal(expected.Order(), shown.Order());
        Assert.Equal($"{expected.Count} operations", page.Find(".api-count").TextContent);
    }
}
