using System.Text.RegularExpressions;
using Bunit;
using MudBlazor;
using Portal.Components.Clusters;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Clusters;

public sealed class DeleteClusterDialogTests : ComponentTest
{
    private readonly List<string?> _sent = [];

    /// <summary>Like the server: the typed name must be the cluster's.</summary>
    private Task<Result> Judge(string? typed)
    {
        _sent.Add(typed);
        return Task.FromResult(typed?.Trim() == "web"
            ? Result.Ok()
            : (Result)Refusal.Invalid(Fields.ConfirmName, "Type the cluster's name, web, to confirm that it and all its nodes are deleted."));
    }

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync() =>
        ShowDialogAsync<DeleteClusterDialog>("Delete cluster web", new DialogParameters
        {
            { nameof(DeleteClusterDialog.Cluster), ClusterViews.Cluster("web") },
            { nameof(DeleteClusterDialog.Save), (Func<string?, Task<Result>>)Judge },
        });

    [Fact]
    public async Task Submit_WrongName_ShowsTheServersRefusalUnderTheFieldAndStaysOpen()
    {
        var (dialog, provider) = await OpenAsync();

        await provider.InvokeAsync(() => provider.Find("#delete-confirm-name").Input("webb"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Type the cluster's name, web, to confirm that it and all its nodes are deleted.",
            provider.Find(".field-error").TextContent));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Submit_RightName_ClosesWithTrue()
    {
        var (dialog, provider) = await OpenAsync();

        await provider.InvokeAsync(() => provider.Find("#delete-confirm-name").Input("web"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(true, result?.Data);
        Assert.Equal(new[] { "web" }, _sent);
    }

    [Fact]
    public async Task Open_Always_SaysWhatIsLost()
    {
        var (_, provider) = await OpenAsync();

        var intro = Regex.Replace(provider.Find("#delete-cluster-intro").TextContent, @"\s+", " ");
        Assert.Contains("1 node pool and 3 nodes and its control plane machines", intro, StringComparison.Ordinal);
    }
}
