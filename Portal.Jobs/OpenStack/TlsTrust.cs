using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Jobs.OpenStack;

/// <summary>
/// Server certificate validation for one HTTP handler: the system's trust store, plus (when given) a PEM bundle
/// of private certificate authorities used as custom roots. Validation is never switched off. The reason of the
/// last rejection per host is kept so an error message can say why the handshake failed.
/// </summary>
internal sealed class TlsTrust
{
    private readonly X509Certificate2Collection? _roots;
    private readonly X509Certificate2Collection? _intermediates;
    private readonly ConcurrentDictionary<string, string> _lastRejection = new(StringComparer.OrdinalIgnoreCase);

    public TlsTrust(X509Certificate2Collection? roots)
    {
        if (roots is null || roots.Count == 0)
            return;
        _roots = roots;
        _intermediates = [];
        foreach (var certificate in roots)
        {
            if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
                continue;
            _intermediates.Add(certificate);
        }
    }

    public bool HasCustomRoots => _roots is not null;

    /// <summary>Why the last handshake with <paramref name="host"/> was refused, when it was.</summary>
    public string? LastRejection(string host) => _lastRejection.GetValueOrDefault(host);

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? string.Empty;
        var reason = Check(certificate, chain, errors);
        if (reason is null)
        {
            _lastRejection.TryRemove(host, out _);
            return true;
        }
        _lastRejection[host] = reason;
        return false;
    }

    /// <summary>Null when the certificate is acceptable; otherwise why not, for a person.</summary>
    public string? Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
            return null;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "the server sent no certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return "the server certificate is not valid for this host name";

        // Only chain errors remain: the system does not trust the issuer. Try the private CA bundle.
        if (_roots is null)
            return Describe(chain) ?? "the server certificate is not issued by a certificate authority this machine trusts";

        using var leaf = new X509Certificate2(certificate);
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.ExtraStore.AddRange(_intermediates!);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (custom.Build(leaf))
            return null;
        return (Describe(custom) ?? "the server certificate does not chain to a certificate authority in the CA bundle")
            + " (checked against the CA bundle provided)";
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
