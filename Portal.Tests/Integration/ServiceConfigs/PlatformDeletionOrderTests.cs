using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.ServiceConfigs;

/// <summary>
/// Ordered deletion: PostgreSQL platform (through an operation that removes what Portal installed), then the MKS
/// platform, then the Service Config, then the infrastructure; each refused while its dependents exist.
/// </summary>
[Collection(PlatformOperationsCollection.Name)]
public sealed class PlatformDeletionOrderTests : IAsyncLifetime
{
    private ServiceConfigTestHost _host = null!;
    private Guid _infrastructureId;
    private Guid _configId;
    private Guid _mksId;

    public async Task InitializeAsync()
    {
        _host = await ServiceConfigTestHost.CreateAsync();
        (_infrastructureId, _configId, _mksId) = await _host.SeedWithMksAsync("Standard");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<Guid> CreateActivePostgresAsync(PostgresMode mode)
    {
        var id = (await _host.Platforms.CreatePostgresAsync(_host.Admin, _configId, mode, null,
            mode == PostgresMode.Managed ? null : DemoKubernetesApi.Kubeconfig)).ShouldSucceed();
        var operation = await _host.WaitForOperationAsync((await _host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);
        Assert.True(operation.State == OperationState.Succeeded, $"{operation.State}: {operation.Error}");
        return id;
    }

    private async Task<Operation> DeletePostgresAsync(Guid id)
    {
        (await _host.Configs.DeletePlatformAsync(_host.Admin, id)).ShouldSucceed();
        var operation = await _host.WaitForOperationAsync((await _host.LatestOperationAsync(id, PlatformOperations.DeletePostgres)).Id);
        Assert.True(operation.State == OperationState.Succeeded, $"{operation.State}: {operation.Error}");
        return operation;
    }

    [Fact]
    public async Task Delete_ManagedToolsInOrder_RefusesOutOfOrderThenRemovesOperatorPlatformMksConfigAndInfrastructure()
    {
        var postgresId = await CreateActivePostgresAsync(PostgresMode.ManagedTools);

        var mksRefusal = (await _host.Configs.DeletePlatformAsync(_host.Admin, _mksId)).ShouldBeRefused(RefusalKind.Conflict);
        Assert.Contains("PostgreSQL platform", mksRefusal.Message);
        Assert.NotNull(await _host.FindPlatformRowAsync(_mksId));
        var configRefusal = (await _host.Configs.DeleteAsync(_host.Admin, _configId)).ShouldBeRefused(RefusalKind.Conflict);
        Assert.Contains("PostgreSQL platform", configRefusal.Message);
        Assert.Contains("MKS network platform", configRefusal.Message);
        Assert.Contains("Standard", (await _host.Infrastructures.DeleteAsync(_host.Admin, _infrastructureId)).ShouldBeRefused(RefusalKind.Conflict).Message);

        var operation = await DeletePostgresAsync(postgresId);
        Assert.Equal([StepState.Succeeded, StepState.Skipped, StepState.Succeeded], operation.Steps.Select(s => s.State));
        Assert.Null(ServiceConfigTestHost.OperatorDeployment(_host.Kube.Default));
        Assert.Null(await _host.FindPlatformRowAsync(postgresId));

        (await _host.Configs.DeletePlatformAsync(_host.Admin, _mksId)).ShouldSucceed();
        Assert.Null(await _host.FindPlatformRowAsync(_mksId));
        (await _host.Configs.DeleteAsync(_host.Admin, _configId)).ShouldSucceed();
        (await _host.Infrastructures.DeleteAsync(_host.Admin, _infrastructureId)).ShouldSucceed();
        await using var db = _host.NewContext();
        Assert.False(await db.ServiceConfigs.AnyAsync());
    }

    [Fact]
    public async Task Delete_ManagedPlatform_DeletesTheBackingClusterThenThePlatform()
    {
        var postgresId = await CreateActivePostgresAsync(PostgresMode.Managed);
        var name = PlatformManifests.BackingClusterName(postgresId);
        Assert.NotNull(_host.Kube.Get("cluster.x-k8s.io/v1beta1", "Cluster", PlatformManifests.PlatformsNamespace, name));
        Assert.Equal(2, _host.Kube.Clusters.Count);

        var operation = await DeletePostgresAsync(postgresId);

        Assert.Equal([StepState.Skipped, StepState.Succeeded, StepState.Succeeded], operation.Steps.Select(s => s.State));
        Assert.Null(_host.Kube.Get("cluster.x-k8s.io/v1beta1", "Cluster", PlatformManifests.PlatformsNamespace, name));
        Assert.Equal([_host.Kube.Default], _host.Kube.Clusters); // the workload cluster went with it
        Assert.Null(await _host.FindPlatformRowAsync(postgresId));
        (await _host.Configs.DeletePlatformAsync(_host.Admin, _mksId)).ShouldSucceed();
        (await _host.Configs.DeleteAsync(_host.Admin, _configId)).ShouldSucceed();
    }

    [Fact]
    public async Task Delete_ExternalPlatform_RemovesOnlyTheRecord()
    {
        var postgresId = await CreateActivePostgresAsync(PostgresMode.External);
        var revision = _host.Kube.Default.Revision;

        var operation = await DeletePostgresAsync(postgresId);

        Assert.Equal([StepState.Skipped, StepState.Skipped, StepState.Succeeded], operation.Steps.Select(s => s.State));
        Assert.Equal(revision, _host.Kube.Default.Revision); // nothing in the cluster was touched
        Assert.Null(await _host.FindPlatformRowAsync(postgresId));
    }

    [Fact]
    public async Task DeleteAsync_PostgresMarksItDeletingAndRefusesASecondDelete()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync(DemoControllerDelays.Instant with { ClusterDeletion = TimeSpan.FromMinutes(5) });
        var (_, configId, _) = await host.SeedWithMksAsync();
        var id = (await host.Platforms.CreatePostgresAsync(host.Admin, configId, PostgresMode.Managed, null, null)).ShouldSucceed();
        await host.WaitForOperationAsync((await host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id);

        (await host.Configs.DeletePlatformAsync(host.Admin, id)).ShouldSucceed();
        var delete = (await host.LatestOperationAsync(id, PlatformOperations.DeletePostgres)).Id;
        await host.WaitForOperationAsync(delete, o => o.Steps[1].State == StepState.Running);

        Assert.Equal(PlatformState.Deleting, (await host.PlatformAsync(id)).State);
        (await host.Configs.DeletePlatformAsync(host.Admin, id)).ShouldBeRefused(RefusalKind.Conflict);
        Assert.Single(await host.OperationsOfAsync(id), o => o.Kind == PlatformOperations.DeletePostgres);
        (await host.Operations.CancelAsync(host.Admin, delete)).ShouldSucceed();
        await host.WaitForOperationAsync(delete);
    }

    [Fact]
    public async Task DeleteAsync_PostgresStillProvisioning_IsConflict()
    {
        await using var host = await ServiceConfigTestHost.CreateAsync(DemoControllerDelays.Instant with { DeploymentRollout = TimeSpan.FromMinutes(5) });
        var (_, configId, _) = await host.SeedWithMksAsync();
        var id = (await host.Platforms.CreatePostgresAsync(host.Admin, configId, PostgresMode.ManagedTools, null, DemoKubernetesApi.Kubeconfig)).ShouldSucceed();
        var create = (await host.LatestOperationAsync(id, PlatformOperations.CreatePostgres)).Id;

        var refusal = (await host.Configs.DeletePlatformAsync(host.Admin, id)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("provisioning", refusal.Message);
        Assert.DoesNotContain(await host.OperationsOfAsync(id), o => o.Kind == PlatformOperations.DeletePostgres);
        (await host.Operations.CancelAsync(host.Admin, create)).ShouldSucceed();
        await host.WaitForOperationAsync(create);
    }

    [Fact]
    public async Task DeleteAsync_ByViewer_IsForbidden()
    {
        (await _host.Configs.DeletePlatformAsync(_host.Viewer, _mksId)).ShouldBeRefused(RefusalKind.Forbidden);
        Assert.NotNull(await _host.FindPlatformRowAsync(_mksId));
    }
}
