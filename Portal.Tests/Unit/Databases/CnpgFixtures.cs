using System.Text.Json.Nodes;

namespace Portal.Tests.Unit.Databases;

/// <summary>
/// CloudNativePG objects as the API server returns them (status shapes of postgresql.cnpg.io/v1 Cluster and Backup),
/// trimmed to what the status reader looks at plus a little realistic noise it must ignore.
/// </summary>
internal static class CnpgFixtures
{
    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public const string HealthyThreeOfThree = """
        {
          "apiVersion": "postgresql.cnpg.io/v1",
          "kind": "Cluster",
          "metadata": { "name": "orders", "namespace": "pg-0f1e2d3c4b5a", "generation": 3, "resourceVersion": "918273" },
          "spec": { "instances": 3, "imageName": "ghcr.io/cloudnative-pg/postgresql:17.5" },
          "status": {
            "phase": "Cluster in healthy state",
            "instances": 3,
            "readyInstances": 3,
            "currentPrimary": "orders-1",
            "targetPrimary": "orders-1",
            "currentPrimaryTimestamp": "2025-05-01T01:12:44.315207Z",
            "instanceNames": ["orders-1", "orders-2", "orders-3"],
            "image": "ghcr.io/cloudnative-pg/postgresql:17.5",
            "readService": "orders-r",
            "writeService": "orders-rw",
            "latestGeneratedNode": 3,
            "firstRecoverabilityPoint": "2025-04-24T02:00:05Z",
            "firstRecoverabilityPointByMethod": { "barmanObjectStore": "2025-04-24T02:00:05Z" },
            "lastSuccessfulBackup": "2025-05-01T02:00:04Z",
            "lastSuccessfulBackupByMethod": { "barmanObjectStore": "2025-05-01T02:00:04Z" },
            "cloudNativePGCommitHash": "1c2a3b4d",
            "conditions": [
              { "type": "Ready", "status": "True", "reason": "ClusterIsReady", "message": "Cluster is Ready", "lastTransitionTime": "2025-05-01T01:13:02Z" },
              { "type": "ContinuousArchiving", "status": "True", "reason": "ContinuousArchivingSuccess", "message": "Continuous archiving is working", "lastTransitionTime": "2025-05-01T01:13:10Z" },
              { "type": "LastBackupSucceeded", "status": "True", "reason": "LastBackupSucceeded", "message": "Backup was successful", "lastTransitionTime": "2025-05-01T02:00:04Z" },
              { "type": "Initialized", "status": "True", "reason": "BootstrapCompleted", "message": "", "lastTransitionTime": "2025-04-24T01:59:40Z" }
            ]
          }
        }
        """;

    public const string SettingUpPrimary = """
        {
          "apiVersion": "postgresql.cnpg.io/v1",
          "kind": "Cluster",
          "metadata": { "name": "orders", "namespace": "pg-0f1e2d3c4b5a", "generation": 1 },
          "status": {
            "phase": "Setting up primary",
            "phaseReason": "Creating primary instance orders-1",
            "instances": 1,
            "latestGeneratedNode": 1,
            "instanceNames": ["orders-1"],
            "image": "ghcr.io/cloudnative-pg/postgresql:17.5",
            "conditions": [
              { "type": "Ready", "status": "False", "reason": "ClusterIsNotReady", "message": "Cluster Is Not Ready", "lastTransitionTime": "2025-05-01T01:10:00Z" },
              { "type": "Initialized", "status": "False", "reason": "BootstrapPending", "message": "", "lastTransitionTime": "2025-05-01T01:10:00Z" }
            ]
          }
        }
        """;

    public const string Unrecoverable = """
        {
          "apiVersion": "postgresql.cnpg.io/v1",
          "kind": "Cluster",
          "metadata": { "name": "orders", "namespace": "pg-0f1e2d3c4b5a" },
          "status": {
            "phase": "Cluster is unrecoverable and needs manual intervention",
            "phaseReason": "Instance creation failed for the following jobs: orders-1-initdb. Check the job logs to investigate the cause of the failure.",
            "instances": 1,
            "readyInstances": 0,
            "instanceNames": ["orders-1"],
            "conditions": [
              { "type": "Ready", "status": "False", "reason": "ClusterIsNotReady", "message": "Cluster Is Not Ready", "lastTransitionTime": "2025-05-01T01:20:00Z" }
            ]
          }
        }
        """;

