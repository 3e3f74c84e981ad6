using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Operations;
using Portal.Components.Shared;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.Tenancy;
using Portal.Identity;
using Portal.Jobs.Operations;

namespace Portal.Components.Databases;

public sealed partial class DatabasesPage : IDisposable
{
    [Inject] private DatabaseService Databases { get; set; } = default!;
    [Inject] private TenancyService Tenancy { get; set; } = default!;
    [Inject] private IResourceNotifier Resources { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<DatabasesPage> Logger { get; set; } = default!;

    private static readonly TimeSpan SearchPause = TimeSpan.FromMilliseconds(300);

    private MudDataGrid<DatabaseRow>? _grid;
    private Actor? _actor;
    // Null until known: the page shows neither the empty state nor the grid before the first count.
    private bool? _anyDatabases;
    private bool _showTenant;
    private string? _search;
    private DatabaseFilter _filter = new();
    private IReadOnlyList<ProjectOption> _projects = [];
    private IReadOnlyList<ProjectChoice> _visibleProjects = [];
    private IDisposable? _subscription;
    private LiveRefresh? _live;
    private CancellationTokenSource? _typing;

    /// <summary><c>/databases?project=&lt;id&gt;</c> opens the list filtered to one project.</summary>
    [SupplyParameterFromQuery(Name = "project")] public string? ProjectQueryText { get; set; }
    private Guid? ProjectQuery => QueryValues.Id(ProjectQueryText, "project", Logger);

    protected override async Task OnInitializedAsync()
    {
        if (ProjectQuery is { } project) _filter = _filter with { ProjectId = project };
        _actor = await CurrentActor.GetAsync();
        _projects = await Databases.ProjectsForCreateAsync(_actor);
        var visible = await Tenancy.ListProjectsAsync(_actor, null, new PageRequest(0, Limits.MaxPageSize));
        _showTenant = _actor.CanReadPlatform || visible.Items.Select(p => p.TenantId).Distinct().Count() > 1;
        _visibleProjects = visible.Items.Select(p => new ProjectChoice(p.Id, _showTenant ? $"{p.TenantName} / {p.Name}" : p.Name)).ToList();
        _anyDatabases = (await Databases.ListAsync(_actor, new DatabaseFilter(), new PageRequest(0, 1))).Total > 0;

        // Reload when a database changes (an operation's progress or end, or what the reconcile read back); one reload per second at most.
        _live = new LiveRefresh(() => InvokeAsync(RefreshAsync), TimeSpan.FromSeconds(1), Logger);
        _subscription = Resources.Subscribe(change => change.Type == DatabaseOperations.Target, _ => _live.RequestAsync());
    }

    /// <summary>One page, sorted and filtered by the server (the grid's sort names the row's property).</summary>
    private async Task<GridData<DatabaseRow>> LoadAsync(GridState<DatabaseRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var field = sort?.SortBy switch
        {
            nameof(DatabaseRow.Name) => DatabaseSort.Name,
            nameof(DatabaseRow.ProjectName) => DatabaseSort.Project,
            nameof(DatabaseRow.PostgresVersion) => DatabaseSort.Version,
            nameof(DatabaseRow.State) => DatabaseSort.State,
            _ => DatabaseSort.Created,
        };
        var descending = sort?.Descending ?? true;
        try
        {
            var page = await Databases.ListAsync(_actor ?? await CurrentActor.GetAsync(), _filter,
                new PageRequest(state.Page * state.PageSize, state.PageSize, _search), field, descending, ct);
            // Nothing at all, not just nothing matching: the last one went between the check on opening and this load
            // (its removal's notice can come before this page listened), so the empty state replaces the grid.
            if (page.Total == 0 && _anyDatabases == true && _filter == new DatabaseFilter() && string.IsNullOrWhiteSpace(_search))
            {
                _anyDatabases = false;
                _ = InvokeAsync(StateHasChanged);
            }
            return new GridData<DatabaseRow> { Items = page.Items, TotalItems = page.Total };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // A newer request (another filter or page) replaced this one; its answer is the one shown.
            return new GridData<DatabaseRow> { Items = [], TotalItems = 0 };
        }
    }

    /// <summary>Searches once typing pauses: a keystroke cancels the search the previous one scheduled.</summary>
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
        await FirstPageAsync();
    }

    private Task ProjectPicked(ChangeEventArgs e)
    {
        _filter = _filter with { ProjectId = Guid.TryParse(e.Value?.ToString(), out var id) ? id : null };
        return FirstPageAsync();
    }

    private Task StatePicked(ChangeEventArgs e)
    {
        _filter = _filter with { State = Enum.TryParse<ClusterState>(e.Value?.ToString(), out var state) ? state : null };
        return FirstPageAsync();
    }

    private Task FirstPageAsync() => _grid.FirstPageAsync();

    /// <summary>Reloads the current page (or switches between the empty state and the grid when databases appear or go).</summary>
    private async Task RefreshAsync()
    {
        var any = (await Databases.ListAsync(_actor!, new DatabaseFilter(), new PageRequest(0, 1))).Total > 0;
        if (any != _anyDatabases)
        {
            _anyDatabases = any;
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
