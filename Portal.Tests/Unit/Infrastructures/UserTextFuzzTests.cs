using System.Text;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.OpenStack;
using Portal.Tests.Unit.Kubernetes;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Infrastructures;

/// <summary>
/// Every parser of text people paste or upload (clouds.yaml and openrc, kubeconfig, CA bundle) fed hostile input:
/// each must come back with a refusal that says what is wrong, never an exception.
/// </summary>
public sealed class UserTextFuzzTests
{
    private const int RandomCases = 300;

    /// <summary>A parser under test: its name, the kind of text it reads, and the call (the refusal's message, or null when it accepted).</summary>
    public sealed record Parser(string Name, UserTextKind Kind, bool ReadsYaml, Func<string, string?> Parse, string Valid)
    {
        public override string ToString() => Name;
    }

    private const string ValidCloudsYaml = """
        clouds:
          openstack:
            auth:
              auth_url: https://keystone.example.com:5000/v3
              application_credential_id: "4f8c1f7a"
              application_credential_secret: "s3cret"
            region_name: RegionOne
            interface: public
            auth_type: v3applicationcredential
        """;

    private const string ValidOpenRc = """
        export OS_AUTH_URL=https://keystone.example.com:5000/v3
        export OS_USERNAME=alice
        export OS_PROJECT_NAME=team-a
        export OS_PASSWORD=s3cret
        """;

