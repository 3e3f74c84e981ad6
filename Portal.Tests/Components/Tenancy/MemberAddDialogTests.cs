using Bunit;
using MudBlazor;
using Portal.Components.Tenancy;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Tests.Components.Tenancy;

public sealed class MemberAddDialogTests : ComponentTest
{
    private (string? Email, TenantRole Role)? _saved;
    private Result _answer = Result.Ok();

    private Task<(IDialogReference Dialog, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync() =>
        ShowDialogAsync<MemberAddDialog>("Add a member to Acme", new DialogParameters
        {
            {
                nameof(MemberAddDialog.Save), (Func<string?, TenantRole, Task<Result>>)((email, role) =>
                {
                    _saved = (email, role);
                    return Task.FromResult(_answer);
                })
            },
        });

    private static async Task SubmitAsync(IRenderedComponent<MudDialogProvider> provider, string email)
    {
        await provider.InvokeAsync(() => provider.Find("#member-email").Change(email));
        await provider.InvokeAsync(() => provider.Find("form#member-add-form").Submit());
    }

    [Fact]
    public async Task Role_ByDefault_IsMemberAndSaysWhatAMemberMayDo()
    {
        var (_, provider) = await OpenAsync();

        Assert.Equal(TenantRole.Member.Explain(), provider.Find("#member-role-hint").TextContent);
        await SubmitAsync(provider, "dana@acme.test");

        provider.WaitForAssertion(() => Assert.Equal(("dana@acme.test", TenantRole.Member), _saved));
    }

    [Fact]
    public async Task Save_UnknownEmail_ShowsTheReasonUnderTheEmailAndStaysOpen()
    {
        _answer = Refusal.Invalid(Fields.Email, "No account uses the email 'nobody@acme.test'. A platform admin creates accounts on the Users page.");
        var (dialog, provider) = await OpenAsync();

        await SubmitAsync(provider, "nobody@acme.test");

        provider.WaitForAssertion(() =>
        {
            var error = Assert.Single(provider.FindAll("[role=alert]"));
            Assert.Equal("field-error", error.ClassName);
            Assert.StartsWith("No account uses the email 'nobody@acme.test'", error.TextContent);
        });
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Save_RefusedOnTheRole_ShowsTheReasonUnderTheRole()
    {
        _answer = Refusal.Invalid(Fields.Role, "Choose a role.");
        var (_, provider) = await OpenAsync();

        await SubmitAsync(provider, "dana@acme.test");

        provider.WaitForAssertion(() => Assert.Equal("Choose a role.", provider.Find("#member-role-hint").NextElementSibling?.TextContent));
    }

    [Fact]
    public async Task Save_WhenItSucceeds_ClosesWithTrue()
    {
        var (dialog, provider) = await OpenAsync();

        await SubmitAsync(provider, "dana@acme.test");

        Assert.Equal(true, (await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5)))?.Data);
    }
}
