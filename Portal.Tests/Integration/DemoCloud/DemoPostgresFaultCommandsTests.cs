using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Domain.Common;
using Portal.Tests.Integration.Clusters;
using Portal.Tests.Support;
using static Portal.Tests.Integration.DemoCloud.DemoPostgresHarness;

namespace Portal.Tests.Integration.DemoCloud;

/// <summary>The database fault commands a platform admin runs from the demo cloud's page: checked, audited, and reaching the demo API.</summary>
public sealed class DemoPostgresFaultCommandsTests
{
    [Fact]
    public async Task InjectDatabaseFaultAsync_ByAnAdmin_ReachesTheClusterUntilHealed()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var faults = s.Host.Services.GetRequiredService<DemoFaultCommands>();
        s.Kube.Default.Apply(PostgresCluster("orders", instances: 1), "portal");
        var cluster = s.Kube.Get(ApiVersion, "Cluster", Namespace, "orders")!;

        (await faults.InjectDatabaseFaultAsync(s.Member, s.InfrastructureId, DemoDatabaseFault.DiskFull, Namespace, "orders")).ShouldBeRefused(RefusalKind.Forbidden);
        var before = s.Kube.HasDatabaseFault(cluster, DemoDatabaseFault.DiskFull);
        (await faults.InjectDatabaseFaultAsync(s.Host.Admin, s.InfrastructureId, DemoDatabaseFault.DiskFull, Namespace, "orders")).ShouldSucceed();
        var injected = s.Kube.HasDatabaseFault(cluster, DemoDatabaseFault.DiskFull);
        (await faults.HealDatabaseFaultAsync(s.Host.Admin, s.InfrastructureId, DemoDatabaseFault.DiskFull, Namespace, "orders")).ShouldSucceed();
        var healed = s.Kube.HasDatabaseFault(cluster, DemoDatabaseFault.DiskFull);

        Assert.False(before);
        Assert.True(injected);
        Assert.False(healed);
        await using var db = s.Host.NewContext();
        // The member's refused attempt is audited too.
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "demo-cloud.inject-database-fault"));
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "demo-cloud.heal-database-fault"));
    }

    [Fact]
    public async Task InjectDatabaseFaultAsync_HalfATarget_IsRefusedWithTheReason()
    {
        await using var s = await ClusterScenario.CreateAsync();
        var faults = s.Host.Services.GetRequiredService<DemoFaultCommands>();

        (await faults.InjectDatabaseFaultAsync(s.Host.Admin, s.InfrastructureId, DemoDatabaseFault.BackupsFailing, Namespace, null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
        (await faults.InjectDatabaseFaultAsync(s.Host.Admin, s.InfrastructureId, DemoDatabaseFault.BackupsFailing, null, "orders")).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);
        (await faults.InjectDatabaseFaultAsync(s.Host.Admin, s.InfrastructureId, (DemoDatabaseFault)42, null, null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Fault);
        (await faults.InjectDatabaseFaultAsync(s.Host.Admin, Guid.NewGuid(), DemoDatabaseFault.StuckBootstrap, null, null)).ShouldBeRefused(RefusalKind.NotFound);
        (await faults.InjectDatabaseFaultAsync(s.Host.Admin, s.InfrastructureId, DemoDatabaseFault.StuckBootstrap, null, null)).ShouldSucceed();
    }
}
