using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Common;
using Portal.Domain.ServiceConfigs;
using Portal.Identity;
using Portal.Jobs.Operations;

namespace Portal.Components.ServiceConfigs;

public sealed partial class PlatformPage : IDisposable
{
    [Parameter] public Guid Id { get; set; }

    [Inject] private ServiceConfigService ServiceConfigs { get; set; } = default!;
    [Inject] private IResourceNotifier Resources { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private PlatformDetail? _platform;
    private bool _notFound;
    private bool _canManage;
    private Refusal? _refusal;
    private string? _upgradeTo;
    private IDisposable? _subscription;

    private IReadOnlyList<string> NewerVersions => _platform?.UpgradeVersions ?? [];

    protected override async Task OnParametersSetAsync()
    {
        _platform = null;
        await LoadAsync();
        _subscription?.Dispose();
        // The platform's state follows its operations (their outcome commits with their end): refresh whenever it changes.
        var id = Id.ToString();
        _subscription = Resources.Subscribe(change => change.Type == ServiceConfigService.PlatformTargetType && change.Id == id, _ => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
    }

    private async Task LoadAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _canManage = actor.IsPlatformAdmin;
        var result = await ServiceConfigs.GetPlatformAsync(actor, Id);
        if (result.Refusal is { Kind: RefusalKind.NotFound } && _platform is { } gone)
        {
            // Its deletion finished while the page was open: back to the list it was on, not to "not found".
            Snackbar.Add($"{gone.Title} of {gone.ServiceConfigName} deleted", Severity.Success);
            BackToList(gone);
            return;
        }
        _platform = result.Value;
        _notFound = !result.Succeeded;
        _upgradeTo ??= NewerVersions.LastOrDefault();
    }

    /// <summary>The infrastructure page's Service Configs tab, where the platform's Service Config is listed.</summary>
    private void BackToList(PlatformDetail platform) => Navigation.NavigateTo($"infrastructures/{platform.InfrastructureId}?tab=service-configs");

    private async Task ToggleAsync()
    {
        var platform = _platform!;
        var result = await ServiceConfigs.SetEnabledAsync(await CurrentActor.GetAsync(), platform.Id, platform.Version, !platform.Enabled);
        _refusal = result.Refusal;
        if (result.Succeeded) Snackbar.Add(platform.Enabled ? "Platform disabled for new use" : "Platform enabled", Severity.Success);
        await LoadAsync();
    }

    private async Task UpgradeAsync()
    {
        var platform = _platform!;
        if (!await Dialogs.ConfirmAsync("Upgrade the operator",
                $"Upgrade CloudNativePG from {platform.OperatorVersion} to {_upgradeTo}? Databases keep running while the operator is replaced.", "Upgrade", destructive: false))
            return;
        var result = await ServiceConfigs.UpgradeAsync(await CurrentActor.GetAsync(), platform.Id, platform.Version, _upgradeTo);
        _refusal = result.Refusal;
        if (result.Succeeded) Snackbar.Add("Upgrade started; its progress shows in the action history.", Severity.Info);
        _upgradeTo = null;
        await LoadAsync();
    }

    private async Task DeleteAsync()
    {
        var platform = _platform!;
        var what = platform.Kind == PlatformKind.Mks
            ? "Delete the MKS network platform? It holds only data; nothing in the cloud changes."
            : platform.PostgresMode switch
            {
                PostgresMode.Managed => "Delete the PostgreSQL platform and its backing cluster? This cannot be undone.",
                PostgresMode.ManagedTools => "Delete the PostgreSQL platform? Portal removes the operator it installed from your cluster. This cannot be undone.",
                _ => "Delete the PostgreSQL platform record? Nothing runs that Portal installed.",
            };
        if (!await Dialogs.ConfirmAsync("Delete platform", what, "Delete platform"))
            return;
        var result = await ServiceConfigs.DeletePlatformAsync(await CurrentActor.GetAsync(), platform.Id);
        _refusal = result.Refusal;
        if (!result.Succeeded) return;
        if (platform.Kind == PlatformKind.Mks)
        {
            Snackbar.Add("MKS network platform deleted", Severity.Success);
            BackToList(platform);
            return;
        }
        // A PostgreSQL platform's deletion runs as an operation: the page follows it, and returns to the list when it is gone.
        Snackbar.Add("Deletion started; its progress shows in the action history.", Severity.Info);
        await LoadAsync();
    }

    public void Dispose() => _subscription?.Dispose();
}
