using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;
using Portal.Tests.Integration.ServiceConfigs;

namespace Portal.Tests.Integration.Operations;

/// <summary>The portal's handlers against the domain's declarations, as the portal wires them.</summary>
public sealed class OperationKindsTests
{
    [Fact]
    public async Task OperationHandlers_AsThePortalRegistersThem_ImplementEveryKindTheDomainDeclaresStepForStep()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var handlers = host.Services.GetRequiredService<OperationHandlers>();

        Assert.All(OperationKinds.All, kind =>
        {
            var handler = handlers.Find(kind.Name);
            Assert.NotNull(handler);
            Assert.Equal(kind.Steps, handler.Steps.Select(s => s.Name).ToList());
        });
    }
}
