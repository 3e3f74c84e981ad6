using Portal.Jobs.Kubernetes;
using Portal.Jobs;

namespace Portal.Tests.Unit.Kubernetes;

public sealed class KubeconfigTests
{
    /// <summary>A token that must never appear in a message, summary or ToString.</summary>
    private const string Token = "sEcReT-t0ken-5f1d2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a4";

    private const string Contexts = """
        - name: test
          context:
            cluster: test-cluster
            user: test-user
            namespace: team-a
        """;

    private static readonly KubeTestPki Pki = new();
    private static readonly (string Certificate, string Key) Rsa = Pki.RsaClient();
    private static readonly (string Certificate, string Key) OtherRsa = Pki.RsaClient("someone-else");
    private static readonly (string Certificate, string Key) Ec = Pki.EcClient();

    private static string B64(string text) => KubeTestPki.Base64(text);

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => line.Length == 0 ? line : new string(' ', spaces) + line));

    /// <summary>A kubeconfig with one cluster (test-cluster), one user (test-user) and the given contexts.</summary>
    private static string Config(
        string cluster = "server: https://kube.example.com:6443",
        string user = $"token: {Token}",
        string contexts = Contexts,
        string? currentContext = "test",
        string header = "apiVersion: v1\nkind: Config") =>
        $"""
        {header}
        clusters:
        - name: test-cluster
          cluster:
        {Indent(cluster, 4)}
        users:
        - name: test-user
          user:
        {Indent(user, 4)}
        contexts:
        {contexts}
        {(currentContext is null ? "" : $"current-context: {currentContext}")}
        """;

    private static Kubeconfig ShouldParse(string yaml)
    {
        var result = Kubeconfig.Parse(yaml);
        Assert.True(result.Succeeded, $"Expected the kubeconfig to parse, but: {result.Error}");
        return result.Value;
    }

    // ---- Accepted variants -----------------------------------------------------------------------------------

    [Fact]
    public void Parse_TokenKubeconfigFixture_ResolvesServerTokenContextAndNamespace()
    {
        var config = ShouldParse(KubeFixtures.Read("kubeconfig_token.yaml"));

        Assert.Equal("portal@prod", config.CurrentContext);
        Assert.Equal(new Uri("https://k8s-prod.example.com:6443"), config.Connection.Server);
        Assert.Equal("team-a", config.Connection.Namespace);
        Assert.Equal(KubeAuthKind.BearerToken, config.Connection.Credential.Kind);
        Assert.StartsWith("eyJhbGciOiJSUzI1NiIsImtpZCI6IkR1bW15In0.", config.Connection.Credential.Token);
        Assert.Null(config.Connection.CertificateAuthorityPem);
        Assert.False(config.Connection.InsecureSkipTlsVerify);
    }

    [Fact]
    public void Parse_RsaClientCertificate_ResolvesClientCertificateAuth()
    {
        var config = ShouldParse(Config(user: $"client-certificate-data: {B64(Rsa.Certificate)}\nclient-key-data: {B64(Rsa.Key)}"));

        Assert.Equal(KubeAuthKind.ClientCertificate, config.Summary.Auth);
        Assert.Equal(Rsa.Certificate, config.Connection.Credential.ClientCertificatePem);
        Assert.Equal(Rsa.Key, config.Connection.Credential.ClientKeyPem);
        Assert.Contains("BEGIN RSA PRIVATE KEY", config.Connection.Credential.ClientKeyPem);
        Assert.NotNull(config.Summary.ClientCertificateExpires);
        Assert.Null(config.Connection.Credential.Token);
    }

    [Fact]
    public void Parse_EcClientCertificate_ResolvesClientCertificateAuth()
    {
        var config = ShouldParse(Config(user: $"client-certificate-data: {B64(Ec.Certificate)}\nclient-key-data: {B64(Ec.Key)}"));

        Assert.Equal(KubeAuthKind.ClientCertificate, config.Summary.Auth);
        Assert.Contains("BEGIN EC PRIVATE KEY", config.Connection.Credential.ClientKeyPem);
    }

    [Fact]
    public void Parse_ClientKeyInPkcs8Pem_IsAccepted()
    {
        var pkcs8 = Pki.RsaClient(pkcs8: true);

        var config = ShouldParse(Config(user: $"client-certificate-data: {B64(pkcs8.CertificatePem)}\nclient-key-data: {B64(pkcs8.KeyPem)}"));

        Assert.Contains("BEGIN PRIVATE KEY", config.Connection.Credential.ClientKeyPem);
    }

    [Fact]
    public void Parse_TokenAndClientCertificate_UsesBoth()
    {
        var config = ShouldParse(Config(user: $"token: {Token}\nclient-certificate-data: {B64(Ec.Certificate)}\nclient-key-data: {B64(Ec.Key)}"));

        Assert.Equal(KubeAuthKind.ClientCertificateAndToken, config.Summary.Auth);
    }

    [Fact]
    public void Parse_CertificateAuthorityData_IsKeptAsPem()
    {
        var config = ShouldParse(Config(cluster: $"server: https://kube.example.com:6443\ncertificate-authority-data: {B64(Pki.AuthorityPem)}"));

        Assert.Equal(Pki.AuthorityPem, config.Connection.CertificateAuthorityPem);
        Assert.True(config.Summary.CustomCertificateAuthority);
    }

    [Fact]
    public void Parse_CertificateAuthorityDataInDer_IsConvertedToPem()
    {
        var der = Convert.ToBase64String(Pki.Authority.RawData);

        var config = ShouldParse(Config(cluster: $"server: https://kube.example.com:6443\ncertificate-authority-data: {der}"));

        Assert.StartsWith("-----BEGIN CERTIFICATE-----", config.Connection.CertificateAuthorityPem);
    }

    [Fact]
    public void Parse_InsecureSkipTlsVerify_IsHonoured()
    {
        var config = ShouldParse(Config(cluster: "server: https://10.0.0.5:6443\ninsecure-skip-tls-verify: true"));

        Assert.True(config.Connection.InsecureSkipTlsVerify);
        Assert.Contains("TLS verification skipped", config.Summary.Describe());
    }

    [Fact]
    public void Parse_TlsServerName_IsKept()
    {
        var config = ShouldParse(Config(cluster: "server: https://10.0.0.5:6443\ntls-server-name: kubernetes.default.svc"));

        Assert.Equal("kubernetes.default.svc", config.Connection.TlsServerName);
    }

    [Fact]
    public void Parse_MultipleContexts_UsesCurrentContext()
    {
        var yaml = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: staging
              cluster:
                server: https://staging.example.com:6443
            - name: prod
              cluster:
                server: https://prod.example.com:6443
            users:
            - name: staging-admin
              user:
                token: staging-token
            - name: prod-admin
              user:
                token: prod-token
            contexts:
            - name: staging
              context:
                cluster: staging
                user: staging-admin
            - name: prod
              context:
                cluster: prod
                user: prod-admin
                namespace: databases
            current-context: prod
            """;

        var config = ShouldParse(yaml);

        Assert.Equal("prod", config.CurrentContext);
        Assert.Equal(new Uri("https://prod.example.com:6443"), config.Connection.Server);
        Assert.Equal("prod-token", config.Connection.Credential.Token);
        Assert.Equal("databases", config.Connection.Namespace);
        Assert.Equal(["staging", "prod"], config.Summary.Contexts);

        var staging = config.Resolve("staging");
        Assert.True(staging.Succeeded);
        Assert.Equal(new Uri("https://staging.example.com:6443"), staging.Value.Server);
        Assert.Equal("default", staging.Value.Namespace);
        Assert.Equal(RemoteErrorKind.InvalidConfiguration, config.Resolve("nope").Error?.Kind);
    }

    [Fact]
    public void Parse_SingleContextWithoutCurrentContext_UsesThatContext()
    {
        var config = ShouldParse(Config(currentContext: null));

        Assert.Equal("test", config.CurrentContext);
    }

    [Fact]
    public void Parse_JsonKubeconfig_IsAccepted()
    {
        var json = $$$"""
            {"apiVersion":"v1","kind":"Config","clusters":[{"name":"c","cluster":{"server":"https://kube.example.com"}}],
             "users":[{"name":"u","user":{"token":"{{{Token}}}"}}],"contexts":[{"name":"x","context":{"cluster":"c","user":"u"}}],"current-context":"x"}
            """;

        var config = ShouldParse(json);

        Assert.Equal(new Uri("https://kube.example.com"), config.Connection.Server);
        Assert.Equal("default", config.Connection.Namespace);
    }

    [Fact]
    public void Parse_UnusedUserWithExecPlugin_IsAccepted()
    {
        var yaml = Config().Replace("users:\n", "users:\n- name: eks-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n", StringComparison.Ordinal);

        var config = ShouldParse(yaml);

        Assert.Equal(2, config.Users.Count);
        Assert.Null(config.Users[0].Credential);
        Assert.Contains("exec plugin \"aws\"", config.Users[0].Problem);
    }

    [Fact]
    public void Parse_ExecPluginForCurrentUser_IsRefusedSayingPortalNeedsATokenOrClientCertificate()
    {
        var result = Kubeconfig.Parse(Config(user: "exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: /usr/local/bin/kubelogin\n  args: [get-token, --login, azurecli]"));

        Assert.Equal(RemoteErrorKind.InvalidConfiguration, result.Error?.Kind);
        Assert.Contains("exec plugin \"kubelogin\"", result.Error!.Message);
        Assert.Contains("Portal needs a token (for example a service account token) or a client certificate and key", result.Error.Message);
    }

    [Fact]
    public void Validate_GoodKubeconfig_SummarisesWithoutSecrets()
    {
        var result = Kubeconfig.Validate(Config(cluster: $"server: https://kube.example.com:6443\ncertificate-authority-data: {B64(Pki.AuthorityPem)}"));

        Assert.True(result.Succeeded);
        var summary = result.Value;
        Assert.Equal("test", summary.Context);
        Assert.Equal("test-cluster", summary.Cluster);
        Assert.Equal("test-user", summary.User);
        Assert.Equal(new Uri("https://kube.example.com:6443"), summary.Server);
        Assert.Equal(KubeAuthKind.BearerToken, summary.Auth);
        Assert.Equal("team-a", summary.Namespace);
        Assert.Equal("Context \"test\" → https://kube.example.com:6443 as \"test-user\" (bearer token), namespace \"team-a\"; trusts the kubeconfig's CA", summary.Describe());
        Assert.DoesNotContain(Token, summary.ToString());
    }

    [Fact]
    public void ToString_OfParsedKubeconfigConnectionAndUsers_NeverShowsTokenOrKey()
    {
        var config = ShouldParse(Config(user: $"token: {Token}\nclient-certificate-data: {B64(Rsa.Certificate)}\nclient-key-data: {B64(Rsa.Key)}"));

        foreach (var text in new[] { config.ToString(), config.Connection.ToString(), config.Connection.Credential.ToString(), config.Users[0].ToString(), config.Summary.ToString() })
            AssertNoSecrets(text, Token, Rsa.Key);
    }

    // ---- Refused variants: each with its own message, none echoing a secret ----------------------------------

    public static TheoryData<string> MalformedCases => new(Malformed.Keys);

    private static readonly Dictionary<string, (string Yaml, string Expected)> Malformed = new()
    {
        ["empty"] = ("  \n", "The kubeconfig is empty."),
        ["not-yaml"] = ($"users:\n- name: u\n  user:\n    token: {Token}\n   bad: [unclosed\n", "The kubeconfig is not valid YAML (line"),
        ["a-list"] = ("- one\n- two\n", "but this is a list"),
        ["a-secret-manifest"] = ($"apiVersion: v1\nkind: Secret\nmetadata:\n  name: kubeconfig\ndata:\n  token: {B64(Token)}\n", "The text is a Kubernetes \"Secret\" manifest, not a kubeconfig (a kubeconfig has kind: Config)."),
        ["not-a-kubeconfig"] = ("name: something\nvalue: 3\n", "it has no clusters, users or contexts"),
        ["api-version-v2"] = (Config(header: "apiVersion: v2\nkind: Config"), "The kubeconfig's apiVersion is \"v2\"; Portal reads kubeconfigs with apiVersion: v1."),
        ["no-clusters"] = ($"apiVersion: v1\nkind: Config\nclusters: []\nusers:\n- name: u\n  user:\n    token: {Token}\ncontexts:\n- name: c\n  context:\n    cluster: x\n    user: u\n", "The kubeconfig defines no clusters"),
        ["no-users"] = ("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://k.example.com\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n", "The kubeconfig defines no users"),
        ["no-contexts"] = (Config(contexts: "  []"), "The kubeconfig defines no contexts"),
        ["clusters-not-a-list"] = ($"apiVersion: v1\nkind: Config\nclusters:\n  prod: https://k.example.com\nusers:\n- name: u\n  user:\n    token: {Token}\n", "The kubeconfig's clusters must be a list"),
        ["cluster-without-name"] = ($"apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://k.example.com\nusers:\n- name: u\n  user:\n    token: {Token}\n", "Entry 1 of the kubeconfig's clusters has no name."),
        ["duplicate-cluster"] = (Config().Replace("clusters:\n", "clusters:\n- name: test-cluster\n  cluster:\n    server: https://other.example.com\n", StringComparison.Ordinal), "The kubeconfig defines cluster \"test-cluster\" twice"),
        ["current-context-missing"] = (Config(currentContext: "prod"), "The kubeconfig's current-context is \"prod\", but it defines no context of that name (it defines \"test\")."),
        ["no-current-context-two-contexts"] = (Config(currentContext: null, contexts: Contexts + "\n- name: second\n  context:\n    cluster: test-cluster\n    user: test-user"),
            "does not set current-context and defines 2 contexts (\"test\" and \"second\")"),
        ["context-unknown-cluster"] = (Config(contexts: Contexts.Replace("cluster: test-cluster", "cluster: other", StringComparison.Ordinal)),
            "Context \"test\" uses cluster \"other\", which the kubeconfig does not define (it defines \"test-cluster\")."),
        ["context-unknown-user"] = (Config(contexts: Contexts.Replace("user: test-user", "user: other", StringComparison.Ordinal)), "Context \"test\" uses user \"other\", which the kubeconfig does not define"),
        ["context-without-user"] = (Config(contexts: "- name: test\n  context:\n    cluster: test-cluster"), "Context \"test\" names no user"),
        ["server-missing"] = (Config(cluster: "insecure-skip-tls-verify: false"), "Cluster \"test-cluster\" has no server address"),
        ["server-without-scheme"] = (Config(cluster: "server: kube.example.com:6443"), "The server address of cluster \"test-cluster\" (\"kube.example.com:6443\") is not an https:// or http:// URL"),
        ["server-ftp"] = (Config(cluster: "server: ftp://kube.example.com"), "(\"ftp://kube.example.com\") is not an https:// or http:// URL"),
        ["server-with-password"] = (Config(cluster: "server: https://admin:hunter2-pass@kube.example.com"), "The server address of cluster \"test-cluster\" must not contain a user name or password."),
        ["ca-bad-base64"] = (Config(cluster: "server: https://k.example.com\ncertificate-authority-data: not*base64!"), "The certificate-authority-data of cluster \"test-cluster\" is not valid base64."),
        ["ca-not-a-certificate"] = (Config(cluster: $"server: https://k.example.com\ncertificate-authority-data: {B64("hello, world")}"), "The certificate-authority-data of cluster \"test-cluster\" does not contain a certificate"),
        ["ca-damaged-pem"] = (Config(cluster: $"server: https://k.example.com\ncertificate-authority-data: {B64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}"), "The certificate-authority-data of cluster \"test-cluster\" could not be read"),
        ["ca-file"] = (Config(cluster: "server: https://k.example.com\ncertificate-authority: /home/me/.minikube/ca.crt"), "Cluster \"test-cluster\" reads its certificate authority from the file \"/home/me/.minikube/ca.crt\""),
        ["insecure-and-ca"] = (Config(cluster: $"server: https://k.example.com\ninsecure-skip-tls-verify: true\ncertificate-authority-data: {B64(Pki.AuthorityPem)}"), "sets both certificate-authority-data and insecure-skip-tls-verify: true"),
        ["insecure-not-a-boolean"] = (Config(cluster: "server: https://k.example.com\ninsecure-skip-tls-verify: maybe"), "The insecure-skip-tls-verify of cluster \"test-cluster\" must be true or false, not \"maybe\"."),
        ["proxy-url"] = (Config(cluster: "server: https://k.example.com\nproxy-url: socks5://localhost:1080"), "is reached through a proxy (proxy-url), which Portal does not support"),
        ["certificate-without-key"] = (Config(user: $"client-certificate-data: {B64(Rsa.Certificate)}"), "The client certificate of user \"test-user\" has no client key (client-key-data)"),
        ["key-without-certificate"] = (Config(user: $"client-key-data: {B64(Rsa.Key)}"), "The client key of user \"test-user\" has no client certificate (client-certificate-data) to go with it"),
        ["certificate-bad-base64"] = (Config(user: $"client-certificate-data: abc$def\nclient-key-data: {B64(Rsa.Key)}"), "The client-certificate-data of user \"test-user\" is not valid base64."),
        ["key-bad-base64"] = (Config(user: $"client-certificate-data: {B64(Rsa.Certificate)}\nclient-key-data: {Rsa.Key.Split('\n')[1]}!"), "The client-key-data of user \"test-user\" is not valid base64."),
        ["key-not-pem"] = (Config(user: $"client-certificate-data: {B64(Rsa.Certificate)}\nclient-key-data: {B64("just some text")}"), "The client key of user \"test-user\" is not a PEM private key"),
        ["key-encrypted"] = (Config(user: $"client-certificate-data: {B64(Rsa.Certificate)}\nclient-key-data: {B64("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n")}"),
            "The client key of user \"test-user\" is encrypted with a passphrase"),
        ["key-of-another-certificate"] = (Config(user: $"client-certificate-data: {B64(Rsa.Certificate)}\nclient-key-data: {B64(OtherRsa.Key)}"), "The client key of user \"test-user\" does not belong to its client certificate (their public keys differ)."),
        ["ec-key-for-rsa-certificate"] = (Config(user: $"client-certificate-data: {B64(Rsa.Certificate)}\nclient-key-data: {B64(Ec.Key)}"), "does not belong to its client certificate (the certificate has an RSA key, the key file an EC key)."),
        ["exec-plugin"] = (Config(user: "exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: aws\n  args: [eks, get-token, --cluster-name, prod]"), "User \"test-user\" gets its credentials by running the exec plugin \"aws\""),
        ["auth-provider"] = (Config(user: $"auth-provider:\n  name: oidc\n  config:\n    id-token: {Token}\n    refresh-token: {Token}-refresh"), "User \"test-user\" authenticates through the auth-provider plugin \"oidc\""),
        ["basic-auth"] = (Config(user: "username: admin\npassword: hunter2-pass"), "uses a user name and password (basic authentication), which Kubernetes no longer supports"),
        ["token-file"] = (Config(user: "tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token"), "User \"test-user\" reads its token from the file"),
        ["client-certificate-files"] = (Config(user: "client-certificate: /home/me/.kube/admin.crt\nclient-key: /home/me/.kube/admin.key"), "User \"test-user\" reads its client certificate from the file \"/home/me/.kube/admin.crt\""),
        ["no-credentials"] = (Config(user: "{}"), "User \"test-user\" has no credentials (no token, client-certificate-data or client-key-data)."),
    };

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void Parse_MalformedKubeconfig_FailsWithItsSpecificMessage(string caseName)
    {
        var (yaml, expected) = Malformed[caseName];

        var result = Kubeconfig.Parse(yaml);

        Assert.False(result.Succeeded, $"{caseName} should be refused.");
        Assert.Equal(RemoteErrorKind.InvalidConfiguration, result.Error.Kind);
        Assert.Contains(expected, result.Error.Message);
    }

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void Parse_MalformedKubeconfig_NeverEchoesTokensKeysOrPasswords(string caseName)
    {
        var result = Kubeconfig.Parse(Malformed[caseName].Yaml);

        AssertNoSecrets(result.Error!.Message, Token, Rsa.Key, OtherRsa.Key, Ec.Key, "hunter2-pass", B64(Token));
    }

    [Fact]
    public void Parse_MalformedMessages_AreAllDifferent()
    {
        var messages = Malformed.Values.Select(c => Kubeconfig.Parse(c.Yaml).Error!.Message).ToList();

        Assert.Equal(messages.Count, messages.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Validate_ExecPlugin_ReturnsTheSameRefusalAsParse()
    {
        var yaml = Malformed["exec-plugin"].Yaml;

        Assert.Equal(Kubeconfig.Parse(yaml).Error!.Message, Kubeconfig.Validate(yaml).Error!.Message);
    }

    // ---- Connection validation -----------------------------------------------------------------------------

    [Fact]
    public void ConnectionValidate_HandBuiltConnectionWithoutCredentials_IsInvalid()
    {
        var connection = new KubeConnection(new Uri("https://kube.example.com"), new KubeCredential(null, null, null));

        Assert.Contains("Portal needs a bearer token or a client certificate and key", connection.Validate()?.Message);
    }

    [Fact]
    public void ConnectionValidate_ClientCertificateWithWrongKey_IsInvalid()
    {
        var connection = new KubeConnection(new Uri("https://kube.example.com"), KubeCredential.FromClientCertificate(Rsa.Certificate, OtherRsa.Key));

        var error = connection.Validate();

        Assert.Equal(RemoteErrorKind.InvalidConfiguration, error?.Kind);
        Assert.Contains("does not belong to its client certificate", error!.Message);
        AssertNoSecrets(connection.ToString(), OtherRsa.Key);
    }

    [Fact]
    public void ConnectionValidate_UsableConnection_IsNull()
    {
        var connection = new KubeConnection(new Uri("http://127.0.0.1:8080"), KubeCredential.FromClientCertificate(Ec.Certificate, Ec.Key));

        Assert.Null(connection.Validate());
    }

    /// <summary>Neither a secret nor any 24-character piece of a long one (a key's base64 body) appears in the text.</summary>
    private static void AssertNoSecrets(string text, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            var body = string.Concat(secret.Split('\n').Where(line => !line.StartsWith("-----", StringComparison.Ordinal)));
            for (var i = 0; i + 24 <= body.Length; i += 12)
                Assert.DoesNotContain(body.Substring(i, 24), text, StringComparison.Ordinal);
        }
    }
}
