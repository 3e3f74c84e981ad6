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
    [Parameter, EditorRequired] public string TargetType { get; set; } = "";
    [Parameter, EditorRequired] public string TargetId { get; set; } = "";
    /// <summary>The grid's accessible name; defaults to "Action history".</summary>
    [Parameter] public string? Title { get; set; }
    [Parameter] public int PageSize { get; set; } = 10;

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
    private (string Type, string Id)? _subscribedTo;
    // Rows the person expanded: a live reload replaces the rows, and they are expanded again after it renders.
    private readonly HashSet<Guid> _expanded = [];
    private bool _reexpand;

    protected override async Task OnInitializedAsync()
    {
        _canManage = (await CurrentActor.GetAsync()).IsPlatformAdmin;
        _live = new LiveRefresh(() => InvokeAsync(ReloadAsync), TimeSpan.FromMilliseconds(300), Logger);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_subscribedTo == (TargetType, TargetId)) return;
        // A new target: listen to its changes only, and show its history from the first page.
        _subscription?.Dispose();
        _subscription = Notifier.SubscribeToTarget(TargetType, TargetId, _ => _live!.RequestAsync());
        var changedTarget = _subscribedTo is not null;
        _subscribedTo = (TargetType, TargetId);
        if (changedTarget && _grid is not null)
            await _grid.FirstPage(true);
    }

    private async Task LoadAsync(LoadDataArgs args)
    {
        _loading = true;
        var page = await Operations.ListForTargetAsync(await CurrentActor.GetAsync(), TargetType, TargetId,
            new PageRequest(args.Skip ?? 0, args.Top ?? PageSize));
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
