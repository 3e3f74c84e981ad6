using Portal.DemoCloud.Kubernetes;
using static Portal.Tests.Integration.DemoCloud.DemoPostgresHarness;

namespace Portal.Tests.Integration.DemoCloud;

/// <summary>
/// The database faults of the demo cloud: each shows the way CloudNativePG, PostgreSQL or barman-cloud report it, on
/// the named Cluster or on the next new one, and each heals (by name, for every Cluster, or with ClearFailures).
/// </summary>
public sealed class DemoPostgresFaultTests
{
    private readonly DemoPostgresHarness _demo = new();

    private void CreateHealthy(string name, int instances = 2, bool backups = false)
    {
        _demo.Apply(PostgresCluster(name, instances: instances, backups: backups));
        _demo.RunUntilHealthy(name);
    }

    [Fact]
    public void DiskFull_OnANamedCluster_ShowsNotEnoughDiskSpaceUntilHealed()
    {
        CreateHealthy("orders");
        CreateHealthy("billing");

        _demo.Api.InjectDatabaseFault(DemoDatabaseFault.DiskFull, Namespace, "orders");
        _demo.Api.Tick();
        var full = _demo.Status("orders");
        var other = _demo.Status("billing");
        _demo.Api.HealDatabaseFault(DemoDatabaseFault.DiskFull, Namespace, "orders");
        var recovered = _demo.RunUntilHealthy("orders");

        Assert.Equal("Not enough disk space", Phase(full));
        Assert.Equal(DemoDatabaseFaults.NotEnoughDiskSpaceReason, (string?)full["phaseReason"]);
        Assert.StartsWith("Insufficient disk space detected in one or more pods", (string?)full["phaseReason"], StringComparison.Ordinal);
        Assert.Equal(0, ReadyCount(full));
        Assert.Equal("False", (string?)Condition(full, "Ready")!["status"]);
        Assert.Contains("No space left on device", (string?)Condition(full, "Ready")!["message"], StringComparison.Ordinal);
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(other));
        Assert.Equal(8, recovered);
    }

    [Fact]
    public void DiskFull_StorageGrown_CuresItAndTheInstancesComeBack()
    {
        CreateHealthy("orders");
        _demo.Api.InjectDatabaseFault(DemoDatabaseFault.DiskFull, Namespace, "orders");
        _demo.Api.Tick();
        _demo.Clock.Advance(TimeSpan.FromMinutes(5));
        _demo.Api.Tick();
        var full = _demo.Status("orders");

        _demo.Apply(PostgresCluster("orders", instances: 2, size: "20Gi"));
        var took = _demo.RunUntilHealthy("orders");

        Assert.Equal("Not enough disk space", Phase(full));
        Assert.Equal(8, took);
        Assert.Null(_demo.Status("orders")["resizingPVC"]);
        _demo.Api.Tick();
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(_demo.Status("orders")));
    }

    [Fact]
    public void BackupsFailing_OnANamedCluster_FailsArchivingAndBackupsUntilHealed()
    {
        CreateHealthy("orders", instances: 1, backups: true);

        _demo.Api.InjectDatabaseFault(DemoDatabaseFault.BackupsFailing, Namespace, "orders");
        _demo.Apply(Backup("first", "orders"));
        _demo.RunUntil(() => (string?)_demo.Backups()[0]["status"]?["phase"] == "failed");
        _demo.Api.Tick();
        var failing = _demo.Status("orders");
        var failed = _demo.Backups()[0];
        _demo.Api.HealDatabaseFault(DemoDatabaseFault.BackupsFailing, Namespace, "orders");
        _demo.Apply(Backup("second", "orders"));
        _demo.RunUntil(() => (string?)Condition(_demo.Status("orders"), "LastBackupSucceeded")?["status"] == "True");
        var healed = _demo.Status("orders");

        Assert.Equal(DemoDatabaseFaults.BackupError, (string?)failed["status"]!["error"]);
        Assert.Contains("AccessDenied", (string?)failed["status"]!["error"], StringComparison.Ordinal);
        Assert.Equal("False", (string?)Condition(failing, "ContinuousArchiving")!["status"]);
        Assert.Equal("ContinuousArchivingFailing", (string?)Condition(failing, "ContinuousArchiving")!["reason"]);
        Assert.Contains("Barman cloud WAL archive check", (string?)Condition(failing, "ContinuousArchiving")!["message"], StringComparison.Ordinal);
        Assert.Equal("LastBackupFailed", (string?)Condition(failing, "LastBackupSucceeded")!["reason"]);
        Assert.Equal(DemoDatabaseFaults.BackupError, (string?)Condition(failing, "LastBackupSucceeded")!["message"]);
        Assert.Equal((string?)failed["status"]!["stoppedAt"], (string?)failing["lastFailedBackup"]);
        Assert.Null(failing["lastSuccessfulBackup"]);
        Assert.Equal("True", (string?)Condition(healed, "ContinuousArchiving")!["status"]);
        Assert.NotNull(healed["lastSuccessfulBackup"]);
        Assert.Equal((string?)failed["status"]!["stoppedAt"], (string?)healed["lastFailedBackup"]);
    }

    [Fact]
    public void StuckBootstrap_WithoutAName_HoldsTheNextNewClusterOnlyUntilHealed()
    {
        CreateHealthy("existing", instances: 1);

        _demo.Api.InjectDatabaseFault(DemoDatabaseFault.StuckBootstrap);
        _demo.Apply(PostgresCluster("stuck", instances: 1));
        _demo.RunUntil(() => _demo.Second >= 600, step: TimeSpan.FromSeconds(10));
        _demo.Apply(PostgresCluster("later", instances: 1));
        var laterTook = _demo.RunUntilHealthy("later");
        var stuck = _demo.Status("stuck");
        _demo.Api.HealDatabaseFault(DemoDatabaseFault.StuckBootstrap);
        var healedTook = _demo.RunUntilHealthy("stuck");

        Assert.Equal("Setting up primary", Phase(stuck));
        Assert.Equal("Creating primary instance stuck-1", (string?)stuck["phaseReason"]);
        Assert.Equal(0, ReadyCount(stuck));
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(_demo.Status("existing")));
        Assert.Equal(8, laterTook);
        Assert.Equal(8, healedTook);
    }

    [Fact]
    public void ClearFailures_WithDatabaseFaults_HealsThemAll()
    {
        CreateHealthy("orders", instances: 1, backups: true);
        _demo.Api.InjectDatabaseFault(DemoDatabaseFault.DiskFull, Namespace, "orders");
        _demo.Api.InjectDatabaseFault(DemoDatabaseFault.BackupsFailing, Namespace, "orders");
        _demo.Api.Tick();
        var faulted = _demo.Status("orders");

        _demo.Api.ClearFailures();
        _demo.RunUntilHealthy("orders");

        Assert.Equal("Not enough disk space", Phase(faulted));
        Assert.Equal("False", (string?)Condition(faulted, "ContinuousArchiving")!["status"]);
        Assert.Equal("True", (string?)Condition(_demo.Status("orders"), "ContinuousArchiving")!["status"]);
    }

    [Fact]
    public void DiskFull_NamedInAnotherNamespace_LeavesTheClusterAlone()
    {
        CreateHealthy("orders");

        _demo.Api.InjectDatabaseFault(DemoDatabaseFault.DiskFull, "elsewhere", "orders");
        _demo.Api.Tick();

        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(_demo.Status("orders")));
    }
}
