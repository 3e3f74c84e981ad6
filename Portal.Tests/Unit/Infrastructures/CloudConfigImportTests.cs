using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Infrastructures;

public sealed class CloudConfigImportTests
{
    // ---- clouds.yaml ----

    private const string PasswordCloudsYaml = """
        clouds:
          openstack:
            auth:
              auth_url: https://keystone.example.com:5000/v3
              username: "alice"
              password: "pa:ss word"
              project_name: "team-a"
              user_domain_name: "Users"
              project_domain_name: "Projects"
            region_name: "RegionOne"
            interface: "internal"
            identity_api_version: 3
        """;

    private const string AppCredentialCloudsYaml = """
        clouds:
          openstack:
            auth:
              auth_url: https://keystone.example.com:5000/v3
              application_credential_id: "21f2f1f4c5b84b2a9e5d0d6c9a1b2c3d"
              application_credential_secret: "s3cr3t-app-secret"
            region_name: "RegionOne"
            interface: "public"
            identity_api_version: 3
            auth_type: "v3applicationcredential"
        """;

    private const string TwoCloudsYaml = """
        clouds:
          staging:
            auth:
              auth_url: https://staging.example.com:5000/v3
              application_credential_id: staging-id
              application_credential_secret: staging-secret
            auth_type: v3applicationcredential
          production:
            auth:
              auth_url: https://production.example.com:5000/v3
              username: bob
              project_name: prod
            region_name: RegionTwo
        """;

    [Fact]
    public void Parse_CloudsYamlWithPassword_FillsThePasswordForm()
    {
        var imported = CloudConfigImport.Parse(PasswordCloudsYaml).ShouldSucceed();

        var s = imported.Settings;
        Assert.Equal("https://keystone.example.com:5000/v3", s.AuthUrl);
        Assert.Equal(CredentialKind.Password, s.CredentialKind);
        Assert.Equal("alice", s.UserName);
        Assert.Equal("Users", s.UserDomain);
        Assert.Equal("team-a", s.ProjectName);
        Assert.Equal("Projects", s.ProjectDomain);
        Assert.Equal("RegionOne", s.RegionName);
        Assert.Equal(EndpointInterfaceKind.Internal, s.Interface);
        Assert.Null(s.ApplicationCredentialId);
        Assert.Equal("pa:ss word", imported.Secret);
        Assert.Equal("clouds.yaml 'openstack'", imported.Source);
        Assert.Empty(imported.Notes);
        // What was imported validates like typed input.
        s.Validate(secretPresent: imported.Secret is not null).ShouldSucceed();
    }

    [Fact]
    public void Parse_CloudsYamlWithApplicationCredential_FillsTheApplicationCredentialForm()
    {
        var imported = CloudConfigImport.Parse(AppCredentialCloudsYaml).ShouldSucceed();

        var s = imported.Settings;
        Assert.Equal(CredentialKind.ApplicationCredential, s.CredentialKind);
        Assert.Equal("21f2f1f4c5b84b2a9e5d0d6c9a1b2c3d", s.ApplicationCredentialId);
        Assert.Equal("s3cr3t-app-secret", imported.Secret);
        Assert.Equal("RegionOne", s.RegionName);
        Assert.Equal(EndpointInterfaceKind.Public, s.Interface);
        Assert.Null(s.UserName);
        Assert.Null(s.ProjectName);
        Assert.Empty(imported.Notes);
    }

    [Fact]
    public void Parse_CloudsYamlAuthTypeWithoutId_IsStillAnApplicationCredential()
    {
        const string yaml = """
            clouds:
              mine:
                auth_type: v3applicationcredential
                auth:
                  auth_url: https://keystone.example.com/v3
                  application_credential_secret: only-the-secret
            """;

        var imported = CloudConfigImport.Parse(yaml).ShouldSucceed();

        Assert.Equal(CredentialKind.ApplicationCredential, imported.Settings.CredentialKind);
        Assert.Null(imported.Settings.ApplicationCredentialId);
        // The form then asks for the id, as if typed.
        imported.Settings.Validate(true).ShouldBeRefused(RefusalKind.Invalid, Fields.ApplicationCredentialId);
    }

    [Fact]
    public void Parse_CloudsYamlWithSeveralClouds_UsesTheFirstAndSaysSo()
    {
        var imported = CloudConfigImport.Parse(TwoCloudsYaml).ShouldSucceed();

        Assert.Equal("https://staging.example.com:5000/v3", imported.Settings.AuthUrl);
        Assert.Equal("staging-secret", imported.Secret);
        Assert.Equal("clouds.yaml 'staging'", imported.Source);
        var note = Assert.Single(imported.Notes);
        Assert.Contains("2 clouds", note);
        Assert.Contains("'staging'", note);
    }

