using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Identity;

namespace Portal.Components.Databases;

public sealed partial class BackupsCard
{
    [Inject] private DatabaseService Databases { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Parameter, EditorRequired] public DatabaseDetail Database { get; set; } = default!;
    [Parameter] public EventCallback Changed { get; set; }
    [Parameter] public EventCallback<Refusal?> Refused { get; set; }

    private bool _busy;

    private BackupHealth Backups => Database.Backups;

    private async Task BackupNowAsync()
    {
        if (!await Dialogs.ConfirmAsync($"Back up {Database.Name} now?",
                "Takes a full backup to the platform's object store now, besides the schedule. The database keeps serving.", "Back up now", destructive: false))
            return;
        _busy = true;
        try
        {
            var result = await Databases.BackupNowAsync(await CurrentActor.GetAsync(), Database.Id, Database.Version);
            await Refused.InvokeAsync(result.Refusal);
            if (result.Succeeded) Snackbar.Add($"Backing up {Database.Name}; its progress shows in the action history.", Severity.Info);
        }
        finally
        {
            _busy = false;
        }
        await Changed.InvokeAsync();
    }

    private async Task RestoreAsync()
    {
        var actor = await CurrentActor.GetAsync();
        var projects = await Databases.RestoreProjectsAsync(actor, Database.Id);
        var now = Clock.GetUtcNow();
        var latest = Backups.WindowTo is { } to && to < now ? to : now;
        Guid? created = null;
        var sourceId = Database.Id;
        if (!await Dialogs.OpenFormAsync<RestoreDatabaseDialog>($"Restore {Database.Name} to a new database", new()
            {
                [nameof(RestoreDatabaseDialog.Database)] = Database,
                [nameof(RestoreDatabaseDialog.Projects)] = projects,
                [nameof(RestoreDatabaseDialog.Latest)] = latest,
                [nameof(RestoreDatabaseDialog.Save)] = (Func<string?, Guid?, DateTimeOffset?, Task<Result>>)(async (name, projectId, point) =>
                {
                    var result = await Databases.RestoreAsync(actor, new RestoreDatabaseRequest(sourceId, projectId, name, point));
                    created = result.Value?.DatabaseId;
                    return result;
                }),
            }))
            return;
        Snackbar.Add("The restore started: the new database is being created from the backups; its progress shows on its page.", Severity.Success);
        Navigation.NavigateTo($"databases/{created}");
    }
}
