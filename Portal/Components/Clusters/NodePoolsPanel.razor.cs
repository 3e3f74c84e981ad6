using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Components.Clusters;

public sealed partial class NodePoolsPanel
{
    [Parameter, EditorRequired] public ClusterDetail Cluster { get; set; } = default!;
    [Parameter] public EventCallback Changed { get; set; }
    [Parameter] public EventCallback<Refusal?> Refused { get; set; }
    [Parameter] public EventCallback<Guid> ShowHistory { get; set; }

    private async Task AddAsync()
    {
        var actor = await CurrentActor.GetAsync();
        var flavors = await Clusters.FlavorsForAsync(actor, Cluster.Id);
        var (clusterId, version) = (Cluster.Id, Cluster.Version);
        await AfterDialogAsync(Dialogs.OpenFormAsync<NodePoolDialog>($"Add a node pool to {Cluster.Name}", new()
        {
            [nameof(NodePoolDialog.Cluster)] = Cluster,
            [nameof(NodePoolDialog.Flavors)] = flavors,
            [nameof(NodePoolDialog.Save)] = (Func<NodePoolRequest, Task<Result>>)(async request => await Clusters.AddPoolAsync(actor, clusterId, version, request)),
        }), "Adding the node pool; its progress shows in the action history.");
    }

    private async Task ScaleAsync(NodePoolView pool)
    {
        var actor = await CurrentActor.GetAsync();
        await AfterDialogAsync(Dialogs.OpenFormAsync<PoolScaleDialog>($"Scale node pool {pool.Name}", new()
        {
            [nameof(PoolScaleDialog.Pool)] = pool,
            [nameof(PoolScaleDialog.Save)] = (Func<int?, Task<Result>>)(async count => await Clusters.ScalePoolAsync(actor, pool.Id, pool.Version, count)),
        }), $"Scaling {pool.Name}; its progress shows in the action history.");
    }

    private async Task AutoscalerAsync(NodePoolView pool)
    {
        var actor = await CurrentActor.GetAsync();
        await AfterDialogAsync(Dialogs.OpenFormAsync<PoolAutoscalerDialog>($"Autoscaler of node pool {pool.Name}", new()
        {
            [nameof(PoolAutoscalerDialog.Pool)] = pool,
            [nameof(PoolAutoscalerDialog.Save)] = (Func<AutoscalerChange, Task<Result>>)(async change =>
                await Clusters.SetAutoscalerAsync(actor, pool.Id, pool.Version, change.Enabled, change.Min, change.Max, change.NodeCount)),
        }), $"Updating {pool.Name}; its progress shows in the action history.");
    }

    private async Task FlavorAsync(NodePoolView pool)
    {
        var actor = await CurrentActor.GetAsync();
        var flavors = await Clusters.FlavorsForAsync(actor, Cluster.Id);
        await AfterDialogAsync(Dialogs.OpenFormAsync<PoolFlavorDialog>($"Change the flavor of node pool {pool.Name}", new()
        {
            [nameof(PoolFlavorDialog.Pool)] = pool,
            [nameof(PoolFlavorDialog.Flavors)] = flavors,
            [nameof(PoolFlavorDialog.Save)] = (Func<Guid?, Task<Result>>)(async flavorId => await Clusters.ChangePoolFlavorAsync(actor, pool.Id, pool.Version, flavorId)),
        }), $"Updating {pool.Name}; its nodes are replaced with the new flavor.");
    }

    private async Task UpgradeAsync(NodePoolView pool)
    {
        if (!await Dialogs.ConfirmAsync($"Upgrade node pool {pool.Name}",
                $"Upgrade {pool.Name} from {pool.KubernetesVersion} to the control plane's {Cluster.KubernetesVersion}? This replaces all " +
                $"{ClusterFormat.Nodes(pool.NodeCount)} of the pool, one at a time, and cannot be undone. It typically takes 15–30 minutes.",
                "Upgrade pool"))
            return;
        var result = await Clusters.UpgradePoolAsync(await CurrentActor.GetAsync(), pool.Id, pool.Version);
        await AfterCommandAsync(result, $"Upgrading {pool.Name}; its progress shows in the action history.");
    }

    private async Task RemoveAsync(NodePoolView pool)
    {
        if (!await Dialogs.ConfirmAsync($"Remove node pool {pool.Name}",
                $"Remove {pool.Name} and its {ClusterFormat.Nodes(pool.NodeCount)} from {Cluster.Name}? Workloads on them are rescheduled onto the other pools if they fit. This cannot be undone.",
                "Remove pool"))
            return;
        var result = await Clusters.RemovePoolAsync(await CurrentActor.GetAsync(), pool.Id, pool.Version);
        await AfterCommandAsync(result, $"Removing {pool.Name}; its progress shows in the action history.");
    }

    /// <summary>A form dialog ran the command itself (its refusals stayed in the dialog): toast on success, then reload.</summary>
    private async Task AfterDialogAsync(Task<bool> dialog, string started)
    {
        if (await dialog)
        {
            await Refused.InvokeAsync(null);
            Snackbar.Add(started, Severity.Info);
        }
        await Changed.InvokeAsync();
    }

    /// <summary>A confirmed command: its refusal goes to the page's alert, success to a toast; then reload.</summary>
    private async Task AfterCommandAsync(Result result, string started)
    {
        await Refused.InvokeAsync(result.Refusal);
        if (result.Succeeded) Snackbar.Add(started, Severity.Info);
        await Changed.InvokeAsync();
    }
}
