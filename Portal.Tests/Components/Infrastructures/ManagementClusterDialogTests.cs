using Bunit;
using MudBlazor;
using Portal.Components.Clusters;

namespace Portal.Tests.Components.Infrastructures;

/// <summary>The management cluster dialog (Clusters folder) is opened from the infrastructure overview.</summary>
public sealed class ManagementClusterDialogTests : PortalComponentTest
{
    private static AngleSharp.Dom.IElement SaveButton(IRenderedComponent<MudDialogProvider> provider) =>
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Check and save");

    [Fact]
    public async Task Save_WithoutAKubeconfig_ShowsTheRefusalUnderTheFieldAndStaysOpen()
    {
        var detail = await Host.OpenStackAsync();
        var (dialog, provider) = await ShowDialogAsync<ManagementClusterDialog>("Management cluster", new DialogParameters { { nameof(ManagementClusterDialog.Detail), detail } });

        await provider.InvokeAsync(() => provider.Find("form#management-cluster-form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Paste the management cluster's kubeconfig.", provider.Find(".form-field .field-error").TextContent.Trim()));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Paste_AKubeconfig_ShowsOnlyASummaryNeverTheText()
    {
        const string kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: very-secret-token-81f2\n";
        var detail = await Host.OpenStackAsync();
        var (_, provider) = await ShowDialogAsync<ManagementClusterDialog>("Management cluster", new DialogParameters { { nameof(ManagementClusterDialog.Detail), detail } });

        await provider.InvokeAsync(() => provider.Find("textarea#management-kubeconfig").Change(kubeconfig));

        provider.WaitForAssertion(() => Assert.Contains("Kubeconfig entered (hidden)", provider.Find("#management-kubeconfig-state").TextContent));
        Assert.DoesNotContain("very-secret-token-81f2", provider.Markup, StringComparison.Ordinal);
        Assert.False(SaveButton(provider).HasAttribute("disabled"));
    }
}
