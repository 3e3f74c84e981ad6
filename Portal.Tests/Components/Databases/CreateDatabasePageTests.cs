using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Databases;

namespace Portal.Tests.Components.Databases;

/// <summary>The creation wizard: each Next asks the server, and its refusal shows under the field it names.</summary>
public sealed class CreateDatabasePageTests : ComponentTest
{
    private static async Task ClickAsync(IRenderedComponent<CreateDatabasePage> page, string text)
    {
        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() == text).Click());
    }

    private static async Task<IRenderedComponent<CreateDatabasePage>> ToStepAsync(CreateDatabasePageTests test, DatabaseScenario s, string stepTitle)
    {
        s.UseAs(test, s.Member);
        test.RenderProviders();
        var page = test.Render<CreateDatabasePage>();
        page.WaitForAssertion(() => page.Find("#database-name"));
        await page.InvokeAsync(() => page.Find("#database-name").Input("orders"));
        while (page.Find("h2.section-title").TextContent != stepTitle)
        {
            var before = page.Find("h2.section-title").TextContent;
            await ClickAsync(page, "Next");
            page.WaitForAssertion(() => Assert.NotEqual(before, page.Find("h2.section-title").TextContent), TimeSpan.FromSeconds(10));
        }
        return page;
    }

    private static IElement FieldError(IRenderedComponent<CreateDatabasePage> page) => page.Find(".field-error");

    [Fact]
    public async Task Placement_ExternalPlatform_IsShownDisabledWithItsReason()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var page = await ToStepAsync(this, s, "Service Config");

        var external = page.Find("input[aria-label='Records on Demo']");
        Assert.True(external.HasAttribute("disabled"));
        Assert.Contains("External", page.Find("[data-testid=placement-why-not]").TextContent, StringComparison.Ordinal);
        var standard = page.Find("input[aria-label='Standard on Demo']");
        Assert.False(standard.HasAttribute("disabled"));
        Assert.True(standard.HasAttribute("checked"));
    }

    [Fact]
    public async Task Size_StorageZero_ShowsTheServersRefusalUnderStorageAndStays()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var page = await ToStepAsync(this, s, "Size");

        await page.InvokeAsync(() => page.Find("#database-storage").Input("0"));
        await ClickAsync(page, "Next");

        page.WaitForAssertion(() => Assert.Equal("Storage is 1 to 1024 GiB per instance; 0 GiB is outside that range.", FieldError(page).TextContent));
        Assert.Equal("Size", page.Find("h2.section-title").TextContent);
        Assert.NotNull(page.Find(".storage-field .field-error"));
        Assert.Contains("1 instance: no high availability", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_ReservedOwner_ShowsTheServersRefusalUnderTheOwner()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var page = await ToStepAsync(this, s, "Database & owner");
        Assert.Equal("app", page.Find("#database-owner").GetAttribute("value"));

        await page.InvokeAsync(() => page.Find("#database-owner").Input("postgres"));
        await ClickAsync(page, "Next");

        page.WaitForAssertion(() => Assert.Equal("'postgres' is reserved by PostgreSQL. Choose another owner name.", FieldError(page).TextContent));
        Assert.Equal("Database & owner", page.Find("h2.section-title").TextContent);
    }

    [Fact]
    public async Task Review_AfterEveryStep_SaysEverythingInWordsAndNothingIsSaved()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var page = await ToStepAsync(this, s, "Review");

        var review = page.Find("[data-testid=database-review]").TextContent;
        Assert.Contains("PostgreSQL 17 (17.5)", review, StringComparison.Ordinal);
        Assert.Contains("1 instance: no high availability", review, StringComparison.Ordinal);
        Assert.Contains("Every day at 02:00 UTC, kept for 7 days", review, StringComparison.Ordinal);
        Assert.Equal(0, await s.Host.CountAsync<Portal.Domain.Databases.ManagedDatabase>());
    }

    [Fact]
    public async Task Create_FromTheReview_RecordsTheDatabaseAndOpensItsPage()
    {
        await using var s = await DatabaseScenario.CreateAsync();
        var page = await ToStepAsync(this, s, "Review");

        await ClickAsync(page, "Create database");

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        page.WaitForAssertion(() => Assert.Matches("/databases/[0-9a-f-]{36}$", navigation.Uri), TimeSpan.FromSeconds(10));
        var created = Assert.Single((await s.Databases.ListAsync(s.Member, new Portal.Domain.Databases.DatabaseFilter(), new Portal.Domain.Common.PageRequest(0, 10))).Items);
        Assert.Equal(("orders", "17.5", true), (created.Name, created.PostgresVersion, created.BackupsEnabled));
        Assert.EndsWith(created.Id.ToString(), navigation.Uri, StringComparison.Ordinal);
    }
}
