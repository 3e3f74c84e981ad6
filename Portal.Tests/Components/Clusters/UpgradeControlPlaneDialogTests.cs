using Bunit;
using MudBlazor;
using Portal.Components.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class UpgradeControlPlaneDialogTests : ComponentTest
{
    private readonly List<string?> _sent = [];

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(Result answer) =>
        ShowDialogAsync<UpgradeControlPlaneDialog>("Upgrade the control plane of web", new DialogParameters
        {
            // Targets come newest first; the next sequential step is the last.
            { nameof(UpgradeControlPlaneDialog.Cluster), ClusterViews.Cluster(upgradeTargets: ["1.33.1-1", "1.32.4-1"]) },
            { nameof(UpgradeControlPlaneDialog.Save), (Func<string?, Task<Result>>)(version =>
                {
                    _sent.Add(version);
                    return Task.FromResult(answer);
                }) },
        });

    [Fact]
    public async Task Submit_Untouched_UpgradesToTheNextSequentialVersion()
    {
        var (dialog, provider) = await OpenAsync(Result.Ok());

        Assert.Equal("1.32.4-1", provider.Find("#upgrade-cp-version").GetAttribute("value"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(true, result?.Data);
        Assert.Equal(new[] { "1.32.4-1" }, _sent);
    }

    [Fact]
    public async Task Submit_Refused_ShowsTheReasonAndStaysOpen()
    {
        var (dialog, provider) = await OpenAsync(Refusal.Conflict("The cluster is busy: Scale node pool is running."));

        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("The cluster is busy: Scale node pool is running.", provider.Find(".form-error").TextContent));
        Assert.False(dialog.Result.IsCompleted);
    }
}
