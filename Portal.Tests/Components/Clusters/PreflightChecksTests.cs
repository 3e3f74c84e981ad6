using Bunit;
using Portal.Components.Clusters;
using Portal.Jobs.Clusters;

namespace Portal.Tests.Components.Clusters;

public sealed class PreflightChecksTests : ComponentTest
{
    [Fact]
    public void FailedCheck_BlocksCreationAndNamesTheCheck()
    {
        var checks = Render<PreflightChecks>(p => p.Add(s => s.Checks,
        [
            new PreflightCheck("Flavors", PreflightStatus.Passed, "Every flavor exists."),
            new PreflightCheck("Compute quota", PreflightStatus.Failed, "14 vCPU asked, 8 left."),
        ]));

        var verdict = checks.Find("[data-testid=preflight-verdict]");
        Assert.Equal("alert", verdict.GetAttribute("role"));
        Assert.Contains("Creation is blocked: Compute quota failed.", verdict.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyWarnings_AllowCreationWithACaution()
    {
        var checks = Render<PreflightChecks>(p => p.Add(s => s.Checks, [new PreflightCheck("Volume quota", PreflightStatus.Warning, "Not readable.")]));

        Assert.Contains("you can still create the cluster", checks.Find("[data-testid=preflight-verdict]").TextContent, StringComparison.Ordinal);
    }
}
