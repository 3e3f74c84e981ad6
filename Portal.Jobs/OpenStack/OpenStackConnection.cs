using System.Security.Cryptography.X509Certificates;

namespace Portal.Jobs.OpenStack;

/// <summary>How the portal proves who it is to Keystone. Secrets never appear in <see cref="object.ToString"/>.</summary>
public abstract record OpenStackCredential;

/// <summary>A Keystone application credential (preferred): it is already bound to one project.</summary>
public sealed record ApplicationCredential(string Id, string Secret) : OpenStackCredential
{
    public override string ToString() => $"ApplicationCredential {{ Id = {Id}, Secret = *** }}";
}

/// <summary>A user name and password, scoped to a project. Domains are given by name (often "Default").</summary>
public sealed record PasswordCredential(string UserName, string UserDomain, string Password, string ProjectName, string ProjectDomain)
    : OpenStackCredential
{
    public override string ToString() =>
        $"PasswordCredential {{ UserName = {UserName}, UserDomain = {UserDomain}, Password = ***, ProjectName = {ProjectName}, ProjectDomain = {ProjectDomain} }}";
}

/// <summary>Which of a service's catalog endpoints to call.</summary>
public enum EndpointInterface
{
    Public,
    Internal,
    Admin,
}

/// <summary>
/// Everything needed to reach one OpenStack cloud: the Keystone v3 auth URL (with or without the
/// trailing <c>/v3</c>), the catalog region (null: any), the endpoint interface, a credential, and an
/// optional PEM bundle of certificate authorities to trust for a cloud with a private CA.
/// </summary>
public sealed record OpenStackConnection(
    Uri AuthUrl,
    string? RegionName,
    EndpointInterface Interface,
    OpenStackCredential Credential,
    string? CaBundlePem = null)
{
    public override string ToString() =>
        $"OpenStackConnection {{ AuthUrl = {AuthUrl}, RegionName = {RegionName ?? "(any)"}, Interface = {Interface}, " +
        $"Credential = {Credential}, CaBundlePem = {(string.IsNullOrWhiteSpace(CaBundlePem) ? "(none)" : $"({CaBundlePem.Length} characters)")} }}";

    /// <summary>
    /// Checks the connection data without contacting the cloud: an absolute http(s) auth URL, a complete
    /// credential, and a CA bundle that holds at least one PEM certificate. Null when it is usable.
    /// </summary>
    public RemoteError? Validate()
    {
        if (!AuthUrl.IsAbsoluteUri || (AuthUrl.Scheme != Uri.UriSchemeHttps && AuthUrl.Scheme != Uri.UriSchemeHttp))
            return Invalid("The auth URL must be an absolute http:// or https:// address, such as https://keystone.example.com:5000/v3.");
        if (string.IsNullOrEmpty(AuthUrl.Host))
            return Invalid("The auth URL has no host name.");
        if (!string.IsNullOrEmpty(AuthUrl.UserInfo))
            return Invalid("The auth URL must not contain a user name or password; enter the credentials in their own fields.");
        if (!Enum.IsDefined(Interface))
            return Invalid("The endpoint interface must be public, internal or admin.");

        switch (Credential)
        {
            case ApplicationCredential app:
                if (string.IsNullOrWhiteSpace(app.Id))
                    return Invalid("The application credential ID is required.");
                if (string.IsNullOrEmpty(app.Secret))
                    return Invalid("The application credential secret is required.");
                break;
            case PasswordCredential password:
                if (string.IsNullOrWhiteSpace(password.UserName))
                    return Invalid("The user name is required.");
                if (string.IsNullOrEmpty(password.Password))
                    return Invalid("The password is required.");
                if (string.IsNullOrWhiteSpace(password.ProjectName))
                    return Invalid("The project name is required: password authentication is scoped to a project.");
                if (string.IsNullOrWhiteSpace(password.UserDomain))
                    return Invalid("The user domain is required (it is often \"Default\").");
                if (string.IsNullOrWhiteSpace(password.ProjectDomain))
                    return Invalid("The project domain is required (it is often \"Default\").");
                break;
            case null:
                return Invalid("A credential is required.");
            default:
                return Invalid($"The credential type {Credential.GetType().Name} is not supported.");
        }

        if (!string.IsNullOrWhiteSpace(CaBundlePem))
        {
            var error = CaBundle.TryParse(CaBundlePem, out var certificates);
            foreach (var certificate in certificates)
                certificate.Dispose();
            if (error is not null)
                return Invalid(error);
        }
        return null;

        static RemoteError Invalid(string message) => new(RemoteErrorKind.InvalidConfiguration, message);
    }
}

/// <summary>Parses a PEM bundle of trusted certificate authorities.</summary>
internal static class CaBundle
{
    /// <summary>Returns null and the certificates when the bundle is usable; otherwise a message for a person.</summary>
    public static string? TryParse(string pem, out X509Certificate2Collection certificates)
    {
        certificates = [];
        if (Portal.Domain.Common.UserText.Check(pem, Portal.Domain.Common.UserTextKind.CaBundle) is { Succeeded: false } text)
            return text.Refusal!.Message;
        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            return "The CA bundle must contain at least one PEM certificate (a block starting with -----BEGIN CERTIFICATE-----).";
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            foreach (var certificate in certificates)
                certificate.Dispose();
            certificates = [];
            return "The CA bundle could not be read: one of its PEM certificate blocks is damaged. Paste the CA certificates again.";
        }
        return certificates.Count == 0
            ? "The CA bundle must contain at least one PEM certificate (a block starting with -----BEGIN CERTIFICATE-----)."
            : null;
    }
}
