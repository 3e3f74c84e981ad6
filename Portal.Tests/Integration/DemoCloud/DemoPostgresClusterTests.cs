using System.Text.Json.Nodes;
using Portal.DemoCloud.Kubernetes;
using static Portal.Tests.Integration.DemoCloud.DemoPostgresHarness;

namespace Portal.Tests.Integration.DemoCloud;

/// <summary>
/// The demo's CloudNativePG Cluster simulation, on a manual clock with the default delays (primary 8 s, replica 4 s,
/// instance restart 4 s, major upgrade 15 s, switchover 3 s, resize 5 s, hibernation 3 s): creation, scaling, volume
/// growth and the webhook's refusal to shrink, rolling updates, the major upgrade, restarts, switchover, hibernation
/// and carrying on after the demo state is saved and restored.
/// </summary>
public sealed class DemoPostgresClusterTests
{
    private const string Image16 = "ghcr.io/cloudnative-pg/postgresql:16.4";
    private const string Image166 = "ghcr.io/cloudnative-pg/postgresql:16.6";
    private const string Image17 = "ghcr.io/cloudnative-pg/postgresql:17.5";

    private readonly DemoPostgresHarness _demo = new();

    private void CreateHealthy(JsonObject manifest)
    {
        _demo.Apply(manifest);
        _demo.RunUntilHealthy((string)manifest["metadata"]!["name"]!);
    }

    [Fact]
    public void Cluster_Created_InstancesComeUpOneByOne()
    {
        _demo.Apply(PostgresCluster("orders", instances: 3));
        var namesWhileCreating = new List<string[]>();

        var seen = _demo.Record("orders", status =>
        {
            namesWhileCreating.Add(Names(status["instanceNames"]));
            return Phase(status) == DemoPostgresClusterController.PhaseHealthy;
        });

        Assert.Equal(
            [
                ("Setting up primary", "Creating primary instance orders-1", 0L),
                ("Creating a new replica", "Creating replica orders-2", 1L),
                ("Creating a new replica", "Creating replica orders-3", 2L),
                ("Cluster in healthy state", null, 3L),
            ],
            seen);
        Assert.Equal(16, _demo.Second);
        Assert.Contains(["orders-1"], namesWhileCreating);
        var status = _demo.Status("orders");
        Assert.Equal(["orders-1", "orders-2", "orders-3"], Names(status["instanceNames"]));
        Assert.Equal(["orders-1", "orders-2", "orders-3"], Names(status["instancesStatus"]!["healthy"]));
        Assert.Equal("orders-1", (string?)status["currentPrimary"]);
        Assert.Equal("orders-1", (string?)status["targetPrimary"]);
        Assert.Equal(Image16, (string?)status["image"]);
        Assert.Equal(16, (int?)status["pgDataImageInfo"]!["majorVersion"]);
        Assert.Equal("ClusterIsReady", (string?)Condition(status, "Ready")!["reason"]);
        Assert.Equal("True", (string?)Condition(status, "Ready")!["status"]);
    }

