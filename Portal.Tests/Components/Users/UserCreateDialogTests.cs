using Bunit;
using MudBlazor;
using Portal.Components.Users;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Tests.Components.Users;

public sealed class UserCreateDialogTests : ComponentTest
{
    private (string? Email, string? Name, string? Password, PlatformRole Role)? _saved;
    private Result _answer = Result.Ok();

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync() =>
        ShowDialogAsync<UserCreateDialog>("New user", new DialogParameters
        {
            {
                nameof(UserCreateDialog.Save), (Func<string?, string?, string?, PlatformRole, Task<Result>>)((email, name, password, role) =>
                {
                    _saved = (email, name, password, role);
                    return Task.FromResult(_answer);
                })
            },
        });

    private static async Task FillAndSubmitAsync(IRenderedComponent<MudDialogProvider> provider, string email, string? password)
    {
        await provider.InvokeAsync(() => provider.Find("#user-email").Change(email));
        if (password is not null) await provider.InvokeAsync(() => provider.Find("input#user-password").Change(password));
        await provider.InvokeAsync(() => provider.Find("form#user-create-form").Submit());
    }

    [Fact]
    public async Task Save_SendsTheFieldsWithNoPlatformRoleByDefault()
    {
        var (dialog, provider) = await OpenAsync();

        await FillAndSubmitAsync(provider, "dana@acme.test", "correct-horse-battery-staple");

        Assert.Equal(true, (await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5)))?.Data);
        Assert.Equal(("dana@acme.test", null, "correct-horse-battery-staple", PlatformRole.None), _saved);
    }

    [Fact]
    public async Task TypedPassword_IsNeverRenderedBack()
    {
        _answer = Refusal.Invalid(Fields.Email, "'dana' is not a valid email address.");
        var (_, provider) = await OpenAsync();

        await FillAndSubmitAsync(provider, "dana", "correct-horse-battery-staple");

        provider.WaitForAssertion(() => Assert.Single(provider.FindAll("[role=alert]")));
        Assert.DoesNotContain("correct-horse-battery-staple", provider.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_RefusedOnThePassword_ShowsTheReasonUnderThePasswordAndStaysOpen()
    {
        _answer = Refusal.Invalid(Fields.Password, $"Passwords must be at least {Limits.PasswordMinLength} characters.");
        var (dialog, provider) = await OpenAsync();

        await FillAndSubmitAsync(provider, "dana@acme.test", "short");

        provider.WaitForAssertion(() =>
        {
            var error = provider.Find("#user-password-hint").NextElementSibling;
            Assert.NotNull(error);
            Assert.Equal("alert", error.GetAttribute("role"));
            Assert.StartsWith("Passwords must be at least", error.TextContent);
        });
        Assert.Single(provider.FindAll("[role=alert]"));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Save_RefusedOnTheEmail_ShowsTheReasonUnderTheEmail()
    {
        _answer = Refusal.Conflict("An account with the email 'dana@acme.test' already exists.", Fields.Email);
        var (_, provider) = await OpenAsync();

        await FillAndSubmitAsync(provider, "dana@acme.test", "correct-horse-battery-staple");

        provider.WaitForAssertion(() =>
        {
            var error = Assert.Single(provider.FindAll("[role=alert]"));
            Assert.Equal("field-error", error.ClassName);
            Assert.True(error.CompareDocumentPosition(provider.Find("#user-display-name")).HasFlag(AngleSharp.Dom.DocumentPositions.Following));
        });
    }

    [Fact]
    public async Task Save_RefusedWithoutAField_ShowsItForTheWholeForm()
    {
        _answer = Refusal.Forbidden("Only platform admins can create accounts.");
        var (_, provider) = await OpenAsync();

        await FillAndSubmitAsync(provider, "dana@acme.test", "correct-horse-battery-staple");

        provider.WaitForAssertion(() => Assert.Equal("Only platform admins can create accounts.", provider.Find(".form-error[role=alert]").TextContent));
    }
}
