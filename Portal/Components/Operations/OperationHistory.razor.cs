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
    }

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
