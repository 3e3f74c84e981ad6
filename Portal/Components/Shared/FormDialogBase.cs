using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Domain.Common;

namespace Portal.Components.Shared;

/// <summary>
/// A form in a dialog whose save is a domain command: while saving the submit button is busy; a refusal
/// stays in the dialog (shown by <see cref="RefusalText"/>), success closes it with <c>true</c>.
/// </summary>
public abstract class FormDialogBase : ComponentBase
{
    [CascadingParameter] protected IMudDialogInstance Dialog { get; set; } = default!;

    protected Refusal? Refused { get; private set; }
    protected bool Saving { get; private set; }

    protected async Task SubmitAsync(Func<Task<Result>> save)
    {
        if (Saving) return; // a double click must not send the command twice
        Saving = true;
        try
        {
            var result = await save();
            if (result.Succeeded) Dialog.Close(DialogResult.Ok(true));
            else Refused = result.Refusal;
        }
        finally
        {
            Saving = false;
        }
    }

    protected void Cancel() => Dialog.Cancel();

    /// <summary>Forgets the last refusal, once the input it was about has been corrected.</summary>
    protected void ClearRefusal() => Refused = null;
}
