using Microsoft.AspNetCore.Components;
using Portal.Domain.Common;
using Portal.Identity;
using Portal.Jobs.Operations;
using Radzen;
using Radzen.Blazor;

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

    private RadzenDataGrid<OperationView>? _grid;
    private IEnumerable<OperationView>? _rows;
    private int _count;
    private bool _loading;
    private bool _canManage;
    private IDisposable? _subscription;
    private LiveRefresh? _live;
    private string? _subscribedTo;
    // Rows the person expanded: a live reload replaces the rows, and they are expanded again after it renders.
    private readonly HashSet<Guid> _expanded = [];
    private bool _reexpand;

    private string Scope => Source?.Scope ?? $"{TargetType}/{TargetId}";

    protected override async Task OnInitializedAsync()
    {
        _canManage = (await CurrentActor.GetAsync()).IsPlatformAdmin;
        _live = new LiveRefresh(() => InvokeAsync(ReloadAsync), TimeSpan.FromMilliseconds(300), Logger);
    }

    protected override async Task OnParametersSetAsync()
    {
        _canManage = CanManage ?? (await CurrentActor.GetAsync()).IsPlatformAdmin;
        if (_subscribedTo == Scope) return;
        // A new scope: listen to its changes only, and show its history from the first page.
        _subscription?.Dispose();
        _subscription = Source is { } source
            // Read through the parameter on each change: the source's Watches may follow the page (a pool added).
            ? Notifier.Subscribe(change => Source?.Watches(change) == true ? _live!.RequestAsync() : Task.CompletedTask)
            : Notifier.SubscribeToTarget(TargetType, TargetId, _ => _live!.RequestAsync());
        var changedScope = _subscribedTo is not null;
        _subscribedTo = Scope;
        if (changedScope && _grid is not null)
        {
            _expanded.Clear();
            await _grid.FirstPage(true);
        }
    }

    private Func<Actor, Guid, Task<Result>>? RetryAction => Source?.Retry;
    private Func<Actor, Guid, Task<Result>>? CancelAction => Source?.Cancel;

    private async Task ActedAsync()
    {
        await ReloadAsync();
        await Changed.InvokeAsync();
    }

    private async Task LoadAsync(LoadDataArgs args)
    {
        _loading = true;
        var actor = await CurrentActor.GetAsync();
        var request = new PageRequest(args.Skip ?? 0, args.Top ?? PageSize);
        var page = Source is { } source
            ? await source.Load(actor, request)
            : await Operations.ListForTargetAsync(actor, TargetType, TargetId, request);
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
        if (rows.Count > 0)
            await _grid.ExpandRows(rows);
    }

    private void Expanded(OperationView row) => _expanded.Add(row.Id);

    private void Collapsed(OperationView row) => _expanded.Remove(row.Id);

    private async Task ReloadAsync()
    {
        if (_grid is not null)
            await _grid.Reload();
        StateHasChanged();
    }

    private static void RowRender(RowRenderEventArgs<OperationView> args) => args.Expandable = args.Data?.Steps.Count > 0;

    public void Dispose()
    {
        _subscription?.Dispose();
        _live?.Dispose();
    }
}
