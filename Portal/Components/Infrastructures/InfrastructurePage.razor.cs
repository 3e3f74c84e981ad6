using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Identity;
using Portal.Jobs.Infrastructures;

namespace Portal.Components.Infrastructures;

public partial class InfrastructurePage
{
    [Parameter] public Guid Id { get; set; }

    /// <summary>Which tab to open (<c>?tab=catalog</c>, <c>service-configs</c>, <c>demo-faults</c>), so other pages can link to one.</summary>
    [SupplyParameterFromQuery(Name = "tab")] public string? Tab { get; set; }

    private static readonly string[] TabKeys = ["overview", "catalog", "service-configs", "demo-faults"];
    private int _tab;

    [Inject] private InfrastructureService Infrastructures { get; set; } = default!;
    [Inject] private ConnectionProbe Probe { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private InfrastructureDetail? _detail;
    private bool _notFound;
    private bool _canManage;
    private bool _busy;
    private Refusal? _refusal;

    protected override async Task OnParametersSetAsync()
    {
        _tab = Math.Max(0, Array.IndexOf(TabKeys, Tab?.ToLowerInvariant()));
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _canManage = actor.IsPlatformAdmin;
        var result = await Infrastructures.GetAsync(actor, Id);
        _detail = result.Value;
        _notFound = !result.Succeeded;
    }

    private async Task RecheckAsync()
    {
        _busy = true;
        try
        {
            var stored = await Infrastructures.GetCredentialsAsync(Id);
            if (stored is not { } credentials) return;
            var report = await Probe.ProbeAsync(credentials.Provider, credentials.Connection, credentials.Secret);
            await Infrastructures.RecordValidationAsync(Id, report.ToCheck());
            Snackbar.Add(report.Succeeded ? $"The connection works. {report.Summary}" : $"The connection failed. {report.Summary}",
                report.Succeeded ? Severity.Success : Severity.Error);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync()
    {
        var detail = _detail!;
        if (!await Dialogs.ConfirmAsync("Delete infrastructure",
                $"Delete '{detail.Name}' and its catalog? Its stored credentials are erased. Nothing in the cloud itself is touched. This cannot be undone.",
                "Delete infrastructure"))
            return;
        var result = await Infrastructures.DeleteAsync(await CurrentActor.GetAsync(), detail.Id);
        _refusal = result.Refusal;
        if (result.Succeeded)
        {
            Snackbar.Add($"Infrastructure {detail.Name} deleted", Severity.Success);
            Navigation.NavigateTo("infrastructures");
        }
    }
}
