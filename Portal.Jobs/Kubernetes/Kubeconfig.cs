using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Portal.Domain.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.Jobs.Kubernetes;

/// <summary>A <c>clusters[]</c> entry: where the API server is and how to trust it.</summary>
public sealed record KubeconfigCluster(string Name, Uri Server, string? CertificateAuthorityPem, bool InsecureSkipTlsVerify, string? TlsServerName)
{
    public override string ToString() =>
        $"KubeconfigCluster {{ Name = {Name}, Server = {ServerUrl.Display(Server)}, CertificateAuthority = {(CertificateAuthorityPem is null ? "(system)" : "(provided)")}, " +
        $"InsecureSkipTlsVerify = {InsecureSkipTlsVerify}, TlsServerName = {TlsServerName ?? "(none)"} }}";
}

/// <summary>
/// A <c>users[]</c> entry. <see cref="Credential"/> is null when the user authenticates in a way Portal cannot use
/// (exec or auth-provider plugins, basic auth, files on the machine that wrote the kubeconfig); <see cref="Problem"/>
/// then says why. That is only an error when a context Portal uses names this user.
/// </summary>
public sealed record KubeconfigUser(string Name, KubeCredential? Credential, string? Problem);

/// <summary>A <c>contexts[]</c> entry: which cluster, which user, which default namespace.</summary>
public sealed record KubeconfigContext(string Name, string? Cluster, string? User, string? Namespace);

/// <summary>What a kubeconfig connects to, for display: no token or key, only what kind of credential it holds.</summary>
public sealed record KubeconfigSummary(
    string Context,
    string Cluster,
    Uri Server,
    string User,
    KubeAuthKind Auth,
    string Namespace,
    bool CustomCertificateAuthority,
    bool InsecureSkipTlsVerify,
    string? TlsServerName,
    DateTimeOffset? ClientCertificateExpires,
    IReadOnlyList<string> Contexts)
{
    /// <summary>One line for people, e.g. <c>Context "prod" → https://api.example.com:6443 as "admin" (client certificate), namespace "default"</c>.</summary>
    public string Describe()
    {
        var auth = Auth switch
        {
            KubeAuthKind.BearerToken => "bearer token",
            KubeAuthKind.ClientCertificate => "client certificate",
            KubeAuthKind.ClientCertificateAndToken => "client certificate and bearer token",
        };
        var tls = InsecureSkipTlsVerify ? "; TLS verification skipped" : CustomCertificateAuthority ? "; trusts the kubeconfig's CA" : string.Empty;
        return $"Context \"{Context}\" → {ServerUrl.Display(Server)} as \"{User}\" ({auth}), namespace \"{Namespace}\"{tls}";
    }

    public override string ToString() => Describe();
}

/// <summary>
/// A parsed kubeconfig (apiVersion v1, kind Config) whose current context resolves to a usable
/// <see cref="KubeConnection"/>. <see cref="Parse"/> never throws for bad input: every problem comes back as a
/// <see cref="RemoteErrorKind.InvalidConfiguration"/> error whose message says what to fix and never quotes a
/// token or key.
/// </summary>
public sealed partial class Kubeconfig
{
    /// <summary>Larger texts are refused before parsing (a kubeconfig is a few kilobytes).</summary>
    public const int MaxLength = Limits.KubeconfigMaxBytes;

    private const string NeedsCredentials =
        "Portal needs a token (for example a service account token) or a client certificate and key embedded in the kubeconfig";

    private Kubeconfig(
        IReadOnlyList<KubeconfigCluster> clusters,
        IReadOnlyList<KubeconfigUser> users,
        IReadOnlyList<KubeconfigContext> contexts,
        string currentContext)
    {
        Clusters = clusters;
        Users = users;
        Contexts = contexts;
        CurrentContext = currentContext;
    }

    public IReadOnlyList<KubeconfigCluster> Clusters { get; }

    public IReadOnlyList<KubeconfigUser> Users { get; }

    public IReadOnlyList<KubeconfigContext> Contexts { get; }

    /// <summary>The context Portal uses: <c>current-context</c>, or the only context when that is not set.</summary>
    public string CurrentContext { get; }

    /// <summary>The resolved connection of <see cref="CurrentContext"/>.</summary>
    public KubeConnection Connection { get; private set; } = null!;

    /// <summary>The current context described without secrets.</summary>
    public KubeconfigSummary Summary { get; private set; } = null!;

    public override string ToString() => Summary.Describe();

