using Portal.Components.Shared;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Portal.Components.Operations;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Identity;
using MudBlazor;
using Portal.Jobs.Operations;

namespace Portal.Components.Clusters;

public sealed partial class ClustersPage : IDisposable
{
    [Inject] private ClusterService Clusters { get; set; } = default!;
    [Inject] private TenancyService Tenancy { get; set; } = default!;
    [Inject] private IResourceNotifier Resources { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<ClustersPage> Logger { get; set; } = default!;

    private MudDataGrid<ClusterRow>? _grid;
    private Actor? _actor;
    // Null until known: the page shows neither the empty state nor the grid before the first count.
    private bool? _anyClusters;
    private bool _showTenant;
    private string? _search;
    private ClusterFilter _filter = new();
    private IReadOnlyList<ProjectOption> _projects = [];
    private IReadOnlyList<ProjectChoice> _visibleProjects = [];
    private IDisposable? _subscription;
    private LiveRefresh? _live;

    /// <summary><c>/clusters?project=&lt;id&gt;</c> opens the list filtered to one project (the Projects page links here).</summary>
    [SupplyParameterFromQuery(Name = "project")] public string? ProjectQueryText { get; set; }
    private Guid? ProjectQuery => QueryValues.Id(ProjectQueryText, "project", Logger);

    protected override async Task OnInitializedAsync()
    {
        if (ProjectQuery is { } project) _filter = _filter with { ProjectId = project };
        _actor = await CurrentActor.GetAsync();
        _projects = await Clusters.ProjectsForCreateAsync(_actor);
        var visible = await Tenancy.ListProjectsAsync(_actor, null, new PageRequest(0, Limits.MaxPageSize));
        _showTenant = _actor.CanReadPlatform || visible.Items.Select(p => p.TenantId).Distinct().Count() > 1;
        _visibleProjects = visible.Items.Select(p => new ProjectChoice(p.Id, _showTenant ? $"{p.TenantName} / {p.Name}" : p.Name)).ToList();
        _anyClusters = (await Clusters.ListAsync(_actor, new ClusterFilter(), new PageRequest(0, 1))).Total > 0;

        // Reload when a cluster or a pool changes (an operation's progress or end, or what the reconcile read back); a burst of
        // changes costs one reload per second at most.
        _live = new LiveRefresh(() => InvokeAsync(RefreshAsync), TimeSpan.FromSeconds(1), Logger);
        _subscription = Resources.Subscribe(change => change.Type is ClusterOperations.ClusterTarget or ClusterOperations.PoolTarget, _ => _live.RequestAsync());
    }

    /// <summary>One page, sorted and filtered by the server (the grid's sort names the row's property).</summary>
    private async Task<GridData<ClusterRow>> LoadAsync(GridState<ClusterRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var field = sort?.SortBy switch
        {
            nameof(ClusterRow.Name) => ClusterSort.Name,
            nameof(ClusterRow.ProjectName) => ClusterSort.Project,
            nameof(ClusterRow.KubernetesVersion) => ClusterSort.Version,
            nameof(ClusterRow.State) => ClusterSort.State,
            _ => ClusterSort.Created,
        };
        // Newest first until a column is sorted.
        var descending = sort?.Descending ?? true;
        try
        {
            var page = await Clusters.ListAsync(_actor ?? await CurrentActor.GetAsync(), _filter,
                new PageRequest(state.Page * state.PageSize, state.PageSize, _search), field, descending, ct);
            // Nothing at all, not just nothing matching: the last one went between the check on opening and this load
            // (its removal's notice can come before this page listened), so the empty state replaces the grid.
            if (page.Total == 0 && _anyClusters == true && _filter == new ClusterFilter() && string.IsNullOrWhiteSpace(_search))
            {
                _anyClusters = false;
                _ = InvokeAsync(StateHasChanged);
            }
            return new GridData<ClusterRow> { Items = page.Items, TotalItems = page.Total };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // A newer request (another filter or page) replaced this one; its answer is the one shown.
            return new GridData<ClusterRow> { Items = [], TotalItems = 0 };
        }
    }

    private CancellationTokenSource? _typing;

    /// <summary>Searches once typing pauses for <see cref="SearchPause"/>: a keystroke cancels the search the previous one scheduled.</summary>
    private async Task SearchTyped(ChangeEventArgs e)
    {
        _search = e.Value?.ToString();
        _typing?.Cancel();
        _typing?.Dispose();
        var typing = _typing = new CancellationTokenSource();
        try
        {
            await Task.Delay(SearchPause, typing.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await _grid.FirstPageAsync();
    }

    private static readonly TimeSpan SearchPause = TimeSpan.FromMilliseconds(300);

    private Task ProjectChanged(Guid? projectId)
    {
        _filter = _filter with { ProjectId = projectId };
        return _grid.FirstPageAsync();
    }

    private Task StateChanged(ClusterState? state)
    {
        _filter = _filter with { State = state };
        return _grid.FirstPageAsync();
    }

    private Task ProjectPicked(ChangeEventArgs e) =>
        ProjectChanged(Guid.TryParse(e.Value?.ToString(), out var id) ? id : null);

    private Task StatePicked(ChangeEventArgs e) =>
        StateChanged(Enum.TryParse<ClusterState>(e.Value?.ToString(), out var state) ? state : null);

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Reloads the current page (or switches between the empty state and the grid when clusters appear or go).</summary>
    private async Task RefreshAsync()
    {
        var any = (await Clusters.ListAsync(_actor!, new ClusterFilter(), new PageRequest(0, 1))).Total > 0;
        if (any != _anyClusters)
        {
            // The grid (or the empty state) appears or goes; a new grid asks for its first page itself.
            _anyClusters = any;
            StateHasChanged();
            return;
        }
        if (_grid is not null) await _grid.ReloadServerData();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _live?.Dispose();
        _typing?.Cancel();
        _typing?.Dispose();
    }

    private sealed record ProjectChoice(Guid Id, string Label);
}
