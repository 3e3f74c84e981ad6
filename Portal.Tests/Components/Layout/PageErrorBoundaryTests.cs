using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Components.Layout;
using Portal.Tests.Integration.Keycloak;

namespace Portal.Tests.Components.Layout;

public sealed class PageErrorBoundaryTests : ComponentTest
{
    private readonly CapturedLogs _logs = new(LogLevel.Information);

    public PageErrorBoundaryTests() => Services.AddLogging(logging => logging.AddProvider(_logs));

    [Fact]
    public void ChildThrows_ShowsWhatHappenedWithAnIdLoggedOnceWithoutTheMessage()
    {
        var cut = Render<PageErrorBoundary>(p => p.AddChildContent<Thrower>());

        cut.Find("[data-testid=throw]").Click();

        var id = cut.Find(".page-error-id code").TextContent;
        Assert.Matches("^[0-9a-f]{12}$", id);
        Assert.Contains("Something went wrong on this page", cut.Markup);
        var logged = Assert.Single(_logs.Lines, line => line.Contains("Page error"));
        Assert.Contains(id, logged);
        Assert.Contains(nameof(InvalidOperationException), logged);
        Assert.DoesNotContain(Thrower.Secret, logged);
        Assert.DoesNotContain(Thrower.Secret, cut.Markup);
    }

    [Fact]
    public void TryAgain_AfterAnError_ShowsThePageAgainWithoutReloading()
    {
        var cut = Render<PageErrorBoundary>(p => p.AddChildContent<Thrower>());
        cut.Find("[data-testid=throw]").Click();

        cut.Find(".page-error-actions button").Click();

        Assert.NotNull(cut.Find("[data-testid=throw]"));
        Assert.Empty(cut.FindAll(".page-error"));
    }

    [Fact]
    public void Navigating_AfterAnError_ShowsTheNextPage()
    {
        var cut = Render<PageErrorBoundary>(p => p.AddChildContent<Thrower>());
        cut.Find("[data-testid=throw]").Click();

        Services.GetRequiredService<NavigationManager>().NavigateTo("/clusters");

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".page-error")));
    }

    /// <summary>A page whose button fails the way a library might, with a secret in the exception's message.</summary>
    private sealed class Thrower : ComponentBase
    {
        public const string Secret = "postgres://app:s3cr3t-in-a-message@db";

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "data-testid", "throw");
            builder.AddAttribute(2, "onclick", EventCallback.Factory.Create<MouseEventArgs>(this, () => throw new InvalidOperationException($"Could not reach {Secret}")));
            builder.AddContent(3, "Fail");
            builder.CloseElement();
        }
    }
}
