using Bunit;
using MudBlazor;
using Portal.Components.ServiceConfigs;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Integration.ServiceConfigs;

namespace Portal.Tests.Components.ServiceConfigs;

/// <summary>The MKS and PostgreSQL platform dialogs against the real services, on a demo cloud.</summary>
[Collection(PlatformOperationsCollection.Name)]
public sealed class PlatformDialogTests : ComponentTest, IClassFixture<PortalServicesFixture>
{
    private readonly PortalServicesFixture _portal;

    public PlatformDialogTests(PortalServicesFixture portal)
    {
        _portal = portal;
        portal.UseAs(this, portal.Host.Admin);
    }

    private ServiceConfigTestHost Host => _portal.Host;

    private async Task<IRenderedComponent<MudDialogProvider>> OpenPostgresAsync(Guid configId)
    {
        var (_, provider) = await ShowDialogAsync<PostgresPlatformDialog>("Add a PostgreSQL platform",
            new DialogParameters { { nameof(PostgresPlatformDialog.ServiceConfigId), configId } });
        return provider;
    }

    /// <summary>A demo infrastructure of its own with a Service Config and its MKS platform.</summary>
    private async Task<(Guid ConfigId, Guid MksId)> SeedAsync(string name)
    {
        var infrastructureId = await Host.RegisterDemoAsync(name);
        var configId = await Host.CreateConfigAsync(infrastructureId, name);
        return (configId, await Host.AddMksAsync(infrastructureId, configId));
    }

    private static Task ChooseModeAsync(IRenderedComponent<MudDialogProvider> provider, string mode) =>
        provider.InvokeAsync(() => provider.FindAll("label.mud-radio").Single(l => l.QuerySelector("strong")?.TextContent == mode)
            .QuerySelector("input[type=radio]")!.Click());

    [Fact]
    public async Task Mks_WithoutANetworkChosen_ShowsTheRefusalUnderTheNetworkField()
    {
        var infrastructureId = await Host.RegisterDemoAsync("Mks dialog");
        var configId = await Host.CreateConfigAsync(infrastructureId, "mks-dialog");
        var (dialog, provider) = await ShowDialogAsync<MksPlatformDialog>("Add the MKS network platform", new DialogParameters
        {
            { nameof(MksPlatformDialog.InfrastructureId), infrastructureId },
            { nameof(MksPlatformDialog.ServiceConfigId), configId },
        });

        // The demo cloud lists two external networks: none is chosen for the person.
        provider.WaitForElement("form#mks-form", TimeSpan.FromSeconds(10));
        await provider.InvokeAsync(() => provider.Find("form#mks-form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Choose the external network clusters attach to.", provider.Find("#mks-network-error").TextContent),
            TimeSpan.FromSeconds(5));
        Assert.False(dialog.Result.IsCompleted);
        // The select is named by its label, as screen readers and the browser tests find it.
        Assert.Equal("External network", provider.Find("#mks-network").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Postgres_ManagedMode_AsksForAnOperatorVersionAndNoKubeconfig()
    {
        var (configId, _) = await SeedAsync("pg-managed");
        var provider = await OpenPostgresAsync(configId);

        Assert.NotEmpty(provider.FindAll("#pg-version"));
        Assert.Empty(provider.FindAll("#pg-kubeconfig"));
    }

    [Fact]
    public async Task Postgres_ExternalMode_AsksForAKubeconfigAndNoOperatorVersion()
    {
        var (configId, _) = await SeedAsync("pg-external");
        var provider = await OpenPostgresAsync(configId);

        await ChooseModeAsync(provider, "External");

        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll("textarea#pg-kubeconfig")));
        Assert.Empty(provider.FindAll("#pg-version"));
    }

    [Fact]
    public async Task Postgres_ExternalWithoutKubeconfig_ShowsTheRefusalUnderTheKubeconfig()
    {
        var (configId, _) = await SeedAsync("pg-no-kubeconfig");
        var provider = await OpenPostgresAsync(configId);
        await ChooseModeAsync(provider, "External");

        await provider.InvokeAsync(() => provider.Find("form#postgres-form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Paste or upload the kubeconfig of the cluster.",
            provider.Find("textarea#pg-kubeconfig").ParentElement!.QuerySelector(".field-error")!.TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Postgres_TextThatIsNoKubeconfig_SaysWhyUnderTheField()
    {
        var (configId, _) = await SeedAsync("pg-bad-kubeconfig");
        var provider = await OpenPostgresAsync(configId);
        await ChooseModeAsync(provider, "Managed tools");

        await provider.InvokeAsync(() => provider.Find("textarea#pg-kubeconfig").Change("hello: world"));

        provider.WaitForAssertion(() => Assert.Contains("The text is not a kubeconfig",
            provider.Find("textarea#pg-kubeconfig").ParentElement!.QuerySelector(".field-error")!.TextContent));
    }

    [Fact]
    public async Task Postgres_ManagedOnADisabledMksPlatform_IsRefusedAndStaysOpen()
    {
        var (configId, mksId) = await SeedAsync("pg-mks-disabled");
        var mks = await Host.PlatformAsync(mksId);
        Assert.True((await Host.Configs.SetEnabledAsync(Host.Admin, mksId, mks.Version, false)).Succeeded);
        var (dialog, provider) = await ShowDialogAsync<PostgresPlatformDialog>("Add a PostgreSQL platform",
            new DialogParameters { { nameof(PostgresPlatformDialog.ServiceConfigId), configId } });

        await provider.InvokeAsync(() => provider.Find("form#postgres-form").Submit());

        provider.WaitForAssertion(() => Assert.Contains("is disabled, so no new Managed PostgreSQL platform can use it",
            provider.Find("form#postgres-form").TextContent), TimeSpan.FromSeconds(5));
        Assert.False(dialog.Result.IsCompleted);

        // Another mode no longer carries the refusal that was about Managed.
        await ChooseModeAsync(provider, "Managed tools");
        provider.WaitForAssertion(() => Assert.DoesNotContain("is disabled", provider.Find("form#postgres-form").TextContent));
    }
}
