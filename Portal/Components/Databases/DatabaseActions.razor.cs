using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Identity;

namespace Portal.Components.Databases;

public sealed partial class DatabaseActions
{
    [Parameter, EditorRequired] public DatabaseDetail Database { get; set; } = default!;
    /// <summary>Raised after every action (accepted or not), so the page reloads the database.</summary>
    [Parameter] public EventCallback Changed { get; set; }
    /// <summary>A refusal of an action started without a form (confirmations), for the page to show; null clears it.</summary>
    [Parameter] public EventCallback<Refusal?> Refused { get; set; }

    [Inject] private DatabaseService Databases { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private bool _busy;

    private Task ScaleAsync() => FormAsync<ScaleDatabaseDialog, int?>($"Scale {Database.Name}", nameof(ScaleDatabaseDialog.Save),
        (actor, d, value) => Databases.ScaleAsync(actor, d.Id, d.Version, value), "Scaling");

    private Task GrowStorageAsync() => FormAsync<GrowStorageDialog, int?>($"Grow the storage of {Database.Name}", nameof(GrowStorageDialog.Save),
        (actor, d, value) => Databases.GrowStorageAsync(actor, d.Id, d.Version, value), "Growing the storage of");

    private Task ChangeComputeAsync() => FormAsync<ChangeComputeDialog, string?>($"Change the compute of {Database.Name}", nameof(ChangeComputeDialog.Save),
        (actor, d, value) => Databases.ChangeComputeAsync(actor, d.Id, d.Version, value), "Changing the compute of");

    private Task SwitchoverAsync() => FormAsync<SwitchoverDialog, string?>($"Switch over {Database.Name}", nameof(SwitchoverDialog.Save),
        (actor, d, value) => Databases.SwitchoverAsync(actor, d.Id, d.Version, value), "Switching over");

    private Task UpdateMinorAsync() => ConfirmAsync($"Update {Database.Name}?",
        $"Updates PostgreSQL from {Database.PostgresVersion} to {Database.MinorTarget}, with a rolling restart: replicas first, then a switchover. Connections drop briefly.",
        "Update", false, (actor, d) => Databases.UpdateMinorAsync(actor, d.Id, d.Version), "Updating");

    private Task UpgradeMajorAsync() => ConfirmAsync($"Upgrade {Database.Name} to PostgreSQL {Database.MajorTarget}?",
        $"Upgrades PostgreSQL {DatabaseRules.MajorOf(Database.PostgresVersion)} to {Database.MajorTarget} in place (pg_upgrade). The database is down while it runs. " +
        (Database.BackupSchedule is not null ? "A backup is taken first. " : "Backups are off: no backup is taken first. ") +
        "It cannot be undone: a major version cannot be downgraded.",
        "Upgrade", true, (actor, d) => Databases.UpgradeMajorAsync(actor, d.Id, d.Version, d.MajorTarget), "Upgrading");

    private Task RestartAsync() => ConfirmAsync($"Restart {Database.Name}?",
        "Restarts every instance, one at a time: replicas first, then a switchover. Connections drop briefly.",
        "Restart", false, (actor, d) => Databases.RestartAsync(actor, d.Id, d.Version), "Restarting");

    private Task HibernateAsync() => ConfirmAsync($"Hibernate {Database.Name}?",
        "Stops every instance. The data is kept on its volumes; connections drop and the database cannot be reached until you wake it. Backups pause meanwhile.",
        "Hibernate", true, (actor, d) => Databases.HibernateAsync(actor, d.Id, d.Version), "Hibernating");

    private Task WakeAsync() => ConfirmAsync($"Wake {Database.Name}?",
        "Starts the instances again on their kept volumes; the database accepts connections once the primary is up.",
        "Wake", false, (actor, d) => Databases.WakeAsync(actor, d.Id, d.Version), "Waking");

    private async Task FormAsync<TDialog, TValue>(string title, string saveName,
        Func<Actor, DatabaseDetail, TValue, Task<Result<StartedDatabaseOperation>>> act, string doing) where TDialog : IComponent
    {
        var actor = await CurrentActor.GetAsync();
        var database = Database;
        if (await Dialogs.OpenFormAsync<TDialog>(title, new()
            {
                ["Database"] = database,
                [saveName] = (Func<TValue, Task<Result>>)(async value => await act(actor, database, value)),
            }))
        {
            await Refused.InvokeAsync(null);
            Snackbar.Add($"{doing} {database.Name}; its progress shows in the action history.", Severity.Info);
        }
        await Changed.InvokeAsync();
    }

    private async Task ConfirmAsync(string title, string message, string confirmText, bool destructive,
        Func<Actor, DatabaseDetail, Task<Result<StartedDatabaseOperation>>> act, string doing)
    {
        var database = Database;
        if (!await Dialogs.ConfirmAsync(title, message, confirmText, destructive)) return;
        _busy = true;
        try
        {
            var result = await act(await CurrentActor.GetAsync(), database);
            await Refused.InvokeAsync(result.Refusal);
            if (result.Succeeded) Snackbar.Add($"{doing} {database.Name}; its progress shows in the action history.", Severity.Info);
        }
        finally
        {
            _busy = false;
        }
        await Changed.InvokeAsync();
    }
}
