using Microsoft.Extensions.DependencyInjection;
using Portal.DemoCloud;
using Portal.Domain.Infrastructures;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.OpenStack;
using Portal.Jobs.Operations;

namespace Portal.Tests.Unit.DemoCloud;

/// <summary>The host wires the demo in; Portal.Jobs alone has no demo kind.</summary>
public sealed class DemoCloudRegistrationTests
{
    [Fact]
    public void AddDemoCloud_AfterTheOperationsEngine_IsRefusedNamingTheOrder()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOperationsEngine();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddDemoCloud());

        Assert.Contains("before AddPortalJobs", error.Message);
    }

    [Fact]
    public void CloudProviders_WithAndWithoutTheDemo_ServeTheDemoKindOnlyWhenWiredIn()
    {
        using var without = new ServiceCollection().AddLogging().AddOpenStackClients().BuildServiceProvider();
        using var with = new ServiceCollection().AddLogging().AddDemoCloud().AddOpenStackClients().BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(() => without.GetRequiredService<CloudProviders>().For(InfrastructureProvider.Demo));
        Assert.IsType<DemoCloudProvider>(with.GetRequiredService<CloudProviders>().For(InfrastructureProvider.Demo));
        Assert.IsType<OpenStackCloudProvider>(with.GetRequiredService<CloudProviders>().For(InfrastructureProvider.OpenStack));
        Assert.Empty(without.GetServices<IInProcessOpenStack>());
    }
}