    [Fact]
    public void Parse_CloudsYamlWithNamedCloud_UsesThatCloudWithoutANote()
    {
        var imported = CloudConfigImport.Parse(TwoCloudsYaml, "production").ShouldSucceed();

        Assert.Equal("https://production.example.com:5000/v3", imported.Settings.AuthUrl);
        Assert.Equal(CredentialKind.Password, imported.Settings.CredentialKind);
        Assert.Equal("bob", imported.Settings.UserName);
        Assert.Equal("prod", imported.Settings.ProjectName);
        Assert.Equal("RegionTwo", imported.Settings.RegionName);
        Assert.Null(imported.Secret);
        // Without a password in the file the form asks for it (secure.yaml keeps it elsewhere).
        Assert.Contains(imported.Notes, n => n.Contains("no password"));
        Assert.DoesNotContain(imported.Notes, n => n.Contains("clouds;"));
    }

    [Fact]
    public void Parse_CloudsYamlWithUnknownCloudName_IsInvalidNamingIt()
    {
        var refusal = CloudConfigImport.Parse(TwoCloudsYaml, "missing").ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

        Assert.Contains("'missing'", refusal.Message);
    }

    [Fact]
    public void Parse_CloudsYamlWithoutAuthUrl_IsInvalidNamingTheCloud()
    {
        const string yaml = """
            clouds:
              broken:
                auth:
                  username: alice
                  password: secret
                  project_name: team
            """;

        var refusal = CloudConfigImport.Parse(yaml).ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

        Assert.Equal("The cloud 'broken' has no auth_url.", refusal.Message);
        Assert.DoesNotContain("secret", refusal.Message);
    }

    [Fact]
    public void Parse_CloudsYamlWithoutAuthSection_IsInvalid()
    {
        var refusal = CloudConfigImport.Parse("clouds:\n  bare:\n    region_name: RegionOne\n").ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

        Assert.Contains("no 'auth' section", refusal.Message);
    }

    [Fact]
    public void Parse_CloudsYamlWithoutClouds_IsInvalid()
    {
        var refusal = CloudConfigImport.Parse("clouds: {}\n").ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

        Assert.Contains("no clouds", refusal.Message);
    }

    [Fact]
    public void Parse_SingleCloudEntryWithoutCloudsKey_IsAccepted()
    {
        const string yaml = """
            auth:
              auth_url: https://keystone.example.com/v3
              username: alice
              password: secret
              project_name: team
            region_name: RegionOne
            """;

        var imported = CloudConfigImport.Parse(yaml).ShouldSucceed();

        Assert.Equal("https://keystone.example.com/v3", imported.Settings.AuthUrl);
        Assert.Equal("secret", imported.Secret);
    }

    [Theory]
    [InlineData("clouds:\n  openstack:\n    auth: [unclosed\n")]
    [InlineData("clouds:\n  openstack:\n    auth:\n      auth_url: \"https://x\n")]
    [InlineData("clouds:\n  - a\n  b: c\n")]
    public void Parse_InvalidYaml_IsInvalidWithAClearMessageAndLine(string text)
    {
        var refusal = CloudConfigImport.Parse(text).ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

        Assert.StartsWith("The clouds.yaml is not valid YAML (line ", refusal.Message);
        Assert.DoesNotContain("\n", refusal.Message);
    }

