using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Operations;
using Portal.Components.Shared;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Identity;
using Portal.Jobs.Operations;

namespace Portal.Components.Databases;

public sealed partial class DatabasePage : IDisposable
{
    [Parameter] public Guid Id { get; set; }

    [Inject] private DatabaseService Databases { get; set; } = default!;
    [Inject] private IResourceNotifier Resources { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<DatabasePage> Logger { get; set; } = default!;

    private DatabaseDetail? _database;
    private bool _notFound;
    private Refusal? _refusal;
    private bool _resyncing;
    private Guid? _loadedId;
    private IDisposable? _subscription;
    private LiveRefresh? _live;

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId == Id) return;
        _loadedId = Id;
        _database = null;
        _refusal = null;
        await LoadAsync();
        _subscription?.Dispose();
        _live?.Dispose();
        _live = new LiveRefresh(() => InvokeAsync(ReloadAsync), TimeSpan.FromMilliseconds(300), Logger);
        // Reload when this database changes: an operation's progress or end, or what the reconcile read back. A refresh
        // names nothing: this replica may have missed changes from the others.
        var id = Id.ToString();
        _subscription = Resources.Subscribe(change => change.IsRefresh || (change.Type == DatabaseOperations.Target && change.Id == id), _ => _live.RequestAsync());
    }

    private async Task LoadAsync()
    {
        var result = await Databases.GetAsync(await CurrentActor.GetAsync(), Id);
        _notFound = !result.Succeeded && _database is null;
        if (result.Succeeded)
        {
            _database = result.Value;
        }
        else if (_database is { } gone)
        {
            // It went away while shown (its deletion finished): back to the list, which no longer has it.
            _database = null;
            Snackbar.Add($"Database {gone.Name} was deleted.", Severity.Info);
            Navigation.NavigateTo("databases");
        }
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    private async Task ResyncAsync()
    {
        var database = _database!;
        if (!await Dialogs.ConfirmAsync($"Resync {database.Name}?",
                "Applies the database's whole spec to the platform's cluster again and waits until the operator reports it healthy. " +
                "Nothing changes that is already right; use it after a fault on the platform was fixed.", "Resync", destructive: false))
            return;
        _resyncing = true;
        try
        {
            var result = await Databases.ResyncAsync(await CurrentActor.GetAsync(), database.Id, database.Version);
            _refusal = result.Refusal;
            if (result.Succeeded) Snackbar.Add($"Resyncing {database.Name}; its progress shows in the action history.", Severity.Info);
        }
        finally
        {
            _resyncing = false;
        }
        await ReloadAsync();
    }

    private async Task DeleteAsync()
    {
        var database = _database!;
        var actor = await CurrentActor.GetAsync();
        var backups = database.BackupSchedule is not null || database.Backups.LastGood is not null
            ? "Its backups stay in the platform's object store: they are not deleted with the database (they expire there by the store's own rules)."
            : "It has no backups, so its data cannot be recovered.";
        if (!await Dialogs.ConfirmByTypingAsync($"Delete database {database.Name}",
                $"This deletes {database.Name} with its {DatabaseFormat.Instances(database.Instances)} and their volumes: the data in it is gone from the platform. {backups} This cannot be undone.",
                database.Name, "Delete database", async () => await Databases.DeleteAsync(actor, database.Id, database.Name)))
            return;
        Snackbar.Add($"Deleting {database.Name}; it leaves the list once its instances are gone.", Severity.Info);
        Navigation.NavigateTo("databases");
    }

    private static string AlertTitle(DatabaseDetail database) => database.State switch
    {
        ClusterState.Error => "The database is in error",
        ClusterState.Degraded => "The database is degraded: it runs, but its last change did not complete",
        _ => "The operator reports a fault",
    };

    private static string AlertAdvice(DatabaseDetail database) => database.State switch
    {
        ClusterState.Error => "Retry the failed action in the action history below once the cause is fixed, or delete the database.",
        ClusterState.Degraded => "Retry the failed action in the action history below, or once the cause is fixed, Resync the database.",
        _ => "It stays shown here until the operator clears it; Resync once the cause is fixed.",
    };

    public void Dispose()
    {
        _subscription?.Dispose();
        _live?.Dispose();
    }
}
