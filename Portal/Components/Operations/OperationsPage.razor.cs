using Microsoft.AspNetCore.Components;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Identity;
using Portal.Jobs.Operations;
using Radzen;
using Radzen.Blazor;

namespace Portal.Components.Operations;

public sealed partial class OperationsPage : IDisposable
{
    private static readonly IReadOnlyList<StateOption> StateOptions =
        Enum.GetValues<OperationState>().Select(s => new StateOption(s, s.ToString())).ToList();

    /// <summary>Pre-selects a state, as the health cards link to it (<c>operations?state=Queued</c>).</summary>
    [SupplyParameterFromQuery(Name = "state")] public string? StateQuery { get; set; }

    [Inject] private OperationService Operations { get; set; } = default!;
    [Inject] private OperationNotifier Notifier { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private ILogger<OperationsPage> Logger { get; set; } = default!;

    private RadzenDataGrid<OperationView>? _grid;
    private IEnumerable<OperationView>? _rows;
    private int _count;
    private bool _loading;
    private bool _canManage;
    private EngineHealth? _health;
    private IReadOnlyList<string> _kinds = [];
    private OperationFilter _filter = new();
    private DateTime? _from;
    private DateTime? _to;
    private IDisposable? _subscription;
    private LiveRefresh? _live;
    private string? _appliedStateQuery;

    protected override async Task OnInitializedAsync()
    {
        _canManage = (await CurrentActor.GetAsync()).IsPlatformAdmin;
        _health = await Operations.GetHealthAsync();
        _kinds = await Operations.ListKindsAsync();
        // Every change anywhere: one refresh per second at most, however busy the engine is.
        _live = new LiveRefresh(() => InvokeAsync(RefreshAsync), TimeSpan.FromSeconds(1), Logger);
        _subscription = Notifier.Subscribe(_ => _live.RequestAsync());
    }

    protected override async Task OnParametersSetAsync()
    {
        // Apply the query only when it changed (a health card was followed), not on every re-render, which would
        // undo a state picked in the drop-down.
        if (_appliedStateQuery == StateQuery) return;
        _appliedStateQuery = StateQuery;
        var state = Enum.TryParse<OperationState>(StateQuery, ignoreCase: true, out var parsed) ? parsed : (OperationState?)null;
        await FilterAsync(_filter with { State = state });
    }

    private async Task LoadAsync(LoadDataArgs args)
    {
        _loading = true;
        var page = await Operations.ListAsync(await CurrentActor.GetAsync(), _filter, new PageRequest(args.Skip ?? 0, args.Top ?? Limits.DefaultPageSize));
        _rows = page.Value?.Items ?? [];
        _count = page.Value?.Total ?? 0;
        _loading = false;
    }

    private async Task FilterAsync(OperationFilter filter)
    {
        _filter = filter;
        if (_grid is not null)
            await _grid.FirstPage(true);
    }

    private Task RangeAsync(DateTime? from, DateTime? to)
    {
        _from = from;
        _to = to;
        // The pickers show UTC (as every time on the page does).
        return FilterAsync(_filter with { From = Utc(from), To = Utc(to) });
    }

    /// <summary>Reloads the current page, the health figures and the kinds, keeping expanded rows open.</summary>
    private async Task RefreshAsync()
    {
        _health = await Operations.GetHealthAsync();
        _kinds = await Operations.ListKindsAsync();
        if (_grid is not null)
            await _grid.Reload();
        StateHasChanged();
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static void RowRender(RowRenderEventArgs<OperationView> args) => args.Expandable = args.Data?.Steps.Count > 0;

    public void Dispose()
    {
        _subscription?.Dispose();
        _live?.Dispose();
    }

    private sealed record StateOption(OperationState? Value, string Text);
}
