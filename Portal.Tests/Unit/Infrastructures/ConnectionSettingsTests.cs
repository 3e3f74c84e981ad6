using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Infrastructures;

public sealed class ConnectionSettingsTests
{
    /// <summary>A real certificate: the bundle is read, not only recognised by its header.</summary>
    private static readonly string Pem = new Portal.Tests.Unit.Kubernetes.KubeTestPki().AuthorityPem.Trim();

    private static ConnectionSettings AppCredential(string authUrl = "https://keystone.example.com:5000/v3", string? id = "app-id",
        string? region = "RegionOne", string? caBundle = null) =>
        new(authUrl, region, EndpointInterfaceKind.Public, CredentialKind.ApplicationCredential, id, null, null, null, null, caBundle);

    private static ConnectionSettings Password(string? user = "alice", string? userDomain = null, string? project = "team",
        string? projectDomain = null) =>
        new("https://keystone.example.com:5000/v3", null, EndpointInterfaceKind.Public, CredentialKind.Password, null, user, userDomain,
            project, projectDomain, null);

    // ---- auth URL ----

    [Fact]
    public void Validate_WellFormedApplicationCredential_ReturnsTrimmedSettings()
    {
        var settings = AppCredential(authUrl: "  https://keystone.example.com:5000/v3  ", id: "  app-id ", region: " RegionOne ")
            .Validate(secretPresent: true).ShouldSucceed();

        Assert.Equal("https://keystone.example.com:5000/v3", settings.AuthUrl);
        Assert.Equal("app-id", settings.ApplicationCredentialId);
        Assert.Equal("RegionOne", settings.RegionName);
        Assert.Null(settings.UserName);
        Assert.Null(settings.CaBundlePem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_EmptyAuthUrl_IsInvalidOnAuthUrlAsRequired(string url)
    {
        var refusal = AppCredential(authUrl: url).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.AuthUrl);

        Assert.Contains("required", refusal.Message);
    }

    [Theory]
    [InlineData("keystone.example.com:5000/v3")]
    [InlineData("not a url")]
    [InlineData("/v3")]
    [InlineData("https://")]
    public void Validate_MalformedUrl_IsInvalidOnAuthUrlWithAnExample(string url)
    {
        var refusal = AppCredential(authUrl: url).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.AuthUrl);

        Assert.Contains("https://keystone.example.com:5000/v3", refusal.Message);
    }

    [Theory]
    [InlineData("ftp://keystone.example.com/v3")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ldap://keystone.example.com/v3")]
    public void Validate_NonHttpScheme_IsInvalidOnAuthUrl(string url)
    {
        var refusal = AppCredential(authUrl: url).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.AuthUrl);

        Assert.Contains("not an http(s) URL", refusal.Message);
    }

    [Fact]
    public void Validate_PlainHttpUrl_IsAccepted()
    {
        var settings = AppCredential(authUrl: "http://10.0.0.5:5000/v3").Validate(true).ShouldSucceed();

        Assert.Equal("http://10.0.0.5:5000/v3", settings.AuthUrl);
    }

    [Theory]
    [InlineData("https://admin:s3cret@keystone.example.com:5000/v3")]
    [InlineData("https://keystone.example.com:5000/v3?token=abc")]
    public void Validate_UrlWithCredentialsOrQuery_IsInvalidOnAuthUrl(string url)
    {
        var refusal = AppCredential(authUrl: url).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.AuthUrl);