    public const string Hibernated = """
        {
          "apiVersion": "postgresql.cnpg.io/v1",
          "kind": "Cluster",
          "metadata": { "name": "orders", "namespace": "pg-0f1e2d3c4b5a", "annotations": { "cnpg.io/hibernation": "on" } },
          "status": {
            "phase": "Cluster in healthy state",
            "instances": 1,
            "readyInstances": 0,
            "currentPrimary": "orders-1",
            "instanceNames": ["orders-1"],
            "image": "ghcr.io/cloudnative-pg/postgresql:17.5",
            "conditions": [
              { "type": "Ready", "status": "True", "reason": "ClusterIsReady", "message": "Cluster is Ready", "lastTransitionTime": "2025-05-01T01:13:02Z" },
              { "type": "cnpg.io/hibernation", "status": "True", "reason": "Hibernated", "message": "Cluster has been hibernated", "lastTransitionTime": "2025-05-02T08:00:00Z" }
            ]
          }
        }
        """;

    public const string ArchivingFailing = """
        {
          "apiVersion": "postgresql.cnpg.io/v1",
          "kind": "Cluster",
          "metadata": { "name": "orders", "namespace": "pg-0f1e2d3c4b5a" },
          "status": {
            "phase": "Cluster in healthy state",
            "instances": 1,
            "readyInstances": 1,
            "currentPrimary": "orders-1",
            "instanceNames": ["orders-1"],
            "lastSuccessfulBackup": "2025-05-01T02:00:04Z",
            "lastFailedBackup": "2025-05-02T02:00:09Z",
            "conditions": [
              { "type": "Ready", "status": "True", "reason": "ClusterIsReady", "message": "Cluster is Ready", "lastTransitionTime": "2025-05-01T01:13:02Z" },
              { "type": "ContinuousArchiving", "status": "False", "reason": "ContinuousArchivingFailing", "message": "unexpected failure invoking barman-cloud-wal-archive: exit status 4", "lastTransitionTime": "2025-05-02T01:55:00Z" },
              { "type": "LastBackupSucceeded", "status": "False", "reason": "LastBackupFailed", "message": "can't execute backup: exit status 4", "lastTransitionTime": "2025-05-02T02:00:09Z" }
            ]
          }
        }
        """;

    public const string MalformedTimes = """
        {
          "apiVersion": "postgresql.cnpg.io/v1",
          "kind": "Cluster",
          "metadata": { "name": "orders", "namespace": "pg-0f1e2d3c4b5a" },
          "status": {
            "phase": "Cluster in healthy state",
            "instances": "three",
            "readyInstances": 1,
            "instanceNames": ["orders-1", 7, null],
            "firstRecoverabilityPoint": "yesterday",
            "lastSuccessfulBackup": "2025-13-45T99:00:00Z",
            "lastFailedBackup": "05/01/2025 02:00:00",
            "conditions": [
              { "type": "Ready", "status": "True", "reason": "ClusterIsReady", "message": "Cluster is Ready", "lastTransitionTime": "not a time" },
              "not a condition",
              { "status": "True" }
            ]
          }
        }
        """;

    /// <summary>A Backup of <paramref name="cluster"/> in <paramref name="phase"/>; times are RFC 3339 or null to leave out.</summary>
    public static JsonObject Backup(string name, string phase, string? startedAt, string? stoppedAt, string? error = null, string cluster = "orders")
    {
        var status = new JsonObject
        {
            ["phase"] = phase,
            ["method"] = "barmanObjectStore",
            ["serverName"] = cluster,
            ["destinationPath"] = "s3://pg-backups/portal",
            ["backupId"] = "20250501T020000",
        };
        if (startedAt is not null)
            status["startedAt"] = startedAt;
        if (stoppedAt is not null)
            status["stoppedAt"] = stoppedAt;
        if (error is not null)
            status["error"] = error;
        return new JsonObject
        {
            ["apiVersion"] = "postgresql.cnpg.io/v1",
            ["kind"] = "Backup",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "pg-0f1e2d3c4b5a", ["creationTimestamp"] = startedAt ?? "2025-05-01T00:00:00Z" },
            ["spec"] = new JsonObject { ["cluster"] = new JsonObject { ["name"] = cluster }, ["method"] = "barmanObjectStore" },
            ["status"] = status,
        };
    }
}
