using System.Net;
using System.Text.Json;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Tests.Integration.Web.Infrastructure;

namespace Portal.Tests.Integration.Web;

/// <summary>Who may reach which page, and how sign-in, lockout and sign-out behave over plain HTTP.</summary>
public sealed class AccessAndSignInTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/regions")]
    [InlineData("/tenants")]
    public async Task Anonymous_requests_for_pages_are_sent_to_sign_in(string path)
    {
        using var client = factory.CreatePortalClient();

        using var response = await client.GetAsync(path);

        var location = PortalHttp.AssertRedirect(response, PortalHttp.LoginPath);
        Assert.Equal(path, PortalHttp.QueryValue(location, "ReturnUrl"));
    }

    [Fact]
    public async Task Sign_in_page_is_open_to_anonymous_users_and_renders_the_form()
    {
        using var client = factory.CreatePortalClient();

        var form = await PortalHttp.GetFormAsync(client, PortalHttp.LoginPath);

        Assert.Equal("login", form.Fields["_handler"]);
        Assert.NotEmpty(form.Fields[PortalHttp.AntiforgeryFieldName]);
        Assert.Contains("name=\"Input.Email\"", form.Html);
        Assert.Contains("name=\"Input.Password\"", form.Html);
        Assert.Contains(">Sign in<", form.Html);
    }

    [Fact]
    public async Task Health_endpoint_is_anonymous_and_reports_healthy_json()
    {
        using var client = factory.CreatePortalClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bootstrap_admin_signs_in_and_opens_regions()
    {
        using var client = factory.CreatePortalClient();

        using var signIn = await PortalHttp.SignInAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
        PortalHttp.AssertRedirect(signIn, "/");
        Assert.True(PortalHttp.SetsCookie(signIn, PortalHttp.AuthCookieName), "Signing in set no Portal.Auth cookie.");

        var html = await PortalHttp.GetHtmlAsync(client, "/regions");
        Assert.Contains("Regions &amp; Zones", html);
    }

    [Fact]
    public async Task Sign_in_returns_to_the_requested_local_page()
    {
        using var client = factory.CreatePortalClient();

        using var signIn = await PortalHttp.SignInAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword, returnUrl: "/regions");

        PortalHttp.AssertRedirect(signIn, "/regions");
    }

    [Fact]
    public async Task Tenant_only_user_is_denied_platform_pages_but_sees_the_dashboard()
    {
        const string email = "tenant-only@portal.test";
        await factory.CreateUserAsync(email, PlatformRole.None);
        using var client = factory.CreatePortalClient();
        await PortalHttp.SignInOrFailAsync(client, email, PortalWebFactory.DefaultUserPassword);

        using var regions = await client.GetAsync("/regions");

        if (regions.StatusCode != HttpStatusCode.Forbidden)
            PortalHttp.AssertRedirect(regions, "/account/access-denied");
        await PortalHttp.GetHtmlAsync(client, "/");
    }

    [Fact]
    public async Task Auth_cookie_is_http_only_and_same_site_lax()
    {
        using var client = factory.CreatePortalClient();

        using var signIn = await PortalHttp.SignInAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var cookie = PortalHttp.SetCookieHeader(signIn, PortalHttp.AuthCookieName);
        Assert.NotNull(cookie);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Contains(attributes, a => a.Equals("httponly", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(attributes, a => a.Equals("samesite=lax", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_message_and_no_cookie()
    {
        const string email = "wrong-password@portal.test";
        await factory.CreateUserAsync(email, PlatformRole.None);
        using var client = factory.CreatePortalClient();

        using var response = await PortalHttp.SignInAsync(client, email, "not-the-right-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(PortalHttp.SetsCookie(response, PortalHttp.AuthCookieName));
        Assert.Equal("The email or password is not correct.", PortalHttp.FormError(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Sign_out_without_an_antiforgery_token_is_refused()
    {
        using var client = factory.CreatePortalClient();
        await PortalHttp.SignInOrFailAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        using var response = await client.PostAsync(PortalHttp.LogoutPath,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // Still signed in.
        await PortalHttp.GetHtmlAsync(client, "/regions");
    }

    [Fact]
    public async Task Sign_out_with_the_token_ends_the_session()
    {
        using var client = factory.CreatePortalClient();
        await PortalHttp.SignInOrFailAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        using var signOut = await PortalHttp.SignOutAsync(client);

        var location = PortalHttp.AssertRedirect(signOut, PortalHttp.LoginPath);
        Assert.Equal("true", PortalHttp.QueryValue(location, "signedOut"));
        using var after = await client.GetAsync("/regions");
        PortalHttp.AssertRedirect(after, PortalHttp.LoginPath);
    }
}
