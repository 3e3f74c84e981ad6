using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Infrastructures;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Infrastructures;

public sealed class InfrastructureServiceTests : IAsyncLifetime
{
    private const string Secret = "Sup3r-Secret-Value-42";
    private static readonly ConnectionCheck Passed = new(true, "Authenticated; 12 flavors, 7 images, 2 external networks.");

    private InfrastructureTestHost _host = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await InfrastructureTestHost.CreateAsync();
        _admin = await _host.AddUserAsync("admin@portal.test", PlatformRole.Admin);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static ConnectionSettings PasswordConnection(string url = "https://keystone.example.com:5000/v3") =>
        new(url, "RegionOne", EndpointInterfaceKind.Public, CredentialKind.Password, null, "alice", null, "team-a", null, null);

    private static ConnectionSettings AppCredentialConnection() =>
        new("https://keystone.example.com:5000/v3", "RegionOne", EndpointInterfaceKind.Public, CredentialKind.ApplicationCredential,
            "app-id", null, null, null, null, null);

    private static RegistrationRequest Demo(string? name, Placement placement, ConnectionCheck? check = null,
        IReadOnlyList<FlavorSpec>? flavors = null, IReadOnlyList<ImageSpec>? images = null) =>
        new(name, "Try-out cloud", InfrastructureProvider.Demo, placement, null, null, check ?? Passed, flavors ?? [], images ?? []);

    private static RegistrationRequest OpenStack(string name, Placement placement, ConnectionSettings? connection = null, string? secret = Secret) =>
        new(name, null, InfrastructureProvider.OpenStack, placement, connection ?? PasswordConnection(), secret, Passed, [], []);

    private async Task<Infrastructure> LoadAsync(Guid id)
    {
        await using var db = _host.NewContext();
        return await db.Infrastructures.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    private Task<string?> RawSecretColumnAsync(Guid id) =>
        _host.Store.ScalarAsync<string>($"SELECT \"ProtectedSecret\" AS \"Value\" FROM \"Infrastructures\" WHERE \"Id\" = {id}");

    /// <summary>Everything the database holds, read without EF: every value of every table.</summary>
    private Task<string> WholeDatabaseTextAsync() => _host.Store.AllTextAsync();

    // ---- register: placement ----

    [Fact]
    public async Task RegisterAsync_DemoCloudInExistingZone_SavesItWithoutConnection()
    {
        var (regionId, zoneId) = await _host.SeedZoneAsync();

        var id = (await _host.Infrastructures.RegisterAsync(_admin, Demo("  Demo cloud ", Placement.Existing(zoneId)))).ShouldSucceed();

        var detail = (await _host.Infrastructures.GetAsync(_admin, id)).ShouldSucceed();
        Assert.Equal("Demo cloud", detail.Name);
        Assert.Equal("Try-out cloud", detail.Description);
        Assert.Equal(InfrastructureProvider.Demo, detail.Provider);
        Assert.Equal(zoneId, detail.ZoneId);
        Assert.Equal(regionId, detail.RegionId);
        Assert.Equal("Frankfurt", detail.RegionName);
        Assert.Equal("fra-a", detail.ZoneName);
        Assert.Null(detail.Connection);
        Assert.False(detail.HasSecret);
        Assert.True(detail.LastValidationSucceeded);
        Assert.Equal(Passed.Summary, detail.LastValidationSummary);
        Assert.Equal(_host.Clock.GetUtcNow(), detail.LastValidatedAt);
        Assert.Equal(1, await _host.CountAsync<Region>());
        Assert.Equal(1, await _host.CountAsync<Zone>());

        var audit = Assert.Single(await _host.AuditEntriesAsync());
        Assert.Equal("infrastructure.register", audit.Action);
        Assert.Equal(AuditOutcome.Succeeded, audit.Outcome);
        Assert.Equal(id.ToString(), audit.TargetId);
        Assert.Equal(_admin.UserId, audit.ActorId);
    }

    [Fact]
    public async Task RegisterAsync_NewZoneInExistingRegion_CreatesTheZoneInThatRegion()
    {
        var (regionId, _) = await _host.SeedZoneAsync();

        var id = (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.NewZone(regionId, " fra-b ")))).ShouldSucceed();

