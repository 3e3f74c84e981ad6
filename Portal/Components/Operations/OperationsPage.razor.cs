using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Identity;
using Portal.Jobs.Operations;

namespace Portal.Components.Operations;

public sealed partial class OperationsPage : IDisposable
{
    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Operations" };

    /// <summary>Pre-selects a state, as the health cards link to it (<c>operations?state=Queued</c>).</summary>
    [SupplyParameterFromQuery(Name = "state")] public string? StateQuery { get; set; }

    [Inject] private OperationService Operations { get; set; } = default!;
    [Inject] private OperationNotifier Notifier { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private ILogger<OperationsPage> Logger { get; set; } = default!;

    private MudDataGrid<OperationView>? _grid;
    private bool _canManage;
    private EngineHealth? _health;
    private IReadOnlyList<string> _kinds = [];
    private OperationFilter _filter = new();
    // The date-time inputs' own text ("2026-12-01T08:30"), read as UTC like every time on the page.
    private string? _from;
    private string? _to;
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

    private async Task<GridData<OperationView>> LoadAsync(GridState<OperationView> state, CancellationToken ct)
    {
        var page = await Operations.ListAsync(await CurrentActor.GetAsync(), _filter, new PageRequest(state.Page * state.PageSize, state.PageSize));
        return new GridData<OperationView> { Items = page.Value?.Items ?? [], TotalItems = page.Value?.Total ?? 0 };
    }

    /// <summary>A new filter shows its results from the first page (the grid would otherwise keep its page index).</summary>
    private async Task FilterAsync(OperationFilter filter)
    {
        _filter = filter;
        if (_grid is null) return; // the first render loads with it
        _grid.NavigateTo(Page.First);
        await _grid.ReloadServerData();
    }

    private Task RangeAsync(string? from, string? to)
    {
        _from = from;
        _to = to;
        return FilterAsync(_filter with { From = Utc(from), To = Utc(to) });
    }

    /// <summary>Reloads the current page, the health figures and the kinds, keeping expanded rows open.</summary>
    private async Task RefreshAsync()
    {
        _health = await Operations.GetHealthAsync();
        _kinds = await Operations.ListKindsAsync();
        if (_grid is not null)
            await _grid.ReloadServerData();
        StateHasChanged();
    }

    private static DateTimeOffset? Utc(string? local) =>
        DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? new DateTimeOffset(value, TimeSpan.Zero)
            : null;

    public void Dispose()
    {
        _subscription?.Dispose();
        _live?.Dispose();
    }
}
