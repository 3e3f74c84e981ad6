using Bunit;
using Portal.Components.Shared;

namespace Portal.Tests.Components.Shared;

public sealed class SecretInputTests : ComponentTest
{
    [Fact]
    public void TypedSecret_GoesToTheServerAndIsNeverRenderedBack()
    {
        string? received = null;
        var cut = Render<SecretInput>(p => p.Add(s => s.Id, "app-secret").Add(s => s.Label, "Application credential secret")
            .Add(s => s.ValueChanged, value => received = value));

        cut.Find("input#app-secret").Change("s3cr3t-value");

        Assert.Equal("s3cr3t-value", received);
        Assert.DoesNotContain("s3cr3t-value", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void StoredSecret_ShowsSetWithAReplaceButtonInsteadOfAnInput()
    {
        var cut = Render<SecretInput>(p => p.Add(s => s.Id, "password").Add(s => s.Label, "Password").Add(s => s.HasValue, true)
            .Add(s => s.SetText, "Stored (hidden)"));

        Assert.Empty(cut.FindAll("input"));
        Assert.Equal("Stored (hidden)", cut.Find("#password-state").TextContent);

        cut.Find("button[aria-label='Replace Password']").Click();
        Assert.Single(cut.FindAll("input#password[type=password]"));
    }

    [Fact]
    public void SecretTextArea_PastedKubeconfig_IsNeverRenderedBack()
    {
        string? received = null;
        var cut = Render<SecretTextArea>(p => p.Add(s => s.Id, "kubeconfig").Add(s => s.Label, "Kubeconfig")
            .Add(s => s.ValueChanged, value => received = value));

        cut.Find("textarea#kubeconfig").Change("apiVersion: v1\nusers:\n- user:\n    token: abc.def");
        cut.Render(p => p.Add(s => s.Summary, "Cluster demo-mgmt at https://10.0.0.1:6443"));

        Assert.NotNull(received);
        Assert.DoesNotContain("abc.def", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Cluster demo-mgmt", cut.Find("#kubeconfig-state").TextContent);
    }
}
