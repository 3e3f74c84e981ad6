using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Identity;

namespace Portal.Components.Databases;

public sealed partial class ConnectionCard : IAsyncDisposable
{
    [Inject] private Portal.Jobs.Databases.DatabaseConnections Connections { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter, EditorRequired] public DatabaseDetail Database { get; set; } = default!;

    private Portal.Jobs.Databases.DatabaseConnectionDetails? _details;
    private bool _showSecret;
    private bool _revealing;
    private Refusal? _refusal;
    private IJSObjectReference? _clipboard;

    /// <summary>The value with the password replaced by dots (the URIs carry it too).</summary>
    private string Mask(string value) =>
        _details is { Password.Length: > 0 } d ? value.Replace(d.Password, "••••••••", StringComparison.Ordinal) : value;

    private async Task RevealAsync()
    {
        _revealing = true;
        _refusal = null;
        try
        {
            var revealed = await Connections.RevealAsync(await CurrentActor.GetAsync(), Database.Id);
            _details = revealed.Value;
            _refusal = revealed.Refusal;
            _showSecret = false;
        }
        finally
        {
            _revealing = false;
        }
    }

    private void Hide()
    {
        _details = null;
        _showSecret = false;
    }

    private async Task CopyAsync(string label, string value)
    {
        _clipboard ??= await Js.InvokeAsync<IJSObjectReference>("import", "./js/clipboard.js");
        var copied = await _clipboard.InvokeAsync<bool>("copyText", value);
        Snackbar.Add(copied ? $"{label} copied." : $"The browser did not allow copying the {label.ToLowerInvariant()}.", copied ? Severity.Info : Severity.Warning);
    }

    public async ValueTask DisposeAsync()
    {
        _details = null;
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
