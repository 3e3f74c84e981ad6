using Microsoft.AspNetCore.Components;
using Portal.Components.Shared;

namespace Portal.Components.Api;

public sealed partial class ApiOperationPanel
{
    [Parameter, EditorRequired] public ApiOperation Operation { get; set; } = default!;
    /// <summary>The portal's address, which the curl example calls.</summary>
    [Parameter, EditorRequired] public string BaseUrl { get; set; } = "";
    /// <summary>Copies a text to the clipboard (the page owns the clipboard module and says whether it worked).</summary>
    [Parameter] public EventCallback<string> Copy { get; set; }

    private bool _expanded;

    private string Curl => ApiCurl.For(Operation, BaseUrl);

    private Task CopyAsync() => Copy.InvokeAsync(Curl);

    private static BadgeTone StatusTone(string status) => status[0] switch
    {
        '2' => BadgeTone.Success,
        '3' => BadgeTone.Info,
        '4' => BadgeTone.Warning,
        '5' => BadgeTone.Error,
        _ => BadgeTone.Neutral,
    };
}
