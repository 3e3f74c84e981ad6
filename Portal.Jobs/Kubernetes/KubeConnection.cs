using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Jobs.Kubernetes;

/// <summary>How the portal proves who it is to an API server.</summary>
public enum KubeAuthKind
{
    /// <summary>A bearer token (for example a service account token).</summary>
    BearerToken,
    /// <summary>A TLS client certificate and its private key.</summary>
    ClientCertificate,
    /// <summary>Both: the certificate in the handshake and the token in every request (kubectl sends both too).</summary>
    ClientCertificateAndToken,
}

/// <summary>
/// The credentials of a kubeconfig user: a bearer token, a PEM client certificate with its PEM private key
/// (RSA or EC), or both. Secrets never appear in <see cref="ToString"/>.
/// </summary>
public sealed record KubeCredential(string? Token, string? ClientCertificatePem, string? ClientKeyPem)
{
    public static KubeCredential FromToken(string token) => new(token, null, null);

    public static KubeCredential FromClientCertificate(string certificatePem, string keyPem) => new(null, certificatePem, keyPem);

    public bool HasToken => !string.IsNullOrEmpty(Token);

    public bool HasClientCertificate => !string.IsNullOrWhiteSpace(ClientCertificatePem) || !string.IsNullOrWhiteSpace(ClientKeyPem);

    /// <summary>Which kind of authentication these credentials give; null when they give none.</summary>
    public KubeAuthKind? Kind => (HasToken, HasClientCertificate) switch
    {
        (true, true) => KubeAuthKind.ClientCertificateAndToken,
        (true, false) => KubeAuthKind.BearerToken,
        (false, true) => KubeAuthKind.ClientCertificate,
        _ => null,
    };

    public override string ToString() =>
        $"KubeCredential {{ Token = {(HasToken ? "***" : "(none)")}, ClientCertificate = {(HasClientCertificate ? "***" : "(none)")} }}";
}

/// <summary>
/// Everything needed to reach one API server: its URL (https://host:6443, possibly with a path prefix behind a
/// proxy), the credentials, the CA certificates to trust (PEM; when given, only these are trusted, as kubectl
/// does), whether to skip server certificate checks, the name to check the server certificate against (when
/// it differs from the URL's host), and the namespace used when a call names none.
/// </summary>
public sealed record KubeConnection(Uri Server, KubeCredential Credential)
{
    /// <summary>PEM certificates of the certificate authorities to trust instead of the system's.</summary>
    public string? CertificateAuthorityPem { get; init; }

    /// <summary>Skips every server certificate check (kubeconfig <c>insecure-skip-tls-verify</c>).</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name the server certificate must carry when it is not the URL's host (kubeconfig <c>tls-server-name</c>).</summary>
    public string? TlsServerName { get; init; }

    /// <summary>The namespace for calls that name none. Default "default".</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The kubeconfig context this connection came from, for messages and display.</summary>
    public string? ContextName { get; init; }

    public override string ToString() =>
        $"KubeConnection {{ Server = {Server}, Context = {ContextName ?? "(none)"}, Namespace = {Namespace}, Credential = {Credential}, " +
        $"CertificateAuthority = {(string.IsNullOrWhiteSpace(CertificateAuthorityPem) ? "(system)" : "(provided)")}, " +
        $"InsecureSkipTlsVerify = {InsecureSkipTlsVerify}, TlsServerName = {TlsServerName ?? "(none)"} }}";

    /// <summary>
    /// Checks the connection data without contacting the server: an absolute http(s) URL, usable credentials,
    /// readable CA certificates. Null when it is usable. Messages never contain a secret.
    /// </summary>
    public RemoteError? Validate()
    {
        if (ServerUrl.Problem(Server, "The server address") is { } serverProblem)
            return Invalid(serverProblem);
        if (Credential is null || Credential.Kind is null)
            return Invalid("The connection has no credentials. Portal needs a bearer token or a client certificate and key.");
        if (Credential.HasClientCertificate && KubePem.CheckClientCertificate(Credential.ClientCertificatePem, Credential.ClientKeyPem, string.Empty) is { } certificateProblem)
            return Invalid(certificateProblem);
        if (!string.IsNullOrWhiteSpace(CertificateAuthorityPem))
        {
            if (InsecureSkipTlsVerify)
                return Invalid("The connection both trusts a certificate authority and skips TLS verification; choose one.");
            if (KubePem.CheckCertificateAuthority(CertificateAuthorityPem, string.Empty) is { } caProblem)
                return Invalid(caProblem);
        }
        if (string.IsNullOrWhiteSpace(Namespace))
            return Invalid("The default namespace must not be empty.");
        return null;

        static RemoteError Invalid(string message) => new(RemoteErrorKind.InvalidConfiguration, message);
    }
}

