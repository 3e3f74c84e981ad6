using System.Text.Json.Nodes;
using Portal.Jobs.Databases;
using Portal.Tests.Unit.Clusters;

namespace Portal.Tests.Unit.Databases;

/// <summary>The CloudNativePG objects of a managed database: golden files for whole databases, focused rules on top.</summary>
public sealed class DatabaseManifestsTests
{
    private const string Area = "Databases";
    private static readonly Guid DatabaseId = Guid.Parse("3c9e1f20-5a7b-4d8c-9e0f-1a2b3c4d5e6f");
    private static readonly Guid TenantId = Guid.Parse("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
    private static readonly Guid ProjectId = Guid.Parse("0f1e2d3c-4b5a-4968-8776-655443322110");
    private static readonly Guid OperationId = Guid.Parse("deadbeef-1234-4abc-8def-0123456789ab");
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY-Not-To-Leak";

    private static readonly BackupStoreSpec Store = new("s3://pg-backups/portal", "https://s3.example.net", "AKIAPORTALEXAMPLE", SecretKey);
    private static readonly BackupPlanSpec Daily = new("0 0 2 * * *", 7);

    private static DatabaseManifestSpec Spec(
        string name = "orders",
        int instances = 3,
        BackupStoreSpec? store = null,
        BackupPlanSpec? backups = null,
        RestoreSpec? restore = null,
        bool hibernated = false,
        DateTimeOffset? restartedAt = null) =>
        new(DatabaseId, TenantId, ProjectId, DatabaseManifests.NamespaceFor(ProjectId), name, DatabaseManifests.ImageFor("17.5"),
            instances, 1000, 2048, 20, "orders", "orders_owner", store, backups, restore, hibernated, restartedAt);

    private static RestoreSpec RestoreFromOrders() =>
        new("orders", DatabaseManifests.NamespaceFor(ProjectId), new DateTimeOffset(2025, 5, 1, 13, 45, 0, TimeSpan.FromHours(2)));

    private static JsonObject OfKind(IEnumerable<JsonObject> objects, string kind) =>
        objects.Single(o => o["kind"]!.GetValue<string>() == kind);

    // ---- Golden files ----------------------------------------------------------------------------------------------

    [Fact]
    public void All_ThreeInstancesWithDailyBackups_MatchesGoldenFile() =>
        GoldenFiles.AssertMatchesIn(Area, "three-instances-daily-backups.json", DatabaseManifests.All(Spec(store: Store, backups: Daily)));

    [Fact]
    public void All_OneInstanceWithoutBackups_MatchesGoldenFile() =>
        GoldenFiles.AssertMatchesIn(Area, "one-instance-no-backups.json", DatabaseManifests.All(Spec(instances: 1)));

    [Fact]
    public void All_RestoreIntoNewDatabaseWithBackups_MatchesGoldenFile() =>
        GoldenFiles.AssertMatchesIn(Area, "restore-with-backups.json",
            DatabaseManifests.All(Spec(name: "orders-copy", store: Store, backups: Daily, restore: RestoreFromOrders())));

    [Fact]
    public void All_HibernatedWithRestart_MatchesGoldenFile() =>
        GoldenFiles.AssertMatchesIn(Area, "hibernated-restarted.json",
            DatabaseManifests.All(Spec(instances: 1, hibernated: true, restartedAt: new DateTimeOffset(2025, 6, 2, 9, 30, 15, TimeSpan.Zero))));

    [Fact]
    public void OnDemandBackup_WithBackups_MatchesGoldenFile() =>
        GoldenFiles.AssertMatchesIn(Area, "on-demand-backup.json", DatabaseManifests.OnDemandBackup(Spec(store: Store, backups: Daily), OperationId));

    // ---- Secrets ----------------------------------------------------------------------------------------------------

    [Fact]
    public void All_SecretKey_AppearsOnlyInTheBackupStoreSecretStringData()
    {
        var objects = DatabaseManifests.All(Spec(name: "orders-copy", store: Store, backups: Daily, restore: RestoreFromOrders()));

        // Every string anywhere (keys and values), by where it sits, so no escaping can hide a copy of the key.
        var holders = objects
            .SelectMany(o => Strings(o, $"{o["kind"]}/{o["metadata"]!["name"]}"))
            .Where(s => s.Text.Contains(SecretKey, StringComparison.Ordinal))
            .Select(s => s.Path)
            .ToArray();

        Assert.Equal([$"Secret/orders-copy-backup-store.stringData.{DatabaseManifests.SecretAccessKeyKey}"], holders);
    }

    private static IEnumerable<(string Path, string Text)> Strings(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    yield return ($"{path}.{key}#key", key);
                    foreach (var s in Strings(child, $"{path}.{key}"))
                        yield return s;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    foreach (var s in Strings(a[i], $"{path}[{i}]"))
                        yield return s;
                break;
            case JsonValue v:
                yield return (path, v.ToString());
                break;
        }
    }

    [Fact]
    public void Cluster_WithStore_RefersToTheSecretByNameAndKey()
    {
        var store = DatabaseManifests.Cluster(Spec(store: Store, backups: Daily))["spec"]!["backup"]!["barmanObjectStore"]!;

        Assert.Equal("orders-backup-store", store["s3Credentials"]!["secretAccessKey"]!["name"]!.GetValue<string>());
        Assert.Equal(DatabaseManifests.SecretAccessKeyKey, store["s3Credentials"]!["secretAccessKey"]!["key"]!.GetValue<string>());
        Assert.Equal(DatabaseManifests.AccessKeyIdKey, store["s3Credentials"]!["accessKeyId"]!["key"]!.GetValue<string>());
    }

