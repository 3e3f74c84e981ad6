using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Api.Common;

namespace Portal.Components.Api;

/// <summary>
/// The HTTP API's reference, for anyone signed in: the OpenAPI document the API serves, read on the server (through
/// the document provider, not over HTTP) and shown in the portal's own look, with a search over its operations.
/// </summary>
public sealed partial class ApiReferencePage : IAsyncDisposable
{
    public const string SchemasAnchor = "schemas";

    [Inject(Key = ApiOpenApi.DocumentName)] private IOpenApiDocumentProvider Documents { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private static readonly string DocumentUrl = "/" + ApiOpenApi.DocumentPath.TrimStart('/').Replace("{documentName}", ApiOpenApi.DocumentName, StringComparison.Ordinal);

    private ApiReferenceModel? _model;
    private List<ApiTag> _visible = [];
    private string? _search;
    private IJSObjectReference? _clipboard;

    protected override async Task OnInitializedAsync()
    {
        _model = await ApiReferenceSource.GetAsync(Documents);
        Filter();
    }

    private void Search(string? search)
    {
        _search = search;
        Filter();
    }

    private void Filter() =>
        _visible = _model is null ? [] : _model.Tags
            .Select(tag => tag with { Operations = tag.Operations.Where(o => o.Matches(_search) || tag.Name.Contains(_search?.Trim() ?? "", StringComparison.OrdinalIgnoreCase)).ToList() })
            .Where(tag => tag.Operations.Count > 0)
            .ToList();

    private string CountText
    {
        get
        {
            var total = _model?.Operations.Count() ?? 0;
            var shown = _visible.Sum(t => t.Operations.Count);
            return shown == total ? $"{total} operations" : $"{shown} of {total} operations";
        }
    }

    private async Task CopyAsync(string text)
    {
        _clipboard ??= await Js.InvokeAsync<IJSObjectReference>("import", "./js/clipboard.js");
        var copied = await _clipboard.InvokeAsync<bool>("copyText", text);
        Snackbar.Add(copied ? "Example copied." : "The browser did not allow copying. Select the example and copy it yourself.",
            copied ? Severity.Success : Severity.Warning);
    }

    public async ValueTask DisposeAsync()
    {
        if (_clipboard is not null)
        {
            try
            {
                await _clipboard.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the module with it.
            }
        }
    }
}
