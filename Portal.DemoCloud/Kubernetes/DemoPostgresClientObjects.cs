using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// What CloudNativePG creates for clients once a Cluster's primary is up: the <c>{name}-app</c> basic-auth Secret
/// (unless initdb names its own) and the <c>-rw</c>, <c>-ro</c> and <c>-r</c> Services, all owned by the Cluster so
/// that they go with it.
/// </summary>
internal static class DemoPostgresClientObjects
{
    public static void Ensure(DemoControllerContext context, JsonObject cluster)
    {
        var name = DemoStatus.Name(cluster);
        var ns = DemoStatus.Namespace(cluster) ?? "default";
        var initdb = cluster["spec"]?["bootstrap"]?["initdb"] as JsonObject;
        var database = DemoKubeJson.Text(initdb?["database"]) ?? "app";
        var owner = DemoKubeJson.Text(initdb?["owner"]) ?? database;
        var host = $"{name}-rw";
        if (DemoKubeJson.Text(initdb?["secret"]?["name"]) is null && context.Get("v1", "Secret", ns, $"{name}-app") is null)
        {
            var password = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 64);
            context.Cluster.Apply(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{name}-app",
                    ["namespace"] = ns,
                    ["labels"] = new JsonObject { ["cnpg.io/cluster"] = name, ["cnpg.io/reload"] = "true", ["cnpg.io/userType"] = "app" },
                    ["ownerReferences"] = new JsonArray(DemoStatus.OwnerReference(cluster)),
                },
                ["type"] = "kubernetes.io/basic-auth",
                ["stringData"] = new JsonObject
                {
                    ["username"] = owner,
                    ["user"] = owner,
                    ["password"] = password,
                    ["dbname"] = database,
                    ["host"] = host,
                    ["port"] = "5432",
                    ["uri"] = $"postgresql://{owner}:{password}@{host}.{ns}:5432/{database}",
                    ["jdbc-uri"] = $"jdbc:postgresql://{host}.{ns}:5432/{database}?password={password}&user={owner}",
                },
            });
        }
        foreach (var (suffix, role) in (ReadOnlySpan<(string, string?)>)[("rw", "primary"), ("ro", "replica"), ("r", null)])
        {
            if (context.Get("v1", "Service", ns, $"{name}-{suffix}") is not null)
                continue;
            var selector = new JsonObject { ["cnpg.io/cluster"] = name };
            if (role is not null)
                selector["cnpg.io/instanceRole"] = role;
            context.Cluster.Apply(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{name}-{suffix}",
                    ["namespace"] = ns,
                    ["labels"] = new JsonObject { ["cnpg.io/cluster"] = name },
                    ["ownerReferences"] = new JsonArray(DemoStatus.OwnerReference(cluster)),
                },
                ["spec"] = new JsonObject
                {
                    ["type"] = "ClusterIP",
                    ["clusterIP"] = ClusterIp($"{ns}/{name}-{suffix}"),
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "postgres", ["port"] = 5432, ["protocol"] = "TCP", ["targetPort"] = 5432 }),
                    ["selector"] = selector,
                },
            });
        }
    }

    /// <summary>A stable address in the default service range (10.96.0.0/12).</summary>
    private static string ClusterIp(string key)
    {
        var hash = DemoStatus.Hash(key, 6);
        var value = Convert.ToInt32(hash, 16);
        return $"10.{96 + (value >> 16 & 0x0F)}.{value >> 8 & 0xFF}.{Math.Max(2, value & 0xFF)}";
    }
}
