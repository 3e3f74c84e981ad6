using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Hosting;

/// <summary>
/// Configuration section <c>Portal:DataProtection</c>: a certificate that encrypts the data-protection key ring at rest.
/// The key ring lives in the portal's database (SQLite or PostgreSQL) and decrypts every stored credential; with a
/// certificate, a copy of the database alone decrypts nothing. A PKCS#12 file (<c>.pfx</c>/<c>.p12</c>, with
/// <see cref="CertificatePassword"/>) or a PEM certificate with its PEM key (<see cref="CertificateKeyPath"/>).
/// </summary>
public sealed class KeyRingProtectionOptions
{
    public const string Section = "Portal:DataProtection";
    public string? CertificatePath { get; set; }
    public string? CertificatePassword { get; set; }
    public string? CertificateKeyPath { get; set; }
    /// <summary>Certificates that protected the key ring before (after a rotation): they still decrypt, never encrypt.</summary>
    public string[] PreviousCertificatePaths { get; set; } = [];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificatePath);
}

public static class KeyRingProtection
{
    /// <summary>Protects new keys with the configured certificate; a missing or unusable certificate stops the start.</summary>
    public static void Apply(IServiceCollection services, KeyRingProtectionOptions options)
    {
        if (!options.IsConfigured) return;
        var certificate = Load(options.CertificatePath!, options.CertificateKeyPath, options.CertificatePassword);
        if (!certificate.HasPrivateKey)
            throw new PortalStartupException($"The data-protection certificate {options.CertificatePath} has no private key; the portal needs it to read its keys.");
        var builder = services.AddDataProtection().ProtectKeysWithCertificate(certificate);
        if (options.PreviousCertificatePaths.Length > 0)
            builder.UnprotectKeysWithAnyCertificate([.. options.PreviousCertificatePaths.Select(path => Load(path, null, options.CertificatePassword))]);
    }

    /// <summary>
    /// With a certificate configured, new secrets must be protected by an encrypted key: when the newest key in the
    /// database was stored unencrypted (made before the certificate was configured), a new key is made now, so the
    /// unencrypted one is no longer used to protect anything. It stays, to read what it protected before.
    /// </summary>
    public static async Task<bool> EnsureEncryptedDefaultKeyAsync(IServiceProvider services, PortalDbContext db, TimeProvider clock)
    {
        var newest = await db.DataProtectionKeys.AsNoTracking().OrderByDescending(k => k.Id).Select(k => k.Xml).FirstOrDefaultAsync();
        if (newest is null || newest.Contains("encryptedSecret", StringComparison.Ordinal)) return false;
        var now = clock.GetUtcNow();
        services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
        return true;
    }

    private static X509Certificate2 Load(string path, string? keyPath, string? password)
    {
        if (!File.Exists(path))
            throw new PortalStartupException($"The data-protection certificate {path} (Portal:DataProtection:CertificatePath) does not exist.");
        try
        {
            if (!string.IsNullOrWhiteSpace(keyPath) || path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase))
                return string.IsNullOrWhiteSpace(password)
                    ? X509Certificate2.CreateFromPemFile(path, string.IsNullOrWhiteSpace(keyPath) ? null : keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, string.IsNullOrWhiteSpace(keyPath) ? null : keyPath);
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException ex)
        {
            // The library's message names the problem (wrong password, not a certificate), never the password.
            throw new PortalStartupException($"The data-protection certificate {path} cannot be read: {ex.Message}");
        }
    }
}
