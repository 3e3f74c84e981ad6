using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Domain.Common;
using Portal.Identity;
using Portal.Jobs.Operations;

namespace Portal.Components.Operations;

public sealed partial class OperationHistory : IDisposable
{
    /// <summary>The resource's type as its operations record it (for example <c>PostgresPlatform</c>).</summary>
    [Parameter] public string TargetType { get; set; } = "";
    [Parameter] public string TargetId { get; set; } = "";
    /// <summary>Instead of one target's platform-wide history: where the history comes from and who acts on it.</summary>
    [Parameter] public OperationHistorySource? Source { get; set; }
    /// <summary>Who may retry and cancel; by default platform admins (the platform-wide operations' rule).</summary>
    [Parameter] public bool? CanManage { get; set; }
    /// <summary>The grid's accessible name; defaults to "Action history".</summary>
    [Parameter] public string? Title { get; set; }
    [Parameter] public int PageSize { get; set; } = 10;
    /// <summary>Raised after a retry or cancel was accepted.</summary>
    [Parameter] public EventCallback Changed { get; set; }

    [Inject] private OperationService Operations { get; set; } = default!;
    [Inject] private OperationNotifier Notifier { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private ILogger<OperationHistory> Logger { get; set; } = default!;

    private MudDataGrid<OperationView>? _grid;
    private Dictionary<string, object> _tableAttributes = [];
    private bool _canManage;
    private IDisposable? _subscription;
    private LiveRefresh? _live;
    private string? _subscribedTo;

    private string Scope => Source?.Scope ?? $"{TargetType}/{TargetId}";

    protected override void OnInitialized() =>
        _live = new LiveRefresh(() => InvokeAsync(ReloadAsync), TimeSpan.FromMilliseconds(300), Logger);

    protected override async Task OnParametersSetAsync()
    {
        _canManage = CanManage ?? (await CurrentActor.GetAsync()).IsPlatformAdmin;
        _tableAttributes = new() { ["aria-label"] = Title ?? "Action history" };
        if (_subscribedTo == Scope) return;
        // A new scope: listen to its changes only, and show its history from the first page, nothing expanded.
        _subscription?.Dispose();
        _subscription = Source is not null
            // Read through the parameter on each change: the source's Watches may follow the page (a pool added).
            // A refresh (this replica may have missed changes from the others) names no target: always reload.
            ? Notifier.Subscribe(change => change.IsRefresh || Source?.Watches(change) == true ? _live!.RequestAsync() : Task.CompletedTask)
            : Notifier.SubscribeToTarget(TargetType, TargetId, _ => _live!.RequestAsync());
        var changedScope = _subscribedTo is not null;
        _subscribedTo = Scope;
        if (changedScope && _grid is not null)
        {
            await _grid.CollapseAllHierarchy();
            _grid.NavigateTo(Page.First);
            await _grid.ReloadServerData();
        }
    }

    // The grid's token is not passed on: a page query is short, and a load the grid no longer needs just finishes
    // and is dropped, where a cancelled one would surface as an exception in the circuit.
    private async Task<GridData<OperationView>> LoadAsync(GridState<OperationView> state, CancellationToken ct)
    {
        var actor = await CurrentActor.GetAsync();
        var request = new PageRequest(state.Page * state.PageSize, state.PageSize);
        var page = Source is { } source
            ? await source.Load(actor, request)
            : await Operations.ListForTargetAsync(actor, TargetType, TargetId, request);
        return new GridData<OperationView> { Items = page.Value?.Items ?? [], TotalItems = page.Value?.Total ?? 0 };
    }

    private async Task ActedAsync()
    {
        await ReloadAsync();
        await Changed.InvokeAsync();
    }

    private async Task ReloadAsync()
    {
        if (_grid is not null)
            await _grid.ReloadServerData();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _live?.Dispose();
    }
}
