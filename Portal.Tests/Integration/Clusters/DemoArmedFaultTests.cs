using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Clusters;

/// <summary>
/// What arming a demo cloud fault does: nothing to what runs already; the next machines the target creates — for a
/// scale-up or an upgrade started right after — meet it and the action fails with the provider's words. Armed faults are
/// listed until they strike or are disarmed.
/// </summary>
public sealed class DemoArmedFaultTests
{
    [Fact]
    public async Task InjectAsync_MachineFaultForARunningPool_LeavesThePoolActive()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        (await Faults(s).InjectAsync(s.Host.Admin, s.InfrastructureId, DemoCloudFault.QuotaExceeded, cluster.Id, "workers")).ShouldSucceed();
        s.Kube.Tick();
        s.Kube.Tick();
        await s.Reconciler.ReconcileAllAsync(default);

        var after = (await s.FindAsync(cluster.Id))!;
        Assert.Equal(ClusterState.Active, after.State);
        Assert.Equal(ClusterState.Active, after.Pools.Single().State);
        Assert.Null(after.Pools.Single().ProviderFault);
        Assert.Single(Faults(s).Armed);
    }

    [Fact]
    public async Task ScalePoolAsync_StartedRightAfterArmingAMachineFault_FailsWithTheFaultOnItsNewMachines()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();

        (await Faults(s).InjectAsync(s.Host.Admin, s.InfrastructureId, DemoCloudFault.QuotaExceeded, cluster.Id, "workers")).ShouldSucceed();
        s.Kube.Tick();
        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 3)).ShouldSucceed();
        var scale = await s.FinishedAsync(cluster.Id, ClusterOperations.ScalePool);

        Assert.Equal(OperationState.Failed, scale.State);
        Assert.Contains("Quota exceeded for cores", scale.Error, StringComparison.Ordinal);
        Assert.Contains("Quota exceeded for cores", (await s.FindAsync(cluster.Id))!.Pools.Single().ProviderFault, StringComparison.Ordinal);
        Assert.Empty(Faults(s).Armed);
    }

    [Fact]
    public async Task UpgradeControlPlaneAsync_StartedRightAfterArmingAControlPlaneFault_FailsWithTheFault()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();

        (await Faults(s).InjectAsync(s.Host.Admin, s.InfrastructureId, DemoCloudFault.NoValidHost, cluster.Id, null)).ShouldSucceed();
        s.Kube.Tick();
        await s.Reconciler.ReconcileAllAsync(default);
        Assert.Equal(ClusterState.Active, (await s.FindAsync(cluster.Id))!.State);
        (await s.Clusters.UpgradeControlPlaneAsync(s.Member, cluster.Id, (await s.FindAsync(cluster.Id))!.Version, "1.33.1-1")).ShouldSucceed();
        var upgrade = await s.FinishedAsync(cluster.Id, ClusterOperations.UpgradeControlPlane);

        Assert.Equal(OperationState.Failed, upgrade.State);
        Assert.Contains("No valid host was found", upgrade.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisarmAsync_AnArmedFault_TakesItOffTheListAndTheNextScaleSucceeds()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var cluster = await s.CreateActiveAsync();
        var pool = cluster.Pools.Single();
        (await Faults(s).InjectAsync(s.Host.Admin, s.InfrastructureId, DemoCloudFault.NoValidHost, cluster.Id, "workers")).ShouldSucceed();
        var armed = Assert.Single(Faults(s).Armed);
        Assert.Equal("web-prod", armed.ClusterName);
        Assert.Equal("workers", armed.PoolName);

        (await Faults(s).DisarmAsync(s.Member, s.InfrastructureId, armed.Id)).ShouldBeRefused(RefusalKind.Forbidden);
        (await Faults(s).DisarmAsync(s.Host.Admin, s.InfrastructureId, armed.Id)).ShouldSucceed();
        (await Faults(s).DisarmAsync(s.Host.Admin, s.InfrastructureId, armed.Id)).ShouldBeRefused(RefusalKind.NotFound);
        (await s.Clusters.ScalePoolAsync(s.Member, pool.Id, pool.Version, 3)).ShouldSucceed();

        Assert.Empty(Faults(s).Armed);
        Assert.Equal(OperationState.Succeeded, (await s.FinishedAsync(cluster.Id, ClusterOperations.ScalePool)).State);
        await using var db = s.Host.NewContext();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "demo-cloud.disarm-fault"));
    }

    private static DemoFaultCommands Faults(ClusterScenario s) => s.Host.Services.GetRequiredService<DemoFaultCommands>();
}