        Assert.Equal("Auth URL must not contain credentials or a query string.", refusal.Message);
        Assert.DoesNotContain("s3cret", refusal.Message);
    }

    [Theory]
    [InlineData("https://keystone.example.com:5000/v\t3")]
    [InlineData("https://keystone.example.com:5000/v3\nX-Injected: 1")]
    [InlineData("https://keystone.exa\u0000mple.com/v3")]
    public void Validate_AuthUrlWithControlCharacter_IsInvalidOnAuthUrl(string url) =>
        AppCredential(authUrl: url).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.AuthUrl);

    [Fact]
    public void Validate_UrlTooLong_IsInvalidOnAuthUrl()
    {
        var url = "https://keystone.example.com/" + new string('a', ConnectionSettings.UrlMaxLength);

        var refusal = AppCredential(authUrl: url).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.AuthUrl);

        Assert.Contains($"{ConnectionSettings.UrlMaxLength}", refusal.Message);
    }

    // ---- application credential ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_ApplicationCredentialWithoutId_IsInvalidOnTheId(string? id)
    {
        var refusal = AppCredential(id: id).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.ApplicationCredentialId);

        Assert.Equal("Application credential ID is required.", refusal.Message);
    }

    [Fact]
    public void Validate_ApplicationCredentialWithoutSecret_IsInvalidOnTheSecret()
    {
        var refusal = AppCredential().Validate(secretPresent: false).ShouldBeRefused(RefusalKind.Invalid, Fields.ApplicationCredentialSecret);

        Assert.Equal("Application credential secret is required.", refusal.Message);
    }

    [Fact]
    public void Validate_ApplicationCredentialWithPasswordFields_DropsThePasswordFields()
    {
        var settings = new ConnectionSettings("https://keystone.example.com/v3", null, EndpointInterfaceKind.Internal,
            CredentialKind.ApplicationCredential, "app-id", "alice", "Users", "team", "Projects", null).Validate(true).ShouldSucceed();

        Assert.Null(settings.UserName);
        Assert.Null(settings.UserDomain);
        Assert.Null(settings.ProjectName);
        Assert.Null(settings.ProjectDomain);
        Assert.Equal(EndpointInterfaceKind.Internal, settings.Interface);
    }

    // ---- password ----

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Validate_PasswordWithoutUser_IsInvalidOnUserName(string? user)
    {
        var refusal = Password(user: user).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.UserName);

        Assert.Equal("User name is required.", refusal.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_PasswordWithoutProject_IsInvalidOnProjectName(string? project)
    {
        var refusal = Password(project: project).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.ProjectName);

        Assert.Equal("Project name is required.", refusal.Message);
    }

    [Fact]
    public void Validate_PasswordWithoutSecret_IsInvalidOnPassword()
    {
        var refusal = Password().Validate(secretPresent: false).ShouldBeRefused(RefusalKind.Invalid, Fields.Password);

        Assert.Equal("Password is required.", refusal.Message);
    }

    [Fact]
    public void Validate_PasswordWithoutDomains_DefaultsBothDomainsToDefault()
    {
        var settings = Password(userDomain: "  ", projectDomain: null).Validate(true).ShouldSucceed();

        Assert.Equal("Default", settings.UserDomain);
        Assert.Equal("Default", settings.ProjectDomain);
    }

    [Fact]
    public void Validate_PasswordWithDomains_KeepsThemAndDropsTheApplicationCredentialId()
    {
        var settings = new ConnectionSettings("https://keystone.example.com/v3", null, EndpointInterfaceKind.Public, CredentialKind.Password,
            "stale-app-id", "alice", " Users ", "team", "Projects", null).Validate(true).ShouldSucceed();

        Assert.Equal("Users", settings.UserDomain);
        Assert.Equal("Projects", settings.ProjectDomain);
        Assert.Null(settings.ApplicationCredentialId);
    }

    // ---- lengths and characters ----

    [Fact]
    public void Validate_RegionNameTooLong_IsInvalidOnRegionName()
    {
        var refusal = AppCredential(region: new string('r', ConnectionSettings.FieldMaxLength + 1)).Validate(true)
            .ShouldBeRefused(RefusalKind.Invalid, Fields.RegionName);

        Assert.Contains($"{ConnectionSettings.FieldMaxLength}", refusal.Message);
    }

    [Fact]
    public void Validate_FieldsAtTheLimit_AreAccepted()
    {
        var atLimit = new string('u', ConnectionSettings.FieldMaxLength);

        var settings = Password(user: atLimit, project: atLimit).Validate(true).ShouldSucceed();

        Assert.Equal(atLimit, settings.UserName);
    }

    [Fact]
    public void Validate_UserNameTooLong_IsInvalidOnUserName() =>
        Password(user: new string('u', ConnectionSettings.FieldMaxLength + 1)).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.UserName);

    [Fact]
    public void Validate_ApplicationCredentialIdTooLong_IsInvalidOnTheId() =>
        AppCredential(id: new string('a', ConnectionSettings.FieldMaxLength + 1)).Validate(true)
            .ShouldBeRefused(RefusalKind.Invalid, Fields.ApplicationCredentialId);

    [Theory]
    [InlineData("ali\nce")]
    [InlineData("ali\tce")]
    [InlineData("ali\u0000ce")]
    public void Validate_UserNameWithControlCharacter_IsInvalidOnThatField(string user)
    {
        var refusal = Password(user: user).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.UserName);

        Assert.Contains("control characters", refusal.Message);
    }

    [Fact]
    public void Validate_ProjectDomainWithControlCharacter_IsInvalidOnProjectDomain() =>
        Password(projectDomain: "Def\u0007ault").Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.ProjectDomain);

    [Fact]
    public void Validate_RegionWithControlCharacter_IsInvalidOnRegionName() =>
        AppCredential(region: "Region\rOne").Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.RegionName);

    // ---- CA bundle ----

    [Theory]
    [InlineData("not a certificate")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----")]
    [InlineData("MIIBszCCAVmgAwIBAgIUQ==")]
    public void Validate_CaBundleNotPem_IsInvalidOnCaBundle(string bundle)
    {
        var refusal = AppCredential(caBundle: bundle).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.CaBundle);

        Assert.Contains("PEM", refusal.Message);
    }

    [Fact]
    public void Validate_CaBundleTooLarge_IsInvalidOnCaBundle()
    {
        var bundle = Pem + new string('A', ConnectionSettings.CaBundleMaxLength);

        var refusal = AppCredential(caBundle: bundle).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.CaBundle);

        Assert.Contains("too large", refusal.Message);
    }

    [Fact]
    public void Validate_PemCaBundle_IsKeptTrimmed()
    {
        var settings = AppCredential(caBundle: "\n  " + Pem + "\n\n").Validate(true).ShouldSucceed();

        Assert.Equal(Pem, settings.CaBundlePem);
    }

    [Fact]
    public void Validate_WhitespaceCaBundle_BecomesNull()
    {
        var settings = AppCredential(caBundle: "  \n ").Validate(true).ShouldSucceed();

        Assert.Null(settings.CaBundlePem);
    }

    // ---- enums ----

    [Fact]
    public void Validate_UndefinedInterface_IsInvalidOnInterface() =>
        (AppCredential() with { Interface = (EndpointInterfaceKind)42 }).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.Interface);

    [Fact]
    public void Validate_UndefinedCredentialKind_IsInvalidOnCredentialType() =>
        (AppCredential() with { CredentialKind = (CredentialKind)42 }).Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.CredentialType);
}
