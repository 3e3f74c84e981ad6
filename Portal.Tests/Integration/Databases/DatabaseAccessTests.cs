using Microsoft.EntityFrameworkCore;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Operations;
using Portal.Domain.ServiceConfigs;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Databases;

/// <summary>Who sees and acts on databases, placement gating by the platform, and the races between two people.</summary>
public sealed class DatabaseAccessTests : IAsyncLifetime
{
    private DatabaseScenario _s = null!;

    public async Task InitializeAsync() => _s = await DatabaseScenario.CreateAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task MemberOfAnotherTenant_NeitherSeesNorActsNorReveals()
    {
        var database = await _s.CreateActiveAsync();

        (await _s.Databases.GetAsync(_s.Outsider, database.Id)).ShouldBeRefused(RefusalKind.NotFound);
        Assert.Empty((await _s.Databases.ListAsync(_s.Outsider, new DatabaseFilter(), new PageRequest())).Items);
        (await _s.Databases.ScaleAsync(_s.Outsider, database.Id, database.Version, 1)).ShouldBeRefused(RefusalKind.NotFound);
        (await _s.Databases.DeleteAsync(_s.Outsider, database.Id, database.Name)).ShouldBeRefused(RefusalKind.NotFound);
        (await _s.Connections.RevealAsync(_s.Outsider, database.Id)).ShouldBeRefused(RefusalKind.NotFound);
        (await _s.Databases.HistoryAsync(_s.Outsider, database.Id, new PageRequest())).ShouldBeRefused(RefusalKind.NotFound);
        var create = (await _s.HistoryAsync(database.Id)).Single();
        (await _s.Databases.CancelAsync(_s.Outsider, create.Id)).ShouldBeRefused(RefusalKind.NotFound);
        (await _s.Databases.RestoreAsync(_s.Outsider, new RestoreDatabaseRequest(database.Id, _s.Clusters.OtherProjectId, "stolen", DateTimeOffset.UtcNow)))
            .ShouldBeRefused(RefusalKind.NotFound);
        Assert.Equal(ClusterState.Active, (await _s.FindAsync(database.Id))!.State);
    }

    [Fact]
    public async Task TenantViewer_ReadsButCannotActOrReveal()
    {
        var database = await _s.CreateActiveAsync();

        var detail = (await _s.Databases.GetAsync(_s.TenantViewer, database.Id)).ShouldSucceed();
        Assert.False(detail.CanOperate);
        (await _s.Databases.ScaleAsync(_s.TenantViewer, database.Id, database.Version, 1)).ShouldBeRefused(RefusalKind.Forbidden);
        (await _s.Connections.RevealAsync(_s.TenantViewer, database.Id)).ShouldBeRefused(RefusalKind.Forbidden);
        (await _s.Databases.CreateAsync(_s.TenantViewer, _s.Request("other"))).ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task CreateAsync_InAnotherTenantsProject_IsRefusedAsNotFound() =>
        (await _s.Databases.CreateAsync(_s.Member, _s.Request() with { ProjectId = _s.Clusters.OtherProjectId }))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Project);