    /// <summary>Parses a kubeconfig and resolves its current context.</summary>
    public static RemoteResult<Kubeconfig> Parse(string? yaml)
    {
        var parsed = ParseDocument(yaml);
        if (!parsed.Succeeded)
            return parsed;
        var config = parsed.Value;
        var resolved = config.ResolveWithSummary(config.CurrentContext);
        if (!resolved.Succeeded)
            return resolved.Cast<Kubeconfig>();
        (config.Connection, config.Summary) = resolved.Value;
        return config;
    }

    /// <summary>Parses a kubeconfig and summarises its current context for display (server, context, auth kind).</summary>
    public static RemoteResult<KubeconfigSummary> Validate(string? yaml)
    {
        var parsed = Parse(yaml);
        return parsed.Succeeded ? parsed.Value.Summary : parsed.Cast<KubeconfigSummary>();
    }

    /// <summary>The connection of another context of this kubeconfig.</summary>
    public RemoteResult<KubeConnection> Resolve(string contextName)
    {
        var resolved = ResolveWithSummary(contextName);
        return resolved.Succeeded ? resolved.Value.Connection : resolved.Cast<KubeConnection>();
    }

    // ---- Resolution --------------------------------------------------------------------------------------------

    private RemoteResult<(KubeConnection Connection, KubeconfigSummary Summary)> ResolveWithSummary(string contextName)
    {
        var context = Contexts.FirstOrDefault(c => c.Name == contextName);
        if (context is null)
            return Invalid($"The kubeconfig has no context named \"{contextName}\" (it has {List(Contexts.Select(c => c.Name))}).");
        if (string.IsNullOrWhiteSpace(context.Cluster))
            return Invalid($"Context \"{context.Name}\" names no cluster (its cluster field is missing).");
        if (string.IsNullOrWhiteSpace(context.User))
            return Invalid($"Context \"{context.Name}\" names no user (its user field is missing); {NeedsCredentials}.");
        var cluster = Clusters.FirstOrDefault(c => c.Name == context.Cluster);
        if (cluster is null)
        {
            return Invalid($"Context \"{context.Name}\" uses cluster \"{context.Cluster}\", which the kubeconfig does not define " +
                           $"(it defines {List(Clusters.Select(c => c.Name))}).");
        }
        var user = Users.FirstOrDefault(u => u.Name == context.User);
        if (user is null)
        {
            return Invalid($"Context \"{context.Name}\" uses user \"{context.User}\", which the kubeconfig does not define " +
                           $"(it defines {List(Users.Select(u => u.Name))}).");
        }
        if (user.Credential?.Kind is not { } auth)
            return Invalid(user.Problem ?? $"User \"{user.Name}\" has no credentials. {NeedsCredentials}.");

        var ns = string.IsNullOrWhiteSpace(context.Namespace) ? "default" : context.Namespace;
        var connection = new KubeConnection(cluster.Server, user.Credential)
        {
            CertificateAuthorityPem = cluster.CertificateAuthorityPem,
            InsecureSkipTlsVerify = cluster.InsecureSkipTlsVerify,
            TlsServerName = cluster.TlsServerName,
            Namespace = ns,
            ContextName = context.Name,
        };
        var summary = new KubeconfigSummary(
            context.Name,
            cluster.Name,
            cluster.Server,
            user.Name,
            auth,
            ns,
            cluster.CertificateAuthorityPem is not null,
            cluster.InsecureSkipTlsVerify,
            cluster.TlsServerName,
            ClientCertificateExpiry(user.Credential),
            Contexts.Select(c => c.Name).ToArray());
        return (connection, summary);
    }

    private static DateTimeOffset? ClientCertificateExpiry(KubeCredential credential)
    {
        if (string.IsNullOrWhiteSpace(credential.ClientCertificatePem))
            return null;
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(credential.ClientCertificatePem);
            return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    // ---- Document --------------------------------------------------------------------------------------------

    private static RemoteResult<Kubeconfig> ParseDocument(string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml))
            return Invalid("The kubeconfig is empty.");
        // Size, text, and YAML shape (no aliases, complex keys, deep nesting) are checked before anything is built.
        var read = UserText.ReadYaml(yaml, UserTextKind.Kubeconfig);
        if (!read.Succeeded)
            return Invalid(read.Refusal!.Message);
        var stream = read.Value!;

