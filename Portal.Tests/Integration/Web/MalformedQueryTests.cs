using System.Net;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Integration.Web;

/// <summary>A page asked with a malformed query value (a hand-edited or cut link) renders as without it, never a 500.</summary>
public sealed class MalformedQueryTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Theory]
    [InlineData("/clusters?project=not-a-guid", "Kubernetes clusters")]
    [InlineData("/clusters/new?project=not-a-guid", "Create a cluster")]
    [InlineData("/databases?project=not-a-guid", "PostgreSQL databases")]
    [InlineData("/databases/new?project=not-a-guid", "Create a database")]
    [InlineData("/clusters?project=%00%FF", "Kubernetes clusters")]
    [InlineData("/databases/new?project=12345678-1234-1234-1234-12345678901", "Create a database")]
    public async Task Get_PageWithMalformedProjectId_RendersThePageInsteadOfAnError(string path, string expected)
    {
        using var client = factory.CreatePortalClient();
        using var signIn = await PortalHttp.SignInAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, html);
    }
}