    // ---- Rules ------------------------------------------------------------------------------------------------------

    [Fact]
    public void All_WithBackups_IsInApplyOrder()
    {
        var kinds = DatabaseManifests.All(Spec(store: Store, backups: Daily)).Select(o => o["kind"]!.GetValue<string>());

        Assert.Equal(["Namespace", "Secret", "Cluster", "ScheduledBackup"], kinds);
    }

    [Fact]
    public void All_StoreWithoutPlan_HasSecretButNoBackupSection()
    {
        var objects = DatabaseManifests.All(Spec(store: Store));

        Assert.Equal(["Namespace", "Secret", "Cluster"], objects.Select(o => o["kind"]!.GetValue<string>()));
        Assert.Null(OfKind(objects, "Cluster")["spec"]!["backup"]);
    }

    [Fact]
    public void All_EveryObject_CarriesTheManagedByLabel()
    {
        foreach (var o in DatabaseManifests.All(Spec(store: Store, backups: Daily)))
            Assert.Equal("portal", o["metadata"]!["labels"]![Portal.Jobs.Clusters.ClusterManifests.ManagedByLabel]!.GetValue<string>());
    }

    [Fact]
    public void Cluster_RestoreIntoNewName_ArchivesUnderItsOwnServerNameAndReadsTheSources()
    {
        var spec = DatabaseManifests.Cluster(Spec(name: "orders-copy", store: Store, backups: Daily, restore: RestoreFromOrders()))["spec"]!;

        Assert.Equal("orders-copy-3c9e1f20", spec["backup"]!["barmanObjectStore"]!["serverName"]!.GetValue<string>());
        Assert.Equal("orders", spec["bootstrap"]!["recovery"]!["source"]!.GetValue<string>());
        Assert.Equal("orders", spec["externalClusters"]![0]!["barmanObjectStore"]!["serverName"]!.GetValue<string>());
        Assert.Equal("2025-05-01T11:45:00Z", spec["bootstrap"]!["recovery"]!["recoveryTarget"]!["targetTime"]!.GetValue<string>());
    }

    [Fact]
    public void Cluster_RestoreIntoTheSourceName_StillArchivesUnderADistinctServerName()
    {
        var manifestSpec = Spec(name: "orders", store: Store, backups: Daily, restore: RestoreFromOrders());

        var serverName = DatabaseManifests.Cluster(manifestSpec)["spec"]!["backup"]!["barmanObjectStore"]!["serverName"]!.GetValue<string>();

        Assert.Equal("orders-3c9e1f20", serverName);
        Assert.Equal(serverName, DatabaseManifests.ArchiveServerName(manifestSpec));
    }

    [Fact]
    public void Cluster_RestoreWithoutStore_Throws() =>
        Assert.Throws<ArgumentException>(() => DatabaseManifests.Cluster(Spec(restore: RestoreFromOrders())));

    [Fact]
    public void Cluster_NotHibernatedNoRestart_HasNoAnnotations() =>
        Assert.Null(DatabaseManifests.Cluster(Spec())["metadata"]!["annotations"]);

    [Fact]
    public void Cluster_NameNotADnsLabel_Throws() =>
        Assert.Throws<ArgumentException>(() => DatabaseManifests.Cluster(Spec(name: "Orders_DB")));

    [Fact]
    public void Cluster_RetentionZeroDays_Throws() =>
        Assert.Throws<ArgumentException>(() => DatabaseManifests.Cluster(Spec(store: Store, backups: new BackupPlanSpec("0 0 2 * * *", 0))));

    [Fact]
    public void ScheduledBackup_WithoutBackups_Throws() =>
        Assert.Throws<ArgumentException>(() => DatabaseManifests.ScheduledBackup(Spec(store: Store)));

    [Fact]
    public void OnDemandBackupName_SameOperation_IsStable()
    {
        var spec = Spec(store: Store, backups: Daily);

        Assert.Equal("orders-deadbeef", DatabaseManifests.OnDemandBackupName(spec, OperationId));
        Assert.Equal(DatabaseManifests.OnDemandBackupName(spec, OperationId), DatabaseManifests.OnDemandBackupName(spec, OperationId));
    }

    [Fact]
    public void Names_ForDatabase_FollowTheConventions()
    {
        var spec = Spec();

        Assert.Equal("pg-0f1e2d3c4b5a", DatabaseManifests.NamespaceFor(ProjectId));
        Assert.Equal("orders-backup-store", DatabaseManifests.BackupStoreSecretName(spec));
        Assert.Equal("orders-scheduled", DatabaseManifests.ScheduledBackupName(spec));
        Assert.Equal("orders-app", DatabaseManifests.AppSecretName("orders"));
        Assert.Equal("orders-rw", DatabaseManifests.ReadWriteService("orders"));
        Assert.Equal("orders-ro", DatabaseManifests.ReadOnlyService("orders"));
    }

    [Theory]
    [InlineData("17.5", "ghcr.io/cloudnative-pg/postgresql:17.5")]
    [InlineData(" 16.9 ", "ghcr.io/cloudnative-pg/postgresql:16.9")]
    [InlineData("17.5-standard-bookworm", "ghcr.io/cloudnative-pg/postgresql:17.5-standard-bookworm")]
    public void ImageFor_Version_IsTheCloudNativePgImage(string version, string expected) =>
        Assert.Equal(expected, DatabaseManifests.ImageFor(version));

    [Theory]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("17.5@sha256:abc")]
    [InlineData("17.5 evil")]
    public void ImageFor_NotAVersion_Throws(string version) =>
        Assert.Throws<ArgumentException>(() => DatabaseManifests.ImageFor(version));
}
