using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>Look-alike names: a name with a hidden character is refused where it is created, and nothing is saved but the refusal's audit entry.</summary>
public sealed class HiddenCharacterNameTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _admin = await _db.AddPlatformAdminAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData("Acme\u202Egnp.exe", "U+202E RIGHT-TO-LEFT OVERRIDE")]
    [InlineData("Ac\u200Bme", "U+200B ZERO WIDTH SPACE")]
    public async Task CreateTenantAsync_NameWithAHiddenCharacter_IsRefusedAndSavesNoTenant(string name, string character)
    {
        await _db.SeedTenantAsync("Acme");

        var refusal = (await _db.Tenancy.CreateTenantAsync(_admin, name, "acme-2", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Contains(character, refusal.Message, StringComparison.Ordinal);
        Assert.Equal(1, await _db.CountAsync<Tenant>());
        Assert.Equal(AuditOutcome.Refused, Assert.Single(await _db.AuditEntriesAsync()).Outcome);
    }

    [Fact]
    public async Task CreateProjectAsync_NameWithAZeroWidthJoiner_IsRefusedAndSavesNoProject()
    {
        var tenantId = await _db.SeedTenantAsync("Acme");
        await _db.SeedProjectAsync(tenantId, "web");

        var refusal = (await _db.Tenancy.CreateProjectAsync(_admin, tenantId, "we\u200Db", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal("Name contains an invisible character (U+200D ZERO WIDTH JOINER); remove it.", refusal.Message);
        Assert.Equal(1, await _db.CountAsync<Project>());
    }

    [Fact]
    public async Task CreateRegionAsync_NameWithALeftToRightIsolate_IsRefusedAndSavesNoRegion()
    {
        var refusal = (await _db.Regions.CreateRegionAsync(_admin, "\u2066Europe\u2069", null)).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal("Name contains a bidirectional control character (U+2066 LEFT-TO-RIGHT ISOLATE), which changes the order in which the text is shown; remove it.",
            refusal.Message);
        Assert.Equal(0, await _db.CountAsync<Region>());
    }
}
