using MudBlazor;
using Portal.Domain.Common;

namespace Portal.Components.Shared;

/// <summary>The portal's standard dialogs, opened the same way everywhere.</summary>
public static class DialogExtensions
{
    /// <summary>
    /// Form dialogs: Escape and the close button cancel; a click beside the dialog does not lose typed input. Focus stays
    /// where the dialog's first field puts it (AutoFocus): MudBlazor's default moves focus to the dialog a moment after it
    /// opens and swallows what was typed meanwhile.
    /// </summary>
    public static readonly DialogOptions FormOptions = new()
    {
        DefaultFocus = DefaultFocus.None,
        MaxWidth = MaxWidth.Small,
        FullWidth = true,
        CloseOnEscapeKey = true,
        CloseButton = true,
        BackdropClick = false,
    };

    // A plain question takes the focus on its first control (the close button): Escape or Enter leave it, Tab reaches
    // the action. A type-the-name confirmation keeps the focus in its name field.
    private static readonly DialogOptions ConfirmOptions = new()
    {
        DefaultFocus = DefaultFocus.FirstChild,
        MaxWidth = MaxWidth.ExtraSmall,
        FullWidth = true,
        CloseOnEscapeKey = true,
        CloseButton = true,
    };

    /// <summary>Opens the name/description form; true when the save succeeded.</summary>
    public static Task<bool> EditNameAsync(this IDialogService dialogs, string title, Func<string?, string?, Task<Result>> save,
        string? name = null, string? description = null, string saveText = "Save", string nameLabel = "Name", string? intro = null) =>
        dialogs.OpenFormAsync<NameDescriptionDialog>(title, new Dictionary<string, object?>
        {
            [nameof(NameDescriptionDialog.Save)] = save,
            [nameof(NameDescriptionDialog.InitialName)] = name,
            [nameof(NameDescriptionDialog.InitialDescription)] = description,
            [nameof(NameDescriptionDialog.SaveText)] = saveText,
            [nameof(NameDescriptionDialog.NameLabel)] = nameLabel,
            [nameof(NameDescriptionDialog.Intro)] = intro,
        });

    /// <summary>Opens any form dialog with the standard options; true when it closed with success.</summary>
    public static async Task<bool> OpenFormAsync<TDialog>(this IDialogService dialogs, string title, Dictionary<string, object?> parameters)
        where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        var dialogParameters = new DialogParameters();
        foreach (var (key, value) in parameters) dialogParameters.Add(key, value);
        var reference = await dialogs.ShowAsync<TDialog>(title, dialogParameters, FormOptions);
        var result = await reference.Result;
        return result is { Canceled: false, Data: true };
    }

    /// <summary>Asks before an action; the confirm button names the action.</summary>
    public static Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string confirmText, bool destructive = true) =>
        dialogs.OpenConfirmAsync(title, new Dictionary<string, object?>
        {
            [nameof(ConfirmDialog.Message)] = message,
            [nameof(ConfirmDialog.ConfirmText)] = confirmText,
            [nameof(ConfirmDialog.Destructive)] = destructive,
        });

    /// <summary>
    /// Asks before an irreversible action by having the person type the resource's name; the confirm button stays
    /// disabled until the name matches exactly. <paramref name="act"/> runs the command: a refusal stays in the dialog.
    /// </summary>
    public static Task<bool> ConfirmByTypingAsync(this IDialogService dialogs, string title, string message, string name,
        string confirmText, Func<Task<Result>> act) =>
        dialogs.OpenConfirmAsync(title, new Dictionary<string, object?>
        {
            [nameof(ConfirmDialog.Message)] = message,
            [nameof(ConfirmDialog.ConfirmText)] = confirmText,
            [nameof(ConfirmDialog.Destructive)] = true,
            [nameof(ConfirmDialog.TypedName)] = name,
            [nameof(ConfirmDialog.Act)] = act,
        });

    private static async Task<bool> OpenConfirmAsync(this IDialogService dialogs, string title, Dictionary<string, object?> parameters)
    {
        var dialogParameters = new DialogParameters();
        foreach (var (key, value) in parameters) dialogParameters.Add(key, value);
        var options = parameters.ContainsKey(nameof(ConfirmDialog.TypedName)) ? ConfirmOptions with { DefaultFocus = DefaultFocus.None } : ConfirmOptions;
        var reference = await dialogs.ShowAsync<ConfirmDialog>(title, dialogParameters, options);
        var result = await reference.Result;
        return result is { Canceled: false, Data: true };
    }
}
