using Portal.Domain.Common;

namespace Portal.Domain.Infrastructures;

public enum InfrastructureProvider
{
    /// <summary>The in-process demo cloud: no credentials, clearly labelled, for trying Portal without a cloud.</summary>
    Demo = 0,
    OpenStack = 1,
}

public enum CredentialKind
{
    /// <summary>Application credential id + secret (preferred: scoped to one project, revocable).</summary>
    ApplicationCredential = 0,
    /// <summary>User name and password, scoped to a project.</summary>
    Password = 1,
}

public enum EndpointInterfaceKind
{
    Public = 0,
    Internal = 1,
    Admin = 2,
}

/// <summary>
/// The non-secret half of how Portal reaches a cloud. The secret half (application credential secret or
/// password) is stored encrypted beside it and never leaves the server.
/// </summary>
public sealed record ConnectionSettings(
    string AuthUrl,
    string? RegionName,
    EndpointInterfaceKind Interface,
    CredentialKind CredentialKind,
    string? ApplicationCredentialId,
    string? UserName,
    string? UserDomain,
    string? ProjectName,
    string? ProjectDomain,
    string? CaBundlePem)
{
    public const int UrlMaxLength = 500;
    public const int FieldMaxLength = 255;
    public const int CaBundleMaxLength = Limits.CaBundleMaxBytes;

    /// <summary>Checks shape only (the cloud itself is asked by the registration probe); returns trimmed settings.</summary>
    public Result<ConnectionSettings> Validate(bool secretPresent)
    {
        var url = AuthUrl?.Trim() ?? "";
        if (url.Length == 0) return Refusal.Invalid(Fields.AuthUrl, "Auth URL is required, for example https://keystone.example.com:5000/v3.");
        if (url.Length > UrlMaxLength) return Refusal.Invalid(Fields.AuthUrl, $"Auth URL must be at most {UrlMaxLength} characters.");
        // Checked before parsing: Uri silently drops tabs and line breaks, so the stored text would differ from the address called.
        if (url.Any(char.IsControl)) return Refusal.Invalid(Fields.AuthUrl, "Auth URL must not contain control characters such as tabs or line breaks.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
            return Refusal.Invalid(Fields.AuthUrl, $"'{url}' is not an http(s) URL. Use the Keystone address, for example https://keystone.example.com:5000/v3.");
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query))
            return Refusal.Invalid(Fields.AuthUrl, "Auth URL must not contain credentials or a query string.");
        if (!Enum.IsDefined(Interface)) return Refusal.Invalid(Fields.Interface, "Choose public, internal or admin.");
        if (!Enum.IsDefined(CredentialKind)) return Refusal.Invalid(Fields.CredentialType, "Choose a credential type.");

        var region = Clean(RegionName);
        var appId = Clean(ApplicationCredentialId);
        var user = Clean(UserName);
        var userDomain = Clean(UserDomain);
        var project = Clean(ProjectName);
        var projectDomain = Clean(ProjectDomain);
        foreach (var (field, label, value) in new[] { (Fields.RegionName, "Region name", region), (Fields.ApplicationCredentialId, "Application credential ID", appId),
                     (Fields.UserName, "User name", user), (Fields.UserDomain, "User domain", userDomain), (Fields.ProjectName, "Project name", project),
                     (Fields.ProjectDomain, "Project domain", projectDomain) })
        {
            if (value is null) continue;
            if (value.Length > FieldMaxLength) return Refusal.Invalid(field, $"{label} must be at most {FieldMaxLength} characters.");
            if (value.Any(char.IsControl)) return Refusal.Invalid(field, $"{label} must not contain control characters.");
        }

        if (CredentialKind == CredentialKind.ApplicationCredential)
        {
            if (appId is null) return Refusal.Invalid(Fields.ApplicationCredentialId, "Application credential ID is required.");
            if (!secretPresent) return Refusal.Invalid(Fields.ApplicationCredentialSecret, "Application credential secret is required.");
            user = userDomain = project = projectDomain = null;
        }
        else
        {
            if (user is null) return Refusal.Invalid(Fields.UserName, "User name is required.");
            if (project is null) return Refusal.Invalid(Fields.ProjectName, "Project name is required.");
            if (!secretPresent) return Refusal.Invalid(Fields.Password, "Password is required.");
            userDomain ??= "Default";
            projectDomain ??= "Default";
            appId = null;
        }

        var ca = string.IsNullOrWhiteSpace(CaBundlePem) ? null : CaBundlePem.Trim();
        if (ca is not null)
        {
            if (UserText.Check(ca, UserTextKind.CaBundle) is { Succeeded: false } text) return text.Refusal!;
            if (!ca.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                return Refusal.Invalid(Fields.CaBundle, "The CA bundle must be PEM: one or more blocks starting with -----BEGIN CERTIFICATE-----.");
            if (!CertificatesReadable(ca))
                return Refusal.Invalid(Fields.CaBundle, "The CA bundle could not be read: one of its PEM certificate blocks is damaged or cut. Paste or upload the CA certificates again.");
        }

        return new ConnectionSettings(url, region, Interface, CredentialKind, appId, user, userDomain, project, projectDomain, ca);
    }

    /// <summary>Whether the bundle holds at least one certificate and no damaged certificate block: read here so a bundle that
    /// only looks like PEM is refused before it is stored, not when the engine first connects.</summary>
    private static bool CertificatesReadable(string pem)
    {
        var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
            return certificates.Count > 0;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return false;
        }
        finally
        {
            foreach (var certificate in certificates)
                certificate.Dispose();
        }
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