        var detail = (await _host.Infrastructures.GetAsync(_admin, id)).ShouldSucceed();
        Assert.Equal(regionId, detail.RegionId);
        Assert.Equal("fra-b", detail.ZoneName);
        Assert.Equal(1, await _host.CountAsync<Region>());
        Assert.Equal(2, await _host.CountAsync<Zone>());
    }

    [Fact]
    public async Task RegisterAsync_NewRegionAndZone_CreatesBothWithTheInfrastructure()
    {
        var id = (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.NewRegionAndZone("Amsterdam", "ams-1")))).ShouldSucceed();

        var detail = (await _host.Infrastructures.GetAsync(_admin, id)).ShouldSucceed();
        Assert.Equal("Amsterdam", detail.RegionName);
        Assert.Equal("ams-1", detail.ZoneName);
        await using var db = _host.NewContext();
        var zone = await db.Zones.AsNoTracking().Include(z => z.Region).SingleAsync();
        Assert.Equal(detail.ZoneId, zone.Id);
        Assert.Equal("Amsterdam", zone.Region!.Name);
        // One audited command: the inline region and zone are part of the registration, not separate requests.
        Assert.Single(await _host.AuditEntriesAsync());
    }

    [Fact]
    public async Task RegisterAsync_NewRegionButSeedRefused_SavesNeitherRegionNorZone()
    {
        var repeated = new FlavorSpec("f-1", "m1.small", 1, 2048, 20);

        (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.NewRegionAndZone("Amsterdam", "ams-1"), flavors: [repeated, repeated])))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Selection);

        Assert.Equal(0, await _host.CountAsync<Region>());
        Assert.Equal(0, await _host.CountAsync<Zone>());
        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
        Assert.Equal(0, await _host.CountAsync<FlavorEntry>());
    }

    [Fact]
    public async Task RegisterAsync_NewRegionNameTaken_IsConflictOnRegionName()
    {
        await _host.SeedZoneAsync("Amsterdam", "ams-1");

        (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.NewRegionAndZone("amsterdam", "ams-2"))))
            .ShouldBeRefused(RefusalKind.Conflict, Fields.NewRegionName);

        Assert.Equal(1, await _host.CountAsync<Zone>());
        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
    }

    // ---- the wizard's placement step ----

    [Fact]
    public async Task CheckPlacementAsync_NewRegionNamedLikeAnExistingOne_IsConflictOnNewRegionNameAndCreatesNothing()
    {
        await _host.SeedZoneAsync("Amsterdam", "ams-1");

        var refusal = (await _host.Infrastructures.CheckPlacementAsync(_admin, Placement.NewRegionAndZone("AMSTERDAM", "ams-2")))
            .ShouldBeRefused(RefusalKind.Conflict, Fields.NewRegionName);

        Assert.Contains("already exists", refusal.Message);
        Assert.Equal(1, await _host.CountAsync<Region>());
        Assert.Equal(1, await _host.CountAsync<Zone>());
    }

    [Fact]
    public async Task CheckPlacementAsync_NewZoneNamedLikeOneInTheRegion_IsConflictOnNewZoneName()
    {
        var (regionId, _) = await _host.SeedZoneAsync("Amsterdam", "ams-1");

        (await _host.Infrastructures.CheckPlacementAsync(_admin, Placement.NewZone(regionId, "AMS-1")))
            .ShouldBeRefused(RefusalKind.Conflict, Fields.NewZoneName);
    }

    [Fact]
    public async Task CheckPlacementAsync_FreshNames_SucceedsWithoutSavingThem()
    {
        (await _host.Infrastructures.CheckPlacementAsync(_admin, Placement.NewRegionAndZone("Amsterdam", "ams-1"))).ShouldSucceed();

        Assert.Equal(0, await _host.CountAsync<Region>());
        Assert.Equal(0, await _host.CountAsync<Zone>());
        Assert.Empty(await _host.AuditEntriesAsync());
    }

    [Fact]
    public async Task CheckPlacementAsync_ByAPlatformReader_IsForbidden()
    {
        var reader = await _host.AddUserAsync("reader@portal.test", PlatformRole.Viewer);

        (await _host.Infrastructures.CheckPlacementAsync(reader, Placement.NewRegionAndZone("Amsterdam", "ams-1")))
            .ShouldBeRefused(RefusalKind.Forbidden);
    }

    [Fact]
    public async Task RegisterAsync_ZoneThatNoLongerExists_IsInvalidOnZone()
    {
        (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.Existing(Guid.NewGuid()))))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Zone);

        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
    }

    // ---- register: refusals ----

    [Theory]
    [InlineData("Demo")]
    [InlineData("DEMO")]
    [InlineData("  demo ")]
    public async Task RegisterAsync_DuplicateNameAnyCase_IsConflictAndSavesNothing(string duplicate)
    {
        var (regionId, zoneId) = await _host.SeedZoneAsync();
        (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.Existing(zoneId)))).ShouldSucceed();

        var withNewRegion = (await _host.Infrastructures.RegisterAsync(_admin,
            Demo(duplicate, Placement.NewRegionAndZone("Amsterdam", "ams-1"), flavors: [new FlavorSpec("f-1", "m1.small", 1, 2048, 20)])))
            .ShouldBeRefused(RefusalKind.Conflict, Fields.Name);
        (await _host.Infrastructures.RegisterAsync(_admin, Demo(duplicate, Placement.NewZone(regionId, "fra-b"))))
            .ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Contains("already exists", withNewRegion.Message);
        Assert.Equal(1, await _host.CountAsync<Infrastructure>());
        Assert.Equal(1, await _host.CountAsync<Region>());
        Assert.Equal(1, await _host.CountAsync<Zone>());
        Assert.Equal(0, await _host.CountAsync<FlavorEntry>());
        var refusals = (await _host.AuditEntriesAsync()).Where(a => a.Outcome == AuditOutcome.Refused).ToList();
        Assert.Equal(2, refusals.Count);
    }

    [Fact]
    public async Task RegisterAsync_DuplicateNonAsciiNameInOtherCase_IsConflict()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        (await _host.Infrastructures.RegisterAsync(_admin, Demo("München Süd", Placement.Existing(zoneId)))).ShouldSucceed();

        (await _host.Infrastructures.RegisterAsync(_admin, Demo("MÜNCHEN SÜD", Placement.Existing(zoneId)))).ShouldBeRefused(RefusalKind.Conflict, Fields.Name);

        Assert.Equal(1, await _host.CountAsync<Infrastructure>());
    }

    [Fact]
    public async Task RegisterAsync_SameNameAtTheSameMoment_OneWinsTheOtherIsConflictOnName()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            _host.Infrastructures.RegisterAsync(_admin, Demo(i % 2 == 0 ? "Demo" : "DEMO", Placement.Existing(zoneId),
                flavors: [new FlavorSpec($"f-{i}", "m1.small", 1, 2048, 20)]))));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => r.ShouldBeRefused(RefusalKind.Conflict, Fields.Name));
        Assert.Equal(1, await _host.CountAsync<Infrastructure>());
        Assert.Equal(1, await _host.CountAsync<FlavorEntry>());
    }

    [Fact]
    public async Task IsNameTakenAsync_OtherCase_IsTaken()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.Existing(zoneId)))).ShouldSucceed();

        Assert.True(await _host.Infrastructures.IsNameTakenAsync(" dEmO "));
        Assert.False(await _host.Infrastructures.IsNameTakenAsync("Other"));
    }

    [Fact]
    public async Task RegisterAsync_CheckNotSucceeded_IsInvalidOnConnectionAndSavesNothing()
    {
        var failed = new ConnectionCheck(false, "Authenticate with Keystone: The cloud rejected the credentials (401).");

        var refusal = (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.NewRegionAndZone("Amsterdam", "ams-1"), failed)))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Connection);

        Assert.Contains("rejected the credentials", refusal.Message);
        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
        Assert.Equal(0, await _host.CountAsync<Region>());
    }

    [Theory]
    [InlineData(PlatformRole.Viewer)]
    [InlineData(PlatformRole.None)]
    public async Task RegisterAsync_NotPlatformAdmin_IsForbiddenAndSavesNothing(PlatformRole role)
    {
        var actor = await _host.AddUserAsync("someone@portal.test", role);

        (await _host.Infrastructures.RegisterAsync(actor, Demo("Demo", Placement.NewRegionAndZone("Amsterdam", "ams-1"))))
            .ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
        Assert.Equal(0, await _host.CountAsync<Region>());
        var audit = Assert.Single(await _host.AuditEntriesAsync());
        Assert.Equal(AuditOutcome.Refused, audit.Outcome);
    }

    [Fact]
    public async Task RegisterAsync_EmptyName_IsInvalidOnName()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();

        (await _host.Infrastructures.RegisterAsync(_admin, Demo("  ", Placement.Existing(zoneId)))).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
    }

    [Fact]
    public async Task RegisterAsync_OpenStackWithInvalidConnection_IsInvalidOnTheFieldAndSavesNothing()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();

        (await _host.Infrastructures.RegisterAsync(_admin, OpenStack("Prod", Placement.Existing(zoneId), PasswordConnection("ftp://keystone/v3"))))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.AuthUrl);
        (await _host.Infrastructures.RegisterAsync(_admin, OpenStack("Prod", Placement.Existing(zoneId), secret: null)))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Password);
        (await _host.Infrastructures.RegisterAsync(_admin, OpenStack("Prod", Placement.Existing(zoneId)) with { Connection = null }))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.AuthUrl);

        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
    }

    // ---- register: secrets ----

    [Fact]
    public async Task RegisterAsync_OpenStack_StoresTheSecretEncryptedAndReturnsItDecryptedToServerCode()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();

        var id = (await _host.Infrastructures.RegisterAsync(_admin, OpenStack("Production", Placement.Existing(zoneId)))).ShouldSucceed();

        var raw = await RawSecretColumnAsync(id);
        Assert.False(string.IsNullOrEmpty(raw));
        Assert.DoesNotContain(Secret, raw);
        Assert.DoesNotContain(Secret, await WholeDatabaseTextAsync());
        Assert.Equal(Secret, _host.Secrets.Unprotect(raw!));

        var credentials = await _host.Infrastructures.GetCredentialsAsync(id);
        Assert.NotNull(credentials);
        Assert.Equal(InfrastructureProvider.OpenStack, credentials.Value.Provider);
        Assert.Equal(Secret, credentials.Value.Secret);
        Assert.Equal("alice", credentials.Value.Connection!.UserName);
        Assert.Equal("Default", credentials.Value.Connection.UserDomain);
        Assert.Equal("Default", credentials.Value.Connection.ProjectDomain);

        var detail = (await _host.Infrastructures.GetAsync(_admin, id)).ShouldSucceed();
        Assert.True(detail.HasSecret);
        Assert.DoesNotContain(Secret, detail.ToString());
    }

    [Fact]
    public async Task RegisterAsync_OpenStack_KeepsTheSecretOutOfTheAuditTrail()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        (await _host.Infrastructures.RegisterAsync(_admin, OpenStack("Production", Placement.Existing(zoneId)))).ShouldSucceed();
        // A refused registration is audited with the same parameters.
        (await _host.Infrastructures.RegisterAsync(_admin, OpenStack("production", Placement.Existing(zoneId)))).ShouldBeRefused(RefusalKind.Conflict);

        var entries = await _host.AuditEntriesAsync();
        Assert.Equal(2, entries.Count);
        foreach (var entry in entries)
        {
            Assert.DoesNotContain(Secret, entry.Parameters);
            Assert.DoesNotContain(Secret, entry.Reason ?? "");
            Assert.Contains("(redacted)", entry.Parameters);
            Assert.Contains("keystone.example.com", entry.Parameters);
        }
    }

    [Fact]
    public async Task GetCredentialsAsync_Demo_HasNoConnectionOrSecret()
    {
        var id = await _host.RegisterDemoAsync(_admin);

        var credentials = await _host.Infrastructures.GetCredentialsAsync(id);

        Assert.Equal(InfrastructureProvider.Demo, credentials!.Value.Provider);
        Assert.Null(credentials.Value.Connection);
        Assert.Null(credentials.Value.Secret);
        Assert.Null(await _host.Infrastructures.GetCredentialsAsync(Guid.NewGuid()));
    }

    // ---- register: catalog seed ----

    [Fact]
    public async Task RegisterAsync_WithSeed_SavesTheFlavorsAndImages()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        FlavorSpec[] flavors = [new("f-small", "m1.small", 1, 2048, 20), new("f-large", "m1.large", 4, 8192, 80)];
        ImageSpec[] images = [new("i-kube", "ubuntu-2404-kube-v1.32.3-5", 2048, 20, "1.32.3-5", "ubuntu")];

        var id = (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.Existing(zoneId), flavors: flavors, images: images))).ShouldSucceed();

        await using var db = _host.NewContext();
        var storedFlavors = await db.Flavors.AsNoTracking().Where(f => f.InfrastructureId == id).OrderBy(f => f.Vcpus).ToListAsync();
        Assert.Equal(["m1.small", "m1.large"], storedFlavors.Select(f => f.Name));
        Assert.Equal(8192, storedFlavors[1].RamMb);
        Assert.Equal(80, storedFlavors[1].DiskGb);
        Assert.All(storedFlavors, f => Assert.True(f.Enabled));
        var image = await db.Images.AsNoTracking().SingleAsync();
        Assert.Equal(id, image.InfrastructureId);
        Assert.Equal("i-kube", image.ProviderId);
        Assert.Equal("1.32.3-5", image.KubernetesVersion);
        Assert.Equal("ubuntu", image.OsDistro);
        Assert.Equal(2048, image.MinRamMb);
        var list = (await _host.Infrastructures.ListAsync(_admin, new PageRequest())).ShouldSucceed();
        var row = Assert.Single(list.Items);
        Assert.Equal(2, row.FlavorCount);
        Assert.Equal(1, row.ImageCount);
    }

    [Fact]
    public async Task RegisterAsync_SeedWithRepeatedImageId_IsInvalidAndSavesNothing()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        ImageSpec[] images = [new("i-1", "debian-12", 512, 4, null, "debian"), new("i-1", "debian-12 again", 512, 4, null, "debian")];

        var refusal = (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.Existing(zoneId), images: images)))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Selection);

        Assert.Contains("'i-1'", refusal.Message);
        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
        Assert.Equal(0, await _host.CountAsync<ImageEntry>());
    }

    // ---- update connection ----

    private async Task<Guid> RegisterOpenStackAsync(ConnectionSettings? connection = null)
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        return (await _host.Infrastructures.RegisterAsync(_admin, OpenStack("Production", Placement.Existing(zoneId), connection))).ShouldSucceed();
    }

    [Fact]
    public async Task UpdateConnectionAsync_NullSecret_KeepsTheStoredSecret()
    {
        var id = await RegisterOpenStackAsync();
        var before = await LoadAsync(id);
        _host.Clock.Advance(TimeSpan.FromMinutes(5));

        (await _host.Infrastructures.UpdateConnectionAsync(_admin, id, before.Version, PasswordConnection("https://keystone2.example.com/v3"), null,
            new ConnectionCheck(true, "Checked again."))).ShouldSucceed();

        var after = await LoadAsync(id);
        Assert.Equal("https://keystone2.example.com/v3", after.AuthUrl);
        Assert.Equal(before.ProtectedSecret, after.ProtectedSecret);
        Assert.Equal(Secret, (await _host.Infrastructures.GetCredentialsAsync(id))!.Value.Secret);
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal("Checked again.", after.LastValidationSummary);
        Assert.Equal(_host.Clock.GetUtcNow(), after.LastValidatedAt);
        var audit = (await _host.AuditEntriesAsync()).Last();
        Assert.Equal("infrastructure.update-connection", audit.Action);
        Assert.Contains("(unchanged)", audit.Parameters);
    }

    [Fact]
    public async Task UpdateConnectionAsync_NewSecret_ReplacesItEncrypted()
    {
        var id = await RegisterOpenStackAsync();
        var version = (await LoadAsync(id)).Version;

        (await _host.Infrastructures.UpdateConnectionAsync(_admin, id, version, PasswordConnection(), "Brand-New-Secret-7", Passed)).ShouldSucceed();

        Assert.Equal("Brand-New-Secret-7", (await _host.Infrastructures.GetCredentialsAsync(id))!.Value.Secret);
        var raw = await RawSecretColumnAsync(id);
        Assert.DoesNotContain("Brand-New-Secret-7", raw);
        Assert.DoesNotContain("Brand-New-Secret-7", (await _host.AuditEntriesAsync()).Last().Parameters);
    }

    [Fact]
    public async Task UpdateConnectionAsync_SwitchCredentialTypeWithoutNewSecret_IsInvalidAndChangesNothing()
    {
        var id = await RegisterOpenStackAsync();
        var before = await LoadAsync(id);

        (await _host.Infrastructures.UpdateConnectionAsync(_admin, id, before.Version, AppCredentialConnection(), null, Passed))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.ApplicationCredentialSecret);

        var after = await LoadAsync(id);
        Assert.Equal(CredentialKind.Password, after.CredentialKind);
        Assert.Equal("alice", after.UserName);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(Secret, (await _host.Infrastructures.GetCredentialsAsync(id))!.Value.Secret);
    }

    [Fact]
    public async Task UpdateConnectionAsync_SwitchCredentialTypeWithNewSecret_StoresBoth()
    {
        var id = await RegisterOpenStackAsync();
        var version = (await LoadAsync(id)).Version;

        (await _host.Infrastructures.UpdateConnectionAsync(_admin, id, version, AppCredentialConnection(), "app-secret", Passed)).ShouldSucceed();

        var credentials = (await _host.Infrastructures.GetCredentialsAsync(id))!.Value;
        Assert.Equal(CredentialKind.ApplicationCredential, credentials.Connection!.CredentialKind);
        Assert.Equal("app-id", credentials.Connection.ApplicationCredentialId);
        Assert.Null(credentials.Connection.UserName);
        Assert.Equal("app-secret", credentials.Secret);
    }

    [Fact]
    public async Task UpdateConnectionAsync_CheckFailed_IsInvalidAndChangesNothing()
    {
        var id = await RegisterOpenStackAsync();
        var before = await LoadAsync(id);
        _host.Clock.Advance(TimeSpan.FromMinutes(5));

        var refusal = (await _host.Infrastructures.UpdateConnectionAsync(_admin, id, before.Version, PasswordConnection("https://elsewhere.example.com/v3"),
            "other-secret", new ConnectionCheck(false, "Authenticate with Keystone: connection refused."))).ShouldBeRefused(RefusalKind.Invalid, Fields.Connection);

        Assert.Contains("connection refused", refusal.Message);
        var after = await LoadAsync(id);
        Assert.Equal(before.AuthUrl, after.AuthUrl);
        Assert.Equal(before.ProtectedSecret, after.ProtectedSecret);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.LastValidatedAt, after.LastValidatedAt);
        Assert.True(after.LastValidationSucceeded);
    }

    [Fact]
    public async Task UpdateConnectionAsync_StaleVersion_IsConcurrencyAndChangesNothing()
    {
        var id = await RegisterOpenStackAsync();
        var loaded = (await LoadAsync(id)).Version;
        // Someone else saves first.
        (await _host.Infrastructures.UpdateConnectionAsync(_admin, id, loaded, PasswordConnection("https://first.example.com/v3"), null, Passed)).ShouldSucceed();

        (await _host.Infrastructures.UpdateConnectionAsync(_admin, id, loaded, PasswordConnection("https://second.example.com/v3"), null, Passed))
            .ShouldBeRefused(RefusalKind.Concurrency);

        Assert.Equal("https://first.example.com/v3", (await LoadAsync(id)).AuthUrl);
    }

    [Fact]
    public async Task UpdateConnectionAsync_DemoCloud_IsInvalidOnProvider()
    {
        var id = await _host.RegisterDemoAsync(_admin);

        (await _host.Infrastructures.UpdateConnectionAsync(_admin, id, 0, PasswordConnection(), Secret, Passed))
            .ShouldBeRefused(RefusalKind.Invalid, Fields.Provider);
    }

    [Fact]
    public async Task UpdateConnectionAsync_Viewer_IsForbidden()
    {
        var id = await RegisterOpenStackAsync();
        var viewer = await _host.AddUserAsync("viewer@portal.test", PlatformRole.Viewer);

        (await _host.Infrastructures.UpdateConnectionAsync(viewer, id, 0, PasswordConnection("https://evil.example.com/v3"), null, Passed))
            .ShouldBeRefused(RefusalKind.Forbidden);

        Assert.Equal("https://keystone.example.com:5000/v3", (await LoadAsync(id)).AuthUrl);
    }

    // ---- zones and deletion ----

    [Fact]
    public async Task DeleteZoneAsync_InfrastructurePlacedInZone_IsConflictNamingIt()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo cloud", Placement.Existing(zoneId)))).ShouldSucceed();

        var refusal = (await _host.Regions.DeleteZoneAsync(_admin, zoneId)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("Demo cloud", refusal.Message);
        Assert.Contains("fra-a", refusal.Message);
        Assert.Equal(1, await _host.CountAsync<Zone>());
    }

    [Fact]
    public async Task DeleteZoneAsync_AfterTheInfrastructureIsDeleted_Succeeds()
    {
        var (_, zoneId) = await _host.SeedZoneAsync();
        var id = (await _host.Infrastructures.RegisterAsync(_admin, Demo("Demo", Placement.Existing(zoneId),
            flavors: [new FlavorSpec("f-1", "m1.small", 1, 2048, 20)]))).ShouldSucceed();

        (await _host.Infrastructures.DeleteAsync(_admin, id)).ShouldSucceed();
        (await _host.Regions.DeleteZoneAsync(_admin, zoneId)).ShouldSucceed();

        Assert.Equal(0, await _host.CountAsync<Infrastructure>());
        Assert.Equal(0, await _host.CountAsync<FlavorEntry>());
        Assert.Equal(0, await _host.CountAsync<Zone>());
    }
}
