using System.Text.Json.Nodes;
using Portal.Domain.Common;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.ServiceConfigs;

/// <summary>The Kubernetes objects of a PostgreSQL platform are pure functions of the platform: applying again finds the same objects.</summary>
public sealed class PlatformManifestsTests
{
    private static readonly Guid PlatformId = Guid.Parse("3f2c7c1e-aaaa-4bbb-8ccc-0123456789ab");

    private static string? Text(JsonNode? node) => node?.GetValue<string>();

    [Fact]
    public void BackingClusterName_SamePlatform_IsStableAndAValidDnsLabel()
    {
        var name = PlatformManifests.BackingClusterName(PlatformId);

        Assert.Equal(name, PlatformManifests.BackingClusterName(PlatformId));
        Assert.NotEqual(name, PlatformManifests.BackingClusterName(Guid.NewGuid()));
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
        Assert.InRange(name.Length, 1, 63);
        Assert.StartsWith("pg-", name);
    }

    [Fact]
    public void OperatorDeploymentFor_Version_UsesItAsImageTagInTheOperatorNamespace()
    {
        var deployment = PlatformManifests.OperatorDeploymentFor(PlatformId, "1.26.1");

        Assert.Equal("apps/v1", Text(deployment["apiVersion"]));
        Assert.Equal(PlatformManifests.OperatorDeployment, Text(deployment["metadata"]?["name"]));
        Assert.Equal("cnpg-system", Text(deployment["metadata"]?["namespace"]));
        Assert.Equal("ghcr.io/cloudnative-pg/cloudnative-pg:1.26.1", Text(deployment["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"]));
        Assert.Equal(PlatformId.ToString("N"), Text(deployment["metadata"]?["labels"]?[PlatformManifests.PlatformLabel]));
        // The selector must match the pod template, or a real API server rejects the Deployment.
        Assert.Equal(Text(deployment["spec"]?["selector"]?["matchLabels"]?["app.kubernetes.io/name"]),
            Text(deployment["spec"]?["template"]?["metadata"]?["labels"]?["app.kubernetes.io/name"]));
    }

    [Fact]
    public void BackingCluster_Always_ReferencesItsOwnObjectsAndTheExternalNetwork()
    {
        var objects = PlatformManifests.BackingCluster(PlatformId, "net-42");
        var name = PlatformManifests.BackingClusterName(PlatformId);

        var byKind = objects.ToDictionary(o => Text(o["kind"])!);
        Assert.Equal(["Namespace", "OpenStackCluster", "KubeadmControlPlane", "Cluster"], objects.Select(o => Text(o["kind"])));
        Assert.All(objects.Skip(1), o => Assert.Equal(PlatformManifests.PlatformsNamespace, Text(o["metadata"]?["namespace"])));
        Assert.Equal("net-42", Text(byKind["OpenStackCluster"]["spec"]?["externalNetwork"]?["id"]));
        var cluster = byKind["Cluster"];
        Assert.Equal(name, Text(cluster["metadata"]?["name"]));
        Assert.Equal(Text(byKind["OpenStackCluster"]["metadata"]?["name"]), Text(cluster["spec"]?["infrastructureRef"]?["name"]));
        Assert.Equal(Text(byKind["KubeadmControlPlane"]["metadata"]?["name"]), Text(cluster["spec"]?["controlPlaneRef"]?["name"]));
    }

    [Fact]
    public void Summarize_DemoKubeconfig_DescribesServerWithoutTheToken()
    {
        var summary = PlatformCommands.Summarize(DemoKubernetesApi.Kubeconfig).ShouldSucceed();

        Assert.Contains(DemoKubernetesApi.Host, summary);
        Assert.DoesNotContain(DemoKubernetesApi.Token, summary);
    }

    [Fact]
    public void Summarize_NotAKubeconfig_IsInvalidOnKubeconfig()
    {
        PlatformCommands.Summarize("hello: world").ShouldBeRefused(RefusalKind.Invalid, Fields.Kubeconfig);
    }
}
