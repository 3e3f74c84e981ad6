using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Jobs.Clusters;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

public sealed class DemoFaultCommandsTests
{
    [Fact]
    public async Task InjectAsync_BadCredentialsForANewCluster_LeavesItInErrorWithKeystonesWordsUntilCleared()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var faults = s.Host.Services.GetRequiredService<DemoFaultCommands>();
        var running = await s.CreateActiveAsync(await s.RequestAsync("running"));

        (await faults.InjectAsync(s.Member, s.InfrastructureId, DemoCloudFault.InvalidCredentials, null, null)).ShouldBeRefused(RefusalKind.Forbidden);
        (await faults.InjectAsync(s.Host.Admin, s.InfrastructureId, DemoCloudFault.InvalidCredentials, null, null)).ShouldSucceed();
        var id = await s.CreateAsync(await s.RequestAsync());
        var failed = await s.WaitForAsync(id, c => c!.State == ClusterState.Error);

        Assert.Contains("requires authentication", failed!.StateReason, StringComparison.Ordinal);
        // "The next cluster that asks" is a new one: the cluster already running is not touched.
        await s.Reconciler.ReconcileAllAsync(default);
        Assert.Equal(ClusterState.Active, (await s.FindAsync(running.Id))!.State);
        Assert.Contains("OpenStackAuthenticationFailed", failed.ProviderFault, StringComparison.Ordinal);
        (await faults.ClearAsync(s.Host.Admin, s.InfrastructureId)).ShouldSucceed();
        (await s.Clusters.RetryAsync(s.Member, failed.LastOperationId!.Value)).ShouldSucceed();
        await s.WaitForAsync(id, c => c!.State == ClusterState.Active);

        await using var db = s.Host.NewContext();
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "demo-cloud.inject-fault"));
    }

    [Fact]
    public async Task InjectAsync_UnknownPoolOrHostedControlPlane_IsRefusedWithTheReason()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var faults = s.Host.Services.GetRequiredService<DemoFaultCommands>();
        var hosted = await s.CreateActiveAsync(await s.RequestAsync("hosted", ControlPlaneType.Hosted));

        (await faults.InjectAsync(s.Host.Admin, s.InfrastructureId, DemoCloudFault.QuotaExceeded, hosted.Id, "nope")).ShouldBeRefused(RefusalKind.Invalid, Fields.NodePool);
        (await faults.InjectAsync(s.Host.Admin, s.InfrastructureId, DemoCloudFault.NoValidHost, hosted.Id, null)).ShouldBeRefused(RefusalKind.Invalid, Fields.NodePool);
        (await faults.InjectAsync(s.Host.Admin, s.InfrastructureId, DemoCloudFault.NoValidHost, null, "workers")).ShouldBeRefused(RefusalKind.Invalid, Fields.Cluster);
        (await faults.InjectAsync(s.Host.Admin, Guid.NewGuid(), DemoCloudFault.NoValidHost, null, null)).ShouldBeRefused(RefusalKind.NotFound);
    }
}
