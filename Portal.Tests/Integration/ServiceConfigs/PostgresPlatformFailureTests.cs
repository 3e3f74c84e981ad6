using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.ServiceConfigs;

/// <summary>
/// Faults while a PostgreSQL platform is set up: a controller that fails the operator, a flaky API server, a cluster
/// nobody answers for, and a person cancelling; the platform follows its operation (Failed with the reason).
/// </summary>
[Collection(PlatformOperationsCollection.Name)]
public sealed class PostgresPlatformFailureTests
{
    private const string FailReason = "ImagePullBackOff";
    private const string FailMessage = "Back-off pulling image ghcr.io/cloudnative-pg/cloudnative-pg";

    private static async Task<(Guid PlatformId, Guid OperationId)> StartManagedToolsAsync(ServiceConfigTestHost host, Guid configId,
        string kubeconfig = "")
    {
        var id = (await host.Platforms.CreatePostgresAsync(host.Admin, configId, PostgresMode.ManagedTools, null,
            kubeconfig.Length == 0 ? DemoKubernetesApi.Kubeconfig : kubeconfig)).ShouldSucceed();
        return (id, (await host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);
    }

    [Fact]
    public async Task CreateOperation_OperatorDeploymentFails_FailsOperationAndPlatformWithTheReason()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var (_, configId, _) = await host.SeedWithMksAsync();
        host.Kube.FailNext("Deployment", PlatformManifests.OperatorDeployment, FailReason, FailMessage);

        var (platformId, operationId) = await StartManagedToolsAsync(host, configId);
        var operation = await host.WaitForOperationAsync(operationId);

        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Contains(FailReason, operation.Error);
        Assert.Contains(FailMessage, operation.Error);
        Assert.Equal(StepState.Failed, operation.Steps[4].State); // waiting for the operator
        Assert.Equal(StepState.Pending, operation.Steps[5].State); // never activated
        // The platform is failed in the same save as its operation.
        var platform = await host.WaitForPlatformAsync(platformId, p => p?.State != PlatformState.Provisioning, TimeSpan.FromSeconds(3));
        Assert.Equal(PlatformState.Failed, platform!.State);
        Assert.Equal(operation.Error, platform.StateReason);
    }

    [Fact]
    public async Task RetryAsync_AfterTheOperatorIsHealed_ContinuesFromTheFailedStepAndActivates()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var (_, configId, _) = await host.SeedWithMksAsync();
        host.Kube.FailNext("Deployment", PlatformManifests.OperatorDeployment, FailReason, FailMessage);
        var (platformId, operationId) = await StartManagedToolsAsync(host, configId);
        var failed = await host.WaitForOperationAsync(operationId);
        Assert.Equal(OperationState.Failed, failed.State);
        var connectedAt = failed.Steps[2].FinishedAt;

        host.Kube.Heal("Deployment");
        // The cause is fixed and the cluster has noticed (the operator is available again); then a person retries.
        await WaitUntilAsync(() => ServiceConfigTestHost.OperatorDeployment(host.Kube.Default)?["status"]?["availableReplicas"]?.ToJsonString() == "1");
        (await host.Operations.RetryAsync(host.Admin, operationId)).ShouldSucceed();
        var retried = await host.WaitForOperationAsync(operationId, o => o.IsFinished && o.Attempt == 2);

