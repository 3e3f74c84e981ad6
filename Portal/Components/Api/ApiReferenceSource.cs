using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Components.Api;

/// <summary>
/// The API reference's model, read once per application: the document is generated from the endpoints, which do not
/// change while the app runs. It is cached against the application's document provider (a singleton), so each app —
/// and each test's — has its own, without a registration of its own; a failed read is forgotten and tried again.
/// </summary>
public static class ApiReferenceSource
{
    private static readonly ConditionalWeakTable<IOpenApiDocumentProvider, Task<ApiReferenceModel>> Cache = [];

    public static Task<ApiReferenceModel> GetAsync(IOpenApiDocumentProvider provider)
    {
        var task = Cache.GetValue(provider, ReadAsync);
        if (task.IsFaulted || task.IsCanceled) Cache.Remove(provider);
        return task;
    }

    /// <summary>The document as <c>/openapi/v1.json</c> serves it (OpenAPI 3.1 JSON), read into the page's model.</summary>
    public static async Task<string> SerializeAsync(IOpenApiDocumentProvider provider, CancellationToken cancellationToken = default)
    {
        var document = await provider.GetOpenApiDocumentAsync(cancellationToken);
        return await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
    }

    // Not the circuit's token: the cached task outlives the page that started it.
    private static async Task<ApiReferenceModel> ReadAsync(IOpenApiDocumentProvider provider) =>
        ApiReferenceParser.Parse(await SerializeAsync(provider, CancellationToken.None));
}
