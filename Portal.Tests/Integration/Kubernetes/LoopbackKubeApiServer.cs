using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Portal.Tests.Unit.Kubernetes;

namespace Portal.Tests.Integration.Kubernetes;

/// <summary>
/// A minimal HTTPS API server on a loopback port that answers every request with the <c>/version</c> fixture. It can
/// require a client certificate (any issuer; the test checks the subject it records). Handshakes the client refuses
/// are counted as failures, not thrown.
/// </summary>
public sealed class LoopbackKubeApiServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly bool _requireClientCertificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _clientSubjects = new();
    private readonly ConcurrentQueue<string> _authorizations = new();
    private int _requests;

    public LoopbackKubeApiServer(X509Certificate2 certificate, bool requireClientCertificate = false)
    {
        _certificate = certificate;
        _requireClientCertificate = requireClientCertificate;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Url => $"https://127.0.0.1:{Port}";

    /// <summary>HTTP requests that arrived over a completed handshake.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Subjects of the client certificates presented in handshakes.</summary>
    public IReadOnlyList<string> ClientSubjects => [.. _clientSubjects];

    /// <summary>Authorization headers received.</summary>
    public IReadOnlyList<string> Authorizations => [.. _authorizations];

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = _requireClientCertificate,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => !_requireClientCertificate || certificate is not null,
                }, _stop.Token);
                if (tls.RemoteCertificate is { } presented)
                    _clientSubjects.Enqueue(presented.Subject);

                var buffer = new byte[64 * 1024];
                var received = new StringBuilder();
                while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await tls.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                        return;
                    received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                Interlocked.Increment(ref _requests);
                foreach (var line in received.ToString().Split("\r\n"))
                {
                    if (line.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))
                        _authorizations.Enqueue(line["Authorization:".Length..].Trim());
                }
                var body = Encoding.UTF8.GetBytes(KubeFixtures.Read("version.json"));
                var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await tls.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await tls.WriteAsync(body, _stop.Token);
                await tls.FlushAsync(_stop.Token);
            }
            catch (Exception)
            {
                // A client that refuses the certificate aborts the handshake: expected in some tests.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _certificate.Dispose();
    }
}
