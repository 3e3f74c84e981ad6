using Bunit;
using Portal.Components.Shared;

namespace Portal.Tests.Components.Shared;

public sealed class WizardFrameTests : ComponentTest
{
    private static readonly string[] Steps = ["Connection", "Validation", "Review"];

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<WizardFrame> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    [Fact]
    public void FirstStep_HasNoBackButtonAndMarksTheCurrentStep()
    {
        var cut = Render<WizardFrame>(p => p.Add(w => w.Steps, Steps).Add(w => w.Current, 0));

        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Back");
        Assert.Equal("Connection", cut.Find("[aria-current=step] .wizard-title").TextContent);
        Assert.Equal("Connection", cut.Find("h2").TextContent);
    }

    [Fact]
    public void CanNextFalse_DisablesNext()
    {
        var cut = Render<WizardFrame>(p => p.Add(w => w.Steps, Steps).Add(w => w.Current, 1).Add(w => w.CanNext, false));

        Assert.True(Button(cut, "Next").HasAttribute("disabled"));
        Assert.False(Button(cut, "Back").HasAttribute("disabled"));
    }

    [Fact]
    public void LastStep_OffersFinishWithItsTextAndSaysSavingWhileBusy()
    {
        var finished = 0;
        var cut = Render<WizardFrame>(p => p.Add(w => w.Steps, Steps).Add(w => w.Current, 2).Add(w => w.FinishText, "Register")
            .Add(w => w.OnFinish, () => finished++));

        Button(cut, "Register").Click();
        Assert.Equal(1, finished);

        cut.Render(p => p.Add(w => w.Busy, true));
        Assert.True(Button(cut, "Saving…").HasAttribute("disabled"));
    }
}
