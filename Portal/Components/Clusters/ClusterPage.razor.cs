using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Portal.Components.Operations;
using Portal.Components.Shared;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Identity;
using Portal.Jobs.Clusters;
using Portal.Jobs.Operations;
using MudBlazor;

namespace Portal.Components.Clusters;

public sealed partial class ClusterPage : IAsyncDisposable
{
    [Parameter] public Guid Id { get; set; }

    [Inject] private ClusterService Clusters { get; set; } = default!;
    [Inject] private ClusterCommands Commands { get; set; } = default!;
    [Inject] private IResourceNotifier Resources { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private ILogger<ClusterPage> Logger { get; set; } = default!;

    private ClusterDetail? _cluster;
    private bool _notFound;
    private Refusal? _refusal;
    private bool _downloading;
    private Guid? _historyPool;
    private Guid? _loadedId;
    private IDisposable? _subscription;
    private LiveRefresh? _live;
    private IJSObjectReference? _download;
    // The cluster's and its pools' ids as text, as change events carry them.
    private volatile HashSet<string> _targets = [];
    // Pools of other clusters, learnt from their events, so each is looked up once.
    private readonly ConcurrentDictionary<string, bool> _otherPools = new(StringComparer.Ordinal);

    private IReadOnlyCollection<Guid> PoolIds => _cluster?.Pools.Select(p => p.Id).ToList() ?? [];

    private IReadOnlyList<HistoryScope> HistoryScopes =>
        [new(Guid.Empty, "The whole cluster"), .. (_cluster?.Pools ?? []).Select(p => new HistoryScope(p.Id, $"Node pool {p.Name}"))];

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId == Id) return;
        _loadedId = Id;
        _historyPool = null;
        _refusal = null;
        _otherPools.Clear();
        await LoadAsync();
        _subscription?.Dispose();
        _live?.Dispose();
        _live = new LiveRefresh(() => InvokeAsync(ReloadAsync), TimeSpan.FromMilliseconds(300), Logger);
        // Reload when the cluster or one of its pools changes: an operation's progress or end, or what the reconcile read back.
        _subscription = Resources.Subscribe(change => change.Type is ClusterOperations.ClusterTarget or ClusterOperations.PoolTarget, OnResourceChangedAsync);
    }

    private async Task OnResourceChangedAsync(ResourceChanged change)
    {
        if (await ConcernsAsync(change) && _live is { } live) await live.RequestAsync();
    }

    private async Task<bool> ConcernsAsync(ResourceChanged change)
    {
        // A refresh names nothing: this replica may have missed changes from the others.
        if (change.IsRefresh || _targets.Contains(change.Id)) return true;
        if (change.Type != ClusterOperations.PoolTarget || _otherPools.ContainsKey(change.Id)) return false;
        // A pool this page does not show: one someone else is adding to this cluster, or another cluster's. Asked once.
        var owner = await Clusters.ClusterOfAsync(change.Type, change.Id);
        if (owner == Id) return true;
        if (owner is not null) _otherPools.TryAdd(change.Id, true);
        return false;
    }

    private async Task LoadAsync()
    {
        var result = await Clusters.GetAsync(await CurrentActor.GetAsync(), Id);
        _notFound = !result.Succeeded && _cluster is null;
        if (result.Succeeded)
        {
            _cluster = result.Value;
        }
        else if (_cluster is { } gone)
        {
            // It went away while shown (its deletion finished): back to the list, which no longer has it.
            _cluster = null;
            _targets = [];
            Snackbar.Add($"Cluster {gone.Name} was deleted.", Severity.Info);
            Navigation.NavigateTo("clusters");
            return;
        }
        _targets = _cluster is null ? [] : [_cluster.Id.ToString(), .. _cluster.Pools.Select(p => p.Id.ToString())];
        if (_historyPool is { } pool && _cluster?.Pools.All(p => p.Id != pool) == true) _historyPool = null;
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    private void ShowPoolHistory(Guid poolId) => _historyPool = poolId;

    private async Task DownloadKubeconfigAsync()
    {
        var cluster = _cluster!;
        _downloading = true;
        try
        {
            var kubeconfig = await Commands.KubeconfigAsync(await CurrentActor.GetAsync(), cluster.Id);
            _refusal = kubeconfig.Refusal;
            if (!kubeconfig.Succeeded) return;
            _download ??= await Js.InvokeAsync<IJSObjectReference>("import", "./js/download.js");
            await _download.InvokeVoidAsync("downloadText", $"{cluster.Name}-kubeconfig.yaml", kubeconfig.Value, "application/yaml");
            Snackbar.Add("Kubeconfig downloaded. It grants admin access to the cluster: keep it safe.", Severity.Info);
        }
        finally
        {
            _downloading = false;
        }
    }

    private bool _resyncing;

    private async Task ResyncAsync()
    {
        var cluster = _cluster!;
        if (!await Dialogs.ConfirmAsync($"Resync {cluster.Name}?",
                "Applies the cluster's whole spec (control plane, node pools, add-ons) to the management cluster again and waits until the cloud matches it. " +
                "Nothing changes that is already right; use it after a fault in the cloud was fixed.", "Resync", destructive: false))
            return;
        _resyncing = true;
        try
        {
            var result = await Clusters.ResyncAsync(await CurrentActor.GetAsync(), cluster.Id, cluster.Version);
            _refusal = result.Refusal;
            if (result.Succeeded)
                Snackbar.Add($"Resyncing {cluster.Name}; its progress shows in the action history.", Severity.Info);
        }
        finally
        {
            _resyncing = false;
        }
        await ReloadAsync();
    }

    private async Task DeleteAsync()
    {
        var cluster = _cluster!;
        var actor = await CurrentActor.GetAsync();
        if (!await Dialogs.OpenFormAsync<DeleteClusterDialog>($"Delete cluster {cluster.Name}", new()
            {
                [nameof(DeleteClusterDialog.Cluster)] = cluster,
                [nameof(DeleteClusterDialog.Save)] = (Func<string?, Task<Result>>)(async typed => await Clusters.DeleteAsync(actor, cluster.Id, typed)),
            }))
            return;
        // The list shows it Deleting until it is gone; this page would only turn into "not found".
        Snackbar.Add($"Deleting {cluster.Name}; it leaves the list once its machines are gone.", Severity.Info);
        Navigation.NavigateTo("clusters");
    }

    private static string AlertTitle(ClusterDetail cluster) => cluster.State switch
    {
        ClusterState.Error => "The cluster is in error",
        ClusterState.Degraded => "The cluster is degraded: it runs, but its last change did not complete",
        _ => "The cloud reports a fault",
    };

    private static string AlertAdvice(ClusterDetail cluster) => cluster.State switch
    {
        ClusterState.Error => "Retry the failed action in the action history below once the cause is fixed, or delete the cluster.",
        ClusterState.Degraded => "Retry the failed action in the action history below, or once the cause in the cloud is fixed, Resync the cluster.",
        _ => "It stays shown here until the cloud clears it; Resync once the cause is fixed.",
    };

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _live?.Dispose();
        if (_download is not null)
        {
            try
            {
                await _download.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the module.
            }
        }
    }

    private string HistoryScopeText(Guid value) => HistoryScopes.FirstOrDefault(s => s.Value == value)?.Text ?? "";

    private sealed record HistoryScope(Guid Value, string Text);
}
