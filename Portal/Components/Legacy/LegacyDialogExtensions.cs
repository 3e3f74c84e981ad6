using Portal.Domain.Common;
using Radzen;

namespace Portal.Components.Legacy;

/// <summary>The portal's standard dialogs, opened the same way everywhere.</summary>
public static class LegacyDialogExtensions
{
    private static readonly DialogOptions FormOptions = new() { Width = "520px", CloseDialogOnEsc = true, ShowClose = true };

    /// <summary>Opens the name/description form; true when the save succeeded.</summary>
    public static async Task<bool> EditNameAsync(this DialogService dialogs, string title, Func<string?, string?, Task<Result>> save,
        string? name = null, string? description = null, string saveText = "Save", string nameLabel = "Name", string? intro = null)
    {
        var result = await dialogs.OpenAsync<LegacyNameDescriptionDialog>(title, new Dictionary<string, object?>
        {
            [nameof(LegacyNameDescriptionDialog.Save)] = save,
            [nameof(LegacyNameDescriptionDialog.InitialName)] = name,
            [nameof(LegacyNameDescriptionDialog.InitialDescription)] = description,
            [nameof(LegacyNameDescriptionDialog.SaveText)] = saveText,
            [nameof(LegacyNameDescriptionDialog.NameLabel)] = nameLabel,
            [nameof(LegacyNameDescriptionDialog.Intro)] = intro,
        }, FormOptions);
        return result is true;
    }

    /// <summary>Opens any form dialog with the standard options; true when it closed with success.</summary>
    public static async Task<bool> OpenFormAsync<TDialog>(this DialogService dialogs, string title, Dictionary<string, object?> parameters)
        where TDialog : Microsoft.AspNetCore.Components.ComponentBase =>
        await dialogs.OpenAsync<TDialog>(title, parameters, FormOptions) is true;

    /// <summary>Asks before an irreversible action; the confirm button names the action.</summary>
    public static async Task<bool> ConfirmAsync(this DialogService dialogs, string title, string message, string confirmText) =>
        await dialogs.Confirm(message, title, new ConfirmOptions
        {
            OkButtonText = confirmText,
            CancelButtonText = "Cancel",
            CloseDialogOnEsc = true,
            Width = "460px",
        }) == true;
}
