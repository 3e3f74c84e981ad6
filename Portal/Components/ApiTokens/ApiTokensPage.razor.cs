using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Identity;

namespace Portal.Components.ApiTokens;

/// <summary>
/// A person's own API tokens (any signed-in person): the list, a new token (shown once), revoke. The token's text never
/// reaches this page's state: <see cref="ApiTokenDialogs.IssueAsync"/> hands it straight to the shown-once dialog.
/// </summary>
public sealed partial class ApiTokensPage
{
    [Inject] private ApiTokenService Tokens { get; set; } = default!;
    [Inject] private TenancyService Tenancy { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private IReadOnlyList<ApiTokenRow>? _tokens;
    private IReadOnlyList<TenantRow> _tenants = [];
    private Dictionary<Guid, string> _tenantNames = [];
    private DateTimeOffset _now;
    private Refusal? _refusal;

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _tenants = await Tenancy.MemberTenantsAsync(actor);
        _tenantNames = _tenants.ToDictionary(t => t.Id, t => t.Name);
        _tokens = await Tokens.ListMineAsync(actor);
        _now = Clock.GetUtcNow();
    }

    private async Task CreateAsync()
    {
        _refusal = null;
        var row = await Dialogs.IssueAsync("New API token", async (name, expiresAt, scope, tenantIds) =>
                await Tokens.CreatePersonalTokenAsync(await CurrentActor.GetAsync(), name, expiresAt, scope, tenantIds),
            tenants: _tenants, created: async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        if (row is not null) Snackbar.Add($"Token {row.Name} created", Severity.Success);
    }

    private async Task RevokeAsync(ApiTokenRow token)
    {
        if (!await Dialogs.ConfirmAsync("Revoke token", $"Revoke the token '{token.Name}'? Anything still using it is refused from its next request. This cannot be undone.",
                "Revoke token"))
            return;
        var result = await Tokens.RevokeAsync(await CurrentActor.GetAsync(), token.Id);
        _refusal = result.Refusal;
        if (result.Succeeded) Snackbar.Add($"Token {token.Name} revoked", Severity.Success);
        await LoadAsync();
    }
}
