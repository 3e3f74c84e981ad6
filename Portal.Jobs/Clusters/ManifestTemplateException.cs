namespace Portal.Jobs.Clusters;

/// <summary>
/// A manifest template that cannot be filled or read: an unknown or malformed placeholder, a placeholder outside a
/// double-quoted string, YAML that is invalid or that Kubernetes would read differently. Always a fault of the shipped
/// template or of the code filling it, never of the user's input, so it is not a typed refusal.
/// </summary>
public sealed class ManifestTemplateException(string message, Exception? innerException = null) : Exception(message, innerException);
