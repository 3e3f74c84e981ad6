using Bunit;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Portal.Api.Common;
using Portal.Components.Api;

namespace Portal.Tests.Components.Api;

/// <summary>
/// The API reference page over the sample document, served by a document provider as the app's is (the page
/// serializes it and reads it back): operations grouped by tag, a search that narrows them, an operation's details.
/// </summary>
public sealed class ApiReferencePageTests : ComponentTest
{
    private sealed class SampleDocumentProvider : IOpenApiDocumentProvider
    {
        public Task<OpenApiDocument> GetOpenApiDocumentAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(OpenApiDocument.Parse(SampleApiDocument.Json, "json").Document
                ?? throw new InvalidOperationException("The sample document does not parse."));
    }

    private IRenderedComponent<ApiReferencePage> Open()
    {
        Services.AddKeyedSingleton<IOpenApiDocumentProvider>(ApiOpenApi.DocumentName, new SampleDocumentProvider());
        RenderProviders();
        var page = Render<ApiReferencePage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("section.api-tag")));
        return page;
    }

    private static List<string> SectionTitles(IRenderedComponent<ApiReferencePage> page) =>
        page.FindAll("section.api-tag h2").Select(h => h.TextContent.Trim()).ToList();

    private static List<string> Operations(IRenderedComponent<ApiReferencePage> page, string? tag = null) =>
        page.FindAll(tag is null ? "section.api-tag .op-header" : $"section#{ApiAnchors.Tag(tag)} .op-header")
            .Select(b => $"{b.QuerySelector(".op-method")!.TextContent} {b.QuerySelector(".op-path")!.TextContent}")
            .ToList();

    private static void Search(IRenderedComponent<ApiReferencePage> page, string text) => page.Find("#api-search").Input(text);

    [Fact]
    public void Render_SampleDocument_ShowsTheDescriptionAuthenticationAndOperationsGroupedByTag()
    {
        var page = Open();

        Assert.Equal(["Identity", "Tenants"], SectionTitles(page));
        Assert.Equal(["GET /api/v1/me"], Operations(page, "Identity"));
        Assert.Equal(["GET /api/v1/tenants", "POST /api/v1/tenants", "GET /api/v1/tenants/{tenantId}", "DELETE /api/v1/tenants/{tenantId}"], Operations(page, "Tenants"));
        Assert.Equal("op-method op-method-delete", page.FindAll(".op-method").Last().ClassName);
        Assert.Equal("Who you are.", page.Find("section#tag-identity .md-paragraph").TextContent);
        // The document's description: a paragraph and a list with code.
        Assert.Equal(["pageSize", "pageToken"], page.FindAll(".api-overview .md-list li:first-child code").Select(c => c.TextContent));
        Assert.Contains("href=\"account/api-tokens\"", page.Find(".api-auth").InnerHtml, StringComparison.Ordinal);
        Assert.Equal("/openapi/v1.json", page.FindAll("a[download]").Single().GetAttribute("href"));
        Assert.Equal(["Identity", "Tenants", "Schemas"], page.FindAll(".api-toc li a").Select(a => a.TextContent));
        Assert.Equal("api-reference#tag-tenants", page.FindAll(".api-toc li a")[1].GetAttribute("href"));
        Assert.Equal("5 operations", page.Find(".api-count").TextContent);
        // Closed panels render no details.
        Assert.Empty(page.FindAll(".op-details"));
    }

    [Fact]
    public void Search_ByPathSummaryOrTag_ShowsOnlyTheOperationsThatMatch()
    {
        var page = Open();

        Search(page, "delete");
        page.WaitForAssertion(() => Assert.Equal(["DELETE /api/v1/tenants/{tenantId}"], Operations(page)));
        Assert.Equal(["Tenants"], SectionTitles(page));
        Assert.Equal("1 of 5 operations", page.Find(".api-count").TextContent);

        Search(page, "/ME");
        page.WaitForAssertion(() => Assert.Equal(["GET /api/v1/me"], Operations(page)));

        Search(page, "tenants");
        page.WaitForAssertion(() => Assert.Equal(4, Operations(page).Count));
        Assert.Equal(["Tenants"], SectionTitles(page));

        Search(page, "nothing like this");
        page.WaitForAssertion(() => Assert.Empty(Operations(page)));
        Assert.Contains("No operation matches", page.Find(".empty-state").TextContent, StringComparison.Ordinal);
        // The schemas stay: they are not what the search looks through.
        Assert.Equal(6, page.FindAll(".api-schema").Count);

        Search(page, "");
        page.WaitForAssertion(() => Assert.Equal(5, Operations(page).Count));
    }

    [Fact]
    public void Expand_Write_ShowsParametersBodyPropertiesResponsesAndACurlExample()
    {
        var page = Open();
        var header = page.FindAll(".op-header").Single(b => b.TextContent.Contains("POST", StringComparison.Ordinal));
        Assert.Equal("false", header.GetAttribute("aria-expanded"));

        header.Click();

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#op-createtenant .op-header").GetAttribute("aria-expanded")));
        var details = page.Find("#op-createtenant-details");
        var parameter = details.QuerySelector("table[aria-label='Parameters of POST /api/v1/tenants'] tbody tr")!;
        Assert.Equal(["Idempotency-Key", "header", "string", "Makes the request safe to retry."], parameter.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        var body = details.QuerySelectorAll("table[aria-label='Request body of POST /api/v1/tenants'] tbody tr");
        Assert.Equal(["namerequired", "slugrequired", "description", "seats", "defaultRole"], body.Select(r => r.QuerySelector("td")!.TextContent.Trim()));
        Assert.Equal("string, nullable", body[2].QuerySelectorAll("td")[1].TextContent.Trim());
        Assert.Equal("api-reference#schema-tenantrole", body[4].QuerySelector("td a")!.GetAttribute("href"));
        Assert.Equal(["viewer", "member", "admin"], body[4].QuerySelectorAll(".api-enum code").Select(c => c.TextContent));
        Assert.Equal(["201", "422"], details.QuerySelectorAll(".api-responses .state-badge").Select(b => b.TextContent));
        Assert.Equal("api-reference#schema-tenantresource", details.QuerySelector(".api-responses li a")!.GetAttribute("href"));
        var curl = details.QuerySelector("[data-testid=curl-example]")!.TextContent;
        Assert.StartsWith("curl -X POST \"http://localhost/api/v1/tenants\"", curl, StringComparison.Ordinal);
        Assert.Contains("-d '{\"name\": \"<name>\", \"slug\": \"<slug>\"", curl, StringComparison.Ordinal);
        Assert.NotNull(page.Find("#schema-tenantrole"));

        page.Find("#op-createtenant .op-header").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".op-details")));
    }
}