        var documents = stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).ToList();
        if (documents.Count == 0)
            return Invalid("The kubeconfig is empty.");
        if (documents.Count > 1)
            return Invalid($"The text holds {documents.Count} YAML documents (separated by ---); paste a single kubeconfig.");
        if (documents[0].RootNode is not YamlMappingNode root)
        {
            return Invalid("The text is not a kubeconfig: a kubeconfig is a YAML mapping with clusters, users and contexts, " +
                           $"but this is {(documents[0].RootNode is YamlSequenceNode ? "a list" : "a single value")}.");
        }

        var kind = Scalar(root, "kind");
        if (kind is not null && kind != "Config")
            return Invalid($"The text is a Kubernetes {Quote(kind)} manifest, not a kubeconfig (a kubeconfig has kind: Config).");
        var apiVersion = Scalar(root, "apiVersion");
        if (apiVersion is not null && apiVersion != "v1")
            return Invalid($"The kubeconfig's apiVersion is {Quote(apiVersion)}; Portal reads kubeconfigs with apiVersion: v1.");
        if (kind is null && Child(root, "clusters") is null && Child(root, "users") is null && Child(root, "contexts") is null)
            return Invalid("The text is not a kubeconfig: it has no clusters, users or contexts (nor kind: Config).");

        var clusterEntries = Entries(root, "clusters", "cluster");
        if (!clusterEntries.Succeeded)
            return clusterEntries.Cast<Kubeconfig>();
        if (clusterEntries.Value.Count == 0)
            return Invalid("The kubeconfig defines no clusters (its clusters list is missing or empty); it needs the API server's address.");
        var userEntries = Entries(root, "users", "user");
        if (!userEntries.Succeeded)
            return userEntries.Cast<Kubeconfig>();
        if (userEntries.Value.Count == 0)
            return Invalid($"The kubeconfig defines no users (its users list is missing or empty); {NeedsCredentials}.");
        var contextEntries = Entries(root, "contexts", "context");
        if (!contextEntries.Succeeded)
            return contextEntries.Cast<Kubeconfig>();
        if (contextEntries.Value.Count == 0)
            return Invalid("The kubeconfig defines no contexts (its contexts list is missing or empty); a context ties a cluster to a user.");

        var clusters = new List<KubeconfigCluster>();
        foreach (var (name, body) in clusterEntries.Value)
        {
            var cluster = ParseCluster(name, body);
            if (!cluster.Succeeded)
                return cluster.Cast<Kubeconfig>();
            clusters.Add(cluster.Value);
        }
        var users = new List<KubeconfigUser>();
        foreach (var (name, body) in userEntries.Value)
        {
            var user = ParseUser(name, body);
            if (!user.Succeeded)
                return user.Cast<Kubeconfig>();
            users.Add(user.Value);
        }
        var contexts = contextEntries.Value
            .Select(e => new KubeconfigContext(e.Name, Scalar(e.Body, "cluster"), Scalar(e.Body, "user"), Scalar(e.Body, "namespace")))
            .ToList();

        var current = Scalar(root, "current-context");
        if (current is null)
        {
            if (contexts.Count > 1)
            {
                return Invalid($"The kubeconfig does not set current-context and defines {contexts.Count} contexts " +
                               $"({List(contexts.Select(c => c.Name))}); set current-context to the one Portal should use.");
            }
            current = contexts[0].Name;
        }
        else if (contexts.All(c => c.Name != current))
        {
            return Invalid($"The kubeconfig's current-context is \"{current}\", but it defines no context of that name " +
                           $"(it defines {List(contexts.Select(c => c.Name))}).");
        }
        return new Kubeconfig(clusters, users, contexts, current);
    }

    /// <summary>The named entries of a list such as <c>clusters</c>, each with its body mapping (e.g. <c>cluster:</c>).</summary>
    private static RemoteResult<List<(string Name, YamlMappingNode Body)>> Entries(YamlMappingNode root, string list, string bodyKey)
    {
        var entries = new List<(string, YamlMappingNode)>();
        var node = Child(root, list);
        if (node is null || node is YamlScalarNode { Value: null or "" or "~" or "null" })
            return entries;
        if (node is not YamlSequenceNode sequence)
            return Invalid($"The kubeconfig's {list} must be a list (each entry starting with \"- name:\").");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var item in sequence.Children)
        {
            position++;
            if (item is not YamlMappingNode entry)
                return Invalid($"Entry {position} of the kubeconfig's {list} is not a mapping with a name and a {bodyKey} section.");
            var name = Scalar(entry, "name");
            if (name is null)
                return Invalid($"Entry {position} of the kubeconfig's {list} has no name.");
            if (!names.Add(name))
                return Invalid($"The kubeconfig defines {bodyKey} \"{name}\" twice; {bodyKey} names must be unique.");
            var body = Child(entry, bodyKey);
            if (body is not YamlMappingNode mapping)
            {
                return Invalid(body is null or YamlScalarNode { Value: null or "" or "~" or "null" }
                    ? $"The {bodyKey} \"{name}\" has no {bodyKey} section."
                    : $"The {bodyKey} section of {bodyKey} \"{name}\" must be a mapping.");
            }
            entries.Add((name, mapping));
        }
        return entries;
    }

    private static RemoteResult<KubeconfigCluster> ParseCluster(string name, YamlMappingNode body)
    {
        var of = $" of cluster \"{name}\"";
        var server = Scalar(body, "server");
        if (server is null)
            return Invalid($"Cluster \"{name}\" has no server address (cluster.server, such as https://api.example.com:6443).");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            // A URL with user info may carry a password: it is not repeated.
            var shown = server.Contains('@', StringComparison.Ordinal) ? string.Empty : $" ({Quote(server)})";
            return Invalid($"The server address{of}{shown} is not an https:// or http:// URL such as https://api.example.com:6443.");
        }
        if (ServerUrl.Problem(url, $"The server address{of}") is { } serverProblem)
            return Invalid(serverProblem);

        var insecure = Boolean(body, "insecure-skip-tls-verify", of);
        if (!insecure.Succeeded)
            return insecure.Cast<KubeconfigCluster>();
        string? authorityPem = null;
        var caData = Scalar(body, "certificate-authority-data");
        if (caData is not null)
        {
            var bytes = Base64(caData, "certificate-authority-data", of);
            if (!bytes.Succeeded)
                return bytes.Cast<KubeconfigCluster>();
            var pem = CertificatesAsPem(bytes.Value);
            if (pem is null)
                return Invalid($"The certificate-authority-data{of} does not contain a certificate (it should be a base64-encoded PEM certificate).");
            if (KubePem.CheckCertificateAuthority(pem, of) is { } caProblem)
                return Invalid(caProblem.Replace("The certificate authority data", "The certificate-authority-data", StringComparison.Ordinal));
            authorityPem = pem;
        }
        else if (Scalar(body, "certificate-authority") is { } caFile)
        {
            return Invalid($"Cluster \"{name}\" reads its certificate authority from the file {Quote(caFile)} on the machine that wrote the kubeconfig, " +
                           "which Portal cannot read. Export a self-contained kubeconfig with \"kubectl config view --raw --minify --flatten\".");
        }
        if (authorityPem is not null && insecure.Value)
        {
            return Invalid($"Cluster \"{name}\" sets both certificate-authority-data and insecure-skip-tls-verify: true, which kubectl refuses too; " +
                           "remove insecure-skip-tls-verify to verify the server against the CA.");
        }
        if (Scalar(body, "proxy-url") is not null)
            return Invalid($"Cluster \"{name}\" is reached through a proxy (proxy-url), which Portal does not support; Portal connects to the server address directly.");

        return new KubeconfigCluster(name, url, authorityPem, insecure.Value, Scalar(body, "tls-server-name"));
    }

    private static RemoteResult<KubeconfigUser> ParseUser(string name, YamlMappingNode body)
    {
        var of = $" of user \"{name}\"";
        var token = Scalar(body, "token");

        string? certificatePem = null;
        string? keyPem = null;
        var certificateData = Scalar(body, "client-certificate-data");
        var keyData = Scalar(body, "client-key-data");
        if (certificateData is not null)
        {
            var bytes = Base64(certificateData, "client-certificate-data", of);
            if (!bytes.Succeeded)
                return bytes.Cast<KubeconfigUser>();
            certificatePem = CertificatesAsPem(bytes.Value);
            if (certificatePem is null)
                return Invalid($"The client-certificate-data{of} does not contain a certificate (it should be a base64-encoded PEM certificate).");
        }
        if (keyData is not null)
        {
            var bytes = Base64(keyData, "client-key-data", of);
            if (!bytes.Succeeded)
                return bytes.Cast<KubeconfigUser>();
            keyPem = Encoding.UTF8.GetString(bytes.Value);
        }

        var certificateFile = Scalar(body, "client-certificate");
        var keyFile = Scalar(body, "client-key");
        if (certificatePem is not null || keyPem is not null)
        {
            if (certificatePem is not null && keyPem is null && keyFile is not null)
                return Invalid(FileProblem(name, "client key", keyFile));
            if (keyPem is not null && certificatePem is null && certificateFile is not null)
                return Invalid(FileProblem(name, "client certificate", certificateFile));
            if (KubePem.CheckClientCertificate(certificatePem, keyPem, of) is { } problem)
            {
                return Invalid(problem
                    .Replace("has no client key;", "has no client key (client-key-data);", StringComparison.Ordinal)
                    .Replace("has no client certificate to go with it;", "has no client certificate (client-certificate-data) to go with it;", StringComparison.Ordinal));
            }
        }

        if (token is not null || certificatePem is not null)
            return new KubeconfigUser(name, new KubeCredential(token, certificatePem, keyPem), null);

        // No usable credential: say precisely why, for when a context Portal uses names this user.
        string problemText;
        if (Child(body, "exec") is YamlMappingNode exec)
        {
            var command = Scalar(exec, "command");
            problemText = $"User \"{name}\" gets its credentials by running the exec plugin {(command is null ? "" : Quote(Path.GetFileName(command)) + " ")}" +
                          $"on the machine that wrote the kubeconfig (common for EKS, GKE, AKS and OIDC logins); Portal cannot run credential plugins. {NeedsCredentials}.";
        }
        else if (Child(body, "auth-provider") is YamlMappingNode provider)
        {
            var providerName = Scalar(provider, "name");
            problemText = $"User \"{name}\" authenticates through the auth-provider plugin {(providerName is null ? "" : Quote(providerName) + " ")}" +
                          $"(removed from kubectl since Kubernetes 1.26); Portal cannot use auth-provider plugins. {NeedsCredentials}.";
        }
        else if (Scalar(body, "username") is not null || Scalar(body, "password") is not null)
        {
            problemText = $"User \"{name}\" uses a user name and password (basic authentication), which Kubernetes no longer supports. {NeedsCredentials}.";
        }
        else if (Scalar(body, "tokenFile") is { } tokenFile)
        {
            problemText = FileProblem(name, "token", tokenFile);
        }
        else if (certificateFile is not null || keyFile is not null)
        {
            problemText = FileProblem(name, certificateFile is not null ? "client certificate" : "client key", certificateFile ?? keyFile!);
        }
        else
        {
            problemText = $"User \"{name}\" has no credentials (no token, client-certificate-data or client-key-data). {NeedsCredentials}.";
        }
        return new KubeconfigUser(name, null, problemText);
    }

    private static string FileProblem(string user, string what, string path) =>
        $"User \"{user}\" reads its {what} from the file {Quote(path)} on the machine that wrote the kubeconfig, which Portal cannot read. " +
        $"{NeedsCredentials}: export a self-contained kubeconfig with \"kubectl config view --raw --minify --flatten\".";

    // ---- Helpers -----------------------------------------------------------------------------------------------

    /// <summary>PEM text as given, or DER certificate bytes converted to PEM; null when neither.</summary>
    private static string? CertificatesAsPem(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            return text;
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(bytes);
            return certificate.ExportCertificatePem();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static RemoteResult<byte[]> Base64(string value, string field, string of)
    {
        try
        {
            var bytes = Convert.FromBase64String(value);
            if (bytes.Length == 0)
                return Invalid($"The {field}{of} is empty.");
            return bytes;
        }
        catch (FormatException)
        {
            return Invalid($"The {field}{of} is not valid base64. It must be the base64 encoding of a PEM file, on one line, as kubectl writes it.");
        }
    }

    private static RemoteResult<bool> Boolean(YamlMappingNode node, string key, string of)
    {
        var value = Scalar(node, key);
        if (value is null)
            return false;
        return value.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => Invalid($"The {key}{of} must be true or false, not {Quote(value)}."),
        };
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) =>
        Child(node, key) is YamlScalarNode { Value: { } value } scalar && !string.IsNullOrWhiteSpace(value)
            && !(scalar.Style == ScalarStyle.Plain && value is "~" or "null" or "Null" or "NULL")
            ? value.Trim()
            : null;

    private static string List(IEnumerable<string> names)
    {
        var quoted = names.Select(n => $"\"{n}\"").ToList();
        return quoted.Count switch
        {
            0 => "none",
            1 => quoted[0],
            _ => string.Join(", ", quoted[..^1]) + " and " + quoted[^1],
        };
    }

    /// <summary>A value quoted for a message, shortened, with anything token-shaped masked.</summary>
    private static string Quote(string value)
    {
        var text = TokenLike().Replace(value, "***");
        if (text.Length > 80)
            text = text[..80] + "…";
        return $"\"{text}\"";
    }

    private static RemoteError Invalid(string message) => new(RemoteErrorKind.InvalidConfiguration, message);

    [GeneratedRegex("[A-Za-z0-9+_=-]{32,}")]
    private static partial Regex TokenLike();
}