    [Theory]
    [InlineData("just some words")]
    [InlineData("- a\n- b\n")]
    [InlineData("name: value\n")]
    public void Parse_YamlThatIsNotACloudsFile_IsInvalid(string text)
    {
        var refusal = CloudConfigImport.Parse(text).ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

        Assert.Contains("clouds:", refusal.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Parse_Nothing_AsksToPaste(string? text) =>
        CloudConfigImport.Parse(text).ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

    [Fact]
    public void Parse_TooLong_IsInvalid() =>
        CloudConfigImport.Parse("a: " + new string('x', 300 * 1024)).ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

    // ---- openrc ----

    [Fact]
    public void Parse_OpenRcWithPassword_FillsThePasswordForm()
    {
        const string openrc = """
            #!/usr/bin/env bash
            export OS_AUTH_URL=https://keystone.example.com:5000/v3
            export OS_PROJECT_ID=0123456789abcdef
            export OS_PROJECT_NAME="team-a"
            export OS_USER_DOMAIN_NAME="Users"
            export OS_PROJECT_DOMAIN_ID="default"
            unset OS_TENANT_ID
            unset OS_TENANT_NAME
            export OS_USERNAME="alice"
            export OS_PASSWORD="correct horse"
            export OS_REGION_NAME="RegionOne"
            export OS_INTERFACE=public
            export OS_IDENTITY_API_VERSION=3
            """;

        var imported = CloudConfigImport.Parse(openrc).ShouldSucceed();

        var s = imported.Settings;
        Assert.Equal("openrc", imported.Source);
        Assert.Equal(CredentialKind.Password, s.CredentialKind);
        Assert.Equal("https://keystone.example.com:5000/v3", s.AuthUrl);
        Assert.Equal("alice", s.UserName);
        Assert.Equal("Users", s.UserDomain);
        Assert.Equal("team-a", s.ProjectName);
        Assert.Equal("default", s.ProjectDomain);
        Assert.Equal("RegionOne", s.RegionName);
        Assert.Equal(EndpointInterfaceKind.Public, s.Interface);
        Assert.Equal("correct horse", imported.Secret);
        Assert.Empty(imported.Notes);
    }

    [Fact]
    public void Parse_OpenRcWithApplicationCredential_FillsTheApplicationCredentialForm()
    {
        const string openrc = """
            export OS_AUTH_TYPE=v3applicationcredential
            export OS_AUTH_URL=https://keystone.example.com:5000/v3
            export OS_IDENTITY_API_VERSION=3
            export OS_REGION_NAME="RegionOne"
            export OS_INTERFACE=internal
            export OS_APPLICATION_CREDENTIAL_ID=21f2f1f4c5b84b2a
            export OS_APPLICATION_CREDENTIAL_SECRET=app-secret-value
            """;

        var imported = CloudConfigImport.Parse(openrc).ShouldSucceed();

        var s = imported.Settings;
        Assert.Equal(CredentialKind.ApplicationCredential, s.CredentialKind);
        Assert.Equal("21f2f1f4c5b84b2a", s.ApplicationCredentialId);
        Assert.Equal("app-secret-value", imported.Secret);
        Assert.Equal(EndpointInterfaceKind.Internal, s.Interface);
        Assert.Null(s.UserName);
        Assert.Empty(imported.Notes);
    }

    [Fact]
    public void Parse_OpenRcWithInteractivePasswordPrompt_LeavesTheSecretEmptyAndAsksToTypeIt()
    {
        const string openrc = """
            #!/usr/bin/env bash
            export OS_AUTH_URL=https://keystone.example.com:5000/v3
            export OS_PROJECT_NAME="team-a"
            export OS_USER_DOMAIN_NAME="Default"
            export OS_USERNAME="alice"
            # With Keystone you pass the keystone password.
            echo "Please enter your OpenStack Password for project $OS_PROJECT_NAME as user $OS_USERNAME: "
            read -sr OS_PASSWORD_INPUT
            export OS_PASSWORD=$OS_PASSWORD_INPUT
            export OS_REGION_NAME="RegionOne"
            """;

        var imported = CloudConfigImport.Parse(openrc).ShouldSucceed();

        Assert.Null(imported.Secret);
        Assert.Equal(CredentialKind.Password, imported.Settings.CredentialKind);
        Assert.Equal("alice", imported.Settings.UserName);
        var note = Assert.Single(imported.Notes);
        Assert.Contains("type the password", note);
        Assert.Equal("team-a", imported.Settings.ProjectName);
    }

    [Fact]
    public void Parse_OpenRcWithQuotedValues_StripsDoubleAndSingleQuotes()
    {
        const string openrc = """
            export OS_AUTH_URL='https://keystone.example.com:5000/v3'
            export OS_USERNAME="alice smith"
            export OS_PASSWORD='it"s quoted'
            export OS_TENANT_NAME="legacy project"
            export OS_REGION_NAME=RegionOne
            """;

        var imported = CloudConfigImport.Parse(openrc).ShouldSucceed();

        Assert.Equal("https://keystone.example.com:5000/v3", imported.Settings.AuthUrl);
        Assert.Equal("alice smith", imported.Settings.UserName);
        Assert.Equal("it\"s quoted", imported.Secret);
        Assert.Equal("legacy project", imported.Settings.ProjectName);
        Assert.Equal("RegionOne", imported.Settings.RegionName);
    }

    [Fact]
    public void Parse_OpenRcWithWindowsLineEndings_DropsTheCarriageReturns()
    {
        var openrc = "export OS_AUTH_URL=https://keystone.example.com/v3\r\nexport OS_USERNAME=\"alice\"\r\nexport OS_PROJECT_NAME=team\r\nexport OS_PASSWORD=secret\r\n";

        var imported = CloudConfigImport.Parse(openrc).ShouldSucceed();

        Assert.Equal("https://keystone.example.com/v3", imported.Settings.AuthUrl);
        Assert.Equal("alice", imported.Settings.UserName);
        Assert.Equal("secret", imported.Secret);
        imported.Settings.Validate(true).ShouldSucceed();
    }

    [Fact]
    public void Parse_OpenRcWithoutAuthUrl_IsInvalid()
    {
        var refusal = CloudConfigImport.Parse("export OS_USERNAME=alice\nexport OS_PASSWORD=secret\n").ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

        Assert.Equal("The openrc file has no OS_AUTH_URL.", refusal.Message);
    }
}
