using Microsoft.AspNetCore.Components;
using Portal.Components.Operations;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Identity;
using Portal.Jobs.Clusters;
using Portal.Jobs.Operations;
using Radzen;
using Radzen.Blazor;

namespace Portal.Components.Clusters;

public sealed partial class ClusterHistory : IDisposable
{
    [Parameter, EditorRequired] public Guid ClusterId { get; set; }
    /// <summary>One pool's history; null for the whole cluster's (its own actions and all its pools').</summary>
    [Parameter] public Guid? PoolId { get; set; }
    /// <summary>The cluster's pools now, so that their operations' changes refresh the history.</summary>
    [Parameter] public IReadOnlyCollection<Guid> PoolIds { get; set; } = [];
    /// <summary>Members and admins of the cluster's tenant retry and cancel; everyone else reads.</summary>
    [Parameter] public bool CanManage { get; set; }
    [Parameter] public int PageSize { get; set; } = 10;
    /// <summary>Raised after a retry or cancel was accepted.</summary>
    [Parameter] public EventCallback Changed { get; set; }

    [Inject] private ClusterCommands Commands { get; set; } = default!;
    [Inject] private OperationNotifier Notifier { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private DialogService Dialogs { get; set; } = default!;
    [Inject] private NotificationService Notifications { get; set; } = default!;
    [Inject] private ILogger<ClusterHistory> Logger { get; set; } = default!;

    private RadzenDataGrid<OperationView>? _grid;
    private IEnumerable<OperationView>? _rows;
    private int _count;
    private bool _loading;
    private Guid? _busy;
    private IDisposable? _subscription;
    private LiveRefresh? _live;
    private (Guid Cluster, Guid? Pool)? _shown;
    private volatile HashSet<string> _targets = [];
    // Rows the person expanded stay expanded across live reloads.
    private readonly HashSet<Guid> _expanded = [];
    private bool _reexpand;

    protected override void OnInitialized()
    {
        _live = new LiveRefresh(() => InvokeAsync(ReloadAsync), TimeSpan.FromMilliseconds(300), Logger);
        _subscription = Notifier.Subscribe(change => _targets.Contains(change.TargetId) ? _live.RequestAsync() : Task.CompletedTask);
    }

    protected override async Task OnParametersSetAsync()
    {
        // A pool that is being added is not in PoolIds yet: the cluster page reloads on its operation and passes it on.
        _targets = [ClusterId.ToString(), .. PoolIds.Select(p => p.ToString())];
        if (_shown == (ClusterId, PoolId)) return;
        var changed = _shown is not null;
        _shown = (ClusterId, PoolId);
        if (changed && _grid is not null)
        {
            _expanded.Clear();
            await _grid.FirstPage(true);
        }
    }

    private async Task LoadAsync(LoadDataArgs args)
    {
        _loading = true;
        var page = await Commands.HistoryAsync(await CurrentActor.GetAsync(), ClusterId, PoolId, new PageRequest(args.Skip ?? 0, args.Top ?? PageSize));
        _rows = page.Value?.Items ?? [];
        _count = page.Value?.Total ?? 0;
        _loading = false;
        _reexpand = _expanded.Count > 0;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_reexpand || _grid is null || _rows is null) return;
        _reexpand = false;
        var rows = _rows.Where(r => _expanded.Contains(r.Id)).ToList();
        if (rows.Count > 0) await _grid.ExpandRows(rows);
    }

    private void Expanded(OperationView row) => _expanded.Add(row.Id);

    private void Collapsed(OperationView row) => _expanded.Remove(row.Id);

    private async Task ReloadAsync()
    {
        if (_grid is not null) await _grid.Reload();
        StateHasChanged();
    }

    private static void RowRender(RowRenderEventArgs<OperationView> args) => args.Expandable = args.Data?.Steps.Count > 0;

    private async Task RetryAsync(OperationView operation)
    {
        _busy = operation.Id;
        try
        {
            var result = await Commands.RetryAsync(await CurrentActor.GetAsync(), operation.Id);
            Report(result, $"{ClusterFormat.Action(operation.Kind)} on {operation.TargetName} runs again from its failed step.");
            if (result.Succeeded) await Changed.InvokeAsync();
        }
        finally
        {
            _busy = null;
        }
        await ReloadAsync();
    }

    private async Task CancelAsync(OperationView operation)
    {
        var running = operation.State == OperationState.Running;
        var what = $"{ClusterFormat.Action(operation.Kind).ToLowerInvariant()} on {operation.TargetName}";
        var confirmed = await Dialogs.Confirm(
            running
                ? $"Stop the {what}? It stops at its next safe point; what was already applied in the cloud is not undone."
                : $"Cancel the {what} before it starts?",
            "Cancel action?",
            // Not "Cancel" on both buttons: say what each one does.
            new ConfirmOptions { OkButtonText = "Cancel action", CancelButtonText = "Keep it", CloseDialogOnEsc = true, Width = "460px" });
        if (confirmed != true) return;
        _busy = operation.Id;
        try
        {
            var result = await Commands.CancelAsync(await CurrentActor.GetAsync(), operation.Id);
            Report(result, running ? "Cancellation requested; the action stops at its next safe point." : "Action cancelled.");
            if (result.Succeeded) await Changed.InvokeAsync();
        }
        finally
        {
            _busy = null;
        }
        await ReloadAsync();
    }

    private void Report(Result result, string success)
    {
        if (result.Succeeded)
            Notifications.Notify(NotificationSeverity.Success, success);
        else
            Notifications.Notify(NotificationSeverity.Error, "Not done", result.Refusal!.Message, TimeSpan.FromSeconds(8));
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _live?.Dispose();
    }
}
