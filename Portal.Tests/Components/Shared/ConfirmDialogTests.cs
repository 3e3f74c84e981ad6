using Bunit;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Shared;

public sealed class ConfirmDialogTests : ComponentTest
{
    private static DialogParameters TypedName(string name, Func<Task<Result>>? act = null) => new()
    {
        { nameof(ConfirmDialog.Message), $"Delete {name} and everything it holds." },
        { nameof(ConfirmDialog.ConfirmText), "Delete cluster" },
        { nameof(ConfirmDialog.TypedName), name },
        { nameof(ConfirmDialog.Act), act },
    };

    private static AngleSharp.Dom.IElement ConfirmButton(IRenderedComponent<MudDialogProvider> provider) =>
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Delete cluster");

    [Fact]
    public async Task TypedName_UntilTheNameMatchesExactly_KeepsTheActionDisabled()
    {
        var (_, provider) = await ShowDialogAsync<ConfirmDialog>("Delete cluster", TypedName("prod-eu"));

        Assert.True(ConfirmButton(provider).HasAttribute("disabled"));
        await provider.InvokeAsync(() => provider.Find("input").Input("PROD-EU"));
        provider.WaitForAssertion(() => Assert.True(ConfirmButton(provider).HasAttribute("disabled")));
        await provider.InvokeAsync(() => provider.Find("input").Input("prod-eu"));
        provider.WaitForAssertion(() => Assert.False(ConfirmButton(provider).HasAttribute("disabled")));
    }

    [Fact]
    public async Task Act_WhenRefused_ShowsTheReasonAndStaysOpen()
    {
        var calls = 0;
        Task<Result> Refuse()
        {
            calls++;
            return Task.FromResult<Result>(Refusal.Conflict("The cluster is busy: an upgrade is running."));
        }
        var (dialog, provider) = await ShowDialogAsync<ConfirmDialog>("Delete cluster", TypedName("prod-eu", Refuse));

        await provider.InvokeAsync(() => provider.Find("input").Input("prod-eu"));
        await provider.InvokeAsync(() => ConfirmButton(provider).Click());

        provider.WaitForAssertion(() => Assert.Contains("The cluster is busy", provider.Find("[role=alert]").TextContent));
        Assert.Equal(1, calls);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Act_WhenItSucceeds_ClosesWithTrue()
    {
        var (dialog, provider) = await ShowDialogAsync<ConfirmDialog>("Delete cluster", TypedName("prod-eu", () => Task.FromResult(Result.Ok())));

        await provider.InvokeAsync(() => provider.Find("input").Input("prod-eu"));
        await provider.InvokeAsync(() => ConfirmButton(provider).Click());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(true, result?.Data);
    }

    [Fact]
    public async Task PlainConfirm_CancelButton_ClosesWithoutConfirming()
    {
        var (dialog, provider) = await ShowDialogAsync<ConfirmDialog>("Disable", new DialogParameters
        {
            { nameof(ConfirmDialog.Message), "New clusters can no longer use this platform." },
            { nameof(ConfirmDialog.ConfirmText), "Disable" },
        });

        await provider.InvokeAsync(() => provider.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result?.Canceled);
    }
}
