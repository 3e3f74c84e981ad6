using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Operations;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// A command's change and its audit entry commit together; a refusal (from the rules or from a constraint the
/// database caught in a race) saves nothing but its own audit entry.
/// </summary>
public sealed class CommandRunnerTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddPlatformAdminAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task RunAsync_ChangeThatTouchedTheContextThenRefused_SavesNothingButTheRefusalEntry()
    {
        var subject = new AuditSubject("test.refuse", "Region", null, "Frankfurt");

        var result = await _db.Commands.RunAsync<Guid>(_admin, subject, db =>
        {
            var region = Region.Create("Frankfurt", null, _db.Clock.GetUtcNow()).Value!;
            db.Regions.Add(region);
            return Task.FromResult<Result<Guid>>(Refusal.Conflict("Changed my mind."));
        });

        result.ShouldBeRefused(RefusalKind.Conflict);
        Assert.Equal(0, await _db.CountAsync<Region>());
        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.Equal("Changed my mind.", entry.Reason);
        Assert.Equal("test.refuse", entry.Action);
    }

    [Fact]
    public async Task RunAsync_Success_UsesTheDescribedSubjectForTheAuditEntry()
    {
        var id = Guid.NewGuid();

        var result = await _db.Commands.RunAsync(_admin, new AuditSubject("test.ok", "Thing", null, "draft"),
            _ => Task.FromResult<Result<Guid>>(id), value => new AuditSubject("test.ok", "Thing", value.ToString(), "final"));

        Assert.Equal(id, result.ShouldSucceed());
        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal(id.ToString(), entry.TargetId);
        Assert.Equal("final", entry.TargetName);
    }

    [Fact]
    public async Task RunAsync_RowWrittenByAnotherWriterMeanwhile_IsRefusedAsAConcurrencyConflict()
    {
        var region = await _db.SeedRegionAsync("Frankfurt");
        _db.Hook.BeforeNextSave(() => RenameDirectlyAsync(region, "Frankfurt", "written by the engine"));

        var result = await _db.Commands.RunAsync<bool>(_admin, new AuditSubject("test.rename", "Region", region.ToString(), "Frankfurt"),
            db => RenameAsync(db, region, "Frankfurt am Main"));

        result.ShouldBeRefused(RefusalKind.Concurrency);
        Assert.Equal("Frankfurt", (await LoadRegionAsync(region)).Name);
    }

    [Fact]
    public async Task RunDecidingAgainOnConflictAsync_RowWrittenByAnotherWriterMeanwhile_DecidesAgainOnTheFreshRowAndSucceeds()
    {
        var region = await _db.SeedRegionAsync("Frankfurt");
        _db.Hook.BeforeNextSave(() => RenameDirectlyAsync(region, "Frankfurt", "written by the engine"));
        var decided = 0;

        var result = await _db.Commands.RunDecidingAgainOnConflictAsync<bool>(_admin, new AuditSubject("test.rename", "Region", region.ToString(), "Frankfurt"),
            db =>
            {
                decided++;
                return RenameAsync(db, region, "Frankfurt am Main");
            });

        result.ShouldSucceed();
        Assert.False(_db.Hook.IsArmed, "The simulated concurrent writer did not run.");
        Assert.Equal(2, decided);
        var stored = await LoadRegionAsync(region);
        Assert.Equal("Frankfurt am Main", stored.Name);
        Assert.Equal("written by the engine", stored.Description);
        Assert.Equal(AuditOutcome.Succeeded, Assert.Single(await _db.AuditEntriesAsync()).Outcome);
    }

    private static async Task<Result<bool>> RenameAsync(PortalDbContext db, Guid regionId, string name)
    {
        var region = await db.Regions.SingleAsync(r => r.Id == regionId);
        var renamed = region.Rename(name, region.Description);
        return renamed.Succeeded ? true : renamed.Refusal!;
    }

    private async Task RenameDirectlyAsync(Guid regionId, string name, string description)
    {
        await using var db = _db.NewContext();
        var region = await db.Regions.SingleAsync(r => r.Id == regionId);
        region.Rename(name, description).ShouldSucceed();
        await db.SaveChangesAsync();
    }

    private async Task<Region> LoadRegionAsync(Guid regionId)
    {
        await using var db = _db.NewContext();
        return await db.Regions.AsNoTracking().SingleAsync(r => r.Id == regionId);
    }

    [Fact]
    public async Task CreateRegionAsync_SameNameSavedByAnotherWriterMeanwhile_IsConflictOnNameAndOnlyOneRegionExists()
    {
        // The other writer commits after this request checked the name and before it saves: the unique index decides.
        _db.Hook.BeforeNextSave(() => _db.SeedRegionAsync("FRANKFURT"));

        var refusal = (await _db.Regions.CreateRegionAsync(_admin, "Frankfurt", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.False(_db.Hook.IsArmed, "The simulated concurrent writer did not run.");
        Assert.Contains("same moment", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Region>());
        var entry = Assert.Single(await _db.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.Equal("region.create", entry.Action);
    }

    [Fact]
    public async Task CreateZoneAsync_SameNameCreatedInTheRegionAtTheSameMoment_OneIsRefusedOnName()
    {
        // Both take the region's lock: the second checks after the first committed and is refused by the rule.
        var region = await _db.SeedRegionAsync("Frankfurt");

        var (first, second) = await Race.OverlapAsync(_db.Hook,
            () => _db.Regions.CreateZoneAsync(_admin, region, "Fra-A", null),
            () => _db.Regions.CreateZoneAsync(_admin, region, "fra-a", null));

        first.ShouldSucceed();
        second.ShouldBeRefused(RefusalKind.Conflict, Fields.Name);
        Assert.Equal(1, await _db.CountAsync<Zone>());
    }

    [Fact]
    public async Task CreateProjectAsync_SameNameCreatedInTheTenantAtTheSameMoment_OneIsRefusedOnName()
    {
        var tenant = await _db.SeedTenantAsync("Acme");

        var (first, second) = await Race.OverlapAsync(_db.Hook,
            () => _db.Tenancy.CreateProjectAsync(_admin, tenant, "WEB", null),
            () => _db.Tenancy.CreateProjectAsync(_admin, tenant, "web", null));

        first.ShouldSucceed();
        second.ShouldBeRefused(RefusalKind.Conflict, Fields.Name);
        Assert.Equal(1, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task CreateTenantAsync_SameSlugSavedByAnotherWriterMeanwhile_IsConflictOnSlug()
    {
        // A different name, the same slug: the refusal must point at the slug, not the name.
        _db.Hook.BeforeNextSave(() => _db.SeedTenantAsync("Acme Holdings", "acme"));

        (await _db.Tenancy.CreateTenantAsync(_admin, "Acme", "acme", null)).ShouldBeRefused(RefusalKind.Conflict, Fields.Slug);

        Assert.Equal(1, await _db.CountAsync<Tenant>());
    }

    [Fact]
    public async Task AddMemberAsync_SameMembershipSavedMeanwhile_IsConflictAndAddsOneMembership()
    {
        var tenant = await _db.SeedTenantAsync("Acme");
        var dev = await _db.AddUserAsync("dev@acme.test");
        _db.Hook.BeforeNextSave(() => _db.SeedMembershipAsync(tenant, dev, TenantRole.Viewer));

        (await _db.Tenancy.AddMemberAsync(_admin, tenant, "dev@acme.test", TenantRole.Admin)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(1, await _db.CountAsync<TenantMembership>());
    }

    [Fact]
    public async Task RunAsync_ChangeRecordsAnOperation_HandsItToTheDispatcherOnceItIsCommitted()
    {
        var dispatcher = new RecordingDispatcher(_db);
        var commands = new CommandRunner(_db.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), _db.Services.GetRequiredService<AuditLog>(), dispatcher);
        var operation = TestOperation();

        (await commands.RunAsync(_admin, new AuditSubject("test.start", "Thing", "t-1", "thing"), db =>
        {
            db.Operations.Add(operation);
            return Task.FromResult(Result.Ok());
        })).ShouldSucceed();

        Assert.Equal([(operation.Id, OperationState.Queued)], dispatcher.Dispatched);
        Assert.Empty(dispatcher.CancelSignalled);
    }

    [Fact]
    public async Task RunAsync_RefusedChange_HandsNothingOver()
    {
        var dispatcher = new RecordingDispatcher(_db);
        var commands = new CommandRunner(_db.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), _db.Services.GetRequiredService<AuditLog>(), dispatcher);

        (await commands.RunAsync(_admin, new AuditSubject("test.start", "Thing", "t-1", "thing"), db =>
        {
            db.Operations.Add(TestOperation());
            return Task.FromResult<Result>(Refusal.Conflict("Not now."));
        })).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Empty(dispatcher.Dispatched);
        Assert.Equal(0, await _db.CountAsync<Operation>());
    }

    [Fact]
    public async Task RunAsync_RetryAndCancel_DispatchTheRetriedOneAndSignalTheCancelledOne()
    {
        var dispatcher = new RecordingDispatcher(_db);
        var commands = new CommandRunner(_db.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), _db.Services.GetRequiredService<AuditLog>(), dispatcher);
        var failed = TestOperation();
        failed.Start(_db.Clock.GetUtcNow());
        failed.StepStarted(0, _db.Clock.GetUtcNow());
        failed.StepFailed(0, "Broken.", _db.Clock.GetUtcNow());
        failed.Fail("Broken.", _db.Clock.GetUtcNow());
        var running = TestOperation();
        running.Start(_db.Clock.GetUtcNow());
        await using (var db = _db.NewContext())
        {
            db.Operations.AddRange(failed, running);
            await db.SaveChangesAsync();
        }

        (await commands.RunAsync(_admin, new AuditSubject("test.act", "Thing", "t-1", "thing"), async db =>
        {
            var retried = await db.Operations.Include(o => o.Steps).SingleAsync(o => o.Id == failed.Id);
            var cancelled = await db.Operations.Include(o => o.Steps).SingleAsync(o => o.Id == running.Id);
            retried.Retry(_admin, _db.Clock.GetUtcNow()).ShouldSucceed();
            return cancelled.RequestCancel(_admin, _db.Clock.GetUtcNow());
        })).ShouldSucceed();

        Assert.Equal([(failed.Id, OperationState.Queued)], dispatcher.Dispatched);
        Assert.Equal([(running.Id, OperationState.Running)], dispatcher.CancelSignalled);
    }

    private Operation TestOperation() =>
        Operation.Create("test.kind", new OperationTarget("Thing", "t-1", "thing"), "{}", _admin, ["one"], _db.Clock.GetUtcNow());

    /// <summary>Records what it is handed, with each operation's state as committed at that moment (read from a fresh context).</summary>
    private sealed class RecordingDispatcher(TestDatabase database) : IOperationDispatcher
    {
        public List<(Guid, OperationState)> Dispatched { get; } = [];
        public List<(Guid, OperationState)> CancelSignalled { get; } = [];

        public async Task DispatchAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct) => Dispatched.AddRange(await CommittedAsync(operationIds));

        public async Task SignalCancelAsync(IReadOnlyCollection<Guid> operationIds, CancellationToken ct) => CancelSignalled.AddRange(await CommittedAsync(operationIds));

        private async Task<List<(Guid, OperationState)>> CommittedAsync(IReadOnlyCollection<Guid> ids)
        {
            await using var db = database.NewContext();
            var states = await db.Operations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.State);
            return ids.Select(id => (id, states.TryGetValue(id, out var state) ? state : (OperationState)(-1))).ToList();
        }
    }
}
