using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Integration.Web.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.E2E.Clusters;

/// <summary>
/// <see cref="BrowserTest"/> for the cluster scenarios, on <see cref="ClustersBrowserFixture"/> (fast, shared demo
/// Kubernetes API).
/// </summary>
public abstract class ClustersBrowserTest(ClustersBrowserFixture fixture, ITestOutputHelper output) : BrowserTest<ClustersBrowserFixture>(fixture, output)
{
    /// <summary>Signs in a user the test created (they all share the test password).</summary>
    protected Task SignInAsync(string email) => SignInAsync(email, PortalWebFactory.DefaultUserPassword);
}
