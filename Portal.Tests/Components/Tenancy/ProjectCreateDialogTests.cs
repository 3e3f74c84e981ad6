using Bunit;
using MudBlazor;
using Portal.Components.Tenancy;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Tests.Components.Tenancy;

public sealed class ProjectCreateDialogTests : ComponentTest
{
    private static readonly TenantRow Acme = new(Guid.NewGuid(), "Acme", "acme", "", 0, 1, null);
    private static readonly TenantRow Globex = new(Guid.NewGuid(), "Globex", "globex", "", 0, 1, null);

    private (Guid? Tenant, string? Name, string? Description)? _saved;
    private Result _answer = Result.Ok();

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(params TenantRow[] tenants) =>
        ShowDialogAsync<ProjectCreateDialog>("New project", new DialogParameters
        {
            { nameof(ProjectCreateDialog.Tenants), (IReadOnlyList<TenantRow>)tenants },
            {
                nameof(ProjectCreateDialog.Save), (Func<Guid?, string?, string?, Task<Result>>)((tenant, name, description) =>
                {
                    _saved = (tenant, name, description);
                    return Task.FromResult(_answer);
                })
            },
        });

    private static AngleSharp.Dom.IElement CreateButton(IRenderedComponent<MudDialogProvider> provider) =>
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Create project");

    [Fact]
    public async Task NoManageableTenant_SaysWhyAndDisablesCreate()
    {
        var (_, provider) = await OpenAsync();

        Assert.Contains("You are not a tenant admin of any tenant", provider.Find(".form-error[role=alert]").TextContent);
        Assert.True(CreateButton(provider).HasAttribute("disabled"));
    }

    [Fact]
    public async Task OneManageableTenant_IsChosenAlready()
    {
        var (_, provider) = await OpenAsync(Acme);

        await provider.InvokeAsync(() => provider.Find("#project-name").Change("web-shop"));
        await provider.InvokeAsync(() => provider.Find("form#project-create-form").Submit());

        provider.WaitForAssertion(() => Assert.Equal((Acme.Id, "web-shop", null), _saved));
    }

    [Fact]
    public async Task SeveralTenants_NoneChosen_SendsNoTenantSoTheServerCanSaySo()
    {
        _answer = Refusal.Invalid(Fields.Tenant, "Choose the tenant the project belongs to.");
        var (dialog, provider) = await OpenAsync(Acme, Globex);

        await provider.InvokeAsync(() => provider.Find("#project-name").Change("web-shop"));
        await provider.InvokeAsync(() => provider.Find("form#project-create-form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Choose the tenant the project belongs to.", provider.Find(".field-error[role=alert]").TextContent));
        Assert.Null(_saved!.Value.Tenant);
        Assert.False(dialog.Result.IsCompleted);
        Assert.False(CreateButton(provider).HasAttribute("disabled"));
    }

    [Fact]
    public async Task Save_RefusedOnTheName_ShowsTheReasonUnderTheNameField()
    {
        _answer = Refusal.Conflict("Tenant 'Acme' already has a project named 'Web-Shop'.", Fields.Name);
        var (_, provider) = await OpenAsync(Acme);

        await provider.InvokeAsync(() => provider.Find("#project-name").Change("Web-Shop"));
        await provider.InvokeAsync(() => provider.Find("form#project-create-form").Submit());

        provider.WaitForAssertion(() =>
        {
            var error = Assert.Single(provider.FindAll("[role=alert]"));
            Assert.Equal("field-error", error.ClassName);
            Assert.Contains("already has a project named 'Web-Shop'", error.TextContent);
            // Under the name field: the next alert after the name input, before the description.
            Assert.True(error.CompareDocumentPosition(provider.Find("#project-name")).HasFlag(AngleSharp.Dom.DocumentPositions.Preceding));
            Assert.True(error.CompareDocumentPosition(provider.Find("#project-description")).HasFlag(AngleSharp.Dom.DocumentPositions.Following));
        });
    }
}
