using Microsoft.AspNetCore.Components;
using Portal.Components.Operations;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Identity;
using Portal.Jobs.Operations;
using Radzen;
using Radzen.Blazor;

namespace Portal.Components.Clusters;

public sealed partial class ClustersPage : IDisposable
{
    /// <summary>Cluster states also change without an operation (the periodic reconcile reads the cloud back).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    private static readonly IReadOnlyList<StateOption> StateOptions =
        Enum.GetValues<ClusterState>().Select(s => new StateOption(s, s.ToString())).ToList();

    [Inject] private ClusterService Clusters { get; set; } = default!;
    [Inject] private TenancyService Tenancy { get; set; } = default!;
    [Inject] private OperationNotifier Notifier { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<ClustersPage> Logger { get; set; } = default!;

    private RadzenDataGrid<ClusterRow>? _grid;
    private IEnumerable<ClusterRow>? _rows;
    private int _count;
    private bool _loading;
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
    private readonly CancellationTokenSource _stop = new();

    /// <summary><c>/clusters?project=&lt;id&gt;</c> opens the list filtered to one project (the Projects page links here).</summary>
    [SupplyParameterFromQuery(Name = "project")] public Guid? ProjectQuery { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (ProjectQuery is { } project) _filter = _filter with { ProjectId = project };
        _actor = await CurrentActor.GetAsync();
        _projects = await Clusters.ProjectsForCreateAsync(_actor);
        var visible = await Tenancy.ListProjectsAsync(_actor, null, new PageRequest(0, Limits.MaxPageSize));
        _showTenant = _actor.CanReadPlatform || visible.Items.Select(p => p.TenantId).Distinct().Count() > 1;
        _visibleProjects = visible.Items.Select(p => new ProjectChoice(p.Id, _showTenant ? $"{p.TenantName} / {p.Name}" : p.Name)).ToList();
        _anyClusters = (await Clusters.ListAsync(_actor, new ClusterFilter(), new PageRequest(0, 1))).Total > 0;

        // A burst of step changes costs one reload per second at most.
        _live = new LiveRefresh(() => InvokeAsync(RefreshAsync), TimeSpan.FromSeconds(1), Logger);
        _subscription = Notifier.Subscribe(change => ClusterOperations.IsClusterKind(change.Kind) ? _live.RequestAsync() : Task.CompletedTask);
        _ = PollAsync(_stop.Token);
    }

    private async Task LoadAsync(LoadDataArgs args)
    {
        _loading = true;
        var sort = args.Sorts?.FirstOrDefault(s => s.SortOrder is not null);
        var (field, descending) = sort?.Property switch
        {
            "Name" => (ClusterSort.Name, sort.SortOrder == SortOrder.Descending),
            "ProjectName" => (ClusterSort.Project, sort.SortOrder == SortOrder.Descending),
            "KubernetesVersion" => (ClusterSort.Version, sort.SortOrder == SortOrder.Descending),
            "State" => (ClusterSort.State, sort.SortOrder == SortOrder.Descending),
            "CreatedAt" => (ClusterSort.Created, sort.SortOrder == SortOrder.Descending),
            _ => (ClusterSort.Created, true),
        };
        var page = await Clusters.ListAsync(_actor ?? await CurrentActor.GetAsync(), _filter,
            new PageRequest(args.Skip ?? 0, args.Top ?? Limits.DefaultPageSize, _search), field, descending);
        _rows = page.Items;
        _count = page.Total;
        _loading = false;
    }

    private async Task FilterAsync(ClusterFilter filter)
    {
        _filter = filter;
        if (_grid is not null) await _grid.FirstPage(true);
    }

    private async Task SearchTyped(ChangeEventArgs e)
    {
        _search = e.Value?.ToString();
        if (_grid is not null) await _grid.FirstPage(true);
    }

    /// <summary>Reloads the current page (or switches between the empty state and the grid when clusters appear or go).</summary>
    private async Task RefreshAsync()
    {
        var any = (await Clusters.ListAsync(_actor!, new ClusterFilter(), new PageRequest(0, 1))).Total > 0;
        if (any != _anyClusters)
        {
            _anyClusters = any;
            // A grid rendered anew must start without data, or it never asks for its first page.
            _rows = null;
            StateHasChanged();
            return;
        }
        if (_grid is not null) await _grid.Reload();
        StateHasChanged();
    }

    private async Task PollAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                await _live!.RequestAsync();
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _subscription?.Dispose();
        _live?.Dispose();
    }

    private sealed record StateOption(ClusterState? Value, string Text);

    private sealed record ProjectChoice(Guid Id, string Label);
}
