using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Domain.Data;
using Portal.Tests.Integration.Keycloak;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Web;

/// <summary>The portal as deployed (Production): response headers, error pages, cookies and the return address.</summary>
public sealed class WebHardeningTests(WebHardeningTests.ProductionFactory factory) : IClassFixture<WebHardeningTests.ProductionFactory>
{
    [Theory]
    [InlineData("/account/login")]
    [InlineData("/no-such-page")]
    public async Task Pages_CarryTheContentSecurityPolicyAndTheOtherSecurityHeaders(string path)
    {
        using var client = factory.CreatePortalClient();

        using var response = await client.GetAsync(path);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.False(response.Headers.Contains("Server"), "The answer names its server.");
    }

    [Fact]
    public async Task Api_AnswersEvenErrors_WithAPolicyThatAllowsNothing()
    {
        using var client = factory.CreatePortalClient();

        using var response = await client.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task Https_AnswersCarryHstsAndSecureCookies()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://portal.example"), AllowAutoRedirect = false, HandleCookies = true,
        });

        using var form = await client.GetAsync(PortalHttp.LoginPath);
        using var signIn = await PortalHttp.SignInAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        Assert.StartsWith("max-age=", Header(signIn, "Strict-Transport-Security"));
        foreach (var (response, name) in new[] { (signIn, PortalHttp.AuthCookieName), (form, "Portal.Antiforgery") })
        {
            var cookie = PortalHttp.SetCookieHeader(response, name);
            Assert.True(cookie is not null, $"No {name} cookie was set over https.");
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains(attributes, a => a.StartsWith("samesite=", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SignOut_WithoutTheAntiforgeryToken_Answers400WithAPageAndOneLogLine()
    {
        using var client = factory.CreatePortalClient();
        await PortalHttp.SignInOrFailAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
        var before = factory.Logs.Lines.Count;

        using var response = await client.PostAsync(PortalHttp.LogoutPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("The request could not be used", html);
        Assert.DoesNotContain("   at ", html);
        Assert.DoesNotContain("Microsoft.AspNetCore", html);
        var logged = factory.Logs.Lines.Skip(before).ToList();
        var line = Assert.Single(logged);
        Assert.StartsWith("Warning", line);
        Assert.Contains("antiforgery", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", line);
        await PortalHttp.GetHtmlAsync(client, "/regions"); // still signed in
    }

    [Fact]
    public async Task SignOut_ByGet_DoesNotSignOut()
    {
        using var client = factory.CreatePortalClient();
        await PortalHttp.SignInOrFailAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        using var response = await client.GetAsync(PortalHttp.LogoutPath);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.StatusCode < HttpStatusCode.InternalServerError, $"GET sign-out answered {(int)response.StatusCode}.");
        await PortalHttp.GetHtmlAsync(client, "/regions");
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example")]
    public async Task SignIn_ReturnUrlOutsideThePortal_ReturnsToTheDashboard(string returnUrl)
    {
        using var client = factory.CreatePortalClient();

        using var signIn = await PortalHttp.SignInAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword, returnUrl);

        PortalHttp.AssertRedirect(signIn, "/");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void DataFolder_AndEverythingInIt_AreReadableByThePortalsUserOnly()
    {
        _ = factory.Services;

        Assert.Equal(Hosting.DataFolder.FolderMode, File.GetUnixFileMode(factory.DataPath));
        var files = Directory.EnumerateFiles(factory.DataPath, "*", SearchOption.AllDirectories).ToList();
        if (factory.Database.Provider == DatabaseProvider.Sqlite) Assert.NotEmpty(files);
        const UnixFileMode shared = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        var readableByOthers = files.Where(file => (File.GetUnixFileMode(file) & shared) != 0).ToList();
        Assert.Empty(readableByOthers);
    }

    [Fact]
    public void Start_WithoutAKeyRingCertificate_WarnsThatTheKeysAreNotEncrypted()
    {
        _ = factory.Services;

        Assert.Contains(factory.Logs.Lines, line => line.Contains("not encrypted at rest") && line.Contains("Portal:DataProtection:CertificatePath"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"The answer has no {name} header.");

    /// <summary>The portal in the Production environment, its warnings captured.</summary>
    public sealed class ProductionFactory : PortalWebFactory
    {
        public CapturedLogs Logs { get; } = new(LogLevel.Warning);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(Environments.Production);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }
    }
}

/// <summary>The key ring in the database, encrypted with a configured certificate.</summary>
public sealed class KeyRingProtectionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-keyring-").FullName;

    [Fact]
    public async Task Start_WithACertificate_StoresKeysEncryptedAndStillReadsItsSecrets()
    {
        var pfx = Certificate("key-ring", "pfx-password");
        await using var portal = new CertificateFactory(pfx, "pfx-password");
        var protector = portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-ring-test");

        var protectedText = protector.Protect("a stored credential");

        Assert.Equal("a stored credential", protector.Unprotect(protectedText));
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("encryptedSecret", xml);
            Assert.DoesNotContain("<masterKey", xml);
        });
    }

    [Fact]
    public async Task Start_CertificateAddedLater_MakesAnEncryptedKeyAndStillReadsOlderSecrets()
    {
        await using var database = await ScratchDatabase.CreateAsync(nameof(KeyRingProtectionTests), migrated: false);
        string protectedEarlier;
        await using (var before = new SharedFactory(database, null, null))
            protectedEarlier = before.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-ring-test").Protect("stored earlier");

        await using var after = new SharedFactory(database, Certificate("later", "pfx-password"), "pfx-password");
        var protector = after.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-ring-test");
        var protectedNow = protector.Protect("stored now");

        Assert.Equal("stored earlier", protector.Unprotect(protectedEarlier));
        Assert.Equal("stored now", protector.Unprotect(protectedNow));
        await using var db = await after.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var keys = await db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml!).ToListAsync();
        Assert.Equal(2, keys.Count);
        Assert.DoesNotContain("encryptedSecret", keys[0]);
        Assert.Contains("encryptedSecret", keys[1]);
    }

    [Fact]
    public void Apply_MissingCertificate_RefusesTheStartWithTheSettingNamed()
    {
        var options = new Hosting.KeyRingProtectionOptions { CertificatePath = Path.Combine(_folder, "missing.pfx") };

        var refused = Assert.Throws<PortalStartupException>(() => Hosting.KeyRingProtection.Apply(new ServiceCollection(), options));

        Assert.Contains("Portal:DataProtection:CertificatePath", refused.Message);
    }

    [Fact]
    public void Apply_WrongCertificatePassword_RefusesTheStartWithoutRepeatingThePassword()
    {
        var options = new Hosting.KeyRingProtectionOptions { CertificatePath = Certificate("wrong", "right-password"), CertificatePassword = "typed-wrong-password" };

        var refused = Assert.Throws<PortalStartupException>(() => Hosting.KeyRingProtection.Apply(new ServiceCollection(), options));

        Assert.Contains("cannot be read", refused.Message);
        Assert.DoesNotContain("typed-wrong-password", refused.Message);
    }

    private string Certificate(string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>One portal start on a database the test owns, with or without a certificate.</summary>
    private sealed class SharedFactory(ScratchDatabase database, string? certificatePath, string? password) : PortalWebFactory(database)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (certificatePath is not null) builder.UseSetting("Portal:DataProtection:CertificatePath", certificatePath);
            if (password is not null) builder.UseSetting("Portal:DataProtection:CertificatePassword", password);
        }
    }

    private sealed class CertificateFactory(string certificatePath, string? password) : PortalWebFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Portal:DataProtection:CertificatePath", certificatePath);
            if (password is not null) builder.UseSetting("Portal:DataProtection:CertificatePassword", password);
        }
    }
}
