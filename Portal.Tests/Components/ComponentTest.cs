using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Portal.Tests.Components;

/// <summary>
/// Base for bUnit component tests (no browser): MudBlazor's services with loose JS interop, and the providers that
/// dialogs, selects and toasts render into. xunit 2 disposes test classes synchronously, but MudBlazor registers
/// services that are only async-disposable, so disposal happens in <see cref="IAsyncLifetime.DisposeAsync"/>.
/// </summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    /// <summary>Renders the popover, dialog and snackbar providers, as the portal's layout does.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<MudDialogProvider>();
    }

    /// <summary>Opens a dialog through the real dialog service; returns its reference and the provider it renders in.</summary>
    protected async Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> ShowDialogAsync<TDialog>(
        string title, DialogParameters parameters) where TDialog : IComponent
    {
        var provider = RenderProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var reference = await provider.InvokeAsync(() => dialogs.ShowAsync<TDialog>(title, parameters));
        return (reference, provider);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
