using Bunit;
using MudBlazor;
using Portal.Components.ServiceConfigs;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Tests.Components.ServiceConfigs;

public sealed class ServiceConfigDialogTests : ComponentTest
{
    private static readonly TenantRow Shop = new(Guid.NewGuid(), "Shop", "shop", "", 0, 0, null);
    private static readonly TenantRow Billing = new(Guid.NewGuid(), "Billing", "billing", "", 0, 0, null);

    private sealed record Saved(string? Name, string? Description, bool AllTenants, IReadOnlyCollection<Guid> Tenants);

    private static DialogParameters Parameters(Func<Saved, Result> save, bool allTenants = true) => new()
    {
        { nameof(ServiceConfigDialog.Tenants), (IReadOnlyList<TenantRow>)[Shop, Billing] },
        { nameof(ServiceConfigDialog.SaveText), "Create Service Config" },
        { nameof(ServiceConfigDialog.InitialAllTenants), allTenants },
        { nameof(ServiceConfigDialog.Save), (Func<string?, string?, bool, IReadOnlyCollection<Guid>, Task<Result>>)((name, description, all, tenants) =>
            Task.FromResult(save(new Saved(name, description, all, tenants)))) },
    };

    [Fact]
    public async Task Save_WhenTheNameIsRefused_ShowsTheReasonUnderTheNameAndStaysOpen()
    {
        var (dialog, provider) = await ShowDialogAsync<ServiceConfigDialog>("New Service Config",
            Parameters(_ => Refusal.Invalid(Fields.Name, "Name is required.")));

        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Name is required.", provider.Find("#sc-name-error").TextContent));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Save_ByDefault_OffersToAllTenantsAndShowsNoTenantList()
    {
        Saved? saved = null;
        var (dialog, provider) = await ShowDialogAsync<ServiceConfigDialog>("New Service Config", Parameters(s => { saved = s; return Result.Ok(); }));

        Assert.Empty(provider.FindAll("input[type=checkbox]"));
        await provider.InvokeAsync(() => provider.Find("#sc-name").Change("production"));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(true, result?.Data);
        Assert.Equal("production", saved!.Name);
        Assert.True(saved.AllTenants);
        Assert.Empty(saved.Tenants);
    }

    [Fact]
    public async Task SelectedTenants_SendsOnlyTheTenantsTicked()
    {
        Saved? saved = null;
        var (_, provider) = await ShowDialogAsync<ServiceConfigDialog>("New Service Config", Parameters(s => { saved = s; return Result.Ok(); }, allTenants: false));

        var boxes = provider.FindAll("input[type=checkbox]");
        Assert.Equal(2, boxes.Count);
        await provider.InvokeAsync(() => provider.FindAll("label").Single(l => l.TextContent.Trim() == "Billing").QuerySelector("input")!.Change(true));
        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.NotNull(saved));
        Assert.False(saved!.AllTenants);
        Assert.Equal([Billing.Id], saved.Tenants);
    }

    [Fact]
    public async Task Save_WhenTheTenantsAreRefused_ShowsTheReasonInTheTenantList()
    {
        var (_, provider) = await ShowDialogAsync<ServiceConfigDialog>("New Service Config",
            Parameters(_ => Refusal.Invalid(Fields.Tenants, "Choose at least one tenant, or offer it to all tenants."), allTenants: false));

        await provider.InvokeAsync(() => provider.Find("form").Submit());

        provider.WaitForAssertion(() => Assert.Contains("Choose at least one tenant", provider.Find(".tenant-choices [role=alert]").TextContent));
    }
}
