using System.Transactions;
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

    // Outside any command's transaction: on PostgreSQL a command may run in a TransactionScope (so that its operations'
    // jobs commit with its rows), and a key the key ring creates or reads must not join it — a key written in a
    // transaction that rolls back would leave secrets protected with a key no replica can find.
    public string Protect(string secret)
    {
        using var outside = new TransactionScope(TransactionScopeOption.Suppress);
        return _protector.Protect(secret);
    }

    public string Unprotect(string protectedSecret)
    {
        using var outside = new TransactionScope(TransactionScopeOption.Suppress);
        return _protector.Unprotect(protectedSecret);
    }
}
