using Microsoft.AspNetCore.Components;
using Portal.Domain.Common;
using Radzen;

namespace Portal.Components.Legacy;

/// <summary>
/// A form in a dialog whose save is a domain command: while saving the submit button is busy; a refusal
/// stays in the dialog (shown by <see cref="RefusalText"/>), success closes it with <c>true</c>.
/// </summary>
public abstract class LegacyFormDialogBase : ComponentBase
{
    [Inject] protected DialogService Dialogs { get; set; } = default!;

    protected Refusal? Refused { get; private set; }
    protected bool Saving { get; private set; }

    protected async Task SubmitAsync(Func<Task<Result>> save)
    {
        Saving = true;
        try
        {
            var result = await save();
            if (result.Succeeded) Dialogs.Close(true);
            else Refused = result.Refusal;
        }
        finally
        {
            Saving = false;
        }
    }

    protected void Cancel() => Dialogs.Close(false);

    /// <summary>Forgets the last refusal, once the input it was about has been corrected.</summary>
    protected void ClearRefusal() => Refused = null;
}
