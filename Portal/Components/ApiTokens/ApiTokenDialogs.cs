using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;

namespace Portal.Components.ApiTokens;

/// <summary>Issuing a token, the same way for a person and a service account: the form, then the token shown once.</summary>
public static class ApiTokenDialogs
{
    /// <summary>
    /// Opens <see cref="ApiTokenDialog"/>; when <paramref name="create"/> succeeds, runs <paramref name="created"/> (the list
    /// reloads behind the dialog) and shows the token in <see cref="ApiTokenSecretDialog"/> until the person closes it.
    /// The token's text passes through here only; what is returned is the row without it. Null when cancelled.
    /// </summary>
    /// <param name="tenants">The tenants a person's token may be limited to; null for a service account's token.</param>
    public static async Task<ApiTokenRow?> IssueAsync(this IDialogService dialogs, string title,
        Func<string?, DateTimeOffset, ApiScope, IReadOnlyCollection<Guid>, Task<Result<CreatedApiToken>>> create,
        IReadOnlyList<TenantRow>? tenants = null, string? intro = null, Func<Task>? created = null)
    {
        CreatedApiToken? issued = null;
        var saved = await dialogs.OpenFormAsync<ApiTokenDialog>(title, new()
        {
            [nameof(ApiTokenDialog.Tenants)] = tenants,
            [nameof(ApiTokenDialog.Intro)] = intro,
            [nameof(ApiTokenDialog.Save)] = (Func<string?, DateTimeOffset, ApiScope, IReadOnlyCollection<Guid>, Task<Result>>)(async (name, expiresAt, scope, tenantIds) =>
            {
                var result = await create(name, expiresAt, scope, tenantIds);
                issued = result.Value;
                return result;
            }),
        });
        if (!saved || issued is null) return null;

        var row = issued.Token;
        var parameters = new DialogParameters
        {
            { nameof(ApiTokenSecretDialog.Token), issued.PlainText },
        };
        if (created is not null) await created();
        var reference = await dialogs.ShowAsync<ApiTokenSecretDialog>($"Token {row.Name} created", parameters, ApiTokenSecretDialog.Options);
        await reference.Result;
        return row;
    }
}