    [Fact]
    public void Cluster_ScaledDownThenUp_DropsAtOnceThenAddsReplicasOneByOne()
    {
        CreateHealthy(PostgresCluster("orders", instances: 3));

        _demo.Apply(PostgresCluster("orders", instances: 1));
        _demo.Api.Tick();
        var down = _demo.Status("orders");
        _demo.Apply(PostgresCluster("orders", instances: 3));
        var seen = _demo.Record("orders", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy && ReadyCount(s) == 3);

        Assert.Equal(1, ReadyCount(down));
        Assert.Equal(["orders-1"], Names(down["instanceNames"]));
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(down));
        Assert.Equal(
            [
                ("Creating a new replica", "Creating replica orders-4", 1L),
                ("Creating a new replica", "Creating replica orders-5", 2L),
                ("Cluster in healthy state", null, 3L),
            ],
            seen);
        Assert.Equal(["orders-1", "orders-4", "orders-5"], Names(_demo.Status("orders")["instanceNames"]));
    }

    [Fact]
    public void Cluster_ScaledDownAfterASwitchover_KeepsThePrimary()
    {
        CreateHealthy(PostgresCluster("orders", instances: 3));
        _demo.Api.Default.UpdateStatus(_demo.Cluster("orders"), s => s["targetPrimary"] = "orders-3");
        _demo.RunUntil(() => (string?)_demo.Status("orders")["currentPrimary"] == "orders-3");

        _demo.Apply(PostgresCluster("orders", instances: 1));
        _demo.Api.Tick();

        Assert.Equal(["orders-3"], Names(_demo.Status("orders")["instanceNames"]));
        Assert.Equal(1, ReadyCount(_demo.Status("orders")));
    }

    [Fact]
    public void Cluster_StorageShrunk_IsRefusedWithTheWebhooksMessage()
    {
        CreateHealthy(PostgresCluster("orders", instances: 1, size: "10Gi"));

        var refused = Assert.Throws<DemoKubeException>(() => _demo.Apply(PostgresCluster("orders", instances: 1, size: "5Gi")));

        Assert.Equal(422, refused.StatusCode);
        Assert.Equal("Invalid", refused.Reason);
        Assert.Equal(
            "admission webhook \"vcluster.cnpg.io\" denied the request: Cluster.postgresql.cnpg.io \"orders\" is invalid: "
            + "spec.storage: Invalid value: \"5Gi\": can't shrink existing storage from 10Gi to 5Gi",
            refused.Message);
        Assert.Equal("10Gi", (string?)_demo.Cluster("orders")["spec"]!["storage"]!["size"]);
    }

    [Fact]
    public async Task Cluster_StorageShrunkByMergePatchOverHttp_IsRefused()
    {
        CreateHealthy(PostgresCluster("orders", instances: 1, size: "10Gi"));

        var (status, body) = await _demo.PatchAsync("orders", status: false, "application/merge-patch+json", """{"spec":{"storage":{"size":"9000Mi"}}}""");

        Assert.Equal(422, status);
        Assert.Contains("can't shrink existing storage from 10Gi to 9000Mi", (string?)JsonNode.Parse(body)!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_StorageGrown_ListsItsVolumesAsResizingThenHealthy()
    {
        CreateHealthy(PostgresCluster("orders", instances: 2, size: "10Gi"));

        _demo.Apply(PostgresCluster("orders", instances: 2, size: "20Gi"));
        _demo.Api.Tick();
        var resizing = _demo.Status("orders");
        var took = _demo.RunUntil(() => _demo.Status("orders")["resizingPVC"] is null);

        Assert.Equal(["orders-1", "orders-2"], Names(resizing["resizingPVC"]));
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(resizing));
        Assert.Equal(5, took);
        Assert.Equal(["orders-1", "orders-2"], Names(_demo.Status("orders")["healthyPVC"]));
    }

    [Fact]
    public void Cluster_MinorImageChange_RestartsReplicasFirstThenThePrimary()
    {
        CreateHealthy(PostgresCluster("orders", instances: 3, image: Image16));

        _demo.Apply(PostgresCluster("orders", instances: 3, image: Image166));
        var seen = _demo.Record("orders", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy && (string?)s["image"] == Image166);

        var why = $"the instance is using a different image: {Image16} -> {Image166}";
        Assert.Equal(
            [
                ("Upgrading cluster", $"Restarting instance orders-3, because: {why}", 2L),
                ("Upgrading cluster", $"Restarting instance orders-2, because: {why}", 2L),
                ("Primary instance is being restarted without a switchover", why, 2L),
                ("Cluster in healthy state", null, 3L),
            ],
            seen);
        Assert.Equal(12, _demo.Second - 16);
        Assert.Equal("orders-1", (string?)_demo.Status("orders")["currentPrimary"]);
    }

    [Fact]
    public void Cluster_ResourcesChanged_RollsWithThePodSpecReason()
    {
        CreateHealthy(PostgresCluster("orders", instances: 2));
        var resources = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = "1", ["memory"] = "2Gi" },
            ["limits"] = new JsonObject { ["cpu"] = "1", ["memory"] = "2Gi" },
        };

        _demo.Apply(PostgresCluster("orders", instances: 2, resources: resources));
        var seen = _demo.Record("orders", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy);

        const string why = "original and target PodSpec differ in containers: container postgres differs in resources";
        Assert.Equal(
            [
                ("Upgrading cluster", $"Restarting instance orders-2, because: {why}", 1L),
                ("Primary instance is being restarted without a switchover", why, 1L),
                ("Cluster in healthy state", null, 2L),
            ],
            seen);
    }

    [Fact]
    public void Cluster_MajorImageChange_GoesThroughTheMajorUpgradePhase()
    {
        CreateHealthy(PostgresCluster("orders", instances: 2, image: Image16));

        _demo.Apply(PostgresCluster("orders", instances: 2, image: Image17));
        _demo.Api.Tick();
        var upgrading = _demo.Status("orders");
        var seen = _demo.Record("orders", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy);

        Assert.Equal(17, (int?)upgrading["targetPGDataImageInfo"]!["majorVersion"]);
        Assert.Equal(
            [
                ("Upgrading Postgres major version", "Upgrading cluster to major version 17", 0L),
                ("Waiting for the instances to become active", "Some instances are not yet active. Please wait.", 1L),
                ("Cluster in healthy state", null, 2L),
            ],
            seen);
        var status = _demo.Status("orders");
        Assert.Equal(Image17, (string?)status["image"]);
        Assert.Equal(17, (int?)status["pgDataImageInfo"]!["majorVersion"]);
        Assert.Null(status["targetPGDataImageInfo"]);
    }

    [Fact]
    public void Cluster_RestartAnnotation_RestartsEveryInstanceThenIsHealthy()
    {
        CreateHealthy(PostgresCluster("orders", instances: 2));

        var annotations = new JsonObject { [DemoPostgresClusterController.RestartAnnotation] = "2026-03-02T09:05:00Z" };
        _demo.Apply(PostgresCluster("orders", instances: 2, annotations: annotations));
        var seen = _demo.Record("orders", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy);
        _demo.Api.Tick();

        const string why = "cluster has been explicitly restarted via annotation";
        Assert.Equal(
            [
                ("Upgrading cluster", $"Restarting instance orders-2, because: {why}", 1L),
                ("Primary instance is being restarted in-place", why, 1L),
                ("Cluster in healthy state", null, 2L),
            ],
            seen);
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(_demo.Status("orders")));
    }

    [Fact]
    public async Task Cluster_TargetPrimaryMergePatchedOnStatus_SwitchesOver()
    {
        CreateHealthy(PostgresCluster("orders", instances: 3));

        var (code, body) = await _demo.PatchAsync("orders", status: true, "application/merge-patch+json", """{"status":{"targetPrimary":"orders-2"}}""");
        var seen = _demo.Record("orders", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy);

        Assert.True(code == 200, body);
        Assert.Equal([("Switchover in progress", "Switching over to orders-2", 3L), ("Cluster in healthy state", null, 3L)], seen);
        var status = _demo.Status("orders");
        Assert.Equal("orders-2", (string?)status["currentPrimary"]);
        Assert.Equal("orders-2", Names(status["instancesStatus"]!["healthy"])[0]);
    }

    [Fact]
    public async Task Cluster_TargetPrimaryAppliedOnStatus_SwitchesOver()
    {
        CreateHealthy(PostgresCluster("orders", instances: 3));

        var (code, body) = await _demo.PatchAsync("orders", status: true, "application/apply-patch+yaml",
            """{"apiVersion":"postgresql.cnpg.io/v1","kind":"Cluster","metadata":{"name":"orders","namespace":"databases"},"status":{"targetPrimary":"orders-3"}}""",
            fieldManager: "portal-promote");
        _demo.RunUntil(() => (string?)_demo.Status("orders")["currentPrimary"] == "orders-3");

        Assert.True(code == 200, body);
        Assert.Equal(3, _demo.Second - 16);
    }

    [Fact]
    public void Cluster_TargetPrimaryNotAnInstance_IsSetBackToTheCurrentPrimary()
    {
        CreateHealthy(PostgresCluster("orders", instances: 2));

        _demo.Api.Default.UpdateStatus(_demo.Cluster("orders"), s => s["targetPrimary"] = "orders-9");
        _demo.Api.Tick();

        Assert.Equal("orders-1", (string?)_demo.Status("orders")["targetPrimary"]);
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(_demo.Status("orders")));
    }

    [Fact]
    public void Cluster_HibernatedThenWoken_StopsEveryInstanceThenBringsThemBack()
    {
        CreateHealthy(PostgresCluster("orders", instances: 2));

        _demo.Apply(PostgresCluster("orders", instances: 2, annotations: new JsonObject { [DemoPostgresClusterController.HibernationAnnotation] = "on" }));
        _demo.Api.Tick();
        var deleting = _demo.Status("orders");
        _demo.RunUntil(() => (string?)Condition(_demo.Status("orders"), "cnpg.io/hibernation")?["status"] == "True");
        var hibernated = _demo.Status("orders");
        _demo.Apply(PostgresCluster("orders", instances: 2, annotations: new JsonObject { [DemoPostgresClusterController.HibernationAnnotation] = "off" }));
        var seen = _demo.Record("orders", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy && ReadyCount(s) == 2);

        Assert.Equal("DeletingPods", (string?)Condition(deleting, "cnpg.io/hibernation")!["reason"]);
        Assert.Equal("Hibernation is in progress", (string?)Condition(deleting, "cnpg.io/hibernation")!["message"]);
        Assert.Equal(0, ReadyCount(hibernated));
        Assert.Equal("Hibernated", (string?)Condition(hibernated, "cnpg.io/hibernation")!["reason"]);
        Assert.Equal("Cluster has been hibernated", (string?)Condition(hibernated, "cnpg.io/hibernation")!["message"]);
        Assert.Equal(DemoPostgresClusterController.PhaseHealthy, Phase(hibernated));
        Assert.Equal("False", (string?)Condition(hibernated, "Ready")!["status"]);
        Assert.Null(hibernated["instancesStatus"]);
        Assert.Equal(
            [
                ("Waiting for the instances to become active", "Some instances are not yet active. Please wait.", 0L),
                ("Waiting for the instances to become active", "Some instances are not yet active. Please wait.", 1L),
                ("Cluster in healthy state", null, 2L),
            ],
            seen);
        Assert.Null(Condition(_demo.Status("orders"), "cnpg.io/hibernation"));
    }

    [Fact]
    public void Cluster_HibernationAskedWhileCreating_WaitsUntilHealthy()
    {
        _demo.Apply(PostgresCluster("orders", instances: 1, annotations: new JsonObject { [DemoPostgresClusterController.HibernationAnnotation] = "on" }));
        _demo.Api.Tick();
        _demo.Api.Tick();
        var waiting = _demo.Status("orders");
        _demo.RunUntil(() => (string?)Condition(_demo.Status("orders"), "cnpg.io/hibernation")?["status"] == "True");

        Assert.Equal("WaitingForHealthy", (string?)Condition(waiting, "cnpg.io/hibernation")!["reason"]);
        Assert.Equal(DemoPostgresClusterController.PhaseSettingUpPrimary, Phase(waiting));
        Assert.Equal(0, ReadyCount(_demo.Status("orders")));
    }

    [Fact]
    public void Cluster_StateSavedMidRolloutAndRestored_CarriesOnWhereItWas()
    {
        CreateHealthy(PostgresCluster("orders", instances: 3, image: Image16));
        _demo.Apply(PostgresCluster("orders", instances: 3, image: Image166));
        _demo.Api.Tick();
        _demo.Clock.Advance(TimeSpan.FromSeconds(5));
        _demo.Api.Tick();
        var saved = _demo.Api.CaptureState(s => s);

        var restored = new DemoPostgresHarness();
        restored.Clock.SetUtcNow(_demo.Clock.GetUtcNow());
        restored.Api.RestoreState(saved, s => s);
        var seen = restored.Record("orders", s => Phase(s) == DemoPostgresClusterController.PhaseHealthy && (string?)s["image"] == Image166);

        Assert.Equal("Restarting instance orders-2, because: the instance is using a different image: " + Image16 + " -> " + Image166, seen[0].Reason);
        Assert.Equal(3, seen.Count);
        Assert.Equal(3, ReadyCount(restored.Status("orders")));
    }

    [Fact]
    public void Cluster_NoChange_KeepsItsResourceVersionAcrossTicks()
    {
        CreateHealthy(PostgresCluster("orders", instances: 2, backups: true, retention: "7d"));
        _demo.Api.Tick();
        var before = (string?)_demo.Cluster("orders")["metadata"]!["resourceVersion"];

        for (var i = 0; i < 5; i++)
        {
            _demo.Clock.Advance(TimeSpan.FromSeconds(30));
            _demo.Api.Tick();
        }

        Assert.Equal(before, (string?)_demo.Cluster("orders")["metadata"]!["resourceVersion"]);
    }
}
