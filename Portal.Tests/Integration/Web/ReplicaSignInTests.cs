using Portal.Domain.Data;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Web;

/// <summary>
/// Two portal replicas on one PostgreSQL database, as behind a load balancer: the data-protection keys live in the
/// database, so a sign-in cookie issued by one is honoured by the other. Always on PostgreSQL (one process per SQLite file).
/// </summary>
public sealed class ReplicaSignInTests : IAsyncLifetime
{
    private ScratchDatabase _database = null!;
    private PortalWebFactory _first = null!;
    private PortalWebFactory _second = null!;

    public async Task InitializeAsync()
    {
        _database = await ScratchDatabase.CreateAsync(nameof(ReplicaSignInTests), migrated: false, provider: DatabaseProvider.PostgreSql);
        _first = new ReplicaWebFactory(_database);
        _ = _first.Services; // the first replica migrates the database and creates the key ring
        _second = new ReplicaWebFactory(_database);
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_OnOneReplica_IsValidOnTheOther()
    {
        using var first = _first.CreatePortalClient();
        using var signIn = await PortalHttp.SignInAsync(first, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
        var cookie = PortalHttp.SetCookieHeader(signIn, "Portal.Auth");
        Assert.NotNull(cookie);

        using var second = _second.CreatePortalClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/regions");
        request.Headers.Add("Cookie", cookie!.Split(';')[0]);
        using var response = await second.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Regions", await response.Content.ReadAsStringAsync());
    }

    /// <summary>One replica on the shared database (xunit fixtures may have one public constructor, so not on the base).</summary>
    private sealed class ReplicaWebFactory(ScratchDatabase database) : PortalWebFactory(database);
}
