using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Jobs.Kubernetes;

/// <summary>
/// Server certificate validation for one connection's handler, as kubectl does it: with certificate-authority-data,
/// the chain must end at one of those CAs (custom root trust, the system store is not consulted); without it, the
/// system's trust store decides. tls-server-name replaces the URL's host in the name check. insecure-skip-tls-verify
/// accepts anything. The reason of the last rejection per host is kept for error messages.
/// </summary>
internal sealed class KubeTlsValidator
{
    private readonly X509Certificate2Collection? _roots;
    private readonly bool _insecure;
    private readonly string? _serverName;
    private readonly ConcurrentDictionary<string, string> _lastRejection = new(StringComparer.OrdinalIgnoreCase);

    public KubeTlsValidator(X509Certificate2Collection? roots, bool insecure, string? serverName)
    {
        _roots = roots is { Count: > 0 } ? roots : null;
        _insecure = insecure;
        _serverName = string.IsNullOrWhiteSpace(serverName) ? null : serverName.Trim();
    }

    /// <summary>Why the last handshake with <paramref name="host"/> was refused, when it was.</summary>
    public string? LastRejection(string host) => _lastRejection.GetValueOrDefault(host);

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? string.Empty;
        var reason = Check(certificate, chain, errors, host);
        if (reason is null)
        {
            _lastRejection.TryRemove(host, out _);
            return true;
        }
        _lastRejection[host] = reason;
        return false;
    }

    /// <summary>Null when the certificate is acceptable; otherwise why not, for a person.</summary>
    public string? Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, string host)
    {
        if (_insecure)
            return null;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "the server sent no certificate";

        using var leaf = new X509Certificate2(certificate);
        if (_serverName is not null)
        {
            if (!leaf.MatchesHostname(_serverName))
                return $"the server certificate is not valid for \"{_serverName}\" (the kubeconfig's tls-server-name)";
        }
        else if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"the server certificate is not valid for the host name \"{host}\"";
        }

        if (_roots is null)
        {
            if (!errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
                return null;
            return Describe(chain) ?? "the server certificate is not issued by a certificate authority this machine trusts";
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        foreach (var authority in _roots)
            custom.ChainPolicy.ExtraStore.Add(authority);
        if (custom.Build(leaf))
            return null;
        return (Describe(custom) ?? "the server certificate does not chain to the kubeconfig's certificate authority")
            + " (checked against the kubeconfig's certificate-authority-data)";
    }

    private static string? Describe(X509Chain? chain)
    {
        if (chain is null)
            return null;
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, static (all, s) => all | s.Status);
        if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid))
            return "the server certificate (or one of its issuers) has expired or is not yet valid";
        if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain))
            return "the server certificate is issued by a certificate authority that is not trusted";
        if (flags.HasFlag(X509ChainStatusFlags.NotSignatureValid))
            return "the server certificate's signature is not valid";
        return flags == X509ChainStatusFlags.NoError ? null : $"the server certificate chain is not valid ({flags})";
    }
}