/// <summary>Checks on API server URLs, shared by the kubeconfig parser and <see cref="KubeConnection.Validate"/>.</summary>
internal static class ServerUrl
{
    /// <summary>Null when <paramref name="url"/> is an absolute http(s) URL with a host and no user info; otherwise why not.</summary>
    public static string? Problem(Uri? url, string subject)
    {
        if (url is null)
            return $"{subject} is missing.";
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return $"{subject} must be an https:// (or http://) URL such as https://api.example.com:6443.";
        if (string.IsNullOrEmpty(url.Host))
            return $"{subject} has no host name.";
        if (!string.IsNullOrEmpty(url.UserInfo))
            return $"{subject} must not contain a user name or password.";
        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
            return $"{subject} must not contain a query (?…) or fragment (#…).";
        return null;
    }

    /// <summary>The URL for display: scheme, host, port and path, never user info or query.</summary>
    public static string Display(Uri url) => url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path).TrimEnd('/') : url.OriginalString;
}

/// <summary>Reads PEM certificates and keys; every message names the field, never its content.</summary>
internal static class KubePem
{
    private const string CertificateHeader = "-----BEGIN CERTIFICATE-----";

    /// <summary>Null when the certificate and key are usable together; otherwise a message. <paramref name="of"/> is e.g. " of user \"admin\"".</summary>
    public static string? CheckClientCertificate(string? certificatePem, string? keyPem, string of)
    {
        var error = TryLoadClientCertificate(certificatePem, keyPem, of, out var certificate);
        certificate?.Dispose();
        return error;
    }

    /// <summary>Loads the client certificate with its private key attached; null and the certificate, or a message.</summary>
    public static string? TryLoadClientCertificate(string? certificatePem, string? keyPem, string of, out X509Certificate2? certificate)
    {
        certificate = null;
        if (string.IsNullOrWhiteSpace(certificatePem))
            return $"The client key{of} has no client certificate to go with it; a client key alone cannot authenticate.";
        if (string.IsNullOrWhiteSpace(keyPem))
            return $"The client certificate{of} has no client key; Portal needs both the certificate and its private key.";
        if (!certificatePem.Contains(CertificateHeader, StringComparison.Ordinal))
            return $"The client certificate{of} is not a PEM certificate (a block starting with {CertificateHeader}).";
        if (keyPem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal) || keyPem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
            return $"The client key{of} is encrypted with a passphrase; Portal needs the unencrypted key, as kubectl writes it.";
        if (!keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return $"The client key{of} is not a PEM private key (a block starting with -----BEGIN PRIVATE KEY-----, " +
                   "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----).";
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return $"The client certificate{of} could not be read: its PEM block is damaged.";
        }

        using (leaf)
        {
            var keyKind = KeyAlgorithm(keyPem);
            if (keyKind is null)
                return $"The client key{of} could not be read: it is damaged, or not an RSA or EC key.";
            var certificateKind = leaf.GetRSAPublicKey() is { } rsa ? Dispose(rsa, "RSA") : leaf.GetECDsaPublicKey() is { } ec ? Dispose(ec, "EC") : "other";
            if (certificateKind == "other")
                return $"The client certificate{of} carries neither an RSA nor an EC public key; Portal supports RSA and EC client certificates.";
            if (certificateKind != keyKind)
                return $"The client key{of} does not belong to its client certificate (the certificate has an {certificateKind} key, the key file an {keyKind} key).";
            try
            {
                certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                return $"The client key{of} does not belong to its client certificate (their public keys differ).";
            }
        }
        return null;

        static string Dispose(AsymmetricAlgorithm key, string name)
        {
            key.Dispose();
            return name;
        }
    }

    /// <summary>Null when the PEM holds at least one readable certificate; otherwise a message.</summary>
    public static string? CheckCertificateAuthority(string pem, string of)
    {
        var error = TryLoadCertificateAuthority(pem, of, out var certificates);
        foreach (var certificate in certificates)
            certificate.Dispose();
        return error;
    }

    public static string? TryLoadCertificateAuthority(string pem, string of, out X509Certificate2Collection certificates)
    {
        certificates = [];
        if (!pem.Contains(CertificateHeader, StringComparison.Ordinal))
            return $"The certificate authority data{of} does not contain a PEM certificate (a block starting with {CertificateHeader}).";
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            foreach (var certificate in certificates)
                certificate.Dispose();
            certificates = [];
            return $"The certificate authority data{of} could not be read: one of its PEM certificate blocks is damaged.";
        }
        return certificates.Count == 0
            ? $"The certificate authority data{of} does not contain a PEM certificate (a block starting with {CertificateHeader})."
            : null;
    }

    /// <summary>"RSA" or "EC" when the PEM holds a private key of that algorithm; null when unreadable.</summary>
    private static string? KeyAlgorithm(string keyPem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(keyPem);
            return "RSA";
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
        }
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(keyPem);
            return "EC";
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
        }
        return null;
    }
}
