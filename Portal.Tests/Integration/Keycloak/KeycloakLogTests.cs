namespace Portal.Tests.Integration.Keycloak;

/// <summary>
/// The OpenID Connect handler writes the callback URL (with the code), the authorization request (with state and
/// nonce) and the userinfo document at Debug and Trace levels. With those levels on, none of it reaches Portal's log.
/// </summary>
public sealed class KeycloakLogTests
{
    [Fact]
    public async Task SignIn_WithHandlerLoggingAtTrace_LogsNoCodeStateNonceOrToken()
    {
        await using var realm = await FakeRealm.StartAsync();
        var issued = new List<string>();
        realm.IssueIdToken = nonce =>
        {
            var token = FakeRealm.Sign(realm.PublishedKey, realm.Claims(nonce));
            lock (issued) issued.Add(token);
            return token;
        };
        await using var app = new KeycloakWebFactory(new KeycloakPortalSettings(realm.Issuer, FakeRealm.ClientId, "fake-secret-never-logged") { TraceHandler = true });
        var portal = app.CreatePortalClient();
        var request = await KeycloakHttp.StartAsync(portal, $"{realm.Issuer}/protocol/openid-connect/auth");
        realm.LastNonce = request.Nonce;
        var code = $"code-never-logged-{Guid.NewGuid():N}";

        var location = await KeycloakHttp.FollowAsync(portal, await KeycloakHttp.CallbackAsync(portal, $"code={code}&state={Uri.EscapeDataString(request.State)}"));

        Assert.Equal("/", location);
        var logs = app.Logs.All;
        Assert.Contains("Trace Portal.Identity.Keycloak.KeycloakHandler", logs); // the handler did write at Trace
        Assert.DoesNotContain(code, logs);
        Assert.DoesNotContain(request.State, logs);
        Assert.DoesNotContain(request.Nonce, logs);
        Assert.DoesNotContain("frank-", logs); // the userinfo document's email
        var token = Assert.Single(issued);
        Assert.DoesNotContain(token, logs);
        Assert.DoesNotContain(token.Split('.')[2], logs);
        Assert.DoesNotContain("fake-access-token-", logs);
        Assert.DoesNotContain("fake-secret-never-logged", logs);
    }
}
