using Bunit;
using MudBlazor;
using Portal.Components.Tenancy;
using Portal.Domain.Common;

namespace Portal.Tests.Components.Tenancy;

public sealed class TenantCreateDialogTests : ComponentTest
{
    private (string? Name, string? Slug, string? Description)? _saved;
    private Result _answer = Result.Ok();

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync() =>
        ShowDialogAsync<TenantCreateDialog>("New tenant", new DialogParameters
        {
            {
                nameof(TenantCreateDialog.Save), (Func<string?, string?, string?, Task<Result>>)((name, slug, description) =>
                {
                    _saved = (name, slug, description);
                    return Task.FromResult(_answer);
                })
            },
        });

    private static Task TypeAsync(IRenderedComponent<MudDialogProvider> provider, string id, string text) =>
        provider.InvokeAsync(() => provider.Find($"#{id}").Input(text));

    private static Task SubmitAsync(IRenderedComponent<MudDialogProvider> provider) =>
        provider.InvokeAsync(() => provider.Find("form#tenant-create-form").Submit());

    [Fact]
    public async Task Name_WhenTyped_DerivesTheSlug()
    {
        var (_, provider) = await OpenAsync();

        await TypeAsync(provider, "tenant-name", "Acme Corp");

        provider.WaitForAssertion(() => Assert.Equal("acme-corp", provider.Find("#tenant-slug").GetAttribute("value")));
        Assert.Contains("/tenants/acme-corp", provider.Find("#tenant-slug-hint").TextContent);
    }

    [Fact]
    public async Task Slug_OnceEdited_NoLongerFollowsTheName()
    {
        var (_, provider) = await OpenAsync();

        await TypeAsync(provider, "tenant-name", "Acme");
        await TypeAsync(provider, "tenant-slug", "acme-eu");
        await TypeAsync(provider, "tenant-name", "Acme Europe");
        await SubmitAsync(provider);

        provider.WaitForAssertion(() => Assert.Equal(("Acme Europe", "acme-eu", null), _saved));
    }

    [Fact]
    public async Task Slug_ClearedAfterEditing_FollowsTheNameAgain()
    {
        var (_, provider) = await OpenAsync();

        await TypeAsync(provider, "tenant-slug", "custom");
        await TypeAsync(provider, "tenant-slug", "");
        await TypeAsync(provider, "tenant-name", "Globex");

        provider.WaitForAssertion(() => Assert.Equal("globex", provider.Find("#tenant-slug").GetAttribute("value")));
    }

    [Fact]
    public async Task Save_RefusedOnTheSlug_ShowsTheReasonUnderTheSlugFieldAndStaysOpen()
    {
        _answer = Refusal.Conflict("The slug 'acme' is already used by another tenant.", Fields.Slug);
        var (dialog, provider) = await OpenAsync();

        await TypeAsync(provider, "tenant-name", "Acme");
        await SubmitAsync(provider);

        provider.WaitForAssertion(() =>
        {
            var error = provider.Find("#tenant-slug-hint").NextElementSibling;
            Assert.NotNull(error);
            Assert.Equal("alert", error.GetAttribute("role"));
            Assert.Equal("The slug 'acme' is already used by another tenant.", error.TextContent);
        });
        Assert.Single(provider.FindAll("[role=alert]"));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Save_RefusedWithoutAField_ShowsItForTheWholeForm()
    {
        _answer = Refusal.Forbidden("Only platform admins can create tenants.");
        var (_, provider) = await OpenAsync();

        await TypeAsync(provider, "tenant-name", "Acme");
        await SubmitAsync(provider);

        provider.WaitForAssertion(() => Assert.Equal("Only platform admins can create tenants.", provider.Find(".form-error[role=alert]").TextContent));
    }

    [Fact]
    public async Task Save_WhenItSucceeds_ClosesWithTrue()
    {
        var (dialog, provider) = await OpenAsync();

        await TypeAsync(provider, "tenant-name", "Acme");
        await SubmitAsync(provider);

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(true, result?.Data);
        Assert.Equal(("Acme", "acme", null), _saved);
    }
}
