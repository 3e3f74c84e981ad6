using Microsoft.AspNetCore.DataProtection;

namespace Portal.Domain.Common;

/// <summary>
/// Encrypts secrets (cloud credentials, kubeconfigs) for storage with ASP.NET Core Data Protection, whose
/// keys live in the portal's database. Protected values are opaque; only server code that needs the secret to call a
/// provider unprotects it, and nothing unprotected is ever rendered or logged.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Portal.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
