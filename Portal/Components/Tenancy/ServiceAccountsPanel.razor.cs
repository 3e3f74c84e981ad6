using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Api;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Identity;

namespace Portal.Components.Tenancy;

public sealed partial class ServiceAccountsPanel
{
    [Inject] private ApiTokenService Tokens { get; set; } = default!;
    [Inject] private TenancyService Tenancy { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Parameter, EditorRequired] public Guid TenantId { get; set; }
    [Parameter, EditorRequired] public string TenantName { get; set; } = "";

    /// <summary>Null until loaded, and when the domain refused the list (the refusal says why).</summary>
    private IReadOnlyList<ServiceAccountRow>? _accounts;
    private readonly HashSet<Guid> _open = [];
    private DateTimeOffset _now;
    private Refusal? _refusal;

    protected override async Task OnParametersSetAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        var result = await Tokens.ListServiceAccountsAsync(await CurrentActor.GetAsync(), TenantId);
        _accounts = result.Value;
        _refusal = result.Refusal;
        _now = Clock.GetUtcNow();
    }

    private void Toggle(Guid id)
    {
        if (!_open.Remove(id)) _open.Add(id);
    }

    private async Task CreateAsync()
    {
        var actor = await CurrentActor.GetAsync();
        var projects = await Tenancy.ListProjectsAsync(actor, TenantId, new PageRequest(0, Limits.MaxPageSize));
        Guid? created = null;
        if (await Dialogs.OpenFormAsync<ServiceAccountCreateDialog>($"New service account in {TenantName}", new()
            {
                [nameof(ServiceAccountCreateDialog.Projects)] = projects.Items,
                [nameof(ServiceAccountCreateDialog.Save)] = (Func<Guid?, string?, string?, Task<Result>>)(async (project, name, description) =>
                {
                    if (project is null) return Refusal.Invalid(Fields.Project, "Choose the project the service account belongs to.");
                    var result = await Tokens.CreateServiceAccountAsync(await CurrentActor.GetAsync(), project.Value, name, description);
                    created = result.Value;
                    return result;
                }),
            }))
        {
            Snackbar.Add("Service account created", Severity.Success);
            await LoadAsync();
            // Open the new account onto its tokens: issuing one is what comes next.
            if (created is { } id) _open.Add(id);
        }
    }

    private async Task DeleteAsync(ServiceAccountRow account)
    {
        var tokens = account.LiveTokens == 1 ? "Its live token stops" : $"Its {account.LiveTokens} live tokens stop";
        if (await Dialogs.ConfirmByTypingAsync("Delete service account",
                $"Delete the service account '{account.Name}' of project {account.ProjectName}? {(account.LiveTokens == 0 ? "It has no live tokens." : tokens + " working at once.")} This cannot be undone.",
                account.Name, "Delete service account", async () => await Tokens.DeleteServiceAccountAsync(await CurrentActor.GetAsync(), account.Id)))
        {
            Snackbar.Add($"Service account {account.Name} deleted", Severity.Success);
            _open.Remove(account.Id);
            await LoadAsync();
        }
    }
}
