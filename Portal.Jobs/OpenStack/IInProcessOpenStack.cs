namespace Portal.Jobs.OpenStack;

/// <summary>
/// A cloud answered inside the portal's process (the demo cloud), registered by the composition root: connections it
/// claims are served by its handler instead of sockets.
/// </summary>
public interface IInProcessOpenStack
{
    /// <summary>The handler that serves <paramref name="connection"/>, or null when this cloud does not claim it.</summary>
    HttpMessageHandler? HandlerFor(OpenStackConnection connection);
}
