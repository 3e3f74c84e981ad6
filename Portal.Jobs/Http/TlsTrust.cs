using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Jobs.Http;

/// <summary>
/// Server certificate validation for one socket handler, shared by the OpenStack and Kubernetes clients. The host
/// name is always checked (against <c>tls-server-name</c> when a kubeconfig names one). Private certificate
/// authorities either extend the system's trust store (an OpenStack connection's CA bundle) or replace it (a
/// kubeconfig's <c>certificate-authority-data</c>, as kubectl does). Only a kubeconfig's
/// <c>insecure-skip-tls-verify</c> switches validation off. The reason of the last rejection per host is kept so an
/// error message can say why the handshake failed.
/// </summary>
public sealed class TlsTrust
{
    private readonly X509Certificate2Collection? _roots;
    private readonly X509Certificate2Collection _intermediates = [];
    private readonly bool _rootsReplaceSystem;
    private readonly bool _insecure;
    private readonly string? _serverName;
    private readonly string _rootsSource;
    private readonly ConcurrentDictionary<string, string> _lastRejection = new(StringComparer.OrdinalIgnoreCase);

    private TlsTrust(X509Certificate2Collection? roots, bool rootsReplaceSystem, bool insecure, string? serverName, string rootsSource)
    {
        _roots = roots is { Count: > 0 } ? roots : null;
        _rootsReplaceSystem = rootsReplaceSystem;
        _insecure = insecure;
        _serverName = string.IsNullOrWhiteSpace(serverName) ? null : serverName.Trim();
        _rootsSource = rootsSource;
        foreach (var certificate in _roots ?? [])
        {
            if (!certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
                _intermediates.Add(certificate);
        }
    }

    /// <summary>The system's trust store, plus the certificate authorities of a CA bundle when given.</summary>
    public static TlsTrust SystemPlus(X509Certificate2Collection? bundle) =>
        new(bundle, rootsReplaceSystem: false, insecure: false, serverName: null, "the CA bundle provided");

    /// <summary>A kubeconfig cluster's trust: its CA data alone when given, else the system's store.</summary>
    public static TlsTrust Kubeconfig(X509Certificate2Collection? authorities, bool insecureSkipVerify, string? tlsServerName) =>
        new(authorities, rootsReplaceSystem: true, insecureSkipVerify, tlsServerName, "the kubeconfig's certificate-authority-data");

    public bool HasCustomRoots => _roots is not null;

    /// <summary>Why the last handshake with <paramref name="host"/> was refused, when it was.</summary>
    public string? LastRejection(string host) => _lastRejection.GetValueOrDefault(host);

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>.</summary>
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

        var chainTrusted = !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors);
        if (_roots is null)
            return chainTrusted ? null : Describe(chain) ?? "the server certificate is not issued by a certificate authority this machine trusts";
        if (chainTrusted && !_rootsReplaceSystem)
            return null;

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.ExtraStore.AddRange(_intermediates);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (custom.Build(leaf))
            return null;
        return (Describe(custom) ?? "the server certificate does not chain to a certificate authority in " + _rootsSource)
            + $" (checked against {_rootsSource})";
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