    [Fact]
    public async Task CreateAsync_SameNameInTheProject_IsConflictOnTheName()
    {
        await _s.CreateAsync(_s.Request());
        (await _s.Databases.CreateAsync(_s.Member, _s.Request())).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);
    }

    [Fact]
    public async Task CreateAsync_PlatformDisabled_IsRefusedSayingSoAndSavesNothing()
    {
        var platform = await _s.Host.PlatformAsync(_s.PlatformId);
        (await _s.Host.Configs.SetEnabledAsync(_s.Host.Admin, _s.PlatformId, platform.Version, false)).ShouldSucceed();

        var refusal = (await _s.Databases.CreateAsync(_s.Member, _s.Request())).ShouldBeRefused(RefusalKind.Invalid, Fields.ServiceConfig);

        Assert.Contains("disabled", refusal.Message);
        var placement = Assert.Single((await _s.Databases.PlacementsAsync(_s.Member, _s.ProjectId)).ShouldSucceed());
        Assert.Contains("disabled", placement.WhyNot);
        await using var db = _s.Host.NewContext();
        Assert.Equal(0, await db.Databases.CountAsync());
    }

    [Fact]
    public async Task CreateAsync_BackupsOnWithoutAnObjectStore_IsRefusedOnTheBackupsField()
    {
        await using (var db = _s.Host.NewContext())
        {
            var platform = await db.ServicePlatforms.SingleAsync(p => p.Id == _s.PlatformId);
            // A platform set up before the store existed: no store.
            db.Entry(platform).Property(p => p.BackupDestinationPath).CurrentValue = null;
            await db.SaveChangesAsync();
        }

        var refusal = (await _s.Databases.CreateAsync(_s.Member, _s.Request(backups: true))).ShouldBeRefused(RefusalKind.Invalid, Fields.Backups);
        Assert.Contains("object store", refusal.Message);
    }

    [Fact]
    public async Task DeletePlatformAsync_WithDatabases_IsRefusedNamingThem()
    {
        await _s.CreateActiveAsync();

        var refusal = (await _s.Host.Configs.DeletePlatformAsync(_s.Host.Admin, _s.PlatformId)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("orders", refusal.Message);
        Assert.Equal(PlatformState.Active, (await _s.Host.FindPlatformRowAsync(_s.PlatformId))!.State);
    }

    [Fact]
    public async Task ConfigureBackupStoreAsync_NeverShowsTheSecretAndKeepsItWhenLeftBlank()
    {
        var platform = await _s.Host.PlatformAsync(_s.PlatformId);
        Assert.Equal("AKIADEMO", platform.BackupStore!.AccessKeyId);
        Assert.DoesNotContain(DatabaseScenario.SecretKey, platform.ToString());

        (await _s.Host.Configs.ConfigureBackupStoreAsync(_s.Host.Admin, _s.PlatformId, platform.Version, "s3://other/path", null, "AKIAOTHER", null)).ShouldSucceed();

        var kept = await _s.Host.Configs.GetBackupStoreAsync(_s.PlatformId);
        Assert.Equal(DatabaseScenario.SecretKey, kept!.SecretAccessKey);
        Assert.Equal("s3://other/path", kept.DestinationPath);
        Assert.DoesNotContain(DatabaseScenario.SecretKey, kept.ToString());
        await using var db = _s.Host.NewContext();
        Assert.DoesNotContain(await db.AuditEntries.Select(a => a.Parameters).ToListAsync(), p => p.Contains(DatabaseScenario.SecretKey));
        Assert.DoesNotContain(await db.ServicePlatforms.Select(p => p.ProtectedBackupSecretKey).ToListAsync(), p => p == DatabaseScenario.SecretKey);
        (await _s.Host.Configs.ConfigureBackupStoreAsync(_s.Host.Admin, _s.PlatformId, (await _s.Host.PlatformAsync(_s.PlatformId)).Version, "http://bucket", null, "A", null))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.BackupDestination);
    }

    [Fact]
    public async Task ScaleAsync_TwoPeopleAtTheSameMoment_OneWinsTheOtherIsToldAndOneOperationExists()
    {
        var database = await _s.CreateActiveAsync();
        Task<Result<StartedDatabaseOperation>>? other = null;
        _s.Host.Hook.BeforeNextSave(() =>
        {
            other = Task.Run(() => _s.Databases.GrowStorageAsync(_s.Member, database.Id, database.Version, 20));
            return Task.CompletedTask;
        });

        var mine = await _s.Databases.ScaleAsync(_s.Member, database.Id, database.Version, 1);

        Assert.NotNull(other);
        var theirs = await other;
        Assert.True(mine.Succeeded ^ theirs.Succeeded, $"scale: {mine.Refusal?.Message ?? "ok"}; grow: {theirs.Refusal?.Message ?? "ok"}");
        var loser = mine.Succeeded ? theirs : mine;
        Assert.Contains(loser.Refusal!.Kind, new[] { RefusalKind.Concurrency, RefusalKind.Conflict });
        var history = await _s.HistoryAsync(database.Id);
        Assert.Single(history, o => o.Kind is DatabaseOperations.Scale or DatabaseOperations.GrowStorage);
    }

    [Fact]
    public async Task CreateAsync_PlatformDeletedAtTheSameMoment_NeverLeavesADatabaseOnADeletingPlatform()
    {
        Task<Result<Guid?>>? deleted = null;
        _s.Host.Hook.BeforeNextSave(() =>
        {
            deleted = Task.Run(() => _s.Host.Configs.DeletePlatformAsync(_s.Host.Admin, _s.PlatformId));
            return Task.CompletedTask;
        });

        var created = await _s.Databases.CreateAsync(_s.Member, _s.Request());

        Assert.NotNull(deleted);
        var deleteResult = await deleted;
        Assert.True(created.Succeeded ^ deleteResult.Succeeded, $"create: {created.Refusal?.Message ?? "ok"}; delete: {deleteResult.Refusal?.Message ?? "ok"}");
        await using var db = _s.Host.NewContext();
        var platform = await db.ServicePlatforms.AsNoTracking().SingleOrDefaultAsync(p => p.Id == _s.PlatformId);
        var databases = await db.Databases.CountAsync();
        Assert.True(databases == 0 || platform?.State == PlatformState.Active, $"{databases} databases on a platform that is {platform?.State.ToString() ?? "gone"}");
        if (deleteResult.Succeeded)
            await _s.Host.WaitForOperationAsync(deleteResult.Value!.Value, null, TimeSpan.FromSeconds(30));
        if (created.Succeeded)
            await _s.FinishedAsync(created.Value!.DatabaseId, DatabaseOperations.Create);
    }
}