        Assert.Equal(OperationState.Succeeded, retried.State);
        Assert.Equal(connectedAt, retried.Steps[2].FinishedAt); // the steps that had succeeded did not run again
        var platform = await host.WaitForPlatformAsync(platformId, p => p?.State == PlatformState.Active);
        Assert.Equal(ServicePlatform.PostgresOperatorVersions[^1], platform!.OperatorVersion);
        Assert.Equal("", platform.StateReason);
    }

    [Fact]
    public async Task CreateOperation_ApiServerAnswers503ForAWhile_IsRetriedAsTransientAndSucceeds()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var (_, configId, _) = await host.SeedWithMksAsync();
        // The client retries once itself; four rejections outlast it twice, so the engine's own retries are needed too.
        host.Kube.RejectNext(HttpStatusCode.ServiceUnavailable, 4, "etcd is restarting");

        var (platformId, operationId) = await StartManagedToolsAsync(host, configId);
        var operation = await host.WaitForOperationAsync(operationId);

        Assert.True(operation.State == OperationState.Succeeded, $"{operation.State}: {operation.Error}");
        Assert.Equal(1, operation.Attempt); // no person had to retry
        Assert.Equal(PlatformState.Active, (await host.PlatformAsync(platformId)).State);
        Assert.NotNull(ServiceConfigTestHost.OperatorDeployment(host.Kube.Default));
        // Every injected rejection was used up by the operation: a request now goes through.
        var client = host.Services.GetRequiredService<IKubernetesClientFactory>().Create(DemoKubernetesApi.Kubeconfig).Value!;
        Assert.True((await client.VersionAsync()).Succeeded);
    }

    [Fact]
    public async Task CreateOperation_UnreachableCluster_FailsConnectStepAfterBoundedRetriesNamingTheServer()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var (_, configId, _) = await host.SeedWithMksAsync();
        var port = ClosedPort();
        var kubeconfig = UnreachableKubeconfig(port);

        var (platformId, operationId) = await StartManagedToolsAsync(host, configId, kubeconfig);
        var operation = await host.WaitForOperationAsync(operationId, timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Equal(1, operation.Attempt);
        var connect = operation.Steps[2];
        Assert.Equal("Connect to the cluster", connect.Name);
        Assert.Equal(StepState.Failed, connect.State);
        Assert.Contains($"127.0.0.1:{port}", operation.Error);
        Assert.Contains("Gave up after 5 tries", operation.Error); // 1 + OperationsOptions.TransientRetries (4)
        Assert.All(operation.Steps.Skip(3), s => Assert.Equal(StepState.Pending, s.State));
        Assert.Equal($"https://127.0.0.1:{port}/", (await host.PlatformAsync(platformId)).ClusterServer);
    }

    [Fact]
    public async Task CancelAsync_RunningCreate_CancelsOperationAndFailsPlatformSayingSo()
    {
        // The operator never becomes available on its own, so the create operation keeps waiting until cancelled.
        await using var host = await ServiceConfigTestHost.CreateAsync(DemoControllerDelays.Instant with { DeploymentRollout = TimeSpan.FromMinutes(5) });
        var (_, configId, _) = await host.SeedWithMksAsync();
        var (platformId, operationId) = await StartManagedToolsAsync(host, configId);
        await host.WaitForOperationAsync(operationId, o => o.Steps[4].State == StepState.Running);

        (await host.Operations.CancelAsync(host.Admin, operationId)).ShouldSucceed();
        var operation = await host.WaitForOperationAsync(operationId);

        Assert.Equal(OperationState.Cancelled, operation.State);
        Assert.Equal(host.Admin.DisplayName, operation.CancelledByName);
        var platform = await host.WaitForPlatformAsync(platformId, p => p?.State != PlatformState.Provisioning, TimeSpan.FromSeconds(3));
        Assert.Equal(PlatformState.Failed, platform!.State);
        Assert.Contains("cancelled", platform.StateReason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DeleteAsync_PlatformWhoseCreateFailed_RemovesTheOperatorAndThePlatform()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync();
        var (_, configId, mksId) = await host.SeedWithMksAsync();
        host.Kube.FailNext("Deployment", PlatformManifests.OperatorDeployment, FailReason, FailMessage);
        var (platformId, operationId) = await StartManagedToolsAsync(host, configId);
        Assert.Equal(OperationState.Failed, (await host.WaitForOperationAsync(operationId)).State);
        await host.WaitForPlatformAsync(platformId, p => p?.State == PlatformState.Failed);

        (await host.Configs.DeletePlatformAsync(host.Admin, platformId)).ShouldSucceed();
        var delete = await host.WaitForOperationAsync((await host.LatestOperationAsync(platformId, PlatformOperations.DeletePostgres)).Id);

        Assert.Equal(OperationState.Succeeded, delete.State);
        Assert.Null(ServiceConfigTestHost.OperatorDeployment(host.Kube.Default));
        Assert.Null(await host.FindPlatformRowAsync(platformId));
        (await host.Configs.DeletePlatformAsync(host.Admin, mksId)).ShouldSucceed();
    }

    [Fact]
    public async Task DeleteAsync_PlatformWhoseClusterNeverAnswered_CanStillBeRemoved()
    {
        // A kubeconfig with a wrong server address is accepted (it parses); the create operation then fails to connect.
        // The platform cannot be edited, so deleting it must remain possible, or it blocks the MKS platform, the Service
        // Config and the infrastructure for ever.
        await using var host = await ServiceConfigTestHost.CreateAsync(transientRetries: 1);
        var (_, configId, mksId) = await host.SeedWithMksAsync();
        var (platformId, operationId) = await StartManagedToolsAsync(host, configId, UnreachableKubeconfig(ClosedPort()));
        Assert.Equal(OperationState.Failed, (await host.WaitForOperationAsync(operationId, timeout: TimeSpan.FromSeconds(20))).State);
        // The platform shows the failure a moment after its operation (the observer applies it), as the tests above wait for.
        Assert.Equal(PlatformState.Failed, (await host.WaitForPlatformAsync(platformId, p => p?.State != PlatformState.Provisioning, TimeSpan.FromSeconds(5)))!.State);

        (await host.Configs.DeletePlatformAsync(host.Admin, platformId)).ShouldSucceed();
        var delete = await host.WaitForOperationAsync((await host.LatestOperationAsync(platformId, PlatformOperations.DeletePostgres)).Id,
            timeout: TimeSpan.FromSeconds(20));

        Assert.True(delete.State == OperationState.Succeeded,
            $"The delete operation {delete.State}: {delete.Error} Retrying it fails the same way, so the platform (and the MKS platform, " +
            "Service Config and infrastructure behind it) can never be deleted.");
        Assert.Null(await host.FindPlatformRowAsync(platformId));
        (await host.Configs.DeletePlatformAsync(host.Admin, mksId)).ShouldSucceed();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the demo cluster.");
            await Task.Delay(10);
        }
    }

    private static string UnreachableKubeconfig(int port) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster:
            server: https://127.0.0.1:{port}
            insecure-skip-tls-verify: true
        users:
        - name: admin
          user:
            token: some-token
        contexts:
        - name: gone
          context:
            cluster: gone
            user: admin
        current-context: gone
        """;

    /// <summary>A loopback port that nothing listens on (bound once to get a free one, then released).</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
