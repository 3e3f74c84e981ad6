using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Portal.Components.ApiTokens;

public sealed partial class ApiTokenSecretDialog
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The token's text. The dialog service holds its parameters only while the dialog is open.</summary>
    [Parameter, EditorRequired] public string Token { get; set; } = "";

    private string? _text;
    private IJSObjectReference? _clipboard;

    /// <summary>The dialog's options: only the button closes it, so a stray click or key does not lose a token not yet copied.</summary>
    public static readonly DialogOptions Options = new()
    {
        MaxWidth = MaxWidth.Small,
        FullWidth = true,
        CloseButton = false,
        CloseOnEscapeKey = false,
        BackdropClick = false,
    };

    private string Example => $"curl -H \"Authorization: Bearer <token>\" {Navigation.BaseUri}api/v1/me";

    protected override void OnInitialized() => _text = Token;

    private Task CopyTokenAsync() => CopyAsync(_text ?? "", "Token");

    private Task CopyExampleAsync() => CopyAsync(Example, "Example");

    private async Task CopyAsync(string text, string what)
    {
        _clipboard ??= await Js.InvokeAsync<IJSObjectReference>("import", "./js/clipboard.js");
        var copied = await _clipboard.InvokeAsync<bool>("copyText", text);
        Snackbar.Add(copied ? $"{what} copied." : $"The browser did not allow copying. Select the {what.ToLowerInvariant()} and copy it yourself.",
            copied ? Severity.Info : Severity.Warning);
    }

    private void Done()
    {
        _text = null;
        Dialog.Close(DialogResult.Ok(true));
    }

    public async ValueTask DisposeAsync()
    {
        _text = null;
        if (_clipboard is not null)
        {
            try
            {
                await _clipboard.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the module.
            }
        }
    }
}
