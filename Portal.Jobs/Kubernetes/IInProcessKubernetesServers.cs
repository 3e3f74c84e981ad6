namespace Portal.Jobs.Kubernetes;

/// <summary>
/// Kubernetes API servers answered inside this process instead of over sockets (the demo cloud registers one). The
/// client factory asks every registered instance before it opens a connection; the first handler offered wins.
/// </summary>
public interface IInProcessKubernetesServers
{
    /// <summary>
    /// The handler that answers requests to <paramref name="server"/>, or null when this instance does not serve it. The
    /// instance keeps owning the handler: the factory never disposes it.
    /// </summary>
    HttpMessageHandler? HandlerFor(Uri server);
}
