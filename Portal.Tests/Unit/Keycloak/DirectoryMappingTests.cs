using System.Text.Json;
using Portal.Domain.Identity;
using Portal.Domain.Tenancy;
using Portal.Identity.Keycloak;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Keycloak;

public sealed class DirectoryMappingTests
{
    private static readonly DirectoryMappingOptions Defaults = new();

    private static DirectoryAccess Map(string[] groups, params string[] roles) =>
        DirectoryMapping.Map(new DirectoryProfile { Subject = "s", Groups = groups, Roles = roles }, Defaults);

    [Fact]
    public void Map_TenantGroups_GrantMemberAdminAndViewer()
    {
        var access = Map(["/tenants/acme", "/tenants/globex/admins", "/tenants/initech/viewers"]);

        Assert.Equal([("acme", TenantRole.Member), ("globex", TenantRole.Admin), ("initech", TenantRole.Viewer)],
            access.Tenants.Select(t => (t.TenantSlug, t.Role)).ToArray());
    }

    [Fact]
    public void Map_SeveralGroupsForOneTenant_HighestRoleWins()
    {
        var access = Map(["/tenants/acme/viewers", "/tenants/acme", "/tenants/acme/admins"]);

        var grant = Assert.Single(access.Tenants);
        Assert.Equal(TenantRole.Admin, grant.Role);
        Assert.Equal(3, grant.Groups.Count);
    }

    [Theory]
    [InlineData("/other/acme")]
    [InlineData("/tenants/acme/developers")]
    [InlineData("/tenants/acme/admins/extra")]
    [InlineData("/tenants/Not A Slug")]
    [InlineData("tenants")]
    public void Map_GroupsOutsideTheRules_GrantNothing(string group)
    {
        var access = Map([group]);

        Assert.Empty(access.Tenants);
        Assert.Equal([group], access.IgnoredGroups);
    }

    [Fact]
    public void Map_GroupNameCase_IsFoldedToTheSlug()
    {
        Assert.Equal("acme", Assert.Single(Map(["/tenants/ACME"]).Tenants).TenantSlug);
    }

    [Fact]
    public void Map_CustomPrefix_IsHonoured()
    {
        var access = DirectoryMapping.Map(new DirectoryProfile { Subject = "s", Groups = ["/portal/teams/acme/admins"] },
            new DirectoryMappingOptions { TenantGroupPrefix = "portal/teams" });

        Assert.Equal(TenantRole.Admin, Assert.Single(access.Tenants).Role);
    }

    [Theory]
    [InlineData(new[] { "portal-platform-admin", "portal-platform-viewer" }, PlatformRole.Admin)]
    [InlineData(new[] { "portal-platform-viewer" }, PlatformRole.Viewer)]
    [InlineData(new[] { "offline_access" }, PlatformRole.None)]
    public void Map_RealmRoles_GrantPlatformRoles(string[] roles, PlatformRole expected)
    {
        Assert.Equal(expected, Map([], roles).PlatformRole);
    }
}

public sealed class KeycloakClaimsTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Merge_WhenRolesAndGroupsOnlyInUserInfo_TakesThemFromUserInfo()
    {
        var profile = KeycloakClaims.Merge(
            Json("""{"sub":"abc","preferred_username":"alice","email":"alice@acme.test"}"""),
            Json("""{"sub":"abc","name":"Alice A","groups":["/tenants/acme"],"realm_access":{"roles":["portal-platform-viewer"]},"resource_access":{"portal":{"roles":["portal-platform-admin"]},"other":{"roles":["x"]}}}"""),
            "portal");

        Assert.Equal("alice", profile.Username);
        Assert.Equal("Alice A", profile.DisplayName);
        Assert.Equal(["/tenants/acme"], profile.Groups);
        Assert.Equal(["portal-platform-viewer", "portal-platform-admin"], profile.Roles);
    }

    [Fact]
    public void Merge_WhenBothHaveGroups_TakesTheUnion()
    {
        var profile = KeycloakClaims.Merge(Json("""{"sub":"abc","groups":["/tenants/a","/tenants/b"]}"""),
            Json("""{"sub":"abc","groups":["/tenants/b","/tenants/c"]}"""), "portal");

        Assert.Equal(["/tenants/a", "/tenants/b", "/tenants/c"], profile.Groups);
    }

    [Fact]
    public void Merge_WhenUserInfoIsForAnotherSubject_Refuses()
    {
        var error = Assert.Throws<KeycloakSignInException>(() =>
            KeycloakClaims.Merge(Json("""{"sub":"abc"}"""), Json("""{"sub":"xyz"}"""), "portal"));

        Assert.Equal(KeycloakFailure.UserInfo, error.Reason);
    }

    [Fact]
    public void ToClaims_ThenFromPrincipal_RoundTrips()
    {
        var profile = KeycloakClaims.Merge(Json("""{"sub":"abc","preferred_username":"al","email":"a@b.test","email_verified":true,"groups":["/g"],"realm_access":{"roles":["r"]}}"""), null, "portal");
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(KeycloakClaims.ToClaims(profile, "Keycloak"), "test"));

        Assert.Equivalent(profile, KeycloakClaims.FromPrincipal(principal));
    }
}

public sealed class KeycloakNoncesTests
{
    [Fact]
    public void TryRedeem_SameNonceTwice_RefusesTheSecond()
    {
        var nonces = new KeycloakNonces(new ManualTimeProvider());
        var nonce = KeycloakNonces.Create();
        var until = DateTimeOffset.UtcNow.AddMinutes(5);

        Assert.True(nonces.TryRedeem(nonce, until));
        Assert.False(nonces.TryRedeem(nonce, until));
        Assert.True(nonces.TryRedeem(KeycloakNonces.Create(), until));
    }

    [Fact]
    public void Classify_OAuthHandlerFailures_MapToReasons()
    {
        Assert.Equal(KeycloakFailure.InvalidState, KeycloakSetup.Classify(new Exception("The oauth state was missing or invalid.")).Reason);
        Assert.Equal(KeycloakFailure.InvalidState, KeycloakSetup.Classify(new Exception("Correlation failed.")).Reason);
        Assert.Equal(KeycloakFailure.Expired, KeycloakSetup.Classify(new Exception("x", new KeycloakSignInException(KeycloakFailure.Expired, "e"))).Reason);
    }
}
