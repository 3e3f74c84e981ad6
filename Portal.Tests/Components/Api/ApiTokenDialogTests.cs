using System.Globalization;
using Bunit;
using MudBlazor;
using Portal.Components.ApiTokens;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Tests.Components.Api;

/// <summary>The new-token form on a platform whose tokens live at most 30 days: it offers and says no more than that, and the domain has the last word.</summary>
public sealed class ApiTokenDialogTests : ApiTokenComponentTest
{
    protected override ApiTokenOptions Options { get; } = new() { MaxTokenLifetimeDays = 30 };

    private async Task<IRenderedComponent<MudDialogProvider>> OpenAsync(IReadOnlyList<TenantRow>? tenants)
    {
        var ada = await Db.AddTenantUserAsync("ada@acme.test", Acme, TenantRole.Member);
        SignInAs(ada);
        var (_, provider) = await ShowDialogAsync<ApiTokenDialog>("New API token", new DialogParameters
        {
            { nameof(ApiTokenDialog.Tenants), tenants },
            {
                nameof(ApiTokenDialog.Save), (Func<string?, DateTimeOffset, ApiScope, IReadOnlyCollection<Guid>, Task<Result>>)(async (name, expiresAt, scope, tenantIds) =>
                    await Tokens.CreatePersonalTokenAsync(ada, name, expiresAt, scope, tenantIds))
            },
        });
        provider.WaitForAssertion(() => provider.Find("#token-name"));
        return provider;
    }

    [Fact]
    public async Task Expiry_PlatformMaximumOf30Days_OffersChoicesUpToItAndSaysTheMaximum()
    {
        var provider = await OpenAsync([]);

        var options = provider.FindAll("#token-expiry option").Select(o => o.TextContent.Trim()).ToList();
        Assert.Equal(["7 days", "30 days", "Custom date…"], options);
        Assert.Contains("Tokens live at most 30 days on this platform.", provider.Find("#token-expiry-hint").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_CustomDateBeyondTheMaximum_ShowsTheDomainsRefusalUnderTheExpiry()
    {
        var provider = await OpenAsync([]);
        var tooLate = DateOnly.FromDateTime(InDays(45).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await provider.InvokeAsync(() => provider.Find("#token-name").Change("ci-deploy"));
        await provider.InvokeAsync(() => provider.Find("#token-expiry").Change("0"));
        provider.WaitForAssertion(() => provider.Find("#token-expiry-date"));
        Assert.Equal(DateOnly.FromDateTime(InDays(29).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            provider.Find("#token-expiry-date").GetAttribute("max"));
        await provider.InvokeAsync(() => provider.Find("#token-expiry-date").Change(tooLate));
        await provider.InvokeAsync(() => provider.Find("form#api-token-form").Submit());

        provider.WaitForAssertion(() =>
        {
            var error = Assert.Single(provider.FindAll("[role=alert]"));
            Assert.Equal("token-expiry-error", error.Id);
            Assert.Equal("A token lives at most 30 days on this platform. Choose an earlier expiry.", error.TextContent);
            Assert.True(error.CompareDocumentPosition(provider.Find("#token-expiry-hint")).HasFlag(AngleSharp.Dom.DocumentPositions.Preceding));
            Assert.True(error.CompareDocumentPosition(provider.Find("input[name=token-scope]")).HasFlag(AngleSharp.Dom.DocumentPositions.Following));
        });
        Assert.Equal(0, await Db.CountAsync<ApiToken>());
    }

    [Fact]
    public async Task Tenants_WithoutTenantList_OffersNoTenantLimit()
    {
        var provider = await OpenAsync(null);

        Assert.DoesNotContain("All my tenants", provider.Markup, StringComparison.Ordinal);
        Assert.Empty(provider.FindAll("input[name=token-tenants]"));
    }
}