    private const string ValidKubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: https://kube.example.com:6443
        users:
        - name: u
          user:
            token: abc
        contexts:
        - name: x
          context:
            cluster: c
            user: u
        current-context: x
        """;

    private static readonly string ValidCaBundle = new KubeTestPki().AuthorityPem;

    public static readonly IReadOnlyList<Parser> Parsers =
    [
        new("clouds.yaml", UserTextKind.CloudConfig, true, text => CloudConfigImport.Parse(text).Refusal?.Message, ValidCloudsYaml),
        new("openrc", UserTextKind.CloudConfig, false, text => CloudConfigImport.Parse(text).Refusal?.Message, ValidOpenRc),
        new("kubeconfig", UserTextKind.Kubeconfig, true, text => Kubeconfig.Parse(text) is { Succeeded: false } parsed ? parsed.Error!.Message : null, ValidKubeconfig),
        new("CA bundle (registration)", UserTextKind.CaBundle, false, text => WithCaBundle(text).Validate(secretPresent: true).Refusal?.Message, ValidCaBundle),
        new("CA bundle (engine)", UserTextKind.CaBundle, false, EngineCaBundle, ValidCaBundle),
    ];

    private static ConnectionSettings WithCaBundle(string pem) =>
        new("https://keystone.example.com:5000/v3", null, EndpointInterfaceKind.Public, CredentialKind.ApplicationCredential, "app-id", null, null, null, null, pem);

    private static string? EngineCaBundle(string pem)
    {
        var error = CaBundle.TryParse(pem, out var certificates);
        foreach (var certificate in certificates)
            certificate.Dispose();
        return error;
    }

    /// <summary>The openrc parser is chosen by its <c>export OS_...=</c> lines, so its hostile texts carry one.</summary>
    private static string Shaped(Parser parser, string text) => parser.Name == "openrc" ? "export OS_AUTH_URL=https://k/v3\n" + text : text;

    public static TheoryData<Parser, HostileText.Case> HostileTexts()
    {
        var data = new TheoryData<Parser, HostileText.Case>();
        foreach (var parser in Parsers)
        {
            foreach (var hostile in HostileText.Texts)
                data.Add(parser, hostile);
        }
        return data;
    }

    public static TheoryData<Parser, HostileText.FileCase> HostileFiles()
    {
        var data = new TheoryData<Parser, HostileText.FileCase>();
        foreach (var parser in Parsers)
        {
            foreach (var hostile in HostileText.Files)
                data.Add(parser, hostile);
        }
        return data;
    }

    public static TheoryData<Parser> AllParsers() => [.. Parsers];

    // ---- hostile texts and files ----

    [Theory]
    [MemberData(nameof(HostileTexts))]
    public void Parse_HostileText_IsRefusedWithAClearMessage(Parser parser, HostileText.Case hostile)
    {
        var message = parser.Parse(Shaped(parser, hostile.Text));

        // An openrc is read line by line, never as YAML: its OS_ lines are taken and YAML tricks around them are inert
        // text (the form checks what was filled in). Every other parser refuses.
        if (hostile.Yaml && parser.Name == "openrc")
            return;
        Assert.NotNull(message);
        // A parser that reads no YAML refuses a YAML trick for its own reason (it is not PEM).
        if (!hostile.Yaml || parser.ReadsYaml)
            Assert.Contains(hostile.Expected, message);
        Assert.DoesNotContain('\0', message);
        Assert.True(message.Length < 400, $"The message is {message.Length} characters: {message}");
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Decode_HostileUpload_IsRefusedBeforeTheParserWithAClearMessage(Parser parser, HostileText.FileCase hostile)
    {
        var decoded = UserText.Decode(hostile.Bytes, parser.Kind);

        var refusal = decoded.ShouldBeRefused(RefusalKind.Invalid, parser.Kind.Field);
        Assert.Contains(hostile.Expected, refusal.Message);
    }

    [Fact]
    public void Check_OversizeText_SaysItsSizeAndTheLimit()
    {
        var text = new string('a', 2_200_000);

        var refusal = UserText.Check(text, UserTextKind.CloudsYaml).ShouldBeRefused(RefusalKind.Invalid, Fields.Paste);

        Assert.Equal("The clouds.yaml is too large: 2.1 MB; the limit is 256 KB.", refusal.Message);
    }

    [Fact]
    public void ReadYaml_AliasOfAnAnchor_NamesTheAliasFeature()
    {
        var refusal = UserText.ReadYaml("a: x\nb: *a\n", UserTextKind.Kubeconfig).ShouldBeRefused(RefusalKind.Invalid, Fields.Kubeconfig);

        Assert.Equal("The kubeconfig uses YAML aliases (*a on line 2), which Portal does not accept. Write the values out in full.", refusal.Message);
    }

    [Theory]
    [MemberData(nameof(AllParsers))]
    public void Parse_ValidTextAndItsUpload_AreAccepted(Parser parser)
    {
        // The hostile cases prove refusals; this proves the gate lets the real thing through, pasted or uploaded with a BOM.
        Assert.Null(parser.Parse(parser.Valid));
        var decoded = UserText.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(parser.Valid)], parser.Kind).ShouldSucceed();
        Assert.Null(parser.Parse(decoded));
    }

    // ---- random input ----

    [Theory]
    [MemberData(nameof(AllParsers))]
    public void Parse_RandomBytesUploaded_AreRefusedNeverThrown(Parser parser)
    {
        var index = 0;
        foreach (var bytes in HostileText.RandomBytes(seed: 1206, RandomCases))
        {
            var decoded = UserText.Decode(bytes, parser.Kind);
            var message = decoded.Succeeded ? parser.Parse(decoded.Value!) : decoded.Refusal!.Message;
            Assert.False(string.IsNullOrWhiteSpace(message), $"Random case {index} ({bytes.Length} bytes) was accepted or refused without a reason.");
            index++;
        }
    }

    [Theory]
    [MemberData(nameof(AllParsers))]
    public void Parse_RandomYamlPunctuation_IsRefusedNeverThrown(Parser parser)
    {
        var index = 0;
        foreach (var text in HostileText.RandomYamlish(seed: 1207, RandomCases))
        {
            // For openrc the random text is the value of OS_AUTH_URL and the lines after it: the parse must not throw,
            // and a refusal, when there is one, says why (a URL-shaped first line is taken and checked by the form).
            if (parser.Name == "openrc")
            {
                var openrc = parser.Parse("export OS_AUTH_URL=" + text);
                Assert.True(openrc is null || openrc.Trim().Length > 0, $"Random case {index} was refused without a reason.");
                index++;
                continue;
            }
            var message = parser.Parse(text);
            Assert.False(string.IsNullOrWhiteSpace(message), $"Random case {index} was accepted or refused without a reason: {text}");
            index++;
        }
    }

    [Theory]
    [MemberData(nameof(AllParsers))]
    public void Parse_RandomEditsOfAValidText_NeverThrow(Parser parser)
    {
        // An edit may leave the text valid (a space in a comment), so only "no exception, and a refusal says why" is asserted.
        var index = 0;
        foreach (var text in HostileText.Mutations(parser.Valid, seed: 1208, RandomCases))
        {
            var message = parser.Parse(text);
            Assert.True(message is null || message.Trim().Length > 0, $"Mutation {index} was refused without a reason.");
            index++;
        }
    }

    [Fact]
    public void Parse_KubeconfigWithRandomCertificateAndKeyData_NeverThrows()
    {
        var random = new Random(1209);
        for (var i = 0; i < RandomCases; i++)
        {
            var bytes = new byte[random.Next(1, 2048)];
            random.NextBytes(bytes);
            // Some cases start like PEM, so the certificate readers (not only the base64 check) see the random bytes.
            var data = Convert.ToBase64String(i % 2 == 0 ? bytes : [.. "-----BEGIN CERTIFICATE-----\n"u8, .. bytes, .. "\n-----END CERTIFICATE-----\n"u8]);
            var text = ValidKubeconfig
                .Replace("    server: https://kube.example.com:6443", $"    server: https://kube.example.com:6443\n    certificate-authority-data: {data}")
                .Replace("    token: abc", $"    client-certificate-data: {data}\n    client-key-data: {data}");

            var parsed = Kubeconfig.Parse(text);

            Assert.False(parsed.Succeeded, $"Random case {i} was accepted.");
            Assert.False(string.IsNullOrWhiteSpace(parsed.Error!.Message));
        }
    }
}
