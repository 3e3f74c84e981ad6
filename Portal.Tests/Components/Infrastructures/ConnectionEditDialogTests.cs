using Bunit;
using MudBlazor;
using Portal.Components.Infrastructures;

namespace Portal.Tests.Components.Infrastructures;

public sealed class ConnectionEditDialogTests : PortalComponentTest
{
    /// <summary>The refusal shown inside the form field that holds the input with this id (that is, under that field).</summary>
    private static string RefusalUnder(IRenderedComponent<MudDialogProvider> provider, string inputId) =>
        provider.FindAll(".form-field").Single(f => f.QuerySelector($"#{inputId}") is not null).QuerySelector("[role=alert]")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task Save_WithTheAuthUrlCleared_ShowsTheRefusalUnderAuthUrlAndStaysOpen()
    {
        var detail = await Host.OpenStackAsync();
        var (dialog, provider) = await ShowDialogAsync<ConnectionEditDialog>("Edit the connection", new DialogParameters { { nameof(ConnectionEditDialog.Detail), detail } });

        provider.WaitForAssertion(() => Assert.Equal("https://keystone.example.com:5000/v3", provider.Find("#conn-auth-url").GetAttribute("value")));
        await provider.InvokeAsync(() => provider.Find("#conn-auth-url").Change(""));
        await provider.InvokeAsync(() => provider.Find("form#connection-edit-form").Submit());

        provider.WaitForAssertion(() => Assert.StartsWith("Auth URL is required", RefusalUnder(provider, "conn-auth-url")));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Save_AfterSwitchingToPasswordWithoutOne_ShowsTheRefusalUnderPassword()
    {
        var detail = await Host.OpenStackAsync();
        var (dialog, provider) = await ShowDialogAsync<ConnectionEditDialog>("Edit the connection", new DialogParameters { { nameof(ConnectionEditDialog.Detail), detail } });

        // The stored secret is an application credential's: it does not carry over to a password.
        await provider.InvokeAsync(() => provider.FindAll("input[name=conn-kind]")[1].Change(true));
        await provider.InvokeAsync(() => provider.Find("#conn-user").Change("alice"));
        await provider.InvokeAsync(() => provider.Find("#conn-project").Change("web-shop"));
        provider.WaitForAssertion(() => Assert.NotNull(provider.Find("input#conn-password[type=password]")));
        await provider.InvokeAsync(() => provider.Find("form#connection-edit-form").Submit());

        provider.WaitForAssertion(() => Assert.Equal("Password is required.", RefusalUnder(provider, "conn-password")));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Open_WithAStoredSecret_NeverRendersItBack()
    {
        var detail = await Host.OpenStackAsync();
        var (_, provider) = await ShowDialogAsync<ConnectionEditDialog>("Edit the connection", new DialogParameters { { nameof(ConnectionEditDialog.Detail), detail } });

        provider.WaitForAssertion(() => Assert.Equal("Unchanged", provider.Find("#conn-app-secret-state").TextContent.Trim()));
        Assert.DoesNotContain("app-secret-1", provider.Markup, StringComparison.Ordinal);
    }
}
