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

public sealed class KeycloakFailureMappingTests
{
    [Fact]
    public void Classify_OAuthHandlerFailures_MapToReasons()
    {
        Assert.Equal(KeycloakFailure.InvalidState, Classify(new Exception("The oauth state was missing or invalid.")).Reason);
        Assert.Equal(KeycloakFailure.InvalidState, Classify(new Exception("Correlation failed.")).Reason);
        Assert.Equal(KeycloakFailure.Expired, Classify(new Exception("x", new KeycloakSignInException(KeycloakFailure.Expired, "e"))).Reason);
    }

    [Fact]
    public void FromCallback_WhenLibraryMessageQuotesTheToken_LogsNeitherTheTokenNorTheMessage()
    {
        const string token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJl";
        var thrown = new Microsoft.IdentityModel.Tokens.SecurityTokenException($"IDX10000: Unable to validate the 'id_token', no suitable TokenHandler was found for: '{token}'.");

        var failure = KeycloakFailureMapping.FromCallback(thrown, KeycloakCallbackStage.IdToken);

        Assert.Equal(KeycloakFailure.InvalidToken, failure.Reason);
        Assert.DoesNotContain(token, failure.Message);
        Assert.DoesNotContain("no suitable TokenHandler", failure.Message);
        Assert.Contains("IDX10000", failure.Message);
    }

    [Fact]
    public void FromCallback_TokenEndpointError_NamesTheErrorCodeOnly()
    {
        var thrown = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectProtocolException("Message contains error: 'invalid_grant', error_description: 'Code not valid: abc123'");
        thrown.Data["error"] = "invalid_grant";
        thrown.Data["error_description"] = "Code not valid: abc123";

        var failure = KeycloakFailureMapping.FromCallback(thrown, KeycloakCallbackStage.TokenExchange);

        Assert.Equal(KeycloakFailure.TokenExchange, failure.Reason);
        Assert.Contains("invalid_grant", failure.Message);
        Assert.DoesNotContain("abc123", failure.Message);
    }

    [Fact]
    public void FromChallenge_WhenDiscoveryDownloadFails_IsUnreachable()
    {
        var thrown = new InvalidOperationException("IDX20803: Unable to obtain configuration from: 'http://127.0.0.1:1/realms/x'.",
            new IOException("IDX20804: Unable to retrieve document from: 'http://127.0.0.1:1/realms/x'.", new HttpRequestException("Connection refused")));

        Assert.Equal(KeycloakFailure.Unreachable, KeycloakFailureMapping.FromChallenge(thrown).Reason);
    }

    [Fact]
    public void FromChallenge_WhenDiscoveryDocumentDoesNotParse_IsDiscovery()
    {
        var thrown = new InvalidOperationException("IDX20803: Unable to obtain configuration from: 'http://127.0.0.1:1/realms/x'.",
            new ArgumentException("IDX21815: Error deserializing json."));

        Assert.Equal(KeycloakFailure.Discovery, KeycloakFailureMapping.FromChallenge(thrown).Reason);
    }

    private static KeycloakSignInException Classify(Exception failure) =>
        KeycloakFailureMapping.FromCallback(failure, KeycloakCallbackStage.AuthorizationResponse);
}

public sealed class KeycloakSettingsTests
{
    [Theory]
    [InlineData("https://sso.example/realms/acme")]
    [InlineData("http://127.0.0.1:8080/realms/acme")]
    [InlineData("http://localhost:8080/realms/acme/")]
    [InlineData("http://[::1]:8080/realms/acme")]
    public void Problem_HttpsOrLoopbackHttp_IsNone(string authority)
    {
        var settings = new KeycloakSettings { Authority = authority, ClientId = "portal" };

        Assert.Null(settings.Problem);
        Assert.True(settings.IsUsable);
    }

    [Theory]
    [InlineData("http://sso.example/realms/acme")]
    [InlineData("http://10.0.0.5/realms/acme")]
    [InlineData("sso.example/realms/acme")]
    [InlineData("ftp://sso.example/realms/acme")]
    public void Problem_PlainHttpElsewhereOrNotAUrl_IsNamedAndSchemeIsOff(string authority)
    {
        var settings = new KeycloakSettings { Authority = authority, ClientId = "portal" };

        Assert.Contains("Keycloak:Authority", settings.Problem);
        Assert.True(settings.IsConfigured);
        Assert.False(settings.IsUsable);
    }
}

public sealed class KeycloakLifetimeTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);

    [Fact]
    public void ValidateLifetime_ExpiredWithinSkew_Passes() =>
        Assert.True(KeycloakSetup.ValidateLifetime(Clock(), Now.AddMinutes(-6), Now.AddSeconds(-30), Skew));

    [Fact]
    public void ValidateLifetime_ExpiredBeyondSkew_ThrowsExpired() =>
        Assert.Throws<Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException>(() =>
            KeycloakSetup.ValidateLifetime(Clock(), Now.AddMinutes(-10), Now.AddMinutes(-2), Skew));

    [Fact]
    public void ValidateLifetime_NoExpiry_ThrowsNoExpiration() =>
        Assert.Throws<Microsoft.IdentityModel.Tokens.SecurityTokenNoExpirationException>(() =>
            KeycloakSetup.ValidateLifetime(Clock(), null, null, Skew));

    private static ManualTimeProvider Clock() => new(new DateTimeOffset(Now));
}
